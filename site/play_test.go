package site

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/gonotebook/notebook/site/play"
	"github.com/gonotebook/notebook/snippets"
)

// TestPlayUnavailable checks that a site whose interpreter cannot be built
// is still built, without Run, and that the build says why.
func TestPlayUnavailable(t *testing.T) {
	built(t) // the runs' cache
	cfg := fixtureConfig(filepath.Join(t.TempDir(), "public"))
	cfg.Play = &play.Builder{Go: filepath.Join(t.TempDir(), "no-go")}
	b, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(b.Warnings, func(w *fileline.Error) bool {
		return strings.HasPrefix(w.Error(), "site/play: the in-browser Go interpreter could not be built, so no page has Run: ")
	}) {
		t.Errorf("no warning says why the site has no interpreter: %v", b.Warnings)
	}
	if m, _ := filepath.Glob(filepath.Join(cfg.OutDir(), "assets", "play*")); len(m) > 0 {
		t.Errorf("assets for an interpreter that was not built: %q", m)
	}
	page := readFile(t, cfg.OutDir(), "2020-01-01-first/index.html")
	if strings.Contains(page, `class="play`) {
		t.Errorf("a page offers Run without an interpreter")
	}
}

// TestPlayMarkup checks what a note page carries for Run: an eligible
// snippet a box naming the worker and the time limit, an ineligible one a
// line saying why, and the interpreter's files under assets/.
func TestPlayMarkup(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command to build the interpreter")
	}
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(filepath.Join("testdata", "notebook"))); err != nil {
		t.Fatal(err)
	}
	// snippets/hello, which the first note links to, runs under yaegi.
	yaml := filepath.Join(root, "snippets", "hello", snippets.OptionsFile)
	if err := os.WriteFile(yaml, []byte("engine: yaegi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Store: openStore(t), Play: &play.Builder{}}
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	page := readFile(t, cfg.OutDir(), "2020-01-01-first/index.html")
	m := regexp.MustCompile(`<div class="play" data-worker="\.\./(assets/play-worker\.[0-9a-f]+\.js)" data-timeout="10000"></div>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no Run box for snippets/hello:\n%s", page)
	}
	if _, err := os.Stat(filepath.Join(cfg.OutDir(), filepath.FromSlash(m[1]))); err != nil {
		t.Errorf("the page names a worker that was not written: %v", err)
	}
	if wasm, _ := filepath.Glob(filepath.Join(cfg.OutDir(), "assets", "play.*.wasm")); len(wasm) != 1 {
		t.Errorf("interpreter files: %q", wasm)
	}
}
