// Package update brings a generated project to a new render of its
// templates. It compares, file by file, three versions: the base (what the
// templates generated for the project before), ours (the project on disk)
// and theirs (the new render), keeps every change the user made and merges
// the rest. It works in memory; applying its plan is the writer's job.
package update

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
)

// Kind says what an update does to one file.
type Kind int

const (
	// Unchanged files are the same on disk as in the new render.
	Unchanged Kind = iota
	// Updated files were not changed by the user, and take the new render.
	Updated
	// Merged files were changed by both, and merged without a conflict.
	Merged
	// Conflict files were changed by both in the same lines; they get
	// conflict markers for the user to resolve.
	Conflict
	// Added files are new in the render.
	Added
	// Removed files are no longer generated, and the user had not changed them.
	Removed
	// Kept files were changed by the user, and nothing in the templates
	// needs a merge; they stay as they are.
	Kept
	// Deleted files were generated and then deleted by the user; they stay deleted.
	Deleted
)

var kindNames = [...]string{"unchanged", "updated", "merged", "conflict", "added", "removed", "kept", "deleted"}

func (k Kind) String() string { return kindNames[k] }

// Writes reports whether applying a change of this kind writes the file.
func (k Kind) Writes() bool {
	return k == Updated || k == Merged || k == Conflict || k == Added
}

// Change is what an update does to one path of the project.
type Change struct {
	Path string
	Kind Kind
	// Data and Mode are what to write, for the kinds that write.
	Data []byte
	Mode fs.FileMode
	// Binary marks a conflict in a file that is not text: there is no line
	// to put markers around, so nothing is written.
	Binary bool
	// Conflicts counts the conflict blocks in Data.
	Conflicts int
	// Reason says why, when the kind alone does not, such as "its base is
	// unknown"; empty otherwise.
	Reason string
	// Secrets marks a secrets file (generator.IsSecretFile), which an
	// update only ever adds or appends to.
	Secrets bool
}

// Plan is a whole update, computed in memory.
type Plan struct {
	// Changes holds one change per path that the old or the new render
	// generates, sorted by path, Unchanged ones too.
	Changes []Change
	// Env says what the update does to each secrets file, and what it
	// leaves to the user, in path order; only those with something to say.
	Env []EnvReport
}

// Lags reports whether the project lags its templates: applying the plan
// would change a file. Secrets files do not count: they are each machine's
// own, and a fresh clone has none, so a check in CI would never pass.
func (p Plan) Lags() bool {
	return slices.ContainsFunc(p.Changes, func(c Change) bool {
		return !c.Secrets && (c.Kind.Writes() || c.Kind == Removed)
	})
}

// Conflicts lists the paths that get conflict markers or need the user's
// decision.
func (p Plan) Conflicts() []string { return p.paths(Conflict) }

// Count returns how many changes are of kind k.
func (p Plan) Count(k Kind) int {
	n := 0
	for _, c := range p.Changes {
		if c.Kind == k {
			n++
		}
	}
	return n
}

// Writes returns the files that applying the plan writes, sorted by path.
func (p Plan) Writes() []generator.File {
	var files []generator.File
	for _, c := range p.Changes {
		if c.Kind.Writes() && !c.Binary {
			files = append(files, generator.File{Path: c.Path, Mode: c.Mode, Data: c.Data})
		}
	}
	return files
}

// Removes returns the paths that applying the plan deletes, sorted.
func (p Plan) Removes() []string { return p.paths(Removed) }

func (p Plan) paths(k Kind) []string {
	var out []string
	for _, c := range p.Changes {
		if c.Kind == k {
			out = append(out, c.Path)
		}
	}
	return out
}

// Input is what an update compares.
type Input struct {
	Fs  afero.Fs
	Dir string // the project folder on Fs
	// Base is what the templates generated for the project before: the
	// recorded answers rendered with the recorded templates, or nil when
	// that cannot be rebuilt. It must hold the same secrets as Theirs, so
	// that .env values compare.
	Base *generator.Plan
	// Theirs is the new render. Its answers file is written when anything
	// else changes, or when it records something new.
	Theirs generator.Plan
	// Hashes are the sha256 sums, in hex, of the files the templates
	// generated before, as .scaffold.yaml records them; nil when it
	// records none. They tell which files the user changed when the base
	// is unknown, and which files of a rebuilt base are not what was
	// generated.
	Hashes map[string]string
	Labels Labels
	// Templates names the new templates in what is appended to .env, such
	// as "django-drf 1.1.0".
	Templates string
	Merger    Merger
}

