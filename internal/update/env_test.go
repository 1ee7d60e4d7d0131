package update

import (
	"context"
	"io"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
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
	if len(p.Env) != 1 || p.Env[0].Path != ".env" || !slices.Equal(p.Env[0].Appended, []string{"B"}) {
		t.Errorf("Env = %+v, want B appended to .env", p.Env)
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
	// What a render reads past them through Again is kept too.
	r = NewReplay(rand.NewChaCha8([32]byte{}))
	longer := make([]byte, 14)
	if _, err := io.ReadFull(r.Again(), longer); err != nil {
		t.Fatal(err)
	}
	last := make([]byte, 14)
	if _, err := io.ReadFull(r.Again(), last); err != nil || string(last) != string(longer) {
		t.Errorf("Again read %v, then %v (%v)", longer, last, err)
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

// Every secrets file is treated as .env: never merged, only appended to,
// added when missing without making the project lag, never removed.
func TestComputeTreatsEverySecretsFileAsEnv(t *testing.T) {
	base := withAnswers(plan(".env", "A=1\n", ".env.db", "P=pw\nQ=1\n", "a", "a\n"), answersV1)
	theirs := withAnswers(plan(".env", "A=1\n", ".env.db", "P=pw\nR=2\n", "a", "a\n"), answersV1)
	fsys := project(t, map[string]string{".env": "A=1\n", ".env.db": "P=mine\nQ=1\n", "a": "a\n", config.FileName: answersV1})
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Templates: "t", Merger: fakeMerger{conflicts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if c := change(t, p, ".env.db"); c.Kind != Updated || string(c.Data) != "P=mine\nQ=1\n\n# Added by scaffold update for t\nR=2\n" || !c.Secrets {
		t.Errorf(".env.db: %v %q", c.Kind, c.Data)
	}
	if len(p.Env) != 1 || p.Env[0].Path != ".env.db" || !slices.Equal(p.Env[0].Unused, []string{"Q"}) {
		t.Errorf("Env = %+v, want Q unused in .env.db", p.Env)
	}
	if p.Lags() {
		t.Error("appending to a secrets file alone made the project lag")
	}
	if want := (Line{Kind: Kept, Path: ".env.db", Note: "Q is no longer used; remove it when you like"}); !slices.Contains(p.Lines(), want) {
		t.Errorf("Lines = %v, want %v among them", p.Lines(), want)
	}

	// Gone from the templates: the file is the user's, and stays.
	dropped := withAnswers(plan(".env", "A=1\n", "a", "a\n"), answersV1)
	p, err = Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: dropped, Merger: fakeMerger{}})
	if err != nil {
		t.Fatal(err)
	}
	if c := change(t, p, ".env.db"); c.Kind != Kept || c.Reason != "the templates no longer use it; remove it when you like" || p.Lags() || len(p.Removes()) != 0 {
		t.Errorf(".env.db: %v %q; lags %v, removes %v", c.Kind, c.Reason, p.Lags(), p.Removes())
	}

	// Markers in a secrets file are the user's text, not an update's.
	if err := afero.WriteFile(fsys, "/p/.env.db", []byte("<<<<<<< a\nP=1\n=======\nP=2\n>>>>>>> b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if found, err := Scan(Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs}); err != nil || len(found) != 0 {
		t.Errorf("Scan = %v, %v", found, err)
	}
}

// A secrets file the project lacks says where its secrets come from: the
// renders use those the project already holds in its other secrets files.
func TestComputeSaysWhereNewSecretsComeFrom(t *testing.T) {
	secrets := generator.Secrets{DjangoSecretKey: "k3y", DatabasePassword: "pa55"}
	theirs := withAnswers(plan(".env", "K=k3y\nURL=db://u:pa55@db\n", ".env.db", "P=pa55\n"), answersV1)
	theirs.Secrets = secrets
	for _, tc := range []struct {
		name string
		disk map[string]string
		path string
		want string
	}{
		{"reused", map[string]string{".env": "K=k3y\nURL=db://u:pa55@db\n"}, ".env.db", "with the secrets that .env already holds"},
		{"partly reused", map[string]string{".env.db": "P=pa55\n"}, ".env", "with the secrets that .env.db already holds, and newly generated ones"},
		{"new", map[string]string{".env": "K=k3y\nURL=sqlite:///db\n"}, ".env.db", "with newly generated secrets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.disk[config.FileName] = answersV1
			p, err := Compute(context.Background(), Input{Fs: project(t, tc.disk), Dir: "/p", Base: &theirs, Theirs: theirs, Merger: fakeMerger{}})
			if err != nil {
				t.Fatal(err)
			}
			if c := change(t, p, tc.path); c.Kind != Added || c.Reason != tc.want || c.Mode != 0o600 {
				t.Errorf("%s: %v %v %q, want added %q", tc.path, c.Kind, c.Mode, c.Reason, tc.want)
			}
		})
	}
}
