package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
	"gopkg.in/yaml.v3"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/writer"
)

// The Kubernetes tools that .ci/run builds from their Go modules (.ci/k8s-tools).
var kubeEnvVars = []string{"SCAFFOLD_KUSTOMIZE", "SCAFFOLD_KUBECTL", "SCAFFOLD_KUBE_APISERVER", "SCAFFOLD_ETCD"}

// kubeOverlays are the overlays of deploy/kubernetes; each is rendered and applied.
var kubeOverlays = []string{"production", "local"}

// kubeDir is where a generated project keeps its manifests.
const kubeDir = "deploy/kubernetes"

// TestKubernetes proves the generated manifests: every overlay of every
// combination that the suites run (with the manifests on, where the database
// allows them) is rendered with kustomize and checked, then a real kube-apiserver,
// on etcd, judges every object with server-side dry-run applies in a namespace
// that enforces the restricted Pod Security Standard, and refuses a root container.
func TestKubernetes(t *testing.T) {
	requireE2EEnv(t, kubeEnvVars,
		"the Kubernetes check needs kustomize, kubectl, kube-apiserver and etcd built from their Go modules",
		".ci/run builds them with .ci/k8s-tools and exports them; see start_k8s_tools there")
	kustomize := os.Getenv("SCAFFOLD_KUSTOMIZE")

	var projects []kubeProject
	for _, o := range kubeCombos(t) {
		projects = append(projects, kubeProject{opts: o})
	}
	t.Run("render", func(t *testing.T) {
		for i := range projects {
			p := &projects[i]
			t.Run(comboLabel(p.opts), func(t *testing.T) {
				t.Parallel()
				p.render(t, kustomize)
			})
		}
	})
	if t.Failed() {
		return
	}

	api := startKubeAPI(t)
	t.Run("apiserver", func(t *testing.T) {
		for _, p := range projects {
			t.Run(comboLabel(p.opts), func(t *testing.T) {
				for _, overlay := range kubeOverlays {
					api.acceptsOverlay(t, p.built[overlay], overlay)
				}
			})
		}
	})
	t.Run("refuses a root container", func(t *testing.T) {
		api.refusesRoot(t, projects[0].built["production"])
	})
}

// kubeCombos lists the combinations of the static matrix, the dynamic suite and
// the Docker stage, with the manifests turned on wherever the database allows
// them, each once; one more name shows how a project name becomes a
// Kubernetes name.
func kubeCombos(t *testing.T) []generator.Options {
	all := []generator.Options{withName(generator.DefaultOptions(), "myapi")}
	for _, c := range pairwiseValid(scaffoldParams, validScaffold) {
		all = append(all, withName(optionsOf(t, c), "my-api"))
	}
	for _, c := range dynCombos() {
		all = append(all, c.opts)
	}
	for _, c := range dockerCombos(nil) {
		all = append(all, c.opts)
	}
	named := generator.DefaultOptions()
	named.Name, named.Celery = "Shop_API2", true
	all = append(all, named)

	var out []generator.Options
	seen := map[string]bool{}
	for _, o := range all {
		if o.Database == "sqlite" {
			continue
		}
		o.Kubernetes = true
		if label := comboLabel(o); !seen[label] {
			seen[label] = true
			out = append(out, o)
		}
	}
	return out
}

// kubeProject is one generated project and the objects that each overlay renders.
type kubeProject struct {
	opts  generator.Options
	dir   string
	built map[string][]byte // overlay -> kustomize build output
}

