// Package testfiles writes the files a test works on.
package testfiles

import (
	"os"
	"path/filepath"
	"testing"
)

// Write writes each of files, named by a slash-separated path below root,
// making the folders it needs, and fails t if it cannot.
func Write(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Dir writes files into a new temporary folder, removed when t ends, and
// returns it.
func Dir(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	Write(t, root, files)
	return root
}
