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
	out string // JavaScript for the output of the reader's run
}

func (tb *tab) player(i int) player {
	box := fmt.Sprintf(`document.querySelectorAll(".play")[%d]`, i)
	return player{tb, box, box + `.closest("figure").querySelector(".your-run")`}
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
	output = eval[string](p.tb, p.out+`.querySelector(".play-output").textContent`)
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

// loop prints "looping" and loops for ever.
const loop = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"looping\")\n\tfor {\n\t}\n}\n"

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
	// Other tests may have asked for these files: count from here.
	names := []string{".wasm", "/assets/play", "/assets/wasm_exec"}
	before := map[string]int{}
	for _, name := range names {
		before[name] = real.requests.matching(name)
	}
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
	for _, name := range names {
		if n := real.requests.matching(name) - before[name]; n != 0 {
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
	if n := real.requests.matching(".wasm") - before[".wasm"]; n != 1 {
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
		if eval[int](tb, p.out+`.querySelectorAll(".play-output b").length`) != 0 {
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
		p.edit(loop)
		p.press("Run")
		p.tb.waitFor(p.out + `.querySelector(".play-output").textContent === "looping\n"`)
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

	t.Run("keyboard: the focus stays, Tab indents, Escape stops", func(t *testing.T) {
		p.tb.t = t
		run := p.box + `.querySelector(".play-bar button")`
		focused := func() string {
			return eval[string](tb, `document.activeElement.getAttribute("aria-label") || document.activeElement.tagName`)
		}
		name := strings.TrimPrefix(eval[string](tb, run+`.getAttribute("aria-label")`), "Run ")
		// Enter on Run runs the program; the button keeps the focus, as
		// Stop while it runs and as Run once it has ended.
		eval[chromedp.Void](tb, run+`.focus()`)
		tb.do(chromedp.KeyEvent(kb.Enter))
		tb.waitFor(p.box + `.dataset.state === "done"`)
		if got := focused(); got != "Run "+name {
			t.Errorf("after a run, the focus is on %q, want the Run button", got)
		}
		p.edit(loop)
		eval[chromedp.Void](tb, run+`.focus()`)
		tb.do(chromedp.KeyEvent(kb.Enter))
		tb.waitFor(p.out + `.querySelector(".play-output").textContent === "looping\n"`)
		if got := focused(); got != "Stop "+name {
			t.Errorf("while the program runs, the focus is on %q, want the same button, now Stop", got)
		}
		tb.do(chromedp.KeyEvent(kb.Enter))
		tb.waitFor(p.box + `.dataset.state === "done"`)
		if got, status := focused(), eval[string](tb, p.box+`.dataset.exit`); got != "Run "+name || status != "stopped" {
			t.Errorf("Enter on Stop: %q, focus on %q; want stopped, focus on Run", status, got)
		}
		// Escape stops a run, wherever the focus is.
		eval[chromedp.Void](tb, run+`.click()`)
		tb.waitFor(p.out + `.querySelector(".play-output").textContent === "looping\n"`)
		eval[chromedp.Void](tb, `document.activeElement.blur()`)
		tb.do(chromedp.KeyEvent(kb.Escape))
		tb.waitFor(p.box + `.dataset.state === "done"`)
		if status := eval[string](tb, p.box+`.dataset.exit`); status != "stopped" {
			t.Errorf("Escape during a run: %q, want stopped", status)
		}
		// In the editor, Tab indents; Escape, then Tab, leaves it, as the
		// hint beside it says.
		editor := p.box + `.previousElementSibling.querySelector("textarea")`
		eval[chromedp.Void](tb, editor+`.focus(); `+editor+`.setSelectionRange(0, 0)`)
		tb.do(chromedp.KeyEvent(kb.Tab))
		if !eval[bool](tb, `document.activeElement === `+editor+` && `+editor+`.value.startsWith("\tpackage main")`) {
			t.Errorf("Tab in the editor did not indent: the focus is on %q", focused())
		}
		if hint := eval[string](tb, `document.getElementById(`+editor+`.getAttribute("aria-describedby")).textContent`); !strings.Contains(hint, "Esc then Tab") {
			t.Errorf("the editor's hint says %q", hint)
		}
		tb.do(chromedp.KeyEvent(kb.Escape), chromedp.KeyEvent(kb.Tab))
		if eval[bool](tb, `document.activeElement === `+editor) {
			t.Errorf("Escape then Tab stays in the editor")
		}
		// Reset closes the editor; its button keeps the focus, as Edit.
		eval[chromedp.Void](tb, p.box+`.querySelector('button[aria-label^="Reset"]').focus()`)
		tb.do(chromedp.KeyEvent(kb.Enter))
		if got := focused(); got != "Edit "+name || eval[bool](tb, editor+` !== null`) {
			t.Errorf("after Reset the focus is on %q (the editor is still open: %v), want Edit", got, eval[bool](tb, editor+` !== null`))
		}
	})

	t.Run("375 px, light and dark", func(t *testing.T) {
		p.tb.t = t
		tb.do(chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile))
		defer tb.do(chromedp.EmulateViewport(1280, 900))
		if _, status, _ := p.run(); status != "exit status 0" {
			t.Errorf("Run at 375 px: %s", status)
		}
		p.press("Edit")
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
		paths = append(paths, filepath.Join(dir, "notebook-axe", "node_modules", "axe-core", "axe.min.js"))
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
	t.Skipf("skipping the accessibility test: no axe-core in %q (npm install --prefix ~/.cache/notebook-axe axe-core, or set $AXE_CORE)", paths)
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
// light and the dark theme, on search results, and on the seed note after
// a Run, with the editor open, and after a run that failed to compile and
// one that panicked: it must find nothing.
func TestAccessibility(t *testing.T) {
	src := axeSource(t)
	browserCtx := startBrowser(t)
	real, fixture := builtSites(t)
	tb := newTab(t, browserCtx)
	// Each page, and each state of the seed note, is checked in both
	// themes: the system's preference switches the page's colours, and
	// its theme toggle, as it is shown.
	check := func(where string) {
		t.Helper()
		for _, scheme := range []string{"light", "dark"} {
			tb.media(scheme)
			if !eval[bool](tb, fmt.Sprintf(`matchMedia("(prefers-color-scheme: %s)").matches`, scheme)) {
				t.Fatalf("%s: the page does not see the %s scheme", where, scheme)
			}
			for _, v := range tb.axe(src) {
				t.Errorf("%s (%s): %s (%s): %s: %s", where, scheme, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
			}
		}
	}
	for _, s := range []*builtSite{real, fixture} {
		for _, p := range append(slices.Clone(s.pages), "no/such/page/") {
			tb.do(chromedp.Navigate(s.url + p))
			if p == "search/" {
				tb.waitFor(`document.getElementById("search-status").textContent === ""`)
			}
			check(s.url + p)
		}
	}
	tb.do(chromedp.Navigate(real.url + "search/?q=subprocess"))
	tb.waitFor(`document.querySelectorAll("#search-results mark").length > 0`)
	check(real.url + "search/?q=subprocess")
	tb.do(chromedp.Navigate(real.url + seedNote))
	p := tb.player(0)
	if _, status, _ := p.run(); status != "exit status 0" {
		t.Errorf("Run on the seed note: %s", status)
	}
	check(real.url + seedNote + " after Run")
	p.edit("package main\n\nfunc main() {\n\tundefined()\n}\n")
	check(real.url + seedNote + " with the editor open")
	if _, status, _ := p.run(); status != "compile error" {
		t.Errorf("a program that does not compile: %s", status)
	}
	check(real.url + seedNote + " after a compile error")
	p.press("Reset")
	p.edit("package main\n\nfunc main() {\n\tvar m map[string]int\n\tm[\"x\"] = 1\n}\n")
	if _, status, _ := p.run(); status != "exit status 2" {
		t.Errorf("a program that panics: %s", status)
	}
	check(real.url + seedNote + " after a panic")
	p.press("Reset")
	tb.media("")
}

// waitWithin polls a JavaScript condition until it holds, failing the
// test if it does not within d.
func (tb *tab) waitWithin(d time.Duration, cond string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, d)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond)); err != nil {
		tb.t.Fatalf("waiting %v for %s: %v", d, cond, err)
	}
}

// frame returns how long, in ms of the page's clock, the page took to
// draw its next frame, failing the test if it did not answer within d:
// a page whose main thread is busy draws none.
func (tb *tab) frame(d time.Duration) float64 {
	tb.t.Helper()
	return evalWithin[float64](tb, d, `new Promise(r => { const t = performance.now(); requestAnimationFrame(() => r(performance.now() - t)); })`)
}

// TestPlayFlood runs a program that prints ten million lines: the page
// keeps drawing frames and scrolling while it floods, shows the first MiB
// in a box of bounded height that says the rest was cut, and Stop or
// Escape end the run at any point. A single write of 2 MiB is cut too.
func TestPlayFlood(t *testing.T) {
	browserCtx := startBrowser(t)
	real, _ := builtSites(t)
	eligible(t, real)
	tb := newTab(t, browserCtx)
	tb.do(chromedp.Navigate(real.url + seedNote))
	p := tb.player(0)
	eval[chromedp.Void](tb, p.box+`.dataset.timeout = "600000"`)
	p.edit("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfor i := 0; i < 10000000; i++ {\n\t\tfmt.Println(\"line\", i)\n\t}\n}\n")
	samp := p.out + `.querySelector(".play-output samp")`

	// Escape ends the run early, while the output grows.
	p.press("Run")
	tb.waitWithin(time.Minute, samp+`.childNodes.length > 2`)
	tb.do(chromedp.KeyEvent(kb.Escape))
	tb.waitWithin(5*time.Second, p.box+`.dataset.state === "done"`)
	if status := eval[string](tb, p.box+`.dataset.exit`); status != "stopped" {
		t.Errorf("Escape during the flood: %q, want stopped", status)
	}

	// Run again, to the limit of what a run shows, and on; frames are
	// timed from the first output on.
	p.press("Run")
	var slowest float64
	tb.waitWithin(time.Minute, samp+`.childNodes.length > 2`)
	for range 10 {
		slowest = max(slowest, tb.frame(5*time.Second))
	}
	tb.waitWithin(2*time.Minute, `!`+p.out+`.querySelector(".output-cut").hidden`)
	for range 10 {
		slowest = max(slowest, tb.frame(5*time.Second))
	}
	t.Logf("while the program floods, the slowest of 20 frames took %.0f ms", slowest)
	if eval[string](tb, p.box+`.dataset.state`) != "running" {
		t.Fatalf("the program is not running any more: %s", eval[string](tb, p.box+`.dataset.exit`))
	}
	shown := eval[int](tb, samp+`.textContent.length`)
	if shown != 1<<20 || !strings.HasPrefix(eval[string](tb, samp+`.textContent.slice(0, 20)`), "line 0\nline 1\n") {
		t.Errorf("the output shows %d characters, want the first %d", shown, 1<<20)
	}
	// The output scrolls in a box of bounded height, and the page too.
	box := eval[[3]float64](tb, `(() => { const o = `+p.out+`.querySelector(".play-output"); o.scrollTop = 0; o.scrollTop = 500; return [o.clientHeight, o.scrollHeight, o.scrollTop]; })()`)
	if box[0] > 800 || box[1] <= box[0] || box[2] != 500 {
		t.Errorf("the output box is %v px high, its contents %v, scrolled to %v: want a box of bounded height that scrolls", box[0], box[1], box[2])
	}
	y := evalWithin[float64](tb, 5*time.Second, `new Promise(r => { window.scrollTo(0, 0); window.scrollBy(0, 300); requestAnimationFrame(() => r(window.scrollY)); })`)
	if y < 299 {
		t.Errorf("the page did not scroll while the program flooded: scrollY %v", y)
	}
	// Stop ends it at once.
	stopped := evalWithin[float64](tb, 5*time.Second, `new Promise(r => {
		const box = `+p.box+`, t = performance.now();
		box.querySelector('button[aria-label^="Stop"]').click();
		const check = () => box.dataset.state === "done" ? r(performance.now() - t) : requestAnimationFrame(check);
		check();
	})`)
	t.Logf("Stop ended the flood %.0f ms after the click", stopped)
	if status := eval[string](tb, p.box+`.dataset.exit`); status != "stopped" {
		t.Errorf("Stop during the flood: %q, want stopped", status)
	}
	if cut := eval[string](tb, p.out+`.querySelector(".output-cut").textContent`); !strings.Contains(cut, "1.0 MiB") {
		t.Errorf("the line that says the output was cut says %q", cut)
	}

	// One write of 2 MiB: the first MiB shows, and the line says how much
	// more was cut.
	p.press("Reset")
	p.edit("package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\nfunc main() {\n\tfmt.Print(strings.Repeat(\"x\", 2<<20))\n}\n")
	if out, status, _ := p.run(); len(out) != 1<<20 || status != "exit status 0" {
		t.Errorf("a write of 2 MiB showed %d characters (%s), want %d", len(out), status, 1<<20)
	}
	if cut := eval[string](tb, p.out+`.querySelector(".output-cut").textContent`); !strings.HasPrefix(cut, "1.0 MiB more output was cut") {
		t.Errorf("after a write of 2 MiB, the line says %q", cut)
	}
	p.press("Reset")
	for _, m := range tb.console() {
		if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
			t.Errorf("console %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1)
		}
	}
}

// TestPlayErrors runs programs that go wrong: each says so as Go would,
// in the reader's own run, labelled as theirs, and the page logs no error.
func TestPlayErrors(t *testing.T) {
	browserCtx := startBrowser(t)
	real, _ := builtSites(t)
	eligible(t, real)
	tb := newTab(t, browserCtx)
	tb.do(chromedp.Navigate(real.url + seedNote))
	p := tb.player(0)
	for _, c := range []struct {
		name, src, want, status string
	}{{
		name:   "a package the browser lacks",
		src:    "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() { fmt.Println(os.Args) }\n",
		want:   "main.go:5:2: os is not available in the browser; a program that imports it runs only when the site is built\n",
		status: "compile error",
	}, {
		name:   "a compile error",
		src:    "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(y)\n}\n",
		want:   "main.go:6:14: undefined: y\n",
		status: "compile error",
	}, {
		name:   "an index out of range",
		src:    "package main\n\nimport \"fmt\"\n\nfunc main() {\n\ts := []int{1, 2, 3}\n\tfmt.Println(\"before\")\n\tfmt.Println(s[5])\n}\n",
		want:   "before\npanic: runtime error: index out of range [5] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\tmain.go:8\n",
		status: "exit status 2",
	}, {
		name:   "a panic on another goroutine",
		src:    "package main\n\nimport \"time\"\n\nfunc main() {\n\tgo func() {\n\t\tpanic(\"boom\")\n\t}()\n\ttime.Sleep(5 * time.Second)\n}\n",
		want:   "panic: boom\n\ngoroutine G [running]:\nmain.main.func1()\n\tmain.go:7\ncreated by main.main in goroutine 1\n\tmain.go:6\n",
		status: "exit status 2",
	}} {
		t.Run(c.name, func(t *testing.T) {
			tb.t = t
			p.edit(c.src)
			got, status, _ := p.run()
			if i, j := strings.Index(got, "goroutine "), strings.Index(got, " [running]"); strings.Contains(c.want, "goroutine G ") && i >= 0 && j > i {
				got = got[:i] + "goroutine G" + got[j:] // the runtime numbers goroutines
			}
			if got != c.want || status != c.status {
				t.Errorf("printed (%s):\n%s\nwant (%s):\n%s", status, got, c.status, c.want)
			}
			if head := eval[string](tb, p.out+`.querySelector(".code-head").textContent`); !strings.HasPrefix(head, "Your run"+c.status) {
				t.Errorf("the run is headed %q, want Your run and %s", head, c.status)
			}
			if eval[string](tb, p.box+`.closest("figure").querySelector(".out-go .output:not(.your-run) .code-head .lang").textContent`) != "Output" {
				t.Errorf("the build's output lost its heading")
			}
			if c.status == "exit status 2" && strings.Contains(c.name, "index") {
				eval[chromedp.Void](tb, p.out+`.scrollIntoView({block: "end"})`)
				tb.media("dark")
				tb.screenshot("note-panic-dark.png", false)
				tb.media("")
			}
			p.press("Reset")
			for _, m := range tb.console() {
				if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleWarning {
					t.Errorf("console %s: %s (%s:%d)", m.Type, m.Text, m.URL, m.Line+1)
				}
			}
		})
	}
}
