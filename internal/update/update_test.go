package update

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
)

const answersV1 = "scaffold_version: v1.0.0\ntemplate:\n  name: django-drf\n  version: 1.0.0\nanswers:\n  name: myapi\n"

// plan builds a render from path: content pairs; a path ending in * is
// executable. Secrets files are marked as a render marks them.
func plan(files ...string) generator.Plan {
	var p generator.Plan
	for i := 0; i+1 < len(files); i += 2 {
		name, mode := files[i], fs.FileMode(0o644)
		if n, ok := strings.CutSuffix(name, "*"); ok {
			name, mode = n, 0o755
		}
		secret := name == ".env" || name == ".env.db" // as the builtin manifest keeps them
		if secret {
			mode = 0o600
		}
		p.Files = append(p.Files, generator.File{Path: name, Mode: mode, Data: []byte(files[i+1]), Keep: secret})
	}
	slices.SortFunc(p.Files, func(a, b generator.File) int { return strings.Compare(a.Path, b.Path) })
	return p
}

func withAnswers(p generator.Plan, answers string) generator.Plan {
	p.Files = append(p.Files, generator.File{Path: config.FileName, Mode: 0o644, Data: []byte(answers)})
	slices.SortFunc(p.Files, func(a, b generator.File) int { return strings.Compare(a.Path, b.Path) })
	return p
}

