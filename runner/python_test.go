package runner

import (
	"os"
	"path/filepath"
	"testing"
)

// TestPyenvChoice checks that what makes pyenv's shims choose another
// interpreter changes the key under which python3's self-description is
// kept: the PYENV_VERSION variable, a .python-version file in a parent of
// the working folder, and the global version file.
func TestPyenvChoice(t *testing.T) {
	root := t.TempDir()
	t.Setenv("PYENV_ROOT", root)
	t.Setenv("PYENV_VERSION", "")
	work := filepath.Join(root, "notebook", "notes")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	seen := map[string]string{}
	check := func(what string) {
		t.Helper()
		c := pyenvChoice()
		if prev, ok := seen[c]; ok {
			t.Errorf("%s gives the same choice as %s", what, prev)
		}
		seen[c] = what
	}
	check("no choice")
	if err := os.WriteFile(filepath.Join(root, "version"), []byte("3.11.7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("a global version")
	if err := os.WriteFile(filepath.Join(root, "notebook", ".python-version"), []byte("3.12.1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("a .python-version in a parent")
	t.Setenv("PYENV_VERSION", "3.13.0")
	check("PYENV_VERSION")
}