// render generates the project, checks that no overlay builds before its secret
// files exist, writes them from their examples as a user would, builds every
// overlay with kustomize and checks the objects.
func (p *kubeProject) render(t *testing.T, kustomize string) {
	plan, err := generator.Render(p.opts, generator.Builtin(), rand.NewChaCha8([32]byte{7}))
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	p.dir = filepath.Join(t.TempDir(), p.opts.Name)
	if _, err := writer.Write(afero.NewOsFs(), p.dir, plan, false); err != nil {
		t.Fatalf("write: %v", err)
	}
	p.built = map[string][]byte{}
	for _, overlay := range kubeOverlays {
		dir := filepath.Join(p.dir, kubeDir, "overlays", overlay)
		out, err := dynRunCommand(p.dir, os.Environ(), []string{kustomize, "build", dir}, 2*time.Minute)
		if err == nil || !strings.Contains(out, "app.secret.env") {
			t.Errorf("%s: kustomize built the overlay without its secret file app.secret.env (%v):\n%s", overlay, err, dynTail(out, 5))
		}
		examples, _ := filepath.Glob(filepath.Join(dir, "*.secret.env.example"))
		if len(examples) == 0 {
			t.Fatalf("%s: no *.secret.env.example", overlay)
		}
		for _, example := range examples {
			data, err := os.ReadFile(example)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(strings.TrimSuffix(example, ".example"), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		var stdout, stderr bytes.Buffer
		if err := kubeRun(p.dir, &stdout, &stderr, kustomize, "build", dir); err != nil {
			t.Fatalf("kustomize build %s: %v\n%s", overlay, err, stderr.String())
		}
		p.built[overlay] = stdout.Bytes()
		objects, err := kubeObjects(stdout.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", overlay, err)
		}
		for _, problem := range kubeProblems(p.opts, overlay, objects) {
			t.Errorf("%s: %s", overlay, problem)
		}
	}
	script := filepath.Join(kubeDir, "deploy.sh")
	if info, err := os.Stat(filepath.Join(p.dir, script)); err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("%s is not an executable file (%v)", script, err)
	}
	if out, err := dynRunCommand(p.dir, os.Environ(), []string{"sh", "-n", script}, time.Minute); err != nil {
		t.Errorf("%s is not valid sh: %v\n%s", script, err, out)
	}
	ignored, err := os.ReadFile(filepath.Join(p.dir, ".gitignore"))
	if err != nil || !strings.Contains(string(ignored), "\n*.secret.env\n") {
		t.Errorf(".gitignore does not leave out *.secret.env (%v)", err)
	}
	ignored, err = os.ReadFile(filepath.Join(p.dir, ".dockerignore"))
	if err != nil || !strings.Contains(string(ignored), "\n**/*.secret.env\n") {
		t.Errorf(".dockerignore does not leave out **/*.secret.env (%v)", err)
	}
}

// kubeRun runs a tool to completion, with its stdout and stderr apart.
func kubeRun(dir string, stdout, stderr io.Writer, argv ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, stdout, stderr
	cmd.WaitDelay = 5 * time.Second
	return cmd.Run()
}

// kubeObject is one rendered object, as a generic map.
type kubeObject map[string]any

func (o kubeObject) kind() string { s, _ := o["kind"].(string); return s }
func (o kubeObject) name() string { s, _ := kubeGet(o, "metadata", "name").(string); return s }

// kubeGet walks nested maps by key.
func kubeGet(v any, path ...string) any {
	if o, ok := v.(kubeObject); ok {
		v = map[string]any(o)
	}
	for _, key := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[key]
	}
	return v
}

// kubeObjects splits kustomize's output into objects.
func kubeObjects(data []byte) ([]kubeObject, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []kubeObject
	for {
		// A plain map: yaml.v3 decodes nested mappings into the target's own map type.
		var o map[string]any
		err := dec.Decode(&o)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("kustomize output is not YAML: %w", err)
		}
		if o != nil {
			out = append(out, kubeObject(o))
		}
	}
}

// kubePodTemplate returns the pod template of a workload, or nil for other kinds.
func kubePodTemplate(o kubeObject) map[string]any {
	switch o.kind() {
	case "Deployment", "StatefulSet", "Job", "DaemonSet":
		tmpl, _ := kubeGet(o, "spec", "template").(map[string]any)
		return tmpl
	}
	return nil
}

