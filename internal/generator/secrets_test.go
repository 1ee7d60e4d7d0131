package generator

import (
	"io"
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
	want := Secrets{DjangoSecretKey: generated.Secrets.DjangoSecretKey, DatabasePassword: "mine"}
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

func TestIsSecretFile(t *testing.T) {
	for name, want := range map[string]bool{".env": true, ".env.db": true, ".env.example": false, "config/.env": false, "env": false} {
		if got := IsSecretFile(name); got != want {
			t.Errorf("IsSecretFile(%q) = %v, want %v", name, got, want)
		}
	}
}