// ErrBadHashes means .scaffold.yaml lists a file outside the project.
var ErrBadHashes = errors.New("not a path inside the project")

// Compute works out the whole update in memory and reads only the files the
// renders generate, or generated, from the project.
func Compute(ctx context.Context, in Input) (Plan, error) {
	var p Plan
	paths, err := in.paths()
	if err != nil {
		return Plan{}, err
	}
	for _, name := range paths {
		if err := ctx.Err(); err != nil {
			return Plan{}, err
		}
		var c Change
		if in.secrets(name) {
			var r EnvReport
			c, r, err = in.env(name)
			if !r.Empty() {
				p.Env = append(p.Env, r)
			}
		} else {
			c, err = in.file(ctx, name)
		}
		if err != nil {
			return Plan{}, err
		}
		p.Changes = append(p.Changes, c)
	}
	answers, err := in.answers(p.Lags())
	if err != nil {
		return Plan{}, err
	}
	i, _ := slices.BinarySearchFunc(p.Changes, answers.Path, func(c Change, n string) int { return strings.Compare(c.Path, n) })
	p.Changes = slices.Insert(p.Changes, i, answers)
	return p, nil
}

// paths lists, sorted, every path that the old or the new render generates
// or that files: records, but the answers file.
func (in Input) paths() ([]string, error) {
	set := map[string]bool{}
	if in.Base != nil {
		for _, f := range in.Base.Files {
			set[f.Path] = true
		}
	}
	for _, f := range in.Theirs.Files {
		set[f.Path] = true
	}
	for name := range in.Hashes {
		if !insideProject(name) {
			return nil, fmt.Errorf("%s: files: %q: %w; remove that line", config.FileName, name, ErrBadHashes)
		}
		set[name] = true
	}
	delete(set, config.FileName)
	return slices.Sorted(maps.Keys(set)), nil
}

// Scan lists the generated files in the project that hold conflict
// markers, from an earlier update or a merge: another update would bury
// them under its own.
func Scan(in Input) ([]string, error) {
	paths, err := in.paths()
	if err != nil {
		return nil, err
	}
	var found []string
	for _, name := range paths {
		if in.secrets(name) {
			continue
		}
		d, err := in.read(name)
		if err != nil {
			return nil, err
		}
		if d.regular && HasConflictMarkers(d.data) {
			found = append(found, name)
		}
	}
	return found, nil
}

// secrets reports whether a render marks name as a secrets file
// (generator.IsSecretFile), which holds the user's own values: it is only
// appended to, never merged.
func (in Input) secrets(name string) bool {
	if f, ok := in.Theirs.Lookup(name); ok {
		return f.Keep
	}
	if in.Base != nil {
		if f, ok := in.Base.Lookup(name); ok {
			return f.Keep
		}
	}
	return false
}

