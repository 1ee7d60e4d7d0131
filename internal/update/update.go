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
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/afero"

	"github.com/djscaffold/scaffold/internal/config"
	"github.com/djscaffold/scaffold/internal/generator"
	"github.com/djscaffold/scaffold/internal/userfile"
)

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
	// AnswersChanged says that the update changes answers, so that the
	// report says files are removed by the new answers, not by the
	// templates.
	AnswersChanged bool
}

// ErrBadHashes means .scaffold.yaml lists a file outside the project.
var ErrBadHashes = errors.New("not a path inside the project")

// Compute works out the whole update in memory and reads only the files the
// renders generate, or generated, from the project.
func Compute(ctx context.Context, in Input) (Plan, error) {
	p := Plan{answersChanged: in.AnswersChanged}
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
		if d.regular && hasConflictMarkers(d.data) {
			found = append(found, name)
		}
	}
	return found, nil
}

// secrets reports whether a render marks name as a secrets file
// (a file whose policy is generator.PolicyKeep), which holds the user's own values: it is only
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

// read reads a path of the project, never through a link: neither one at
// the path nor one in a folder on its way, which leaves the path missing.
func (in Input) read(name string) (disk, error) {
	proj := userfile.Project{Fs: in.Fs, Dir: in.Dir}
	info, err := proj.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return disk{}, nil
	case err != nil:
		return disk{}, &userfile.FileError{Action: "read", Path: proj.Path(name), Err: err}
	case !info.Mode().IsRegular():
		return disk{exists: true, mode: info.Mode()}, nil
	}
	data, err := proj.Read(name, userfile.MaxProjectFile)
	if err != nil {
		return disk{}, &userfile.FileError{Action: "read", Path: proj.Path(name), Err: err}
	}
	return disk{exists: true, regular: true, data: data, mode: info.Mode().Perm()}, nil
}

// file decides what happens to one generated path other than a secrets
// file: first by what stands on disk, then by whether the user changed it,
// then by merging the user's changes and the templates'.
func (in Input) file(ctx context.Context, name string) (Change, error) {
	s, err := in.sides(name)
	if err != nil {
		return Change{Path: name}, err
	}
	if c, done := s.onDisk(); done {
		return c, nil
	}
	if c, done := s.unchangedByOne(); done {
		return c, nil
	}
	if !s.baseOK {
		return s.twoWay(in), nil
	}
	return s.merge(ctx, in)
}

// sides are the three versions of one path: the base, ours on disk, and
// theirs, with what files: records of it.
type sides struct {
	name             string
	base, theirs     generator.File
	inBase, inTheirs bool
	hash             string
	hashed           bool
	// baseOK is a base that is what was generated: a rebuilt base that is
	// not is no base at all.
	baseOK    bool
	generated bool // the templates generated it before
	ours      disk
}

func (in Input) sides(name string) (sides, error) {
	s := sides{name: name}
	s.theirs, s.inTheirs = in.Theirs.Lookup(name)
	if in.Base != nil {
		s.base, s.inBase = in.Base.Lookup(name)
	}
	s.hash, s.hashed = in.Hashes[name]
	if in.Hashes != nil && !s.hashed {
		// files: records every file the templates wrote. A file the base
		// renders and it lacks was never written: the answers were edited
		// by hand since, so the base renders what the project never had.
		s.inBase = false
	}
	s.baseOK = s.inBase && (!s.hashed || config.Hash(s.base.Data) == s.hash)
	s.generated = s.inBase || s.hashed
	var err error
	s.ours, err = in.read(name)
	return s, err
}

func (s sides) take(k Kind, f generator.File) Change {
	return Change{Path: s.name, Kind: k, Data: f.Data, Mode: f.Mode}
}

// onDisk decides a path that is missing on disk, or that is no regular file.
func (s sides) onDisk() (Change, bool) {
	c := Change{Path: s.name}
	switch {
	case !s.ours.exists && !s.inTheirs:
		return c, true
	case !s.ours.exists && s.generated:
		c.Kind = Deleted
		return c, true
	case !s.ours.exists:
		return s.take(Added, s.theirs), true
	case !s.ours.regular && !s.inTheirs:
		return c, true
	case !s.ours.regular:
		c.Kind, c.Reason = Kept, "a folder or link stands where the templates generate this file; scaffold leaves it alone"
		return c, true
	}
	return c, false
}