func project(t *testing.T, files map[string]string) afero.Fs {
	t.Helper()
	fsys := afero.NewMemMapFs()
	for name, data := range files {
		if err := afero.WriteFile(fsys, filepath.Join("/p", name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return fsys
}

// fakeMerger merges by joining the three versions, so tests can tell a
// three-way merge happened and what it was given.
type fakeMerger struct{ conflicts int }

func (m fakeMerger) Merge(_ context.Context, ours, base, theirs []byte, _ Labels) (Result, error) {
	return Result{Data: []byte("merged(" + string(ours) + "|" + string(base) + "|" + string(theirs) + ")"), Conflicts: m.conflicts}, nil
}

func kinds(p Plan) map[string]Kind {
	out := map[string]Kind{}
	for _, c := range p.Changes {
		out[c.Path] = c.Kind
	}
	return out
}

func change(t *testing.T, p Plan, name string) Change {
	t.Helper()
	i := slices.IndexFunc(p.Changes, func(c Change) bool { return c.Path == name })
	if i < 0 {
		t.Fatalf("no change for %s in %v", name, kinds(p))
	}
	return p.Changes[i]
}

func TestComputeClassifiesEachFile(t *testing.T) {
	base := withAnswers(plan(
		"same", "s\n",
		"untouched", "old\n",
		"dropped", "d\n",
		"edited", "base\n",
		"both", "base\n",
		"bothsame", "base\n",
		"deleted", "x\n",
		"editeddropped", "e\n",
	), answersV1)
	theirs := withAnswers(plan(
		"same", "s\n",
		"untouched", "new\n",
		"edited", "base\n",
		"both", "theirs\n",
		"bothsame", "same change\n",
		"deleted", "y\n",
		"editeddropped", "", // removed below
		"new", "n\n",
		"usertoo", "template's\n",
		"userequal", "u\n",
	), strings.Replace(answersV1, "1.0.0\nanswers", "1.1.0\nanswers", 1))
	theirs.Files = slices.DeleteFunc(theirs.Files, func(f generator.File) bool { return f.Path == "editeddropped" })
	fsys := project(t, map[string]string{
		"same":          "s\n",
		"untouched":     "old\n",
		"dropped":       "d\n",
		"edited":        "mine\n",
		"both":          "mine\n",
		"bothsame":      "same change\n",
		"editeddropped": "mine\n",
		"usertoo":       "user's\n",
		"userequal":     "u\n",
		"own":           "never read\n",
		config.FileName: answersV1,
	})
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Labels: testLabels, Merger: fakeMerger{}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Kind{
		"same":          Unchanged,
		"untouched":     Updated,
		"dropped":       Removed,
		"edited":        Kept,
		"both":          Merged,
		"bothsame":      Unchanged,
		"deleted":       Deleted,
		"editeddropped": Kept,
		"new":           Added,
		"usertoo":       Conflict,
		"userequal":     Unchanged,
		config.FileName: Updated,
	}
	if got := kinds(p); !maps.Equal(got, want) {
		t.Errorf("kinds:\n got %v\nwant %v", got, want)
	}
	if c := change(t, p, "both"); string(c.Data) != "merged(mine\n|base\n|theirs\n)" {
		t.Errorf("both: merged %q", c.Data)
	}
	if c := change(t, p, "untouched"); string(c.Data) != "new\n" {
		t.Errorf("untouched: wrote %q, want the new render", c.Data)
	}
	if c := change(t, p, "usertoo"); c.Conflicts != 1 || !strings.Contains(c.Reason, "you created this file") {
		t.Errorf("usertoo: %d conflicts, reason %q", c.Conflicts, c.Reason)
	}
	if !p.Lags() {
		t.Error("Lags() = false for a plan that writes")
	}
	if got := p.Removes(); !slices.Equal(got, []string{"dropped"}) {
		t.Errorf("Removes() = %v", got)
	}
	var written []string
	for _, f := range p.Writes() {
		written = append(written, f.Path)
	}
	if want := []string{config.FileName, "both", "new", "untouched", "usertoo"}; !slices.Equal(written, want) {
		t.Errorf("Writes() = %v, want %v", written, want)
	}
}

func TestComputeConflictAndKeptMerge(t *testing.T) {
	base := withAnswers(plan("a", "base\n", "b", "base\n"), answersV1)
	theirs := withAnswers(plan("a", "theirs\n", "b", "theirs\n"), answersV1)
	fsys := project(t, map[string]string{"a": "mine\n", "b": "mine\n", config.FileName: answersV1})
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Labels: testLabels, Merger: fakeMerger{conflicts: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if c := change(t, p, "a"); c.Kind != Conflict || c.Conflicts != 2 {
		t.Errorf("a: %v with %d conflicts, want a conflict with 2", c.Kind, c.Conflicts)
	}
	if got := p.Conflicts(); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("Conflicts() = %v", got)
	}
}

// A merge whose result is the file on disk writes nothing.
func TestComputeMergeThatChangesNothingKeeps(t *testing.T) {
	git := systemGit(t)
	base := withAnswers(plan("a", "1\n2\n3\n"), answersV1)
	theirs := withAnswers(plan("a", "1\n2\n3\n4\n"), answersV1)
	fsys := project(t, map[string]string{"a": "0\n1\n2\n3\n4\n", config.FileName: answersV1})
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Labels: testLabels, Merger: GitMerger{Git: git}})
	if err != nil {
		t.Fatal(err)
	}
	if c := change(t, p, "a"); c.Kind != Kept {
		t.Errorf("a: %v, want kept", c.Kind)
	}
	if p.Lags() {
		t.Error("Lags() = true for a plan that writes nothing")
	}
}

func TestComputeModes(t *testing.T) {
	base := withAnswers(plan("script*", "a\n", "tool", "t\n", "chmodded", "c\n"), answersV1)
	theirs := withAnswers(plan("script", "a\n", "tool*", "t\n", "chmodded", "c2\n"), answersV1)
	fsys := project(t, map[string]string{"script": "a\n", "tool": "t\n", "chmodded": "c\n", config.FileName: answersV1})
	for name, mode := range map[string]fs.FileMode{"script": 0o755, "chmodded": 0o755} {
		if err := fsys.Chmod(filepath.Join("/p", name), mode); err != nil {
			t.Fatal(err)
		}
	}
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Labels: testLabels, Merger: GitMerger{Git: systemGit(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if c := change(t, p, "script"); c.Kind != Updated || c.Mode != 0o644 {
		t.Errorf("script: %v %v, want updated to 0644", c.Kind, c.Mode)
	}
	if c := change(t, p, "tool"); c.Kind != Updated || c.Mode != 0o755 {
		t.Errorf("tool: %v %v, want updated to 0755", c.Kind, c.Mode)
	}
	// The user made it executable: the merge keeps that.
	if c := change(t, p, "chmodded"); c.Kind != Merged || c.Mode != 0o755 || string(c.Data) != "c2\n" {
		t.Errorf("chmodded: %v %v %q, want merged, 0755, c2", c.Kind, c.Mode, c.Data)
	}
}

func TestComputeWithoutBaseUsesHashes(t *testing.T) {
	theirs := withAnswers(plan("untouched", "new\n", "edited", "theirs\n", "gone", "g\n"), answersV1)
	fsys := project(t, map[string]string{"untouched": "old\n", "edited": "mine\n", "dropped": "d\n", "keepme": "k2\n", config.FileName: answersV1})
	hashes := map[string]string{
		"untouched": config.Hash([]byte("old\n")),
		"edited":    config.Hash([]byte("base\n")),
		"dropped":   config.Hash([]byte("d\n")),
		"keepme":    config.Hash([]byte("k\n")),
		"gone":      config.Hash([]byte("g\n")),
	}
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Theirs: theirs, Hashes: hashes, Labels: testLabels, Merger: fakeMerger{}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Kind{
		"untouched":     Updated,
		"edited":        Conflict,
		"dropped":       Removed,
		"keepme":        Kept,
		"gone":          Deleted,
		config.FileName: Updated,
	}
	if got := kinds(p); !maps.Equal(got, want) {
		t.Errorf("kinds:\n got %v\nwant %v", got, want)
	}
	c := change(t, p, "edited")
	if !strings.Contains(c.Reason, "base is unknown") || !hasConflictMarkers(c.Data) || strings.Contains(string(c.Data), "merged(") {
		t.Errorf("edited: want a two-way conflict that says the base is unknown, got %q: %q", c.Reason, c.Data)
	}
}

func TestComputeDistrustsABaseThatIsNotWhatWasGenerated(t *testing.T) {
	base := withAnswers(plan("a", "rebuilt\n", "b", "rebuilt\n"), answersV1)
	theirs := withAnswers(plan("a", "new\n", "b", "new\n"), answersV1)
	fsys := project(t, map[string]string{"a": "generated\n", "b": "mine\n", config.FileName: answersV1})
	hashes := map[string]string{"a": config.Hash([]byte("generated\n")), "b": config.Hash([]byte("generated\n"))}
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Hashes: hashes, Labels: testLabels, Merger: fakeMerger{}})
	if err != nil {
		t.Fatal(err)
	}
	if c := change(t, p, "a"); c.Kind != Updated {
		t.Errorf("a: %v, want updated: its hash says the user did not change it", c.Kind)
	}
	if c := change(t, p, "b"); c.Kind != Conflict || !strings.Contains(c.Reason, "cannot rebuild") {
		t.Errorf("b: %v %q, want a two-way conflict", c.Kind, c.Reason)
	}
}

func TestComputeRefusesHashesOutsideTheProject(t *testing.T) {
	theirs := withAnswers(plan("a", "a\n"), answersV1)
	for _, name := range []string{"../etc/passwd", "/etc/passwd", ".git/config", "a/../../b", `a\b`, "."} {
		fsys := project(t, map[string]string{config.FileName: answersV1})
		_, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Theirs: theirs, Hashes: map[string]string{name: config.Hash(nil)}, Merger: fakeMerger{}})
		if !errors.Is(err, ErrBadHashes) {
			t.Errorf("%q: err = %v, want ErrBadHashes", name, err)
		}
	}
}

