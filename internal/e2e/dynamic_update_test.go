package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/cli"
	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/pack"
	"github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/internal/update"
	"github.com/djscaffold/scaffold/internal/version"
	"github.com/djscaffold/scaffold/internal/writer"
	"github.com/djscaffold/scaffold/templates"
)

// dynUpdate is how an update combination comes to be: generated with the
// first release of the templates and other answers, changed by its user,
// then brought by `scaffold update` to the combination's answers.
type dynUpdate struct {
	from func(o *generator.Options) // the answers it was generated with
	args []string                   // of scaffold update, to reach the combination's answers
	edit func(p *dynProject)        // what its user did meanwhile
}

// dynUpdateCombos are projects that an update brought where they are: they
// must pass every step a new project passes.
func dynUpdateCombos() []dynCombo {
	combo := func(name string, set func(o *generator.Options), u dynUpdate) dynCombo {
		o := generator.DefaultOptions()
		o.Name = name
		set(&o)
		return dynCombo{name: name, opts: o, update: &u}
	}
	return []dynCombo{
		combo("upd-pg-token-to-jwt-celery-cors", func(o *generator.Options) {
			o.Auth, o.Celery, o.CORS = "jwt", true, true
		}, dynUpdate{
			from: func(o *generator.Options) {},
			args: []string{"--auth", "jwt", "--celery", "--set", "cors=true"},
			edit: func(p *dynProject) {
				p.edit("config/settings.py", `TIME_ZONE = "UTC"`, `TIME_ZONE = "Europe/Paris"`)
				p.userApp("notes")
				p.edit("items/models.py", "    description = models.TextField(blank=True)\n",
					"    description = models.TextField(blank=True)\n    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)\n")
				p.write("items/migrations/0002_item_price.py", priceMigration)
				p.remove(".github/workflows/ci.yml")
			},
		}),
		combo("upd-sqlite-bare-to-pg-books", func(o *generator.Options) {
			o.Django, o.Auth, o.Resource, o.CI = "6.1", "session", "books", "none"
		}, dynUpdate{
			from: func(o *generator.Options) {
				o.Django, o.Database, o.Auth, o.Resource, o.CI = "6.1", "sqlite", "session", "", "none"
			},
			args: []string{"--database", "postgres", "--resource", "books"},
			edit: func(p *dynProject) {
				p.edit("config/settings.py", `LANGUAGE_CODE = "en-us"`, `LANGUAGE_CODE = "en-gb"`)
				p.userApp("notes")
			},
		}),
		// The copier habit: Celery turned on by editing the answers file,
		// then a plain update, in a lived-in project whose own app sits
		// right beside items, where the templates' list ends.
		combo("upd-celery-by-hand", func(o *generator.Options) {
			o.Celery = true
		}, dynUpdate{
			from: func(o *generator.Options) {},
			edit: func(p *dynProject) {
				p.edit(config.FileName, "  celery: false\n", "  celery: true\n")
				p.edit("config/settings.py", `TIME_ZONE = "UTC"`, `TIME_ZONE = "Europe/Paris"`)
				p.userAppBesideItems("notes")
				p.edit("items/models.py", "    description = models.TextField(blank=True)\n",
					"    description = models.TextField(blank=True)\n    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)\n")
				p.write("items/migrations/0002_item_price.py", priceMigration)
			},
		}),
	}
}

// dynUpdateRedisDB are the Redis databases of the update combinations, in
// their order: TestDynamic's Celery projects use 2, 3 and 6, and each
// project's cache the database 8 above its broker's.
var dynUpdateRedisDB = []int{4, 5, 7}

const priceMigration = `from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("items", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="price",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=10),
        ),
    ]
`

// TestDynamicUpdate runs updated projects through the dynamic suite.
func TestDynamicUpdate(t *testing.T) {
	env := dynLoadEnv(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is not installed: scaffold update merges files with git merge-file")
	}
	for i, c := range dynUpdateCombos() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			// Redis has databases 0 to 15: a project's broker is redisDB and
			// its cache redisDB+8.
			p := dynNewProject(t, env, c, dynUpdateRedisDB[i])
			p.runAll()
		})
	}
}

