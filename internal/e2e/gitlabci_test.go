package e2e

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/djscaffold/scaffold/internal/generator"
)

// gitlabCISchema is GitLab's own JSON schema of .gitlab-ci.yml, the one its
// pipeline editor validates with (testdata/gitlab-ci/README.md says where from).
const gitlabCISchema = "testdata/gitlab-ci/ci.json"

// TestGeneratedGitLabCI validates every generated .gitlab-ci.yml against
// GitLab's schema, for the defaults and every pairwise combination of options.
func TestGeneratedGitLabCI(t *testing.T) {
	schema := compileGitLabSchema(t)
	combos := []generator.Options{withName(generator.DefaultOptions(), "myapi")}
	for _, c := range pairwiseValid(scaffoldParams, validScaffold) {
		combos = append(combos, withName(optionsOf(t, c), "my-api"))
	}
	for i, o := range combos {
		o.CI = "gitlab"
		// Every other combination with the scheduled template update check.
		o.UpdateCheck = i%2 == 1
		t.Run(comboLabel(o), func(t *testing.T) {
			t.Parallel()
			plan, err := generator.Render(o, generator.Builtin(), rand.NewChaCha8([32]byte{}))
			if err != nil {
				t.Fatal(err)
			}
			f, ok := plan.Lookup(".gitlab-ci.yml")
			if !ok {
				t.Fatal("no .gitlab-ci.yml")
			}
			if err := validateGitLabCI(schema, f.Data); err != nil {
				t.Errorf(".gitlab-ci.yml does not follow GitLab's schema: %v", err)
			}
			if got := strings.Contains(string(f.Data), "template-updates:"); got != o.UpdateCheck {
				t.Errorf("template-updates job: %v, with update_check %v", got, o.UpdateCheck)
			}
		})
	}
}

func compileGitLabSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(filepath.FromSlash(gitlabCISchema))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", gitlabCISchema, err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://gitlab.com/.gitlab-ci.yml"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", gitlabCISchema, err)
	}
	return schema
}

// validateGitLabCI reads a .gitlab-ci.yml as GitLab does (YAML, anchors
// resolved) and validates it.
func validateGitLabCI(schema *jsonschema.Schema, src []byte) error {
	var doc any
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return err
	}
	// Through JSON, so that the instance holds only the types the validator knows.
	data, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return schema.Validate(inst)
}

func TestGitLabSchemaRefusesAMistake(t *testing.T) {
	schema := compileGitLabSchema(t)
	good := "test:\n  script:\n    - pytest\n"
	if err := validateGitLabCI(schema, []byte(good)); err != nil {
		t.Fatalf("a minimal pipeline is refused: %v", err)
	}
	bad := strings.Replace(good, "script:", "scripts:", 1)
	if err := validateGitLabCI(schema, []byte(bad)); err == nil {
		t.Fatal("a job with the misspelled key scripts: passes")
	}
}