func TestComputeLeavesFoldersAndLinks(t *testing.T) {
	base := withAnswers(plan("a", "a\n"), answersV1)
	theirs := withAnswers(plan("a", "b\n"), answersV1)
	fsys := project(t, map[string]string{config.FileName: answersV1, "a/inside": "x\n"})
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Merger: fakeMerger{}})
	if err != nil {
		t.Fatal(err)
	}
	if c := change(t, p, "a"); c.Kind != Kept || c.Reason == "" {
		t.Errorf("a: %v %q, want kept with a reason", c.Kind, c.Reason)
	}
}

func TestComputeNeedsGitOnlyToMerge(t *testing.T) {
	base := withAnswers(plan("a", "base\n", "b", "base\n"), answersV1)
	theirs := withAnswers(plan("a", "theirs\n", "b", "theirs\n"), answersV1)
	fsys := project(t, map[string]string{"a": "base\n", "b": "base\n", config.FileName: answersV1})
	in := Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Merger: GitMerger{}}
	if _, err := Compute(context.Background(), in); err != nil {
		t.Fatalf("no file needs a merge, yet: %v", err)
	}
	if err := afero.WriteFile(fsys, "/p/b", []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Compute(context.Background(), in)
	if !errors.Is(err, ErrNoGit) || !strings.Contains(err.Error(), "b was changed by you and by the templates") {
		t.Errorf("err = %v, want ErrNoGit naming b", err)
	}
}

