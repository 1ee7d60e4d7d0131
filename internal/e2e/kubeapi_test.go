package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// kubeAPI is a kube-apiserver on 127.0.0.1 with its own etcd, as controller-runtime's
// envtest starts them: no kubelet, scheduler or controllers, so nothing runs, but
// every object meets the API server's validation, defaulting and admission.
type kubeAPI struct {
	kubeconfig string
	dir        string
}

// startKubeAPI starts etcd and kube-apiserver and waits until the API server is
// ready; t.Cleanup stops both by their PIDs.
func startKubeAPI(t *testing.T) *kubeAPI {
	t.Helper()
	dir := t.TempDir()
	pki := kubePKI(t, dir)
	ports := make([]int, 3)
	for i := range ports {
		p, err := dynFreePort()
		if err != nil {
			t.Fatal(err)
		}
		ports[i] = p
	}
	client := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	peer := fmt.Sprintf("http://127.0.0.1:%d", ports[1])
	etcd, err := dynStartProc(t, "etcd", dir, os.Environ(), []string{os.Getenv("SCAFFOLD_ETCD"),
		"--name=scaffold", "--data-dir=" + filepath.Join(dir, "etcd"),
		"--listen-client-urls=" + client, "--advertise-client-urls=" + client,
		"--listen-peer-urls=" + peer, "--initial-advertise-peer-urls=" + peer,
		"--initial-cluster=scaffold=" + peer,
		// A throwaway store: no fsync, which a busy CI disk makes slow.
		"--unsafe-no-fsync", "--log-level=warn"})
	if err != nil {
		t.Fatalf("etcd: %v", err)
	}
	api, err := dynStartProc(t, "kube-apiserver", dir, os.Environ(), []string{os.Getenv("SCAFFOLD_KUBE_APISERVER"),
		"--etcd-servers=" + client,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", ports[2]),
		"--cert-dir=" + dir, "--tls-cert-file=" + pki.serverCert, "--tls-private-key-file=" + pki.serverKey,
		"--client-ca-file=" + pki.caCert, "--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + pki.saKey, "--service-account-signing-key-file=" + pki.saKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		// The kubernetes Service's endpoints may not be a loopback address; nothing
		// here needs them.
		"--endpoint-reconciler-type=none",
		// No controller creates service accounts or their tokens here; PodSecurity,
		// which this check is about, stays on with every other default plugin.
		"--disable-admission-plugins=ServiceAccount"})
	if err != nil {
		t.Fatalf("kube-apiserver: %v", err)
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", ports[2])
	if err := kubeWaitReady(server, pki, 3*time.Minute, etcd, api); err != nil {
		t.Fatalf("%v\netcd:\n%s\nkube-apiserver:\n%s", err, dynTail(etcd.out.String(), dynTailLines), dynTail(api.out.String(), dynTailLines))
	}
	k := &kubeAPI{kubeconfig: filepath.Join(dir, "kubeconfig"), dir: dir}
	config := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
  - name: check
    cluster:
      server: %s
      certificate-authority: %s
users:
  - name: admin
    user:
      client-certificate: %s
      client-key: %s
contexts:
  - name: check
    context:
      cluster: check
      user: admin
current-context: check
`, server, pki.caCert, pki.adminCert, pki.adminKey)
	if err := os.WriteFile(k.kubeconfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("kube-apiserver ready at %s (etcd pid %d, kube-apiserver pid %d)", server, etcd.cmd.Process.Pid, api.cmd.Process.Pid)
	return k
}

// kubeWaitReady polls /readyz until the API server answers ok, failing early
// when either process exits.
func kubeWaitReady(server string, pki kubeFiles, timeout time.Duration, procs ...*dynProc) error {
	pool := x509.NewCertPool()
	ca, err := os.ReadFile(pki.caCert)
	if err != nil {
		return err
	}
	pool.AppendCertsFromPEM(ca)
	cert, err := tls.LoadX509KeyPair(pki.adminCert, pki.adminKey)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(timeout)
	last := ""
	for time.Now().Before(deadline) {
		for _, p := range procs {
			if p.exited() {
				return fmt.Errorf("%s exited (%v) before the API server was ready", p.name, p.err)
			}
		}
		resp, err := client.Get(server + "/readyz")
		if err == nil {
			var body bytes.Buffer
			_, _ = body.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("%d %s", resp.StatusCode, dynTail(body.String(), 10))
		} else {
			last = err.Error()
		}
		time.Sleep(time.Second)
	}
	return fmt.Errorf("the API server was not ready within %s: %s", timeout, last)
}

// kubectl runs kubectl against the API server and returns its output, stdout
// and stderr together.
func (k *kubeAPI) kubectl(t *testing.T, args ...string) (string, error) {
	t.Helper()
	argv := append([]string{os.Getenv("SCAFFOLD_KUBECTL"), "--kubeconfig=" + k.kubeconfig}, args...)
	return dynRunCommand(k.dir, os.Environ(), argv, 3*time.Minute)
}

// acceptsOverlay creates the overlay's namespace for real, then applies every
// object with a server-side dry run, and a pod made from each workload's pod
// template too: Pod Security admission refuses pods, and only warns about
// the templates of workloads. A warning fails the check as an error does.
func (k *kubeAPI) acceptsOverlay(t *testing.T, built []byte, overlay string) {
	t.Helper()
	objects, err := kubeObjects(built)
	if err != nil {
		t.Fatal(err)
	}
	var namespaces, pods []kubeObject
	for _, o := range objects {
		if o.kind() == "Namespace" {
			namespaces = append(namespaces, o)
		}
		if pod := kubePodOf(o); pod != nil {
			pods = append(pods, pod)
		}
	}
	if len(namespaces) != 1 || len(pods) == 0 {
		t.Fatalf("%s: %d namespaces and %d workloads, want one namespace and some workloads", overlay, len(namespaces), len(pods))
	}
	steps := []struct {
		what    string
		objects []kubeObject
		dryRun  bool
	}{
		{"namespace", namespaces, false},
		{"objects", objects, true},
		{"pods of the workloads", pods, true},
	}
	for _, step := range steps {
		file := k.writeObjects(t, step.objects)
		args := []string{"apply", "--server-side", "--field-manager=scaffold-check", "--filename=" + file}
		if step.dryRun {
			args = append(args, "--dry-run=server")
		}
		out, err := k.kubectl(t, args...)
		if err != nil {
			t.Errorf("%s: the API server refused the %s: %v\n%s", overlay, step.what, err, dynTail(out, dynTailLines))
			continue
		}
		if strings.Contains(out, "Warning:") {
			t.Errorf("%s: the API server warned about the %s:\n%s", overlay, step.what, dynTail(out, dynTailLines))
		}
	}
}

// refusesRoot proves the namespace's admission bites: the web pod, changed to
// run as root, is refused.
func (k *kubeAPI) refusesRoot(t *testing.T, built []byte) {
	t.Helper()
	objects, err := kubeObjects(built)
	if err != nil {
		t.Fatal(err)
	}
	var pod kubeObject
	for _, o := range objects {
		if o.kind() == "Deployment" && o.name() == "web" {
			pod = kubePodOf(o)
		}
	}
	if pod == nil {
		t.Fatal("no web Deployment")
	}
	spec := pod["spec"].(map[string]any)
	sc := spec["securityContext"].(map[string]any)
	sc["runAsNonRoot"], sc["runAsUser"] = false, 0
	out, err := k.kubectl(t, "apply", "--server-side", "--dry-run=server", "--field-manager=scaffold-check",
		"--filename="+k.writeObjects(t, []kubeObject{pod}))
	if err == nil {
		t.Fatalf("the API server accepted a pod that runs as root:\n%s", out)
	}
	if !strings.Contains(out, "violates PodSecurity \"restricted:") || !strings.Contains(out, "runAsNonRoot") {
		t.Errorf("the root pod was refused, but not by Pod Security admission:\n%s", out)
	}
	t.Logf("refused as it should be: %s", strings.TrimSpace(dynTail(out, 3)))
}

// kubePodOf makes a Pod of a workload's pod template, as its controller would,
// named after the workload; nil for other kinds.
func kubePodOf(o kubeObject) kubeObject {
	tmpl := kubePodTemplate(o)
	if tmpl == nil {
		return nil
	}
	// A copy, through YAML, so that changing the pod leaves the workload alone.
	data, err := yaml.Marshal(tmpl)
	if err != nil {
		return nil
	}
	var copied map[string]any
	if yaml.Unmarshal(data, &copied) != nil {
		return nil
	}
	meta, _ := copied["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
	}
	meta["name"] = strings.ToLower(o.kind()) + "-" + o.name()
	meta["namespace"] = kubeGet(o, "metadata", "namespace")
	spec, _ := copied["spec"].(map[string]any)
	// A StatefulSet's pods get a volume for each claim template.
	claims, _ := kubeGet(o, "spec", "volumeClaimTemplates").([]any)
	for _, c := range claims {
		name, _ := kubeGet(c, "metadata", "name").(string)
		volumes, _ := spec["volumes"].([]any)
		spec["volumes"] = append(volumes, map[string]any{
			"name":                  name,
			"persistentVolumeClaim": map[string]any{"claimName": name + "-" + o.name() + "-0"},
		})
	}
	return kubeObject{"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
}

// writeObjects writes objects as one YAML stream and returns its path.
func (k *kubeAPI) writeObjects(t *testing.T, objects []kubeObject) string {
	t.Helper()
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	for _, o := range objects {
		if err := enc.Encode(map[string]any(o)); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(k.dir, "objects-*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// kubeFiles are the paths of the check's keys and certificates.
type kubeFiles struct {
	caCert, serverCert, serverKey, adminCert, adminKey, saKey string
}

// kubePKI makes a throwaway certificate authority, the API server's serving
// certificate for 127.0.0.1, a client certificate in system:masters for kubectl,
// and the service account signing key.
func kubePKI(t *testing.T, dir string) kubeFiles {
	t.Helper()
	f := kubeFiles{
		caCert: filepath.Join(dir, "ca.crt"), serverCert: filepath.Join(dir, "server.crt"), serverKey: filepath.Join(dir, "server.key"),
		adminCert: filepath.Join(dir, "admin.crt"), adminKey: filepath.Join(dir, "admin.key"), saKey: filepath.Join(dir, "sa.key"),
	}
	now := time.Now()
	caKey := kubeKey(t)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "scaffold-check-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	kubeWritePEM(t, f.caCert, "CERTIFICATE", caDER)
	issue := func(serial int64, subject pkix.Name, usage x509.ExtKeyUsage, ips []net.IP, dns []string, certPath, keyPath string) {
		key := kubeKey(t)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: subject,
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: ips, DNSNames: dns,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kubeWritePEM(t, certPath, "CERTIFICATE", der)
		keyDER, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		kubeWritePEM(t, keyPath, "EC PRIVATE KEY", keyDER)
	}
	issue(2, pkix.Name{CommonName: "kube-apiserver"}, x509.ExtKeyUsageServerAuth,
		[]net.IP{net.IPv4(127, 0, 0, 1), net.IPv4(10, 0, 0, 1)}, []string{"localhost", "kubernetes.default.svc"}, f.serverCert, f.serverKey)
	issue(3, pkix.Name{CommonName: "scaffold-check", Organization: []string{"system:masters"}}, x509.ExtKeyUsageClientAuth,
		nil, nil, f.adminCert, f.adminKey)
	sa, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	kubeWritePEM(t, f.saKey, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(sa))
	return f
}

func kubeKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func kubeWritePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
