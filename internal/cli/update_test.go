package cli

import (
	"context"
	"maps"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/project"
	"github.com/djscaffold/scaffold/internal/releases"
	"github.com/djscaffold/scaffold/internal/update"
	"github.com/djscaffold/scaffold/internal/writer"
	"github.com/djscaffold/scaffold/templates"
)

// mergingEnv is a testEnv whose git merges files for real, as scaffold
// update needs, while its other git commands answer as for a project
// outside any repository.
func mergingEnv(t *testing.T, fsys afero.Fs) (*Env, *fakeMachine) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed: scaffold update merges files with git merge-file")
	}
	m := quietMachine()
	env := testEnv(fsys)
	env.LookPath, env.Exec = m.lookPath, m.merging()
	return env, m
}

// newProject generates a project with new, and fails the test if it cannot.
func newProject(t *testing.T, env *Env, args ...string) {
	t.Helper()
	if r := run(t, harness{env: env}, append([]string{"new", "--yes"}, args...)...); r.code != ExitOK {
		t.Fatalf("new %v: exit %d: %s", args, r.code, r.stderr)
	}
}

func updateIn(t *testing.T, env *Env, args ...string) result {
	t.Helper()
	return run(t, harness{env: env}, append([]string{"update"}, args...)...)
}

// sameButSecrets compares two projects, but for their secrets files.
func sameButSecrets(t *testing.T, fsys afero.Fs, got, want string) {
	t.Helper()
	g, w := tree(t, fsys, got), tree(t, fsys, want)
	secret := func(name, _ string) bool { return name == ".env" || name == ".env.db" }
	maps.DeleteFunc(g, secret)
	maps.DeleteFunc(w, secret)
	for name, data := range w {
		if g[name] != data {
			t.Errorf("%s differs from a new project's:\n%s\nwant:\n%s", name, g[name], data)
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: a new project has no such file", name)
		}
	}
}

// envValue returns the value of the variable name in a secrets file.
func envValue(t *testing.T, fsys afero.Fs, file, name string) string {
	t.Helper()
	for line := range strings.Lines(readFile(t, fsys, file)) {
		if v, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), name+"="); ok {
			return v
		}
	}
	t.Fatalf("%s has no %s", file, name)
	return ""
}

// passwordsAgree checks that the database container gets the password
// that the app connects with: the one in .env's DATABASE_URL.
func passwordsAgree(t *testing.T, fsys afero.Fs, dir string) {
	t.Helper()
	u, err := url.Parse(envValue(t, fsys, dir+"/.env", "DATABASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := u.User.Password()
	name := map[string]string{"postgres": "APP_DB_PASSWORD", "mysql": "MARIADB_PASSWORD"}[u.Scheme]
	if got := envValue(t, fsys, dir+"/.env.db", name); want == "" || got != want {
		t.Errorf(".env.db: %s=%s; DATABASE_URL in .env has the password %q", name, got, want)
	}
	if info, err := fsys.Stat(dir + "/.env.db"); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf(".env.db: %v, %v; want it readable by its owner only", info.Mode(), err)
	}
}

// A change of database needs another database container, with its own
// secrets file: added with a new password, since the SQLite project has
// none. .env only gets what it lacks, and names what the user must edit.
func TestUpdateAppendsToEnv(t *testing.T) {
	env, _ := mergingEnv(t, newFs(t))
	newProject(t, env, "myapi", "--database", "sqlite")
	before := readFile(t, env.Fs, "myapi/.env")
	r := updateIn(t, env, "myapi", "--database", "postgres", "--celery")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	after := readFile(t, env.Fs, "myapi/.env")
	added, ok := strings.CutPrefix(after, before)
	if !ok {
		t.Fatalf(".env was rewritten, not appended to:\n%s", after)
	}
	for _, want := range []string{"\n# Added by scaffold update for django-drf " + templates.Version + "\n", "\nCELERY_BROKER_URL=redis://:" + envValue(t, env.Fs, "myapi/.env", "REDIS_PASSWORD") + "@redis:6379/0\n"} {
		if !strings.Contains(added, want) {
			t.Errorf("appended %q, want it to hold %q", added, want)
		}
	}
	for _, want := range []string{
		"updated   .env: appended REDIS_PASSWORD, CELERY_BROKER_URL, CELERY_RESULT_BACKEND, DJANGO_CACHE_URL\n",
		"added     .env.db: with newly generated secrets\n",
		"kept      .env: the new answers change DATABASE_URL; your values stay, so edit it as .env.example shows\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if pw := envValue(t, env.Fs, "myapi/.env.db", "POSTGRES_PASSWORD"); len(pw) != 32 {
		t.Errorf(".env.db: POSTGRES_PASSWORD=%s, want a generated password", pw)
	}
	for _, name := range []string{"myapi/.env", "myapi/.env.db"} {
		if info, err := env.Fs.Stat(name); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want it readable by its owner only", name, info.Mode(), err)
		}
	}
}