// insideProject accepts a slash-separated relative path that stays in the
// project and out of its .git folder.
func insideProject(name string) bool {
	if !fs.ValidPath(name) || name == "." || strings.Contains(name, `\`) {
		return false
	}
	for seg := range strings.SplitSeq(name, "/") {
		if strings.EqualFold(seg, ".git") {
			return false
		}
	}
	return true
}

// disk is a path as found in the project.
type disk struct {
	exists  bool
	regular bool // false for a folder, a link or a device
	data    []byte
	mode    fs.FileMode
}

func (in Input) read(name string) (disk, error) {
	full := filepath.Join(in.Dir, filepath.FromSlash(name))
	info, err := lstat(in.Fs, full)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		// ENOTDIR: a file stands where a folder of the path would be.
		return disk{}, nil
	case err != nil:
		return disk{}, &generator.FileError{Action: "read", Path: full, Err: err}
	case !info.Mode().IsRegular():
		return disk{exists: true, mode: info.Mode()}, nil
	}
	data, err := afero.ReadFile(in.Fs, full)
	if err != nil {
		return disk{}, &generator.FileError{Action: "read", Path: full, Err: err}
	}
	return disk{exists: true, regular: true, data: data, mode: info.Mode().Perm()}, nil
}

// lstat does not follow a link: scaffold never reads or writes through one.
func lstat(fsys afero.Fs, name string) (fs.FileInfo, error) {
	if l, ok := fsys.(afero.Lstater); ok {
		info, _, err := l.LstatIfPossible(name)
		return info, err
	}
	return fsys.Stat(name)
}

// file decides what happens to one generated path other than a secrets file.
func (in Input) file(ctx context.Context, name string) (Change, error) {
	c := Change{Path: name}
	theirs, inTheirs := in.Theirs.Lookup(name)
	var base generator.File
	inBase := false
	if in.Base != nil {
		base, inBase = in.Base.Lookup(name)
	}
	hash, hashed := in.Hashes[name]
	// A rebuilt base that is not what was generated is no base at all.
	baseOK := inBase && (!hashed || config.Hash(base.Data) == hash)
	generated := inBase || hashed

	ours, err := in.read(name)
	if err != nil {
		return c, err
	}
	take := func(k Kind, f generator.File) Change {
		c.Kind, c.Data, c.Mode = k, f.Data, f.Mode
		return c
	}
	switch {
	case !ours.exists && !inTheirs:
		return c, nil
	case !ours.exists && generated:
		c.Kind = Deleted
		return c, nil
	case !ours.exists:
		return take(Added, theirs), nil
	case !ours.regular && !inTheirs:
		return c, nil
	case !ours.regular:
		c.Kind, c.Reason = Kept, "a folder or link stands where the templates generate this file; scaffold leaves it alone"
		return c, nil
	}

	var userChanged bool
	switch {
	case baseOK:
		userChanged = !sameFile(ours, base)
	case hashed:
		userChanged = config.Hash(ours.data) != hash
	default:
		userChanged = true
	}
	switch {
	case !userChanged && !inTheirs:
		c.Kind = Removed
		return c, nil
	case !userChanged && sameFile(ours, theirs):
		return c, nil
	case !userChanged:
		return take(Updated, theirs), nil
	case !inTheirs:
		c.Kind, c.Reason = Kept, "you changed it; the templates no longer generate it"
		return c, nil
	case bytes.Equal(ours.data, theirs.Data):
		// The same text, whatever the executable bit: the user's mode wins.
		return c, nil
	case baseOK && bytes.Equal(theirs.Data, base.Data) && executable(theirs.Mode) == executable(base.Mode):
		c.Kind = Kept
		return c, nil
	}

	mode := theirs.Mode
	if !baseOK || executable(ours.mode) != executable(base.Mode) {
		mode = ours.mode
	}
	if !baseOK {
		m := TwoWay(ours.data, theirs.Data, in.Labels)
		c.Kind, c.Data, c.Mode, c.Conflicts = Conflict, m.Data, mode, m.Conflicts
		switch {
		case !generated && (in.Base != nil || in.Hashes != nil):
			c.Reason = "you created this file, and the templates now generate it too"
		case inBase:
			c.Reason = "scaffold cannot rebuild the version it generated, which .scaffold.yaml's files: records another way"
		default:
			c.Reason = "its base is unknown, so every difference is marked"
		}
		return c, nil
	}
	m, err := in.Merger.Merge(ctx, ours.data, base.Data, theirs.Data, in.Labels)
	switch {
	case errors.Is(err, ErrBinary):
		c.Kind, c.Binary = Conflict, true
		c.Reason = "not a text file, changed by you and by the templates; yours is kept, so compare it with the templates' version yourself"
		return c, nil
	case errors.Is(err, ErrNoGit):
		return c, fmt.Errorf("%s was changed by you and by the templates, and scaffold merges such files with git merge-file, but %w; install git and run scaffold update again", name, err)
	case err != nil:
		return c, fmt.Errorf("merge %s: %w", name, err)
	case m.Conflicts > 0:
		c.Kind, c.Data, c.Mode, c.Conflicts = Conflict, m.Data, mode, m.Conflicts
	case bytes.Equal(m.Data, ours.data) && executable(mode) == executable(ours.mode):
		c.Kind = Kept
	default:
		c.Kind, c.Data, c.Mode = Merged, m.Data, mode
	}
	return c, nil
}

// sameFile compares text and the executable bit, the one permission that
// git keeps and that a checkout brings back.
func sameFile(d disk, f generator.File) bool {
	return bytes.Equal(d.data, f.Data) && executable(d.mode) == executable(f.Mode)
}

// executable tells a script by its mode. Windows keeps no executable bit, so
// there no file is one, and a mode never differs.
func executable(m fs.FileMode) bool { return runtime.GOOS != "windows" && m&0o111 != 0 }

// env appends to a secrets file what the new render needs and it lacks;
// it never rewrites a line of it.
func (in Input) env(name string) (Change, EnvReport, error) {
	c := Change{Path: name, Secrets: true}
	r := EnvReport{Path: name}
	theirs, inTheirs := in.Theirs.Lookup(name)
	ours, err := in.read(name)
	switch {
	case err != nil:
		return c, r, err
	case !inTheirs && ours.exists:
		c.Kind, c.Reason = Kept, "the templates no longer use it; remove it when you like"
		return c, r, nil
	case !inTheirs:
		return c, r, nil
	case !ours.exists:
		c.Kind, c.Data, c.Mode = Added, theirs.Data, theirs.Mode
		c.Reason, err = in.secretsFrom(theirs)
		return c, r, err
	case !ours.regular:
		return c, r, nil
	}
	var base []byte
	if in.Base != nil {
		if b, ok := in.Base.Lookup(name); ok {
			base = b.Data
		}
	}
	data, r := mergeEnv(ours.data, base, theirs.Data, in.Base != nil, in.Templates)
	r.Path = name
	if len(r.Appended) > 0 {
		c.Kind, c.Data, c.Mode = Updated, data, ours.mode
		c.Reason = "appended " + strings.Join(r.Appended, ", ")
	}
	return c, r, nil
}

// secretsFrom says where the secrets of a secrets file that the project
// lacks come from: the other secrets files on disk that already hold them,
// since the renders use the project's own secrets where it has them, or
// newly generated ones.
func (in Input) secretsFrom(f generator.File) (string, error) {
	var from []string
	reused := map[string]bool{}
	for _, other := range in.Theirs.Files {
		if !other.Keep || other.Path == f.Path {
			continue
		}
		d, err := in.read(other.Path)
		if err != nil {
			return "", err
		}
		holds := false
		for _, s := range in.Theirs.Secrets.Values() {
			if bytes.Contains(f.Data, []byte(s)) && bytes.Contains(d.data, []byte(s)) {
				reused[s], holds = true, true
			}
		}
		if holds {
			from = append(from, other.Path)
		}
	}
	if len(from) == 0 {
		return "with newly generated secrets", nil
	}
	note := "with the secrets that " + strings.Join(from, " and ") + " already " + plural(len(from), "holds", "hold")
	for _, s := range in.Theirs.Secrets.Values() {
		if bytes.Contains(f.Data, []byte(s)) && !reused[s] {
			return note + ", and newly generated ones", nil
		}
	}
	return note, nil
}

// answers writes the new answers file when the update changes anything, or
// when it records what the one on disk does not. A newer scaffold alone is
// no reason: its version is not compared.
func (in Input) answers(lags bool) (Change, error) {
	c := Change{Path: config.FileName}
	theirs, ok := in.Theirs.Lookup(config.FileName)
	if !ok {
		return c, fmt.Errorf("the new render has no %s", config.FileName)
	}
	ours, err := in.read(config.FileName)
	if err != nil {
		return c, err
	}
	if lags || !ours.regular || !sameAnswers(ours.data, theirs.Data) {
		c.Kind, c.Data, c.Mode = Updated, theirs.Data, theirs.Mode
	}
	return c, nil
}

func sameAnswers(a, b []byte) bool {
	fa, errA := config.Parse(config.FileName, a)
	fb, errB := config.Parse(config.FileName, b)
	if errA != nil || errB != nil {
		return bytes.Equal(a, b)
	}
	fa.ScaffoldVersion, fb.ScaffoldVersion = "", ""
	ma, errA := config.Marshal(fa)
	mb, errB := config.Marshal(fb)
	return errA == nil && errB == nil && bytes.Equal(ma, mb)
}
