package generator

import (
	"io"
	"slices"
	"testing"
	"testing/fstest"
)

// A render uses the secrets that Options.Secrets sets, generates the
// others, and reads as many random bytes either way, so that two renders
// of an update stay in step.
func TestRenderUsesGivenSecrets(t *testing.T) {
	files := fstest.MapFS{
		".env.tmpl": {Data: []byte("K={{.Secrets.DjangoSecretKey}}\nP={{.Secrets.DatabasePassword}}\n")},
		"x.txt":     {Data: []byte("x\n")},
	}
	generated, err := Render(testOptions(), testTemplate(files), fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	o := testOptions()
	o.Secrets = Secrets{DatabasePassword: "mine"}
	given, err := Render(o, testTemplate(files), fixedRand())
	if err != nil {
		t.Fatal(err)
	}
	want := generated.Secrets
	want.DatabasePassword = "mine"
	if given.Secrets != want {
		t.Errorf("Secrets = %+v, want %+v", given.Secrets, want)
	}
	if env, _ := given.Lookup(".env"); string(env.Data) != "K="+want.DjangoSecretKey+"\nP=mine\n" {
		t.Errorf(".env = %q", env.Data)
	}

	withGiven, without := fixedRand(), fixedRand()
	for _, rnd := range []struct {
		o Options
		r io.Reader
	}{{o, withGiven}, {testOptions(), without}} {
		if _, err := Render(rnd.o, testTemplate(files), rnd.r); err != nil {
			t.Fatal(err)
		}
	}
	a, errA := Render(testOptions(), testTemplate(files), withGiven)
	b, errB := Render(testOptions(), testTemplate(files), without)
	if errA != nil || errB != nil || a.Secrets != b.Secrets {
		t.Errorf("given secrets changed how many random bytes a render reads: %v, %v", errA, errB)
	}
}

// The files whose policy is keep are the user's: the builtin manifest
// declares the secrets files, a tree whose first layer declares no policy
// keeps them too, and a pack's manifest adds its own.
func TestKeepPolicy(t *testing.T) {
	kept := func(t *testing.T, tree Tree) []string {
		t.Helper()
		plan, err := Render(testOptions(), tree, fixedRand())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range plan.Files {
			if f.Keep {
				out = append(out, f.Path)
				if f.Mode != 0o600 {
					t.Errorf("%s: mode %v, want 0600", f.Path, f.Mode)
				}
			}
		}
		return out
	}
	if got := kept(t, Builtin()); !slices.Equal(got, []string{".env", ".env.db"}) {
		t.Errorf("builtin templates keep %v, want .env and .env.db", got)
	}
	files := fstest.MapFS{".env": {Data: []byte("A=1\n")}, ".env.db": {Data: []byte("B=1\n")}, ".env.local": {Data: []byte("C=1\n")}}
	if got := kept(t, testTemplate(files)); !slices.Equal(got, []string{".env", ".env.db"}) {
		t.Errorf("a tree without policies keeps %v, want .env and .env.db", got)
	}
	m, err := NewManifest("pack.yaml", ManifestSpec{IfExists: map[string]string{".env.local": PolicyKeep}}, files)
	if err != nil {
		t.Fatal(err)
	}
	tree := testTemplate(files)
	tree.Sources = append(tree.Sources, Source{Label: "pack", FS: fstest.MapFS{}, Manifest: m})
	if got := kept(t, tree); !slices.Equal(got, []string{".env", ".env.db", ".env.local"}) {
		t.Errorf("with a pack's policy, kept %v", got)
	}
	if _, err := NewManifest("pack.yaml", ManifestSpec{IfExists: map[string]string{".env.local": "skip"}}, files); err == nil ||
		err.Error() != `pack.yaml: if_exists..env.local: unknown policy "skip"; the one policy is keep` {
		t.Errorf("an unknown policy: %v", err)
	}
}
