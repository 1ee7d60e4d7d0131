package update

// imports.go checks that an update leaves no Python file it writes
// importing a generated module that is not there: config/__init__.py
// importing .celery while config/celery.py stays deleted fails Django at
// its first import, after a report that said all went well.

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// BrokenImport is a module that a file the update writes imports, and
// that the project will not have.
type BrokenImport struct {
	Path   string // the file that imports it
	Module string // the module, as the import names it, such as ".celery"
	File   string // the generated file that would be the module
}

// importLine matches "from MODULE import NAMES" and "import MODULE".
var importLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(?:from\s+(\.*[\w.]*)\s+import\s+([\w\s,]+|\(.*)|import\s+([\w.]+))`)
})

// BrokenImports lists, for each Python file the plan writes, the modules
// it imports that a render generates or generated, but that the project
// will not have after the plan is applied: one the user deleted, or one
// the update removes.
func (p Plan) BrokenImports(in Input) ([]BrokenImport, error) {
	generated := map[string]bool{}
	for _, c := range p.Changes {
		generated[c.Path] = true
	}
	var out []BrokenImport
	for _, c := range p.Changes {
		if !c.Kind.Writes() || c.Binary || !strings.HasSuffix(c.Path, ".py") {
			continue
		}
		for _, mod := range importedModules(c.Path, c.Data) {
			var candidates []string
			for _, f := range mod.files {
				if generated[f] {
					candidates = append(candidates, f)
				}
			}
			if len(candidates) == 0 {
				continue // not a module scaffold writes: the user's, or a package's
			}
			found := false
			for _, f := range candidates {
				ok, err := p.hasAfter(in, f)
				if err != nil {
					return nil, err
				}
				found = found || ok
			}
			b := BrokenImport{Path: c.Path, Module: mod.name, File: candidates[0]}
			if !found && !slices.ContainsFunc(out, func(o BrokenImport) bool { return o.Path == b.Path && o.File == b.File }) {
				out = append(out, b)
			}
		}
	}
	return out, nil
}

// hasAfter reports whether a generated path is a file of the project once
// the plan is applied.
func (p Plan) hasAfter(in Input, name string) (bool, error) {
	i := slices.IndexFunc(p.Changes, func(c Change) bool { return c.Path == name })
	if i >= 0 {
		switch c := p.Changes[i]; {
		case c.Kind.Writes():
			return true, nil
		case c.Kind == Removed || c.Kind == Deleted:
			return false, nil
		}
	}
	d, err := in.read(name)
	return d.regular, err
}

// module is an imported module and the files that could be it.
type module struct {
	name  string
	files []string
}

// importedModules lists the modules a Python file imports, each with the
// project paths that would hold it: "pkg/mod.py" or "pkg/mod/__init__.py",
// and for "from . import name", each name's.
func importedModules(file string, data []byte) []module {
	var out []module
	dir := path.Dir(file)
	for line := range strings.Lines(string(data)) {
		m := importLine().FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if m[3] != "" {
			out = append(out, module{name: m[3], files: moduleFiles("", m[3])})
			continue
		}
		name := m[1]
		dots := len(name) - len(strings.TrimLeft(name, "."))
		rel := name[dots:]
		base := ""
		if dots > 0 {
			base = dir
			for range dots - 1 {
				base = path.Dir(base)
			}
			if base == "." {
				base = ""
			}
		}
		if rel != "" {
			out = append(out, module{name: name, files: moduleFiles(base, rel)})
			continue
		}
		// from . import a, b: each name may be a module of the package.
		for n := range strings.SplitSeq(strings.Trim(m[2], "() \t\r\n"), ",") {
			n, _, _ = strings.Cut(strings.TrimSpace(n), " ")
			if n != "" {
				out = append(out, module{name: name + n, files: moduleFiles(base, n)})
			}
		}
	}
	return out
}

func moduleFiles(base, dotted string) []string {
	p := path.Join(base, strings.ReplaceAll(dotted, ".", "/"))
	return []string{p + ".py", p + "/__init__.py"}
}
