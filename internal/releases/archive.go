package releases

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrReleased means a version is archived already, with other contents.
var ErrReleased = errors.New("version already released")

// Archive adds tree to the releases folder dir as version. Archiving the
// same contents again changes nothing; other contents under a released
// version are refused, since projects generated with it rely on it.
func Archive(dir, version string, tree fs.FS) error {
	if !validVersion(version) {
		return fmt.Errorf("version %q is not MAJOR.MINOR.PATCH", version)
	}
	var lines []string
	objects := map[string][]byte{}
	err := fs.WalkDir(tree, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.ContainsAny(name, "\n\r") {
			return fmt.Errorf("%q: a template file name cannot hold a line break", name)
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s is not a regular file", name)
		}
		data, err := fs.ReadFile(tree, name)
		if err != nil {
			return err
		}
		sum := hashOf(data)
		objects[sum] = data
		lines = append(lines, sum+" "+name)
		return nil
	})
	if err != nil {
		return err
	}
	// Sorted by path, whatever order the folders were walked in.
	slices.SortFunc(lines, func(a, b string) int { return strings.Compare(a[sha256.Size*2+1:], b[sha256.Size*2+1:]) })
	var index bytes.Buffer
	for _, l := range lines {
		index.WriteString(l + "\n")
	}
	indexFile := filepath.Join(dir, version+indexSuffix)
	if old, err := os.ReadFile(indexFile); err == nil {
		if bytes.Equal(old, index.Bytes()) {
			return nil
		}
		return fmt.Errorf("%w: %s holds other templates; give the new templates a new version", ErrReleased, version)
	}
	if err := os.MkdirAll(filepath.Join(dir, objectsDir), 0o755); err != nil {
		return err
	}
	for sum, data := range objects {
		name := filepath.Join(dir, objectsDir, sum)
		if _, err := os.Stat(name); err == nil {
			continue
		}
		compressed, err := compress(data)
		if err != nil {
			return err
		}
		if err := os.WriteFile(name, compressed, 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(indexFile, index.Bytes(), 0o644)
}

func compress(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
