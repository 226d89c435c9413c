package site

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/internal/wire"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/runner/cache"
)

// indexedNotebook is a note with two blocks, each linked to a snippet that
// yaegi runs, so that builds are quick.
func indexedNotebook(t *testing.T) string {
	t.Helper()
	return writeFiles(t, map[string]string{
		"notes/2020-01-01.md":     "# One\n\n```python {snippet=a}\nprint('a')\n```\n\n```python {snippet=b}\nprint('b')\n```\n",
		"snippets/a/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"output of a\") }\n",
		"snippets/a/expected.txt": "output of a\n",
		"snippets/a/snippet.yaml": "engine: yaegi\n",
		"snippets/b/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"output of b\") }\n",
		"snippets/b/expected.txt": "output of b\n",
		"snippets/b/snippet.yaml": "engine: yaegi\n",
	})
}

// buildWith builds root with the results cache in dir, into a new folder.
func buildWith(t *testing.T, root, dir string) (*Notebook, error) {
	t.Helper()
	r := &runner.Runner{Cache: &cache.Cache{Dir: dir}}
	defer r.Close()
	return Build(context.Background(), &Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Runner: r})
}

func buildOK(t *testing.T, root, dir string) *Notebook {
	t.Helper()
	nb, err := buildWith(t, root, dir)
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

// forgetResults removes the results cache's own entry for every result,
// leaving the build index and the pages.
func forgetResults(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") {
			err = os.Remove(p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// indexFile is where the results cache in dir keeps the build index of
// the notebook root.
func indexFile(t *testing.T, dir, root string) string {
	t.Helper()
	key, err := indexKey(filepath.Join(root, "snippets"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, key[:2], key+".bin")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no build index: %v", err)
	}
	return p
}

// TestIndexServesResults checks that a build takes the results of the
// snippets it ran last time from the build index, without the cache's
// entry of each.
func TestIndexServesResults(t *testing.T) {
	root, dir := indexedNotebook(t), t.TempDir()
	first := buildOK(t, root, dir)
	for id, res := range first.Results {
		if res.Cached {
			t.Fatalf("%s: cached in an empty cache", id)
		}
	}
	forgetResults(t, dir)
	second := buildOK(t, root, dir)
	for id, res := range second.Results {
		if !res.Cached || res.Key != first.Results[id].Key || !bytes.Equal(res.Output, first.Results[id].Output) {
			t.Errorf("%s: cached %v, key %s (was %s), output %q: want the result of the first build, from the index", id, res.Cached, res.Key, first.Results[id].Key, res.Output)
		}
	}
}

// TestIndexChecksExpectations checks that a result taken from the index
// is checked against the expectation as it is now, like a cached one.
func TestIndexChecksExpectations(t *testing.T) {
	root, dir := indexedNotebook(t), t.TempDir()
	buildOK(t, root, dir)
	forgetResults(t, dir)
	if err := os.WriteFile(filepath.Join(root, "snippets", "a", "expected.txt"), []byte("something else\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nb, err := buildWith(t, root, dir)
	if err == nil || !strings.Contains(err.Error(), "snippet a") || !strings.Contains(err.Error(), "something else") {
		t.Fatalf("a result from the index that no longer meets its expectation: %v", err)
	}
	if !nb.Results["a"].Cached {
		t.Error("the result did not come from the index")
	}
}

// TestIndexNoticesEdits checks that an edited program is run again, and
// shows what it prints now.
func TestIndexNoticesEdits(t *testing.T) {
	root, dir := indexedNotebook(t), t.TempDir()
	buildOK(t, root, dir)
	forgetResults(t, dir)
	writeFile := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, "snippets", filepath.FromSlash(name)), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeFile("a/main.go", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"new output of a\") }\n")
	writeFile("a/expected.txt", "new output of a\n")
	writeFile("b/snippet.yaml", "engine: yaegi\nargs: [x]\n")
	nb := buildOK(t, root, dir)
	if res := nb.Results["a"]; res.Cached || string(res.Output) != "new output of a\n" {
		t.Errorf("a after its main.go changed: cached %v, output %q", res.Cached, res.Output)
	}
	if res := nb.Results["b"]; res.Cached {
		t.Error("b after its snippet.yaml changed: taken from the index")
	}
}

// TestIndexNoticesGoMod checks that a native snippet runs again when the
// go.mod of the module around it changes: its build may.
func TestIndexNoticesGoMod(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"go.mod":                  "module example.com/nb\n\ngo 1.22\n",
		"notes/2020-01-01.md":     "# One\n\n```python {snippet=n}\nprint('n')\n```\n",
		"snippets/n/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"native\") }\n",
		"snippets/n/expected.txt": "native\n",
	})
	dir := t.TempDir()
	first := buildOK(t, root, dir)
	if again := buildOK(t, root, dir); !again.Results["n"].Cached {
		t.Fatal("nothing changed, and the result was not reused")
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module example.com/nb\n\ngo 1.23\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nb := buildOK(t, root, dir)
	if res := nb.Results["n"]; res.Cached || res.Key == first.Results["n"].Key {
		t.Errorf("after go.mod changed: cached %v, key %s (was %s)", res.Cached, res.Key, first.Results["n"].Key)
	}
}

// TestIndexForged checks that a build index that the cache did not write
// as it is, changed or made by anything else, is not read.
func TestIndexForged(t *testing.T) {
	root, dir := indexedNotebook(t), t.TempDir()
	buildOK(t, root, dir)
	p := indexFile(t, dir, root)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.ReplaceAll(data, []byte("output of a"), []byte("forged of a"))
	if bytes.Equal(forged, data) {
		t.Fatal("the index does not hold the output")
	}
	// An index signed with another cache's secret.
	other := t.TempDir()
	buildOK(t, root, other)
	elsewhere, err := os.ReadFile(indexFile(t, other, root))
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{"altered": forged, "signed by another cache": bytes.ReplaceAll(elsewhere, []byte("output of a"), []byte("forged of a")), "cut short": data[:len(data)/2]} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(p, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			forgetResults(t, dir)
			nb := buildOK(t, root, dir)
			if res := nb.Results["a"]; res.Cached || string(res.Output) != "output of a\n" {
				t.Errorf("with a forged index: cached %v, output %q", res.Cached, res.Output)
			}
		})
	}
}

// TestIndexForgetsRemoved checks that the index no longer holds a snippet
// that is gone, nor its result.
func TestIndexForgetsRemoved(t *testing.T) {
	root, dir := indexedNotebook(t), t.TempDir()
	buildOK(t, root, dir)
	if err := os.RemoveAll(filepath.Join(root, "snippets", "b")); err != nil {
		t.Fatal(err)
	}
	note := "# One\n\n```python {snippet=a}\nprint('a')\n```\n"
	if err := os.WriteFile(filepath.Join(root, "notes", "2020-01-01.md"), []byte(note), 0o644); err != nil {
		t.Fatal(err)
	}
	buildOK(t, root, dir)
	ix := readIndex(&cache.Cache{Dir: dir}, filepath.Join(root, "snippets"))
	if ix.results["b"] != nil || ix.results["a"] == nil {
		t.Errorf("the index holds results of %v", ix.results)
	}
}

// BenchmarkBuildCached builds a notebook of 20 notes with 5 linked blocks
// each, every result cached: into an empty folder, and again after a
// prose edit in one note. Its first builds run the 100 snippets.
func BenchmarkBuildCached(b *testing.B) {
	files := map[string]string{}
	for n := range 20 {
		var note strings.Builder
		fmt.Fprintf(&note, "# Note %d\n\nSome prose.\n", n)
		for k := range 5 {
			id := fmt.Sprintf("n%02d/b%d", n, k)
			fmt.Fprintf(&note, "\n### Entry %d\n\n```python {snippet=%s}\nprint(%d)\n```\n", k, id, k)
			files["snippets/"+id+"/main.go"] = fmt.Sprintf("// Prints %d.\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(%d) }\n", k, k)
			files["snippets/"+id+"/expected.txt"] = fmt.Sprintf("%d\n", k)
			files["snippets/"+id+"/snippet.yaml"] = "engine: yaegi\n"
		}
		files[fmt.Sprintf("notes/2020-01-%02d.md", n+1)] = note.String()
	}
	root := testfiles.Dir(b, files)
	r := &runner.Runner{Cache: &cache.Cache{Dir: b.TempDir()}}
	defer r.Close()
	out := filepath.Join(b.TempDir(), "public")
	build := func() {
		if _, err := Build(context.Background(), &Config{Root: root, Out: out, Runner: r}); err != nil {
			b.Fatal(err)
		}
	}
	build() // runs every snippet
	build() // renders every page, now that the results are cached
	b.Run("empty-folder", func(b *testing.B) {
		for b.Loop() {
			if err := os.RemoveAll(out); err != nil {
				b.Fatal(err)
			}
			build()
		}
	})
	note := filepath.Join(root, "notes", "2020-01-10.md")
	b.Run("prose-edit", func(b *testing.B) {
		for b.Loop() {
			f, err := os.OpenFile(note, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				b.Fatal(err)
			}
			fmt.Fprintln(f, "\nAnother sentence.")
			f.Close()
			build()
		}
	})
}

// TestIndexOfAnotherProgram checks that the snippets of a build index
// that another program wrote are not read: they are what that program's
// Load made of the files (their documentation, their options with that
// program's defaults), which this one's may not, however unchanged the
// files are. Its results are.
func TestIndexOfAnotherProgram(t *testing.T) {
	root, dir := indexedNotebook(t), t.TempDir()
	buildOK(t, root, dir)
	c := &cache.Cache{Dir: dir}
	key, err := indexKey(filepath.Join(root, "snippets"))
	if err != nil {
		t.Fatal(err)
	}
	data, ok := c.GetBytes(key)
	if !ok {
		t.Fatal("the build kept no index")
	}
	rest, ok := bytes.CutPrefix(data, []byte(buildIndexMagic))
	if !ok {
		t.Fatal("the index does not start with its magic")
	}
	r := wire.NewReader(rest)
	if r.String() != program() {
		t.Fatal("the index does not start with the program that wrote it")
	}
	after := rest[len(rest)-r.Len():]
	c.PutBytes(key, append(wire.AppendString([]byte(buildIndexMagic), "another program"), after...))
	// Its results, whose keys say what made them, are still good.
	if ix := readIndex(c, filepath.Join(root, "snippets")); ix.snippets != nil || len(ix.results) != 2 {
		t.Errorf("the index of another program: snippets read %v, %d results; want none, and 2", ix.snippets != nil, len(ix.results))
	}
	c.PutBytes(key, append(wire.AppendString([]byte(buildIndexMagic), program()), after...))
	if ix := readIndex(c, filepath.Join(root, "snippets")); ix.snippets == nil || len(ix.results) != 2 {
		t.Errorf("the index of this program, written back, was not read")
	}
}
