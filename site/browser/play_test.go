package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/site/play"
)

// seedNote is the page of the seed note, from the site root.
const seedNote = "2018-10-30/"

// eligible returns the ids of the seed note's snippets that can run in the
// browser, in the order the page shows them.
func eligible(t *testing.T, s *builtSite) []string {
	t.Helper()
	var ids []string
	for _, n := range s.nb.Notes {
		if n.URL() != seedNote {
			continue
		}
		for _, b := range n.Doc.Blocks {
			sn := s.nb.Snippets[b.Snippet]
			if !b.Linked() || sn == nil || slices.Contains(ids, b.Snippet) {
				continue
			}
			if ok, _ := play.Eligible(sn); ok {
				ids = append(ids, b.Snippet)
			}
		}
	}
	if len(ids) == 0 {
		t.Fatalf("the seed note has no snippet that can run in the browser")
	}
	return ids
}

// A player drives the Run controls of one program on a note page.
type player struct {
	tb  *tab
	box string // JavaScript for the program's .play box
}

func (tb *tab) player(i int) player {
	return player{tb, fmt.Sprintf(`document.querySelectorAll(".play")[%d]`, i)}
}

// press clicks the button whose label starts with what.
func (p player) press(what string) {
	p.tb.t.Helper()
	eval[chromedp.Void](p.tb, fmt.Sprintf(`%s.querySelector('button[aria-label^="%s"]').click()`, p.box, what))
}

// run presses Run and waits until the program has ended; it returns the
// output, the status line and how long the first output took (-1 if none).
func (p player) run() (output, status string, firstMS int) {
	p.tb.t.Helper()
	p.press("Run")
	p.tb.waitFor(p.box + `.dataset.state === "done"`)
	output = eval[string](p.tb, p.box+`.querySelector(".play-output").textContent`)
	status = eval[string](p.tb, p.box+`.dataset.exit`)
	firstMS = eval[int](p.tb, `+(`+p.box+`.dataset.firstOutputMs || -1)`)
	return output, status, firstMS
}

// edit presses Edit and replaces the code with src.
func (p player) edit(src string) {
	p.tb.t.Helper()
	p.press("Edit")
	eval[chromedp.Void](p.tb, fmt.Sprintf(`%s.previousElementSibling.querySelector("textarea").value = %q`, p.box, src))
}

// evalWithin evaluates expr, failing the test if the page does not answer
// within d (its main thread is busy).
func evalWithin[T any](tb *tab, d time.Duration, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, d)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("the page did not answer %s within %v: %v", expr, d, err)
	}
	return v
}

