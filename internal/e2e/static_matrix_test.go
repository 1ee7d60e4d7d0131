package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/spf13/afero"
)

// secretsProbe is an extra template tree that renders the project's secrets
// into a file of its own, so the test learns them through the public API.
const secretsProbe = "secrets.probe"

// TestStaticMatrix renders the defaults and every pairwise combination of
// options and runs every check that needs neither Docker nor Python.
func TestStaticMatrix(t *testing.T) {
	combos := []generator.Options{withName(generator.DefaultOptions(), "myapi")}
	for _, c := range pairwiseValid(scaffoldParams, validScaffold) {
		combos = append(combos, withName(optionsOf(t, c), "my-api"))
	}
	for i, o := range combos {
		t.Run(comboLabel(o), func(t *testing.T) {
			t.Parallel()
			checkCombination(t, o, uint64(i))
		})
	}
}

func checkCombination(t *testing.T, o generator.Options, seed uint64) {
	tmpl := generator.Builtin()
	tmpl.Sources = append(tmpl.Sources, generator.Source{
		Label: "probe",
		FS: fstest.MapFS{secretsProbe + generator.TemplateSuffix: {
			Data: []byte("{{.Secrets.DjangoSecretKey}}\n{{.Secrets.DatabasePassword}}\n"),
		}},
	})
	var key [32]byte
	key[0] = byte(seed)
	plan, err := generator.Render(o, tmpl, rand.NewChaCha8(key))
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	probe, ok := plan.Lookup(secretsProbe)
	if !ok {
		t.Fatal("the secrets probe was not rendered")
	}
	plan.Files = slices.DeleteFunc(plan.Files, func(f generator.File) bool { return f.Path == secretsProbe })
	secretKey, dbPassword, _ := strings.Cut(strings.TrimSpace(string(probe.Data)), "\n")
	secrets := []string{secretKey}
	if o.Database != "sqlite" {
		secrets = append(secrets, dbPassword)
	}

	dir := filepath.Join(t.TempDir(), o.Name)
	if _, err := generator.Write(afero.NewOsFs(), dir, plan, false); err != nil {
		t.Fatalf("write: %v", err)
	}

	var missing []string
	for _, f := range []string{"Dockerfile", composeFile, composeOverrideFile, composeProdFile, ".env", ".dockerignore"} {
		if _, ok := plan.Lookup(f); !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("the project has no %s", strings.Join(missing, ", "))
	}
	checkProjectStatic(t, dir, secrets)
	src, err := os.ReadFile(filepath.Join(dir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range lintDockerfile(t, src) {
		t.Errorf("Dockerfile: %s", w)
	}
}

// optionsOf turns a combination of scaffoldParams values into options.
func optionsOf(t *testing.T, c map[string]string) generator.Options {
	t.Helper()
	o := generator.DefaultOptions()
	o.Python, o.Django, o.Database, o.Auth = c["python"], c["django"], c["database"], c["auth"]
	o.Resource = c["resource"]
	o.APIDocs, o.Celery, o.CORS = c["api-docs"] == "true", c["celery"] == "true", c["cors"] == "true"
	o.Server, o.CI, o.Kubernetes = c["server"], c["ci"], c["kubernetes"] == "true"
	if len(c) != len(scaffoldParams) {
		t.Fatalf("combination %v does not set every option", c)
	}
	return o
}

func withName(o generator.Options, name string) generator.Options {
	o.Name = name
	return o
}

// comboLabel names a combination the way the command line would spell it.
func comboLabel(o generator.Options) string {
	resource := o.Resource
	if resource == "" {
		resource = "none"
	}
	return fmt.Sprintf("python=%s,django=%s,database=%s,auth=%s,resource=%s,api-docs=%t,celery=%t,cors=%t,server=%s,ci=%s,kubernetes=%t",
		o.Python, o.Django, o.Database, o.Auth, resource, o.APIDocs, o.Celery, o.CORS, o.Server, o.CI, o.Kubernetes)
}
