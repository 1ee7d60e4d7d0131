package project

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
)

// secretsPlan is a render whose secrets files hold secrets as the builtin
// templates do.
func secretsPlan(files ...string) generator.Plan {
	p := generator.Plan{Secrets: generator.Secrets{DjangoSecretKey: "s3cr3t-k3y", DatabasePassword: "pa55w0rd"}}
	for i := 0; i+1 < len(files); i += 2 {
		p.Files = append(p.Files, generator.File{Path: files[i], Data: []byte(files[i+1]), Keep: files[i] == ".env" || files[i] == ".env.db"})
	}
	return p
}

func TestSecrets(t *testing.T) {
	current := secretsPlan(
		".env", "# settings\nDJANGO_SECRET_KEY=s3cr3t-k3y\nDATABASE_URL=postgres://myapi:pa55w0rd@db:5432/myapi\n",
		".env.db", "POSTGRES_PASSWORD=pa55w0rd\n",
		// Not a secrets file: never read.
		"notes.txt", "X=pa55w0rd\n",
	)
	for _, tc := range []struct {
		name  string
		disk  map[string]string
		plans []generator.Plan
		want  generator.Secrets
	}{
		{"from .env", map[string]string{".env": "DJANGO_SECRET_KEY=k-1\r\nDATABASE_URL=postgres://myapi:p1@db:5432/myapi\r\n"}, []generator.Plan{current},
			generator.Secrets{DjangoSecretKey: "k-1", DatabasePassword: "p1"}},
		{"the first line that fits", map[string]string{".env": "# DATABASE_URL=postgres://myapi:old@db:5432/myapi\nDATABASE_URL=postgres://myapi:p1@db:5432/myapi\nDATABASE_URL=postgres://myapi:p2@db:5432/myapi\n"}, []generator.Plan{current},
			generator.Secrets{DatabasePassword: "p1"}},
		{".env first", map[string]string{".env": "DATABASE_URL=postgres://myapi:p1@db:5432/myapi\n", ".env.db": "POSTGRES_PASSWORD=p2\n"}, []generator.Plan{current},
			generator.Secrets{DatabasePassword: "p1"}},
		{"from .env.db", map[string]string{".env.db": "POSTGRES_PASSWORD=p2\n", "notes.txt": "X=p3\n"}, []generator.Plan{current},
			generator.Secrets{DatabasePassword: "p2"}},
		{"another database", map[string]string{".env": "DATABASE_URL=mysql://myapi:p1@db:3306/myapi\n"}, []generator.Plan{current}, generator.Secrets{}},
		{"from an earlier plan", map[string]string{".env": "DATABASE_URL=mysql://myapi:p1@db:3306/myapi\n"},
			[]generator.Plan{current, secretsPlan(".env", "DATABASE_URL=mysql://myapi:pa55w0rd@db:3306/myapi\n")}, generator.Secrets{DatabasePassword: "p1"}},
		{"an edited line", map[string]string{".env": "DATABASE_URL=postgres://myapi:p1@localhost:5432/myapi\n"}, []generator.Plan{current}, generator.Secrets{}},
		{"characters a secret never has", map[string]string{".env": "DJANGO_SECRET_KEY=\"quoted\"\nDATABASE_URL=postgres://myapi:p%40ss@db:5432/myapi\n"}, []generator.Plan{current}, generator.Secrets{}},
		{"an empty value", map[string]string{".env": "DJANGO_SECRET_KEY=\n"}, []generator.Plan{current}, generator.Secrets{}},
		{"no secrets files", map[string]string{"notes.txt": "X=p3\n"}, []generator.Plan{current}, generator.Secrets{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := afero.NewMemMapFs()
			for name, data := range tc.disk {
				if err := afero.WriteFile(fsys, filepath.Join("/p", name), []byte(data), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := secretsOnDisk(fsys, "/p", tc.plans...)
			if err != nil || got != tc.want {
				t.Errorf("secretsOnDisk = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

// A line with nothing before the secret would fit any line on disk.
func TestSecretsNeedsTextBeforeTheSecret(t *testing.T) {
	fsys := afero.NewMemMapFs()
	if err := afero.WriteFile(fsys, "/p/.env", []byte("# a comment\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := secretsOnDisk(fsys, "/p", secretsPlan(".env", "pa55w0rd\n"))
	if err != nil || !got.IsZero() {
		t.Errorf("secretsOnDisk = %+v, %v; want none", got, err)
	}
}

// Only regular files are read: a link could point anywhere, and a named
// pipe would block.
func TestSecretsReadsOnlyRegularFiles(t *testing.T) {
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
	got, err := secretsOnDisk(afero.NewOsFs(), dir, secretsPlan(".env", "DATABASE_URL=postgres://myapi:pa55w0rd@db:5432/myapi\n", ".env.db", "POSTGRES_PASSWORD=pa55w0rd\n"))
	if err != nil || !got.IsZero() {
		t.Errorf("secretsOnDisk = %+v, %v; want none", got, err)
	}
}

func TestSecretsReportsUnreadableFiles(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DATABASE_URL=x\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	_, err := secretsOnDisk(afero.NewOsFs(), dir, secretsPlan(".env", "DATABASE_URL=pa55w0rd\n"))
	if err == nil || !strings.Contains(err.Error(), ".env") {
		t.Errorf("secretsOnDisk = %v, want an error that names .env", err)
	}
}