// TestPlay presses Run on every eligible program of the seed note and
// compares what the browser prints with what the build captured; edits one,
// resets it, stops a loop, and checks that nothing of the interpreter is
// fetched before the first Run.
func TestPlay(t *testing.T) {
	browserCtx := startBrowser(t)
	real, _ := builtSites(t)
	if real.requests == nil {
		t.Fatal("no request log")
	}
	ids := eligible(t, real)
	tb := newTab(t, browserCtx)
	tb.do(chromedp.Navigate(real.url + seedNote))

	shown := eval[[]string](tb, `[...document.querySelectorAll(".play")].map(b => b.closest("figure").querySelector(".snippet-id").textContent)`)
	var want []string
	for _, id := range ids {
		want = append(want, "snippets/"+id)
	}
	if !slices.Equal(shown, want) {
		t.Fatalf("Run is offered for %q, want %q", shown, want)
	}
	if n := eval[int](tb, `document.querySelectorAll(".play-why").length`); n == 0 {
		t.Errorf("no snippet says why it cannot run in the browser")
	}
	if !eval[bool](tb, `[...document.querySelectorAll(".play-why")].some(p => p.textContent === "starts a subprocess: runs only when the site is built")`) {
		t.Errorf("the subprocess snippets do not say that they start a subprocess")
	}
	for _, name := range []string{".wasm", "/assets/play", "/assets/wasm_exec"} {
		if n := real.requests.matching(name); n != 0 {
			t.Fatalf("%d requests for %s before any Run", n, name)
		}
	}

	// Every eligible program, twice: the first Run fetches and compiles
	// the interpreter; later ones reuse it, once it has readied the
	// interpreter for the next run (as it does while a reader looks at the
	// output).
	var first int
	var later []int
	for pass := range 2 {
		for i, id := range ids {
			if pass > 0 || i > 0 {
				tb.waitFor(`document.documentElement.hasAttribute("data-play-ready")`)
			}
			got, status, ms := tb.player(i).run()
			res, s := real.nb.Results[id], real.nb.Snippets[id]
			if wantStatus := fmt.Sprintf("exit status %d", res.Exit); status != wantStatus {
				t.Errorf("%s in the browser: %s, want %s; output:\n%s", id, status, wantStatus, got)
			}
			if got != string(res.Output) {
				// Output that varies between runs must meet the expectation.
				if v := runner.Verdict(s, &runner.Result{Output: []byte(got), Exit: res.Exit}); v != nil {
					t.Errorf("%s in the browser printed what the build did not:\n%s\nbuilt:\n%s\n%v", id, got, res.Output, v)
				}
			}
			if pass == 0 && i == 0 {
				first = ms
			} else {
				later = append(later, ms)
			}
			t.Logf("%s, run %d: first output after %d ms", id, pass+1, ms)
		}
	}
	if n := real.requests.matching(".wasm"); n != 1 {
		t.Errorf("the interpreter was fetched %d times, want once", n)
	}
	slices.Sort(later)
	t.Logf("first Run, click to first output (fetch and compile included): %d ms", first)
	t.Logf("later Runs, click to first output: median %d ms, slowest %d ms (%d runs)", later[len(later)/2], later[len(later)-1], len(later))

	p := tb.player(0)
	built := string(real.nb.Results[ids[0]].Output)
	t.Run("edit and reset", func(t *testing.T) {
		p.tb.t = t
		p.edit("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"edited\", 6*7, \"<b>\") }\n")
		if got, status, _ := p.run(); got != "edited 42 <b>\n" || status != "exit status 0" {
			t.Errorf("the edited program printed %q (%s), want \"edited 42 <b>\\n\"", got, status)
		}
		if eval[int](tb, p.box+`.querySelectorAll(".play-output b").length`) != 0 {
			t.Errorf("the output was not escaped")
		}
		p.press("Reset")
		if eval[bool](tb, p.box+`.previousElementSibling.querySelector("textarea") !== null || `+p.box+`.previousElementSibling.querySelector(":scope > pre").hidden`) {
			t.Errorf("Reset left the editor")
		}
		if got, _, _ := p.run(); got != built {
			s := real.nb.Snippets[ids[0]]
			if v := runner.Verdict(s, &runner.Result{Output: []byte(got)}); v != nil {
				t.Errorf("after Reset the program printed %q, want %q: %v", got, built, v)
			}
		}
	})

	t.Run("Stop ends a loop while the page scrolls", func(t *testing.T) {
		p.tb.t = t
		p.edit("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"looping\")\n\tfor {\n\t}\n}\n")
		p.press("Run")
		p.tb.waitFor(p.box + `.querySelector(".play-output").textContent === "looping\n"`)
		// The worker is in the loop now; the page still answers and scrolls.
		y := evalWithin[float64](tb, 5*time.Second, `new Promise(r => { window.scrollTo(0, 0); window.scrollBy(0, 300); requestAnimationFrame(() => r(window.scrollY)); })`)
		if y < 299 {
			t.Errorf("the page did not scroll while the program looped: scrollY %v", y)
		}
		if eval[string](tb, p.box+`.dataset.state`) != "running" {
			t.Fatalf("the loop is not running")
		}
		p.press("Stop")
		p.tb.waitFor(p.box + `.dataset.state === "done"`)
		if status := eval[string](tb, p.box+`.dataset.exit`); status != "stopped" {
			t.Errorf("after Stop: %q, want stopped", status)
		}
		// The snippet's time limit stops it too.
		eval[chromedp.Void](tb, p.box+`.dataset.timeout = "500"`)
		if _, status, _ := p.run(); !strings.Contains(status, "time limit") {
			t.Errorf("a loop over the time limit ended with %q", status)
		}
		p.press("Reset")
		eval[chromedp.Void](tb, p.box+`.dataset.timeout = "10000"`)
		// A new worker runs the next program.
		if got, status, _ := p.run(); status != "exit status 0" || got == "looping\n" {
			t.Errorf("after Stop, Run printed %q (%s)", got, status)
		}
	})

	t.Run("keyboard, 375 px, light and dark", func(t *testing.T) {
		p.tb.t = t
		tb.do(chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile))
		defer tb.do(chromedp.EmulateViewport(1280, 900))
		// Run is a button: Enter on it runs the program.
		eval[chromedp.Void](tb, p.box+`.removeAttribute("data-exit")`)
		tb.do(chromedp.Focus(chromedp.CSS(".play button")), chromedp.KeyEvent(kb.Enter))
		tb.waitFor(p.box + `.dataset.state === "done" && ` + p.box + `.dataset.exit === "exit status 0"`)
		p.press("Edit")
		if !eval[bool](tb, `document.activeElement.tagName === "TEXTAREA"`) {
			t.Errorf("Edit does not put the focus in the editor")
		}
		// Tab leaves the editor: it does not trap the keyboard.
		tb.do(chromedp.KeyEvent(kb.Tab))
		if eval[bool](tb, `document.activeElement.tagName === "TEXTAREA"`) {
			t.Errorf("Tab stays in the editor")
		}
		if w := eval[[2]int](tb, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`); w[0] > w[1] {
			t.Errorf("at 375 px, with the editor and an output, the page is %d px wide", w[0])
		}
		eval[chromedp.Void](tb, p.box+`.scrollIntoView()`)
		for _, scheme := range []string{"light", "dark"} {
			tb.media(scheme)
			tb.screenshot("note-run-375-"+scheme+".png", false)
		}
		tb.media("")
		p.press("Reset")
	})

	tb.t = t
	for _, m := range tb.console() {
		if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
			t.Errorf("console %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1)
		}
	}
}

// axeSource returns axe-core's script: $AXE_CORE, or where .ci/run
// installs it. It skips the test (fails it on CI) when there is none.
func axeSource(t *testing.T) string {
	t.Helper()
	var paths []string
	if p := os.Getenv("AXE_CORE"); p != "" {
		paths = append(paths, p)
	}
	if dir, err := os.UserCacheDir(); err == nil {
		paths = append(paths, filepath.Join(dir, "notebook", "axe", "node_modules", "axe-core", "axe.min.js"))
	}
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			return string(data)
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		t.Fatalf("CI is set but axe-core is not in %q: .ci/run installs it", paths)
	}
	t.Skipf("skipping the accessibility test: no axe-core in %q (npm install --prefix ~/.cache/notebook/axe axe-core, or set $AXE_CORE)", paths)
	return ""
}

// An axeViolation is one rule axe-core found broken, with a few of the
// elements that break it.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// axe runs axe-core on the tab's page and returns what it finds.
func (tb *tab) axe(src string) []axeViolation {
	tb.t.Helper()
	// The DevTools protocol evaluates it, so the page's policy does not
	// stop it.
	if !eval[bool](tb, `typeof axe !== "undefined"`) {
		eval[chromedp.Void](tb, src)
	}
	return eval[[]axeViolation](tb, `axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		ID: v.id, Impact: v.impact || "", Help: v.help,
		Nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
	})))`)
}

// TestAccessibility runs axe-core on every page type of both sites, in the
// light and the dark theme, and on the seed note after a Run and with the
// editor open: it must find nothing.
func TestAccessibility(t *testing.T) {
	src := axeSource(t)
	browserCtx := startBrowser(t)
	real, fixture := builtSites(t)
	tb := newTab(t, browserCtx)
	check := func(where string) {
		t.Helper()
		for _, v := range tb.axe(src) {
			t.Errorf("%s: %s (%s): %s: %s", where, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
		}
	}
	for _, scheme := range []string{"light", "dark"} {
		tb.media(scheme)
		for _, s := range []*builtSite{real, fixture} {
			for _, p := range append(slices.Clone(s.pages), "no/such/page/") {
				tb.do(chromedp.Navigate(s.url + p))
				if p == "search/" {
					tb.waitFor(`document.getElementById("search-status").textContent === ""`)
				}
				check(fmt.Sprintf("%s%s (%s)", s.url, p, scheme))
			}
		}
		tb.do(chromedp.Navigate(real.url + seedNote))
		p := tb.player(0)
		if _, status, _ := p.run(); status != "exit status 0" {
			t.Errorf("Run on the seed note: %s", status)
		}
		check(fmt.Sprintf("%s%s after Run (%s)", real.url, seedNote, scheme))
		p.press("Edit")
		check(fmt.Sprintf("%s%s with the editor open (%s)", real.url, seedNote, scheme))
	}
	tb.media("")
}