// From one database server to another, the database container's secrets
// file gets the new server's variable, with the password the project has.
func TestUpdateAppendsToEveryEnvFile(t *testing.T) {
	env, _ := mergingEnv(t, newFs(t))
	newProject(t, env, "myapi", "--database", "mysql")
	passwordsAgree(t, env.Fs, "myapi")
	password := envValue(t, env.Fs, "myapi/.env.db", "MARIADB_PASSWORD")
	admin := envValue(t, env.Fs, "myapi/.env.db", "MARIADB_ROOT_PASSWORD")
	before := readFile(t, env.Fs, "myapi/.env.db")
	r := updateIn(t, env, "myapi", "--database", "postgres")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := before + "\n# Added by scaffold update for django-drf " + templates.Version + "\nPOSTGRES_PASSWORD=" + admin + "\nAPP_DB_PASSWORD=" + password + "\n"
	if got := readFile(t, env.Fs, "myapi/.env.db"); got != want {
		t.Errorf(".env.db:\n%s\nwant:\n%s", got, want)
	}
	for _, want := range []string{
		"updated   .env.db: appended POSTGRES_PASSWORD, APP_DB_PASSWORD\n",
		"kept      .env: the new answers change DATABASE_URL; your values stay, so edit it as .env.example shows\n",
		"kept      .env.db: MARIADB_ROOT_PASSWORD, MARIADB_PASSWORD are no longer used; remove them when you like\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	// Back to SQLite: nothing reads .env.db any more, and it is the user's.
	r = updateIn(t, env, "myapi", "--database", "sqlite")
	if r.code != ExitOK || !strings.Contains(r.stdout, "kept      .env.db: the templates no longer use it; remove it when you like\n") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !exists(env.Fs, "myapi/.env.db") {
		t.Error("the update removed .env.db")
	}
}

func TestUpdateRefusesUncommittedChanges(t *testing.T) {
	env, m := mergingEnv(t, newFs(t))
	newProject(t, env, "myapi")
	m.results["git rev-parse --show-toplevel"] = prints("/work/myapi\n")
	m.results["git status --porcelain=v1 -z --untracked-files=all -- ."] = prints(" M config/settings.py\x00?? notes.txt\x00")
	r := updateIn(t, env, "myapi", "--celery")
	want := "scaffold: myapi has uncommitted changes (config/settings.py, notes.txt); commit or stash them first, so that git diff shows what the update changes, or pass --allow-dirty\n"
	if r.code != ExitFailure || r.stderr != want {
		t.Errorf("exit %d, stderr %q; want 1, %q", r.code, r.stderr, want)
	}
	if r := updateIn(t, env, "myapi", "--celery", "--dry-run"); r.code != ExitOK {
		t.Errorf("--dry-run writes nothing, so it runs: exit %d, %s", r.code, r.stderr)
	}
	if r := updateIn(t, env, "myapi", "--celery", "--allow-dirty"); r.code != ExitOK || !exists(env.Fs, "myapi/config/celery.py") {
		t.Errorf("--allow-dirty: exit %d, %s", r.code, r.stderr)
	}
}

func TestUpdateNeedsGitOnlyToMerge(t *testing.T) {
	env, m := mergingEnv(t, newFs(t))
	newProject(t, env, "myapi")
	delete(m.installed, "git")
	if r := updateIn(t, env, "myapi", "--celery"); r.code != ExitOK {
		t.Fatalf("no file to merge, yet exit %d: %s", r.code, r.stderr)
	}
	settings := readFile(t, env.Fs, "myapi/config/settings.py")
	writeFile(t, env.Fs, "myapi/config/settings.py", strings.Replace(settings, `TIME_ZONE = "UTC"`, `TIME_ZONE = "Europe/Paris"`, 1))
	before := tree(t, env.Fs, "myapi")
	r := updateIn(t, env, "myapi", "--cors")
	if r.code != ExitFailure || !strings.Contains(r.stderr, "config/settings.py was changed by you and by the templates, and scaffold merges such files with git merge-file, but git was not found; install git") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if after := tree(t, env.Fs, "myapi"); !maps.Equal(before, after) {
		t.Error("a failed update wrote to the project")
	}
}

func TestUpdateRefusesBadInput(t *testing.T) {
	env, _ := mergingEnv(t, newFs(t))
	newProject(t, env, "myapi")
	writeFile(t, env.Fs, "plain/file.txt", "x\n")
	cfg := readFile(t, env.Fs, "myapi/.scaffold.yaml")
	version := "  version: " + templates.Version + "\n"
	for _, tc := range []struct {
		name   string
		answer string // .scaffold.yaml, when the case changes it
		args   []string
		code   int
		stderr string
	}{
		{"no answers file", "", []string{"plain"}, ExitUsage,
			"scaffold: plain has no .scaffold.yaml, so scaffold cannot tell how it was generated; pass the folder of a project scaffold generated\n"},
		{"no such folder", "", []string{"nowhere"}, ExitUsage,
			"scaffold: project folder nowhere does not exist; pass the folder of a project scaffold generated\n"},
		{"newer templates", strings.Replace(cfg, version, "  version: 99.0.0\n", 1), []string{"myapi"}, ExitUsage,
			"scaffold: myapi/.scaffold.yaml line 7: templates django-drf 99.0.0 are newer than this scaffold's templates (" + templates.Version + "); install a newer scaffold\n"},
		{"unknown version", strings.Replace(cfg, version, "  version: 0.9.0\n", 1), []string{"myapi"}, ExitUsage,
			"scaffold: myapi/.scaffold.yaml line 7: unknown template version \"0.9.0\"; this scaffold knows " + strings.Join(releases.Versions(), ", ") + "\n"},
		{"unknown pack", strings.Replace(cfg, version, version+"  path: ../gone\n", 1), []string{"myapi"}, ExitUsage,
			"scaffold: myapi/.scaffold.yaml line 8: template.path \"../gone\": file does not exist; correct it, or name the pack with --pack\n"},
		{"bad answer", "", []string{"myapi", "--database", "oracle"}, ExitUsage,
			"scaffold: invalid database \"oracle\": choose one of postgres, mysql, sqlite\n"},
		{"rename", "", []string{"myapi", "--set", "name=other"}, ExitUsage,
			"scaffold: an update cannot rename the project; rename its folder, and generate it anew with scaffold new to change its Python packages\n"},
		{"dry run and check", "", []string{"myapi", "--dry-run", "--check"}, ExitUsage,
			"scaffold: --dry-run and --check cannot be used together; --check writes nothing either\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.answer != "" {
				writeFile(t, env.Fs, "myapi/.scaffold.yaml", tc.answer)
				defer writeFile(t, env.Fs, "myapi/.scaffold.yaml", cfg)
			}
			before := tree(t, env.Fs, "myapi")
			r := updateIn(t, env, tc.args...)
			if r.code != tc.code || r.stderr != tc.stderr {
				t.Errorf("exit %d, stderr %q\nwant %d, %q", r.code, r.stderr, tc.code, tc.stderr)
			}
			if after := tree(t, env.Fs, "myapi"); !maps.Equal(before, after) {
				t.Error("a refused update wrote to the project")
			}
		})
	}
}