// kubeProblems checks what the API server does not: the practices that the
// restricted Pod Security Standard leaves to the author, and the shape of each
// overlay.
func kubeProblems(o generator.Options, overlay string, objects []kubeObject) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	kinds := map[string]int{}
	names := map[string]bool{}
	for _, obj := range objects {
		kinds[obj.kind()]++
		names[obj.kind()+"/"+obj.name()] = true
		if ns, _ := kubeGet(obj, "metadata", "namespace").(string); obj.kind() != "Namespace" && ns != kubeName(o.Name) {
			bad("%s/%s is in namespace %q, not %q", obj.kind(), obj.name(), ns, kubeName(o.Name))
		}
		if obj.kind() == "Namespace" {
			labels, _ := kubeGet(obj, "metadata", "labels").(map[string]any)
			if labels["pod-security.kubernetes.io/enforce"] != "restricted" {
				bad("namespace %s does not enforce the restricted Pod Security Standard: %v", obj.name(), labels)
			}
		}
		tmpl := kubePodTemplate(obj)
		if tmpl == nil {
			continue
		}
		where := obj.kind() + "/" + obj.name()
		spec, _ := tmpl["spec"].(map[string]any)
		if spec["automountServiceAccountToken"] != false {
			bad("%s mounts a service account token", where)
		}
		if kubeGet(spec, "securityContext", "runAsNonRoot") != true {
			bad("%s: runAsNonRoot is not set on the pod", where)
		}
		if kubeGet(spec, "securityContext", "seccompProfile", "type") != "RuntimeDefault" {
			bad("%s: the pod's seccomp profile is not RuntimeDefault", where)
		}
		containers, _ := spec["containers"].([]any)
		for _, c := range containers {
			c, _ := c.(map[string]any)
			cname, _ := c["name"].(string)
			image, _ := c["image"].(string)
			if _, tag, ok := strings.Cut(image[strings.LastIndex(image, "/")+1:], ":"); !ok || tag == "" || tag == "latest" {
				bad("%s/%s: image %q has no tag, or latest", where, cname, image)
			}
			sc, _ := c["securityContext"].(map[string]any)
			if sc["readOnlyRootFilesystem"] != true || sc["allowPrivilegeEscalation"] != false {
				bad("%s/%s: the root file system is writable or privileges can escalate: %v", where, cname, sc)
			}
			if drop, _ := kubeGet(sc, "capabilities", "drop").([]any); !slices.Contains(drop, any("ALL")) {
				bad("%s/%s does not drop every capability", where, cname)
			}
			if kubeGet(c, "resources", "requests", "memory") == nil || kubeGet(c, "resources", "limits", "memory") == nil {
				bad("%s/%s has no memory request or limit", where, cname)
			}
			if obj.name() == "web" || obj.name() == "migrate" || obj.name() == "worker" || obj.name() == "beat" {
				mounts, _ := c["volumeMounts"].([]any)
				if !slices.ContainsFunc(mounts, func(m any) bool { return kubeGet(m, "mountPath") == "/tmp" }) {
					bad("%s/%s has no writable /tmp", where, cname)
				}
			}
		}
	}
	want := []string{"Namespace/" + kubeName(o.Name), "ServiceAccount/app", "Deployment/web", "Service/web", "Job/migrate",
		"HorizontalPodAutoscaler/web", "PodDisruptionBudget/web", "NetworkPolicy/default-deny", "NetworkPolicy/allow-dns"}
	if o.Celery {
		want = append(want, "Deployment/worker", "Deployment/beat")
	}
	switch overlay {
	case "production":
		want = append(want, "Ingress/web")
	case "local":
		want = append(want, "StatefulSet/db", "Service/db")
		if o.Celery {
			want = append(want, "Deployment/redis")
		}
	}
	for _, w := range want {
		if !names[w] {
			bad("no %s", w)
		}
	}
	if kinds["ConfigMap"] != 1 || kinds["Secret"] < 1 {
		bad("%d ConfigMaps and %d Secrets, want one ConfigMap and the generated Secrets", kinds["ConfigMap"], kinds["Secret"])
	}
	for _, obj := range objects {
		if obj.kind() == "Deployment" && obj.name() == "web" {
			if kubeGet(obj, "spec", "replicas") != 2 || kubeGet(obj, "spec", "strategy", "rollingUpdate", "maxUnavailable") != 0 {
				bad("web: not 2 replicas with maxUnavailable 0")
			}
		}
		if obj.kind() == "Deployment" && obj.name() == "beat" {
			if kubeGet(obj, "spec", "replicas") != 1 || kubeGet(obj, "spec", "strategy", "type") != "Recreate" {
				bad("beat: not exactly one pod, recreated")
			}
		}
		if obj.kind() == "Job" {
			if kubeGet(obj, "spec", "backoffLimit") == nil || kubeGet(obj, "spec", "ttlSecondsAfterFinished") == nil {
				bad("Job/%s has no backoffLimit or ttlSecondsAfterFinished", obj.name())
			}
		}
	}
	return problems
}

// kubeName is the project name as the templates' dns function makes it.
func kubeName(name string) string {
	b := []byte(strings.ToLower(name))
	for i, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			b[i] = '-'
		}
	}
	return strings.Trim(string(b), "-")
}
