package update

import (
	"slices"
	"testing"

	"github.com/spf13/afero"
)

func TestNextSteps(t *testing.T) {
	fsys := afero.NewMemMapFs()
	const dir = "/myapi"
	for name, data := range map[string]string{
		".env.example": "DJANGO_DEBUG=true\n",
		".env":         "DJANGO_DEBUG=false\n",
	} {
		if err := afero.WriteFile(fsys, dir+"/"+name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := Plan{Changes: []Change{
		{Path: ".env", Kind: Updated, Secrets: true, Data: []byte("DJANGO_DEBUG=false\nREDIS_PASSWORD=x\n")},
		{Path: ".env.example", Kind: Updated, Data: []byte("DJANGO_DEBUG=true\nREDIS_PASSWORD=change-me\n# SENTRY_DSN=\nDJANGO_ADMINS=\n")},
		{Path: "Dockerfile", Kind: Merged},
		{Path: "README.md", Kind: Conflict, Conflicts: 1},
		{Path: "docker-compose.prod.yml", Kind: Updated},
		{Path: "items/migrations/0002_price.py", Kind: Added},
		{Path: "items/migrations/__init__.py", Kind: Added},
		{Path: "old/migrations/0001_initial.py", Kind: Removed},
		{Path: "requirements-dev.txt", Kind: Unchanged},
		{Path: "requirements.txt", Kind: Kept},
	}}
	n, err := p.NextSteps(Input{Fs: fsys, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what      string
		got, want []string
	}{
		{"migrations", n.Migrations, []string{"items/migrations/0002_price.py"}},
		{"rebuild", n.Rebuild, []string{"Dockerfile", "docker-compose.prod.yml"}},
		// REDIS_PASSWORD is appended to .env: only what it still lacks.
		{"variables", n.EnvMissing, []string{"SENTRY_DSN", "DJANGO_ADMINS"}},
		{"conflicts", n.Conflicts, []string{"README.md"}},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.what, tc.got, tc.want)
		}
	}
	if (Plan{}).Summary() != "nothing to change" {
		t.Error("an empty plan has something to change")
	}
}
