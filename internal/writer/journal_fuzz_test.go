package writer

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

// FuzzJournal reads whatever a lock file may hold as a journal and
// recovers it in a project that has a link to a folder outside, a backup
// and a temporary file of a run beside its own files: recovery never
// touches anything outside the project, and never changes or removes a
// file of the project that does not carry a run's temporary or backup
// name.
func FuzzJournal(f *testing.F) {
	const sfx = "0c1d2e3f"
	head := "scaffold-journal 1 pid=999999 host=\"elsewhere\"\n"
	for _, seed := range []string{
		head + `create "lnk/victim" ".victim.scaffold-tmp-` + sfx + "\"\n" + `create "manage.py" ".manage.py.scaffold-tmp-` + sfx + "\"\n",
		head + `replace "manage.py" ".manage.py.scaffold-tmp-` + sfx + `" ".manage.py.scaffold-backup-` + sfx + "\"\n",
		head + `remove "config/settings.py" ".settings.py.scaffold-backup-` + sfx + "\"\n",
		head + `replace "lnk/victim" ".victim.scaffold-tmp-` + sfx + `" ".victim.scaffold-backup-` + sfx + "\"\n",
		head + `mkdir "lnk"` + "\n" + `mkdir "config"` + "\n",
		head + `stage "../p.scaffold-new"` + "\n",
		head + `create "../outside/victim" "x"` + "\n",
		head + `create "manage.py" ".manage.py.scaffold-tmp-` + sfx + "\"\ncommit\n",
		head + "done\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, entries, err := parseJournal(data)
		if err != nil {
			return
		}
		root := t.TempDir()
		outside, dir := filepath.Join(root, "outside"), filepath.Join(root, "p")
		writeTree(t, outside, map[string]string{
			"victim":                           "not yours",
			".victim.scaffold-tmp-" + sfx:      "not yours either",
			".victim.scaffold-backup-" + sfx:   "nor this",
			"sub/.x.scaffold-backup-" + sfx:    "nor this",
			"p.scaffold-new/kept":              "outside",
			".manage.py.scaffold-tmp-" + sfx:   "outside",
			".settings.py.scaffold-tmp-" + sfx: "outside",
		}, nil)
		own := map[string]string{
			"manage.py":          "the user's",
			"config/settings.py": "the user's",
			"config/empty/":      "",
		}
		writeTree(t, dir, own, nil)
		writeTree(t, dir, map[string]string{
			".manage.py.scaffold-backup-" + sfx:          "a planted backup",
			"config/.settings.py.scaffold-tmp-" + sfx:    "a planted temporary file",
			"config/.settings.py.scaffold-backup-" + sfx: "a planted backup",
		}, nil)
		if err := os.Symlink(outside, filepath.Join(dir, "lnk")); err != nil {
			t.Fatal(err)
		}
		before := diskTree(t, outside)
		_, _ = recoverStale(afero.NewOsFs(), dir, dir, filepath.Join(dir, lockName), "", entries)
		if after := diskTree(t, outside); after != before {
			t.Fatalf("recovery changed what is outside the project:\n%s\nwas\n%s", after, before)
		}
		for name, want := range own {
			if want == "" {
				continue
			}
			if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != want {
				t.Fatalf("recovery changed %s: %q, %v", name, got, err)
			}
		}
		if target, err := os.Readlink(filepath.Join(dir, "lnk")); err != nil || target != outside {
			t.Fatalf("recovery changed the link: %q, %v", target, err)
		}
	})
}
