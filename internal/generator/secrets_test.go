package generator

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/spf13/afero"
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

func TestIsSecretFile(t *testing.T) {
	for name, want := range map[string]bool{".env": true, ".env.db": true, ".env.example": false, "config/.env": false, "env": false} {
		if got := IsSecretFile(name); got != want {
			t.Errorf("IsSecretFile(%q) = %v, want %v", name, got, want)
		}
	}
}

// secretsPlan is a render whose secrets files hold secrets as the builtin
// templates do.
func secretsPlan(files ...string) Plan {
	p := Plan{Secrets: Secrets{DjangoSecretKey: "s3cr3t-k3y", DatabasePassword: "pa55w0rd"}}
	for i := 0; i+1 < len(files); i += 2 {
		p.Files = append(p.Files, File{Path: files[i], Data: []byte(files[i+1]), Keep: IsSecretFile(files[i])})
	}
	return p
}

func TestFindSecrets(t *testing.T) {
	current := secretsPlan(
		".env", "# settings\nDJANGO_SECRET_KEY=s3cr3t-k3y\nDATABASE_URL=postgres://myapi:pa55w0rd@db:5432/myapi\n",
		".env.db", "POSTGRES_PASSWORD=pa55w0rd\n",
		// Not a secrets file: never read.
		"notes.txt", "X=pa55w0rd\n",
	)
	for _, tc := range []struct {
		name  string
		disk  map[string]string
		plans []Plan
		want  Secrets
	}{
		{"from .env", map[string]string{".env": "DJANGO_SECRET_KEY=k-1\r\nDATABASE_URL=postgres://myapi:p1@db:5432/myapi\r\n"}, []Plan{current},
			Secrets{DjangoSecretKey: "k-1", DatabasePassword: "p1"}},
		{"the first line that fits", map[string]string{".env": "# DATABASE_URL=postgres://myapi:old@db:5432/myapi\nDATABASE_URL=postgres://myapi:p1@db:5432/myapi\nDATABASE_URL=postgres://myapi:p2@db:5432/myapi\n"}, []Plan{current},
			Secrets{DatabasePassword: "p1"}},
		{".env first", map[string]string{".env": "DATABASE_URL=postgres://myapi:p1@db:5432/myapi\n", ".env.db": "POSTGRES_PASSWORD=p2\n"}, []Plan{current},
			Secrets{DatabasePassword: "p1"}},
		{"from .env.db", map[string]string{".env.db": "POSTGRES_PASSWORD=p2\n", "notes.txt": "X=p3\n"}, []Plan{current},
			Secrets{DatabasePassword: "p2"}},
		{"another database", map[string]string{".env": "DATABASE_URL=mysql://myapi:p1@db:3306/myapi\n"}, []Plan{current}, Secrets{}},
		{"from an earlier plan", map[string]string{".env": "DATABASE_URL=mysql://myapi:p1@db:3306/myapi\n"},
			[]Plan{current, secretsPlan(".env", "DATABASE_URL=mysql://myapi:pa55w0rd@db:3306/myapi\n")}, Secrets{DatabasePassword: "p1"}},
		{"an edited line", map[string]string{".env": "DATABASE_URL=postgres://myapi:p1@localhost:5432/myapi\n"}, []Plan{current}, Secrets{}},
		{"characters a secret never has", map[string]string{".env": "DJANGO_SECRET_KEY=\"quoted\"\nDATABASE_URL=postgres://myapi:p%40ss@db:5432/myapi\n"}, []Plan{current}, Secrets{}},
		{"an empty value", map[string]string{".env": "DJANGO_SECRET_KEY=\n"}, []Plan{current}, Secrets{}},
		{"no secrets files", map[string]string{"notes.txt": "X=p3\n"}, []Plan{current}, Secrets{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := afero.NewMemMapFs()
			for name, data := range tc.disk {
				if err := afero.WriteFile(fsys, filepath.Join("/p", name), []byte(data), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := FindSecrets(fsys, "/p", tc.plans...)
			if err != nil || got != tc.want {
				t.Errorf("FindSecrets = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// A line with nothing before the secret would fit any line on disk.
func TestFindSecretsNeedsTextBeforeTheSecret(t *testing.T) {
	fsys := afero.NewMemMapFs()
	if err := afero.WriteFile(fsys, "/p/.env", []byte("# a comment\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := FindSecrets(fsys, "/p", secretsPlan(".env", "pa55w0rd\n"))
	if err != nil || !got.IsZero() {
		t.Errorf("FindSecrets = %+v, %v; want none", got, err)
	}
}

// Only regular files are read: a link could point anywhere, and a named
// pipe would block.
func TestFindSecretsReadsOnlyRegularFiles(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "other.env")
	if err := os.WriteFile(outside, []byte("DATABASE_URL=postgres://myapi:p1@db:5432/myapi\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, ".env")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, ".env.db"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := FindSecrets(afero.NewOsFs(), dir, secretsPlan(".env", "DATABASE_URL=postgres://myapi:pa55w0rd@db:5432/myapi\n", ".env.db", "POSTGRES_PASSWORD=pa55w0rd\n"))
	if err != nil || !got.IsZero() {
		t.Errorf("FindSecrets = %+v, %v; want none", got, err)
	}
}

func TestFindSecretsReportsUnreadableFiles(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DATABASE_URL=x\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	_, err := FindSecrets(afero.NewOsFs(), dir, secretsPlan(".env", "DATABASE_URL=pa55w0rd\n"))
	if err == nil || !strings.Contains(err.Error(), ".env") {
		t.Errorf("FindSecrets = %v, want an error that names .env", err)
	}
}
