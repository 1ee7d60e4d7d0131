package update

import (
	"context"
	"slices"
	"testing"

	"github.com/djscaffold/scaffold/internal/config"
)

func TestMergeEnvAppendsWhatIsMissing(t *testing.T) {
	ours := "# mine\nDJANGO_SECRET_KEY=kept-secret\nDATABASE_URL=sqlite:////data/db.sqlite3\nMY_OWN=1\n# CORS_ALLOWED_ORIGINS=off\nCELERY_BROKER_URL=redis://redis:6379/0"
	base := "DJANGO_SECRET_KEY=s\nDATABASE_URL=sqlite:////data/db.sqlite3\nCELERY_BROKER_URL=redis://redis:6379/0\n"
	theirs := "DJANGO_SECRET_KEY=s\nDATABASE_URL=postgres://u:pw@db:5432/u\nPOSTGRES_PASSWORD=pw\nCORS_ALLOWED_ORIGINS=http://localhost:3000\n"
	got, r := mergeEnv([]byte(ours), []byte(base), []byte(theirs), true, "django-drf 1.1.0")
	want := ours + "\n\n# Added by scaffold update for django-drf 1.1.0\nPOSTGRES_PASSWORD=pw\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if !slices.Equal(r.Appended, []string{"POSTGRES_PASSWORD"}) {
		t.Errorf("Appended = %v", r.Appended)
	}
	if !slices.Equal(r.Changed, []string{"DATABASE_URL"}) {
		t.Errorf("Changed = %v", r.Changed)
	}
	if !slices.Equal(r.Unused, []string{"CELERY_BROKER_URL"}) {
		t.Errorf("Unused = %v", r.Unused)
	}
}

func TestMergeEnvNeverRewrites(t *testing.T) {
	ours := "A=1\r\nB = 2\r\n"
	got, r := mergeEnv([]byte(ours), nil, []byte("A=x\nB=y\n"), false, "t")
	if string(got) != ours || !r.Empty() {
		t.Errorf("got %q and %+v, want .env as it was and nothing to report", got, r)
	}
}

func TestComputeEnv(t *testing.T) {
	base := withAnswers(plan(".env", "A=1\n"), answersV1)
	theirs := withAnswers(plan(".env", "A=1\nB=2\n"), answersV1)
	fsys := project(t, map[string]string{".env": "A=mine\n", config.FileName: answersV1})
	if err := fsys.Chmod("/p/.env", 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Labels: testLabels, Templates: "django-drf 1.1.0", Merger: fakeMerger{}})
	if err != nil {
		t.Fatal(err)
	}
	c := change(t, p, ".env")
	if c.Kind != Updated || string(c.Data) != "A=mine\n\n# Added by scaffold update for django-drf 1.1.0\nB=2\n" || c.Mode != 0o600 {
		t.Errorf(".env: %v %v %q", c.Kind, c.Mode, c.Data)
	}
	if !slices.Equal(p.Env.Appended, []string{"B"}) {
		t.Errorf("Env.Appended = %v", p.Env.Appended)
	}

	// A project without .env, such as a fresh clone, gets a new one.
	if err := fsys.Remove("/p/.env"); err != nil {
		t.Fatal(err)
	}
	p, err = Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Labels: testLabels, Merger: fakeMerger{}})
	if err != nil {
		t.Fatal(err)
	}
	if c := change(t, p, ".env"); c.Kind != Added || string(c.Data) != "A=1\nB=2\n" {
		t.Errorf(".env: %v %q, want added", c.Kind, c.Data)
	}
}

func TestReplayRepeatsTheSameBytes(t *testing.T) {
	r := NewReplay(countingReader{})
	first := make([]byte, 10)
	if _, err := r.Read(first); err != nil {
		t.Fatal(err)
	}
	again := make([]byte, 12)
	n, err := r.Again().Read(again)
	if err != nil || n != 10 || string(again[:10]) != string(first) {
		t.Fatalf("Again read %d bytes %v, err %v; want %v", n, again[:n], err, first)
	}
}

type countingReader struct{}

func (countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i)
	}
	return len(p), nil
}

// A fresh clone has no .env: that alone is no reason to update.
func TestMissingEnvAloneDoesNotLag(t *testing.T) {
	render := withAnswers(plan(".env", "A=1\n", "a", "a\n"), answersV1)
	fsys := project(t, map[string]string{"a": "a\n", config.FileName: answersV1})
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &render, Theirs: render, Merger: fakeMerger{}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Lags() {
		t.Errorf("Lags() = true; changes %v", kinds(p))
	}
}