// unchangedByOne decides a file that the user, or the templates, left as
// it was.
func (s sides) unchangedByOne() (Change, bool) {
	c := Change{Path: s.name}
	var userChanged bool
	switch {
	case s.baseOK:
		userChanged = !sameFile(s.ours, s.base)
	case s.hashed:
		userChanged = config.Hash(s.ours.data) != s.hash
	default:
		userChanged = true
	}
	switch {
	case !userChanged && !s.inTheirs:
		c.Kind = Removed
	case !userChanged && sameFile(s.ours, s.theirs):
	case !userChanged:
		return s.take(Updated, s.theirs), true
	case !s.inTheirs:
		c.Kind, c.Reason, c.orphan = Kept, "you changed it; the templates no longer generate it", true
	case bytes.Equal(s.ours.data, s.theirs.Data):
		// The same text, whatever the executable bit: the user's mode wins.
	case s.baseOK && bytes.Equal(s.theirs.Data, s.base.Data) && executable(s.theirs.Mode) == executable(s.base.Mode):
		c.Kind = Kept
	default:
		return c, false
	}
	return c, true
}

// mode is the mode of a file that both changed: the user's, when the user
// changed its executable bit or the base is unknown.
func (s sides) mode() fs.FileMode {
	if !s.baseOK || executable(s.ours.mode) != executable(s.base.Mode) {
		return s.ours.mode
	}
	return s.theirs.Mode
}

// twoWay marks every difference of a file whose base is unknown.
func (s sides) twoWay(in Input) Change {
	m := TwoWay(s.ours.data, s.theirs.Data, in.Labels)
	c := Change{Path: s.name, Kind: Conflict, Data: m.Data, Mode: s.mode(), Conflicts: m.Conflicts}
	switch {
	case !s.generated && (in.Base != nil || in.Hashes != nil):
		c.Reason = "you created this file, and the templates now generate it too"
	case s.inBase:
		c.Reason = "scaffold cannot rebuild the version it generated, which .scaffold.yaml's files: records another way"
	default:
		c.Reason = "its base is unknown, so every difference is marked"
	}
	return c
}

// merge merges the user's changes and the templates' of a file both changed.
func (s sides) merge(ctx context.Context, in Input) (Change, error) {
	c := Change{Path: s.name}
	mode := s.mode()
	// The merge runs in LF; a file the user keeps in CRLF gets its line
	// endings back, so that one ending runs through the whole file.
	ours, crlf := s.ours.data, usesCRLF(s.ours.data) && !usesCRLF(s.theirs.Data)
	if crlf {
		ours = bytes.ReplaceAll(ours, []byte("\r\n"), []byte("\n"))
	}
	ours, theirs := mergeLists(s.name, ours, s.base.Data, s.theirs.Data)
	m, err := in.Merger.Merge(ctx, ours, s.base.Data, theirs, in.Labels)
	if err == nil && crlf {
		m.Data = bytes.ReplaceAll(m.Data, []byte("\n"), []byte("\r\n"))
	}
	switch {
	case errors.Is(err, ErrBinary):
		c.Kind, c.Binary = Conflict, true
		c.Reason = "not a text file, changed by you and by the templates; yours is kept, so compare it with the templates' version yourself"
		return c, nil
	case errors.Is(err, ErrNoGit):
		return c, fmt.Errorf("%s was changed by you and by the templates, and scaffold merges such files with git merge-file, but %w; install git and run scaffold update again", s.name, err)
	case err != nil:
		return c, fmt.Errorf("merge %s: %w", s.name, err)
	case m.Conflicts > 0:
		c.Kind, c.Data, c.Mode, c.Conflicts = Conflict, m.Data, mode, m.Conflicts
	case bytes.Equal(m.Data, s.ours.data) && executable(mode) == executable(s.ours.mode):
		c.Kind = Kept
	default:
		c.Kind, c.Data, c.Mode = Merged, m.Data, mode
	}
	return c, nil
}

// usesCRLF reports whether every line of a text ends with CRLF.
func usesCRLF(b []byte) bool {
	crlf := bytes.Count(b, []byte("\r\n"))
	return crlf > 0 && crlf == bytes.Count(b, []byte("\n"))
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
	if lags || !ours.regular || !config.Same(ours.data, theirs.Data) {
		c.Kind, c.Data, c.Mode = Updated, theirs.Data, theirs.Mode
	}
	return c, nil
}
