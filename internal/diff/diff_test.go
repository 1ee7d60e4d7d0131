package diff

import (
	"bytes"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/generator"
)

func TestCompareAndWrite(t *testing.T) {
	fsys := afero.NewMemMapFs()
	put := func(name, data string) {
		if err := afero.WriteFile(fsys, name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	put("p/same.txt", "a\n")
	put("p/changed.txt", "one\ntwo\nthree\n")
	put("p/run.sh", "#!/bin/sh\n")
	put("p/.env", "SECRET=mine\n")
	put("p/mine.py", "user code\n")
	put("p/eol.txt", "x\n")
	put("p/logo.png", "\x89PNG\x00a")
	if err := fsys.MkdirAll("p/dir.txt", 0o755); err != nil {
		t.Fatal(err)
	}

	plan := generator.Plan{Files: []generator.File{
		{Path: ".env", Mode: 0o644, Data: []byte("SECRET=new\n"), Keep: true},
		{Path: "added.txt", Mode: 0o644, Data: []byte("new\n")},
		{Path: "changed.txt", Mode: 0o644, Data: []byte("one\n2\nthree\n")},
		{Path: "dir.txt", Mode: 0o644, Data: []byte("x\n")},
		{Path: "eol.txt", Mode: 0o644, Data: []byte("x")},
		{Path: "logo.png", Mode: 0o644, Data: []byte("\x89PNG\x00b")},
		{Path: "run.sh", Mode: 0o755, Data: []byte("#!/bin/sh\n")},
		{Path: "same.txt", Mode: 0o644, Data: []byte("a\n")},
	}}
	changes, err := Compare(fsys, "p", plan)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, changes); err != nil {
		t.Fatal(err)
	}
	want := `missing on disk: added.txt
--- /dev/null
+++ b/added.txt
@@ -0,0 +1 @@
+new
changed: changed.txt
--- a/changed.txt
+++ b/changed.txt
@@ -1,3 +1,3 @@
 one
-two
+2
 three
changed: dir.txt (a folder on disk, a file when generated)
changed: eol.txt
--- a/eol.txt
+++ b/eol.txt
@@ -1 +1 @@
-x
+x
\ No newline at end of file
changed: logo.png
Binary files a/logo.png and b/logo.png differ
changed: run.sh
mode 0644 on disk, 0755 when generated
`
	if got := buf.String(); got != want {
		t.Errorf("Write printed:\n%s\nwant:\n%s", got, want)
	}
	kinds := map[string]Kind{}
	for _, c := range changes {
		kinds[c.Path] = c.Kind
	}
	if kinds["added.txt"] != Missing || kinds["changed.txt"] != Changed || len(kinds) != 6 {
		t.Errorf("kinds = %v", kinds)
	}
}
