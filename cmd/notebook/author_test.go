package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/snippets"
)

// TestUnscaffold takes back a scaffolded snippet, as scaffold does when
// it cannot link the note: its main.go and the folders made for it go,
// what was there before stays. (A script cannot make the note's
// replacement fail after the snippet is made.)
func TestUnscaffold(t *testing.T) {
	root := filepath.Join(t.TempDir(), "snippets")
	other := filepath.Join(root, "py", "other", snippets.MainFile)
	if err := os.MkdirAll(filepath.Dir(other), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir, err := snippets.Scaffold(root, "py/new/deep", "python", "print('x')\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := unscaffold(root, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "py", "new")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the scaffold's folders are still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another snippet went too: %v", err)
	}
	if _, err := snippets.Scaffold(root, "py/other", "python", ""); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("scaffold over an existing snippet: %v, want an error that says it exists", err)
	}
}

// TestVisible checks what notebook run shows a terminal of a program's
// output: escape sequences and other control characters as Go escapes,
// newlines, tabs and text as they are.
func TestVisible(t *testing.T) {
	for in, want := range map[string]string{
		"plain\ttext\n":           "plain\ttext\n",
		"\x1b[2J\x1b]0;title\x07": `\x1b[2J\x1b]0;title\a`,
		"bad \xff byte, é ok\r\n": `bad \xff byte, é ok\r` + "\n",
		"\u009b31m":               `\u009b31m`,
	} {
		if got := string(visible([]byte(in))); got != want {
			t.Errorf("visible(%q) = %q, want %q", in, got, want)
		}
	}
}
