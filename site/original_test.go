package site

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/runner/cache"
)

// originalFiles is a notebook whose Python blocks relate to their
// snippets in each way a snippet can say, and one of whose entries has no
// block but a snippet that answers it.
func originalFiles(sameExpect string) map[string]string {
	hello := "// Hello greets.\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from go\") }\n"
	return map[string]string{
		"notes/2020-01-02.md": "# Originals\n\n### 1 - same\n\n```python {snippet=same}\nprint('hello, 12 times')\n```\n\n" +
			"### 2 - differs\n\n```python {snippet=differs}\nprint('from python')\n```\n\n" +
			"### 3 - not run\n\n```c {snippet=notrun}\nint x;\n```\n\n### 4 - prose only\n\nWhy?\n",
		"snippets/same/main.go":         "// Same greets.\npackage main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello, 3 times\") }\n",
		"snippets/same/expected.txt":    sameExpect,
		"snippets/same/snippet.yaml":    "original:\n  relation: same\n",
		"snippets/differs/main.go":      hello,
		"snippets/differs/expected.txt": "hello from go\n",
		"snippets/differs/snippet.yaml": "original:\n  relation: differs\n  reason: Python says where it is from\n",
		"snippets/notrun/main.go":       hello,
		"snippets/notrun/expected.txt":  "hello from go\n",
		"snippets/notrun/snippet.yaml":  "original:\n  relation: not-run\n  reason: a C fragment\n",
		"snippets/entry/main.go":        hello,
		"snippets/entry/expected.txt":   "hello from go\n",
		"snippets/entry/snippet.yaml":   "entry: notes/2020-01-02.md#4-prose-only\n",
	}
}

func needPython(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 is not installed; CI must check that originals run")
		}
		t.Skip("python3 is not installed, so originals cannot run here")
	}
}

// TestOriginals builds that notebook: the page shows each original's own
// output and how it relates, the reason of one not run, and the Go side
// of the entry with no block.
func TestOriginals(t *testing.T) {
	needPython(t)
	root := writeFiles(t, originalFiles("hello, \\d+ times (re)\n"))
	cfg := &Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Runner: &runner.Runner{Cache: &cache.Cache{Dir: t.TempDir()}}}
	nb, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(nb.Originals); n != 2 {
		t.Errorf("%d originals ran, want 2 (same and differs)", n)
	}
	page, err := os.ReadFile(filepath.Join(cfg.OutDir(), "2020-01-02", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"hello, 12 times", // the original's output
		"hello, 3 times",  // the Go output
		"✓ meets the Go program's expectation",
		"from python",
		"<strong>Why it differs:</strong> Python says where it is from",
		"<strong>Not run:</strong> a C fragment",
		`id="entry-4-prose-only"`,
		"The note has no code for this entry",
		"<dt>interpreter</dt><dd>Python 3.",
		"run by the build that made this page",
	} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// The entry's figure comes after the entry's prose, at its end.
	if i, j := strings.Index(string(page), "Why?"), strings.Index(string(page), `id="entry-4-prose-only"`); i < 0 || j < i {
		t.Errorf("the entry's Go side is not after its prose")
	}

	// Built again, every run comes from the cache, and the page says so.
	again := &Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Runner: &runner.Runner{Cache: cfg.Runner.Cache}}
	if _, err := Build(context.Background(), again); err != nil {
		t.Fatal(err)
	}
	page, _ = os.ReadFile(filepath.Join(again.OutDir(), "2020-01-02", "index.html"))
	if strings.Contains(string(page), "run by the build that made this page") || !strings.Contains(string(page), "reused from an earlier build's run") {
		t.Errorf("a build from the cache does not say that every output was reused")
	}
}

// TestOriginalSameIsChecked checks that a snippet declared the same as
// its original fails the build, at the block's line, when the original's
// output does not meet the expectation.
func TestOriginalSameIsChecked(t *testing.T) {
	needPython(t)
	root := writeFiles(t, originalFiles("hello, 3 times\n"))
	cfg := &Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Runner: &runner.Runner{Cache: &cache.Cache{Dir: t.TempDir()}}}
	_, err := Build(context.Background(), cfg)
	if err == nil {
		t.Fatal("the build passed, though the original prints something else")
	}
	for _, want := range []string{"notes/2020-01-02.md:5: snippet same is declared the same as its original", "+ hello, 12 times"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error lacks %q:\n%v", want, err)
		}
	}
}

// TestOriginalRelationNeedsARunnableBlock checks that a C block cannot be
// declared to run.
func TestOriginalRelationNeedsARunnableBlock(t *testing.T) {
	files := originalFiles("hello, \\d+ times (re)\n")
	files["snippets/notrun/snippet.yaml"] = "original:\n  relation: differs\n  reason: C\n"
	root := writeFiles(t, files)
	_, err := Load(&Config{Root: root})
	if err == nil || !strings.Contains(err.Error(), "notes/2020-01-02.md:17: snippet notrun says its original is differs, but the block is c, which the build cannot run") {
		t.Errorf("Load: %v", err)
	}
}

// TestNoOriginals builds the notebook of TestOriginals without running its
// originals: no original runs, the Go outputs are there, and each page
// says that its originals were not run in this build, without python3.
func TestNoOriginals(t *testing.T) {
	root := writeFiles(t, originalFiles("hello, 3 times\n")) // the same original would fail it
	cfg := &Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Runner: &runner.Runner{Cache: &cache.Cache{Dir: t.TempDir()}}, NoOriginals: true}
	nb, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for b, run := range nb.Originals {
		if !run.Skipped || run.Result != nil {
			t.Errorf("the original at line %d ran, or is not marked skipped: %+v", b.Line, run)
		}
	}
	if n := len(nb.Originals); n != 2 {
		t.Errorf("%d originals are marked, want 2 (same and differs)", n)
	}
	page, err := os.ReadFile(filepath.Join(cfg.OutDir(), "2020-01-02", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	const skipped = "<strong>Not run:</strong> the build that made this page ran no originals."
	if n := strings.Count(string(page), skipped); n != 2 {
		t.Errorf("the page says %d times %q, want 2", n, skipped)
	}
	for _, want := range []string{"hello, 3 times", "<strong>Not run:</strong> a C fragment"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, bad := range []string{"hello, 12 times</samp>", "python3 was not installed"} {
		if strings.Contains(string(page), bad) {
			t.Errorf("the page has %q", bad)
		}
	}
}
