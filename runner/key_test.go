package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gonotebook/notebook/snippets"
)

// TestCacheKeyCoversTheBuild checks that a native snippet's key changes
// with what changes its build besides its files: the go command's
// environment and the module that holds it.
func TestCacheKeyCoversTheBuild(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "snippets", "hello")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("snippets/hello/main.go", "package main\n\nfunc main() {}\n")
	s, err := snippets.Load(filepath.Join(root, "snippets"), "hello")
	if err != nil {
		t.Fatal(err)
	}
	key := func() string {
		t.Helper()
		k, err := cacheKey(s, snippets.Native, "go1.26.8")
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	seen := map[string]string{}
	differs := func(what string) {
		t.Helper()
		k := key()
		if prev, ok := seen[k]; ok {
			t.Errorf("%s left the key as it was after %s", what, prev)
		}
		seen[k] = what
	}
	differs("nothing")
	write("go.mod", "module example.com/nb\n\ngo 1.26\n")
	differs("a go.mod around the snippet")
	write("go.mod", "module example.com/nb\n\ngo 1.25\n")
	differs("a changed go.mod")
	write("go.sum", "example.com/x v1.0.0 h1:abc=\n")
	differs("a go.sum")
	t.Setenv("GOFLAGS", "-tags=extra")
	differs("GOFLAGS")
	t.Setenv("CGO_ENABLED", "0")
	differs("CGO_ENABLED")
	if k, err := cacheKey(s, snippets.Yaegi, "go1.26.8"); err != nil || seen[k] != "" {
		t.Errorf("the yaegi key %s (%v) is one of the native keys", k, err)
	}
}