// generateAndUpdate writes the project as the first release generated it,
// lets its user change it, and updates it with the scaffold command.
func (p *dynProject) generateAndUpdate() {
	start := time.Now()
	u := p.combo.update
	first := releases.Versions()[0]
	tree, err := update.Released(first)
	if err != nil {
		p.fail("1 generate", "templates %s: %v", first, err)
	}
	o := generator.DefaultOptions()
	o.Name = p.combo.opts.Name
	u.from(&o)
	plan, err := project.Render(context.Background(), project.Spec{
		Options: o, Tree: tree, Templates: config.Template{Name: templates.Name, Version: first}, ScaffoldVersion: version.String(),
	}, rand.Reader)
	if err != nil {
		p.fail("1 generate", "render with templates %s: %v", first, err)
	}
	if _, err := writer.Write(afero.NewOsFs(), p.dir, plan, false); err != nil {
		p.fail("1 generate", "write: %v", err)
	}
	u.edit(p)
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), cli.Env{
		Args:   append([]string{"update", p.dir}, u.args...),
		Stdout: &stdout, Stderr: &stderr,
		Fs:       afero.NewOsFs(),
		Rand:     rand.Reader,
		LookPath: exec.LookPath,
		Exec:     cli.SystemExec,
	})
	if code != cli.ExitOK {
		p.fail("1 update", "scaffold update %s: exit %d\n%s%s", strings.Join(u.args, " "), code, stdout.String(), stderr.String())
	}
	p.t.Logf("%s: scaffold update %s:\n%s", p.combo.name, strings.Join(u.args, " "), stdout.String())
	p.checkAnswers()
	p.timed("1 generate and update", start)
}

// checkAnswers makes sure the update recorded the combination's answers.
func (p *dynProject) checkAnswers() {
	data, err := os.ReadFile(filepath.Join(p.dir, config.FileName))
	if err != nil {
		p.fail("1 update", "%v", err)
	}
	got, err := config.Parse(config.FileName, data)
	if err != nil {
		p.fail("1 update", "%v", err)
	}
	want := config.Record(p.combo.opts, pack.Builtin().Templates(), "")
	for _, a := range want.Answers {
		if g, ok := got.Answers.Lookup(a.Key); !ok || g.Value != a.Value {
			p.fail("1 update", "%s records %s: %v, want %v", config.FileName, a.Key, g.Value, a.Value)
		}
	}
}

func (p *dynProject) write(name, data string) {
	p.t.Helper()
	full := filepath.Join(p.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		p.fail("1 user", "%v", err)
	}
	if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
		p.fail("1 user", "%v", err)
	}
}

func (p *dynProject) edit(name, old, new string) {
	p.t.Helper()
	data, err := os.ReadFile(filepath.Join(p.dir, filepath.FromSlash(name)))
	if err != nil || !bytes.Contains(data, []byte(old)) {
		p.fail("1 user", "%s has no %q (%v)", name, old, err)
	}
	p.write(name, strings.Replace(string(data), old, new, 1))
}

func (p *dynProject) remove(name string) {
	p.t.Helper()
	if err := os.Remove(filepath.Join(p.dir, filepath.FromSlash(name))); err != nil {
		p.fail("1 user", "%v", err)
	}
}

// userApp adds a Django app of the user's own, first in INSTALLED_APPS,
// far from where the templates add theirs.
func (p *dynProject) userApp(name string) {
	p.t.Helper()
	p.write(name+"/__init__.py", "")
	p.write(name+"/apps.py", "from django.apps import AppConfig\n\n\nclass "+strings.ToUpper(name[:1])+name[1:]+"Config(AppConfig):\n    name = \""+name+"\"\n")
	p.edit("config/settings.py", "INSTALLED_APPS = [\n", "INSTALLED_APPS = [\n    \""+name+"\",\n")
}

// userAppBesideItems adds a Django app of the user's own right after
// items in INSTALLED_APPS, where the templates add theirs: the update
// merges the list entry by entry.
func (p *dynProject) userAppBesideItems(name string) {
	p.t.Helper()
	p.write(name+"/__init__.py", "")
	p.write(name+"/apps.py", "from django.apps import AppConfig\n\n\nclass "+strings.ToUpper(name[:1])+name[1:]+"Config(AppConfig):\n    name = \""+name+"\"\n")
	p.edit("config/settings.py", "    \"items\",\n", "    \"items\",\n    \""+name+"\",\n")
}
