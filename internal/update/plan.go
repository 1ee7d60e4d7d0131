package update

import (
	"io/fs"
	"slices"

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
	// Secrets marks a secrets file (generator.PolicyKeep), which an
	// update only ever adds or appends to.
	Secrets bool
	// orphan marks a file kept because the user changed it, though the
	// templates no longer generate it.
	orphan bool
}

// Plan is a whole update, computed in memory.
type Plan struct {
	// Changes holds one change per path that the old or the new render
	// generates, sorted by path, Unchanged ones too.
	Changes []Change
	// Env says what the update does to each secrets file, and what it
	// leaves to the user, in path order; only those with something to say.
	Env []EnvReport
	// answersChanged tells who removes files: the new answers, or the
	// new templates.
	answersChanged bool
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
