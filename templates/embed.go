// Package templates holds the builtin project templates, embedded in the binary.
package templates

import (
	"embed"
	"io/fs"
)

// Name and Version identify the builtin templates in .scaffold.yaml.
const (
	Name    = "django-drf"
	Version = "1.3.2"
)

// The all: prefix keeps dotfiles such as .dockerignore and files such as __init__.py.
//
//go:embed all:project
var embedded embed.FS

// Project returns the builtin template tree, rooted at the project folder.
// Its manifest.yaml says which files a project gets.
func Project() fs.FS {
	sub, err := fs.Sub(embedded, "project")
	if err != nil {
		panic(err) // unreachable: the embed directive guarantees the folder
	}
	return sub
}