// An update renders the resources that add resource recorded, and keeps
// the user's change in a file that add resource wrote into.
func TestUpdateAfterAddResource(t *testing.T) {
	env, _ := mergingEnv(t, newFs(t))
	newProject(t, env, "myapi", "-o", "updated")
	settings := readFile(t, env.Fs, "updated/myapi/config/settings.py")
	writeFile(t, env.Fs, "updated/myapi/config/settings.py", strings.Replace(settings, `TIME_ZONE = "UTC"`, `TIME_ZONE = "Europe/Paris"`, 1))
	add := []string{"add", "resource", "authors", "name:str:120", "email:email:unique"}
	if r := run(t, harness{env: env}, append(add, "--project", "updated/myapi")...); r.code != ExitOK {
		t.Fatalf("add resource: exit %d: %s", r.code, r.stderr)
	}
	r := updateIn(t, env, "updated/myapi", "--celery")
	if r.code != ExitOK {
		t.Fatalf("update: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	got := readFile(t, env.Fs, "updated/myapi/config/settings.py")
	for _, want := range []string{`TIME_ZONE = "Europe/Paris"`, `"authors",`, "CELERY_BROKER_URL"} {
		if !strings.Contains(got, want) {
			t.Errorf("settings.py lacks %s:\n%s", want, got)
		}
	}

	newProject(t, env, "myapi", "-o", "fresh", "--celery")
	if r := run(t, harness{env: env}, append(add, "--project", "fresh/myapi")...); r.code != ExitOK {
		t.Fatalf("add resource: exit %d: %s", r.code, r.stderr)
	}
	writeFile(t, env.Fs, "fresh/myapi/config/settings.py", strings.Replace(readFile(t, env.Fs, "fresh/myapi/config/settings.py"), `TIME_ZONE = "UTC"`, `TIME_ZONE = "Europe/Paris"`, 1))
	sameButSecrets(t, env.Fs, "updated/myapi", "fresh/myapi")
	passwordsAgree(t, env.Fs, "updated/myapi")
}

// A project of the first release, changed by its user, updated to this
// scaffold's templates with new answers: no file needs the user's help.
func TestUpdateFromTheFirstRelease(t *testing.T) {
	env, _ := mergingEnv(t, newFs(t))
	first := releases.Versions()[0]
	tree, err := update.Released(first)
	if err != nil {
		t.Fatal(err)
	}
	o := generator.DefaultOptions()
	o.Name = "myapi"
	plan, err := project.Render(context.Background(), project.Spec{Options: o, Tree: tree, Templates: config.Template{Name: templates.Name, Version: releases.Versions()[0]}, ScaffoldVersion: "v1.0.0"}, env.Rand)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Write(env.Fs, "myapi", plan, false); err != nil {
		t.Fatal(err)
	}
	settings := readFile(t, env.Fs, "myapi/config/settings.py")
	writeFile(t, env.Fs, "myapi/config/settings.py", strings.Replace(settings, `TIME_ZONE = "UTC"`, `TIME_ZONE = "Europe/Paris"`, 1))

	r := updateIn(t, env, "myapi", "--celery")
	if r.code != ExitOK || strings.Contains(r.stdout, "conflict") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := readFile(t, env.Fs, "myapi/config/settings.py"); !strings.Contains(got, `TIME_ZONE = "Europe/Paris"`) || !strings.Contains(got, "CELERY_BROKER_URL") {
		t.Errorf("settings.py:\n%s", got)
	}
	if a := answersIn(t, env.Fs, "myapi"); a["celery"] != true {
		t.Errorf("answers: %v", a)
	}
}

// firstReleaseProject writes, in dir, the project that the first release
// of the templates generated with o, as scaffold wrote it then.
func firstReleaseProject(t *testing.T, env *Env, dir string, o generator.Options) {
	t.Helper()
	tree, err := update.Released(releases.Versions()[0])
	if err != nil {
		t.Fatal(err)
	}
	plan, err := project.Render(context.Background(), project.Spec{Options: o, Tree: tree, Templates: config.Template{Name: templates.Name, Version: releases.Versions()[0]}, ScaffoldVersion: "v1.0.0"}, env.Rand)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Write(env.Fs, dir, plan, false); err != nil {
		t.Fatal(err)
	}
}

// A project of the first release, changed by its user, updated to this
// scaffold's templates with its own answers: it is then what the current
// templates generate but for the user's changes, its database container
// gets the password its app already connects with, and it no longer lags.
func TestUpdateFromTheFirstReleaseToCurrentTemplates(t *testing.T) {
	for _, database := range []string{"postgres", "mysql", "sqlite"} {
		t.Run(database, func(t *testing.T) {
			env, _ := mergingEnv(t, newFs(t))
			o := generator.DefaultOptions()
			o.Name, o.Database = "myapi", database
			firstReleaseProject(t, env, "myapi", o)
			secrets := readFile(t, env.Fs, "myapi/.env")
			settings := readFile(t, env.Fs, "myapi/config/settings.py")
			writeFile(t, env.Fs, "myapi/config/settings.py", strings.Replace(settings, `TIME_ZONE = "UTC"`, `TIME_ZONE = "Europe/Paris"`, 1))
			writeFile(t, env.Fs, "myapi/notes/models.py", "from django.db import models\n")
			if err := env.Fs.Remove("myapi/tests/test_health.py"); err != nil {
				t.Fatal(err)
			}

			r := updateIn(t, env, "myapi")
			if r.code != ExitOK || strings.Contains(r.stdout, "conflict") {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, want := range []string{
				"Updating myapi " + describeChange("django-drf "+releases.Versions()[0], "django-drf "+templates.Version, nil) + ":\n",
				"  merged    config/settings.py\n",
				"  deleted   tests/test_health.py: you deleted it, so it stays deleted\n",
			} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
				}
			}
			if got := readFile(t, env.Fs, "myapi/.env"); !strings.HasPrefix(got, secrets) {
				t.Errorf(".env was rewritten, not appended to:\n%s", got)
			}
			if database == "sqlite" {
				if exists(env.Fs, "myapi/.env.db") {
					t.Error("a SQLite project got .env.db")
				}
			} else {
				passwordsAgree(t, env.Fs, "myapi")
				variable := map[string]string{"postgres": "POSTGRES_PASSWORD", "mysql": "MARIADB_PASSWORD"}[database]
				for _, want := range []string{
					"  added     .env.db: with the secrets that .env already holds, and newly generated ones\n",
					"  kept      .env: " + variable + " is no longer used; remove it when you like\n",
				} {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
					}
				}
			}
			if a := answersIn(t, env.Fs, "myapi"); a["database"] != database {
				t.Errorf("answers: %v", a)
			}

			// What scaffold diff finds: the user's change alone.
			d := run(t, harness{env: env}, "diff", "myapi")
			if d.code != ExitFailure || !strings.HasPrefix(d.stdout, "changed: config/settings.py\n") || strings.Count(d.stdout, "changed: ")+strings.Count(d.stdout, "missing on disk: ") != 2 ||
				!strings.Contains(d.stdout, "\nmissing on disk: tests/test_health.py\n") || !strings.Contains(d.stdout, `+TIME_ZONE = "UTC"`) {
				t.Errorf("diff: exit %d, stderr %q, stdout:\n%s", d.code, d.stderr, d.stdout)
			}
			if c := updateIn(t, env, "myapi", "--check"); c.code != ExitOK {
				t.Errorf("--check after the update: exit %d\n%s%s", c.code, c.stdout, c.stderr)
			}
			if again := updateIn(t, env, "myapi"); again.code != ExitOK || !strings.Contains(again.stdout, "is up to date") {
				t.Errorf("second update: exit %d, stdout %q, stderr %q", again.code, again.stdout, again.stderr)
			}
		})
	}
}

// new --force over a project of the first release, to the current
// templates, keeps its .env, and the .env.db it adds holds the password of
// .env's DATABASE_URL. (Without --template-version, the version that the
// answers file records would be rendered.)
func TestNewForceAddsSecretsThatAgree(t *testing.T) {
	env, _ := mergingEnv(t, newFs(t))
	o := generator.DefaultOptions()
	o.Name = "myapi"
	firstReleaseProject(t, env, "myapi", o)
	secrets := readFile(t, env.Fs, "myapi/.env")
	r := run(t, harness{env: env}, "new", "--config", "myapi/.scaffold.yaml", "--no-input", "--force", "--template-version", templates.Version)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if got := readFile(t, env.Fs, "myapi/.env"); got != secrets {
		t.Errorf("--force replaced .env:\n%s", got)
	}
	passwordsAgree(t, env.Fs, "myapi")
}