func TestComputeBinaryConflictKeepsYours(t *testing.T) {
	base := withAnswers(plan("logo.png", "\x00base"), answersV1)
	theirs := withAnswers(plan("logo.png", "\x00theirs"), answersV1)
	fsys := project(t, map[string]string{"logo.png": "\x00mine", config.FileName: answersV1})
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: theirs, Merger: GitMerger{Git: func(context.Context, string, ...string) ([]byte, error) {
		t.Fatal("git ran on a binary file")
		return nil, nil
	}}})
	if err != nil {
		t.Fatal(err)
	}
	c := change(t, p, "logo.png")
	if c.Kind != Conflict || !c.Binary {
		t.Errorf("logo.png: %v, want a binary conflict", c.Kind)
	}
	for _, f := range p.Writes() {
		if f.Path == "logo.png" {
			t.Error("Writes() writes the binary conflict")
		}
	}
}

func TestComputeStopsWhenCancelled(t *testing.T) {
	base := withAnswers(plan("a", "a\n"), answersV1)
	fsys := project(t, map[string]string{config.FileName: answersV1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Compute(ctx, Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: base, Merger: fakeMerger{}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// A second run over an applied update finds nothing to do, even with a
// newer scaffold: its version alone is no change.
func TestComputeNoOpIgnoresScaffoldVersion(t *testing.T) {
	render := withAnswers(plan("a", "a\n"), strings.Replace(answersV1, "v1.0.0", "v1.2.0", 1))
	fsys := project(t, map[string]string{"a": "a\n", config.FileName: answersV1})
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Base: &render, Theirs: render, Merger: fakeMerger{}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Lags() || len(p.Writes()) != 0 {
		t.Errorf("plan writes %d files, want none: %v", len(p.Writes()), kinds(p))
	}
}

func TestScanFindsMarkersInGeneratedFiles(t *testing.T) {
	conflict := "<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n"
	fsys := project(t, map[string]string{"gen": conflict, "old": conflict, "hashed": conflict, "own": conflict, ".env": conflict, "clean": "c\n"})
	base := plan("old", "", "missing", "")
	got, err := Scan(Input{Fs: fsys, Dir: "/p", Base: &base, Theirs: plan("gen", "", "clean", "", ".env", ""), Hashes: map[string]string{"hashed": ""}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"gen", "hashed", "old"}; !slices.Equal(got, want) {
		t.Errorf("Scan = %v, want %v", got, want)
	}
}

// An answers file from before files: was recorded, of a pack outside git:
// nothing tells what was generated, so every difference is marked.
func TestComputeWithNothingToGoBy(t *testing.T) {
	theirs := withAnswers(plan("a", "new\n", "b", "b\n"), answersV1)
	fsys := project(t, map[string]string{"a": "old\n", "b": "b\n", config.FileName: answersV1})
	p, err := Compute(context.Background(), Input{Fs: fsys, Dir: "/p", Theirs: theirs, Merger: fakeMerger{}})
	if err != nil {
		t.Fatal(err)
	}
	if c := change(t, p, "a"); c.Kind != Conflict || !strings.Contains(c.Reason, "base is unknown") {
		t.Errorf("a: %v %q", c.Kind, c.Reason)
	}
	if c := change(t, p, "b"); c.Kind != Unchanged {
		t.Errorf("b: %v, want unchanged", c.Kind)
	}
}
