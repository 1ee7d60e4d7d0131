// Command unitsize reports the production Go functions longer than 80
// lines and the production Go files longer than 500, so that every unit
// stays small enough to read in one sitting. Tests are left out. Run it
// from the module root: go run ./scripts/unitsize [DIR...]
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The limits of a production function and file, in lines.
const (
	maxFuncLines = 80
	maxFileLines = 500
)

func main() {
	dirs := os.Args[1:]
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	var found []string
	for _, dir := range dirs {
		f, err := check(dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "unitsize:", err)
			os.Exit(2)
		}
		found = append(found, f...)
	}
	for _, f := range found {
		fmt.Println(f)
	}
	if len(found) > 0 {
		os.Exit(1)
	}
}

// check walks root and returns one line for each unit over its limit.
func check(root string) ([]string, error) {
	var found []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		found = append(found, oversized(fset, path, f)...)
		return nil
	})
	return found, err
}

// oversized lists the file when it is too long, and its functions that are.
func oversized(fset *token.FileSet, path string, f *ast.File) []string {
	var found []string
	if n := fset.File(f.Pos()).LineCount(); n > maxFileLines {
		found = append(found, fmt.Sprintf("%s: %d lines, more than %d", path, n, maxFileLines))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		var name string
		switch fn := n.(type) {
		case *ast.FuncDecl:
			name = fn.Name.Name
			if fn.Recv != nil && len(fn.Recv.List) > 0 {
				name = recvName(fn.Recv.List[0].Type) + "." + name
			}
		case *ast.FuncLit:
			name = "func literal"
		default:
			return true
		}
		start, end := fset.Position(n.Pos()), fset.Position(n.End())
		if lines := end.Line - start.Line + 1; lines > maxFuncLines {
			found = append(found, fmt.Sprintf("%s:%d: %s: %d lines, more than %d", path, start.Line, name, lines, maxFuncLines))
		}
		return true
	})
	return found
}

func recvName(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.StarExpr:
		return recvName(t.X)
	case *ast.IndexExpr:
		return recvName(t.X)
	case *ast.IndexListExpr:
		return recvName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return "?"
}
