package site

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/site/play"
	"github.com/gonotebook/notebook/snippets"
)

// TestPlayUnavailable checks that a site whose interpreter cannot be built
// is still built, without Run, and that the build says why.
func TestPlayUnavailable(t *testing.T) {
	built(t) // the runs' cache
	cfg := fixtureConfig(filepath.Join(t.TempDir(), "public"))
	cfg.Play = &play.Builder{Go: filepath.Join(t.TempDir(), "no-go")}
	var progress bytes.Buffer
	cfg.Progress = &progress
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "warning: the in-browser Go interpreter could not be built, so no page has Run: ") {
		t.Errorf("no warning in the build's progress:\n%s", progress.String())
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
	built(t)
	cfg := fixtureConfig(filepath.Join(t.TempDir(), "public"))
	nb, err := Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := nb.Run(context.Background(), cfg, nb.Linked()); err != nil {
		t.Fatal(err)
	}
	nb.Snippets["hello"].Options.Engine = snippets.Yaegi
	nb.interp = &play.Interpreter{Wasm: []byte("\x00asm"), Exec: []byte("// wasm_exec.js")}
	if err := write(cfg, nb, ""); err != nil {
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
	if !strings.Contains(page, `<p class="play-why">compiled, not interpreted: runs only when the site is built</p>`) {
		t.Errorf("the native snippet does not say why it cannot run in the browser")
	}
	if wasm, _ := filepath.Glob(filepath.Join(cfg.OutDir(), "assets", "play.*.wasm")); len(wasm) != 1 {
		t.Errorf("interpreter files: %q", wasm)
	}
}
