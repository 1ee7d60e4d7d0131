package cli

import (
	"crypto/rand"
	"strings"
	"testing"

	"github.com/djscaffold/scaffold/internal/generator"
)

func TestParseRelease(t *testing.T) {
	for in, want := range map[string]release{
		"2.40.3":           {2, 40, 3},
		"v2.24.4":          {2, 24, 4},
		"2.24.4-desktop.1": {2, 24, 4},
		"20.10.24+dfsg1":   {20, 10, 24},
		"28.2":             {28, 2, 0},
		" 27.5.1\n":        {27, 5, 1},
		"1.29.2, build x":  {1, 29, 2},
	} {
		got, ok := parseRelease(in)
		if !ok || got != want {
			t.Errorf("parseRelease(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "dev", "v", "2", "two.four", "2.x.1"} {
		if got, ok := parseRelease(in); ok {
			t.Errorf("parseRelease(%q) = %v; want not understood", in, got)
		}
	}
}

func TestReleaseLess(t *testing.T) {
	if !(release{2, 24, 6}).less(minCompose) || (release{2, 24, 7}).less(minCompose) || (release{2, 100, 0}).less(minCompose) {
		t.Error("release order around 2.24.7")
	}
	if !(release{19, 3, 15}).less(minDockerEngine) || (release{20, 10, 0}).less(minDockerEngine) {
		t.Error("release order around 20.10")
	}
}

// The project's README and compose file name the same oldest versions as doctor.
func TestGeneratedProjectsStateTheMinimums(t *testing.T) {
	o := generator.DefaultOptions()
	o.Name = "myapi"
	plan, err := generator.Render(o, generator.Builtin(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range plan.Files {
		files[f.Path] = string(f.Data)
	}
	for path, want := range map[string][]string{
		"README.md":          {"Docker Engine " + minDockerEngine.String() + " or newer", "Compose " + minCompose.String() + " or newer"},
		"docker-compose.yml": {"Compose " + minCompose.String() + " or newer"},
	} {
		for _, w := range want {
			if !strings.Contains(files[path], w) {
				t.Errorf("%s does not say %q", path, w)
			}
		}
	}
}
