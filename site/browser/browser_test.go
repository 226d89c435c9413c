package browser

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/site"
	"github.com/gonotebook/notebook/site/internal/netlify"
	"github.com/gonotebook/notebook/site/play"
)

// chromium returns the browser to drive, or skips the test (fails it on CI)
// when there is none.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
		t.Fatal("CI is set but no Chromium was found: .ci/run installs it (apt-get install -y chromium), or set $CHROMIUM")
	}
	t.Skip("skipping the browser tests: no Chromium found (apt-get install chromium, or set $CHROMIUM to its path)")
	return ""
}

// artifacts returns the folder for screenshots.
func artifacts(t *testing.T) string {
	dir := os.Getenv("NOTEBOOK_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "testdata", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A builtSite is a notebook built and served on loopback.
type builtSite struct {
	dir      string
	url      string // ends in "/"
	nb       *site.Built
	pages    []string // every HTML page, from the site root ("", "2018-10-30/", "404.html")
	requests *requestLog
}

// A requestLog records the path of every request a server answered.
type requestLog struct {
	mu    sync.Mutex
	paths []string
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.paths = append(l.paths, r.URL.Path)
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// matching returns how many requests asked for a path holding s.
func (l *requestLog) matching(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, p := range l.paths {
		if strings.Contains(p, s) {
			n++
		}
	}
	return n
}

// The two sites, built once for every test of the package, on first use.
var sites struct {
	once    sync.Once
	tmp     string
	real    *builtSite // the repository's own notebook
	fixture *builtSite // site/testdata/notebook
	servers []*httptest.Server
	err     error
}

func TestMain(m *testing.M) {
	// This test binary is the box of the snippet runs its tests start.
	if code, ok := runner.Child(); ok {
		os.Exit(code)
	}
	code := m.Run()
	for _, srv := range sites.servers {
		srv.Close()
	}
	if sites.tmp != "" {
		os.RemoveAll(sites.tmp)
	}
	os.Exit(code)
}

// builtSites builds the notebook and the fixture notebook and serves each
// on loopback as notebook serve does, with the rules of the repository's
// netlify.toml (see site.NewHandler).
func builtSites(t *testing.T) (real, fixture *builtSite) {
	t.Helper()
	sites.once.Do(func() {
		cfg, err := netlify.Load(filepath.Join("..", "..", "netlify.toml"))
		if err != nil {
			sites.err = err
			return
		}
		if sites.tmp, sites.err = os.MkdirTemp("", "notebook-browser-test-"); sites.err != nil {
			return
		}
		if sites.real, sites.err = build(t, filepath.Join("..", ".."), filepath.Join(sites.tmp, "real"), cfg); sites.err != nil {
			return
		}
		sites.fixture, sites.err = build(t, filepath.Join("..", "testdata", "notebook"), filepath.Join(sites.tmp, "fixture"), cfg)
	})
	if sites.err != nil {
		t.Fatal(sites.err)
	}
	return sites.real, sites.fixture
}

// build builds the notebook at root into tmp and serves it.
func build(t *testing.T, root, tmp string, cfg *netlify.Config) (*builtSite, error) {
	c := &site.Config{
		Root:    root,
		Out:     filepath.Join(tmp, "public"),
		Store:   testStore(),
		BaseURL: "http://127.0.0.1/",
		Play:    &play.Builder{},
	}
	start := time.Now()
	nb, err := site.Build(context.Background(), c)
	if err != nil {
		return nil, fmt.Errorf("building %s: %v", root, err)
	}
	t.Logf("built %s in %v", root, time.Since(start).Round(time.Millisecond))
	log := &requestLog{}
	srv := httptest.NewServer(log.wrap(site.NewHandler(c.OutDir(), cfg)))
	sites.servers = append(sites.servers, srv)
	s := &builtSite{dir: c.OutDir(), url: srv.URL + "/", nb: nb, requests: log}
	err = fs.WalkDir(os.DirFS(s.dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			u := &url.URL{Path: strings.TrimSuffix(p, "index.html")}
			s.pages = append(s.pages, u.EscapedPath())
		}
		return err
	})
	return s, err
}

// TestLinks checks the built sites, the repository's notebook among them,
// without a browser: every page is well-formed HTML, every internal link
// and #anchor resolves, nothing is inline or from another host.
func TestLinks(t *testing.T) {
	real, fixture := builtSites(t)
	for _, s := range []*builtSite{real, fixture} {
		probs, err := checkLinks(os.DirFS(s.dir), linkOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range probs {
			t.Error(p)
		}
		if len(s.pages) < 5 {
			t.Errorf("only %d pages: %q", len(s.pages), s.pages)
		}
	}
}

// A tab is one browser tab that records what its pages write to the console.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu       sync.Mutex
	messages []chromedp.ConsoleMessage
	barrier  int
	seen     chan int
	navs     int
}

func newTab(t *testing.T, browserCtx context.Context) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx)
	t.Cleanup(cancel)
	tb := &tab{t: t, ctx: ctx, seen: make(chan int, 100)}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	requested := chromedp.Events(ctx, page.FrameRequestedNavigation)
	go func() {
		for _, err := range requested {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.navs++
			tb.mu.Unlock()
		}
	}()
	console := chromedp.Console(ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			var n int
			if m.Type == chromedp.ConsoleDebug {
				if _, err := fmt.Sscanf(m.Text, "notebook-test-barrier %d", &n); err == nil {
					tb.seen <- n
					continue
				}
			}
			tb.mu.Lock()
			tb.messages = append(tb.messages, m)
			tb.mu.Unlock()
		}
	}()
	return tb
}

func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatal(err)
	}
}

func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript condition until it holds, across page loads,
// for at most a minute: a new worker compiles the 17 MB interpreter, which
// takes over 15 s with both cores busy.
func (tb *tab) waitFor(cond string) {
	tb.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ctx, cancel := context.WithDeadline(tb.ctx, deadline)
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) || tb.ctx.Err() != nil {
			tb.t.Fatalf("waiting for %s: %v", cond, err)
		}
		// The page navigated while the condition was polled: poll the new one.
		time.Sleep(20 * time.Millisecond)
	}
}

// navigations returns how many navigations the page has asked for.
func (tb *tab) navigations() int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.navs
}

// console returns what the pages wrote to the console since the last call:
// a message logged through the page after every earlier one marks the end.
func (tb *tab) console() []chromedp.ConsoleMessage {
	tb.t.Helper()
	tb.barrier++
	eval[chromedp.Void](tb, fmt.Sprintf("console.debug('notebook-test-barrier %d')", tb.barrier))
	timeout := time.After(10 * time.Second)
	for {
		select {
		case n := <-tb.seen:
			if n != tb.barrier {
				continue
			}
			tb.mu.Lock()
			defer tb.mu.Unlock()
			m := tb.messages
			tb.messages = nil
			return m
		case <-timeout:
			tb.t.Fatal("the console barrier never arrived")
		}
	}
}

// media emulates a colour scheme preference ("" for none).
func (tb *tab) media(scheme string) {
	tb.t.Helper()
	var features []*emulation.MediaFeature
	if scheme != "" {
		features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
	}
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: features}); err != nil {
		tb.t.Fatal(err)
	}
}

// screenshot saves what the tab shows as name in the artifacts folder.
// With full it saves the whole page instead, at half its size: enough to
// see the page's layout, where a note tens of thousands of pixels high
// takes seconds to draw at full size.
func (tb *tab) screenshot(name string, full bool) {
	tb.t.Helper()
	var png []byte
	var err error
	if full {
		size := eval[[2]float64](tb, `[document.documentElement.scrollWidth, document.documentElement.scrollHeight]`)
		yes := true
		var r page.CaptureScreenshotResult
		r, err = chromedp.Call(tb.ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
			CaptureBeyondViewport: &yes,
			FromSurface:           &yes,
			Clip:                  &page.Viewport{Width: size[0], Height: size[1], Scale: 0.5},
		})
		png = r.Data
	} else {
		png, err = chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		tb.t.Fatal(err)
	}
	p := filepath.Join(artifacts(tb.t), name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot %s", p)
}

// testStore is the store the tests build with: the user's, so that the
// in-browser interpreter, whose ID covers everything it is built from
// (this test program included), is kept across test runs; else none.
func testStore() *store.Store {
	dir, err := store.DefaultDir()
	if err != nil {
		return nil
	}
	st, err := store.Open(dir)
	if err != nil {
		return nil
	}
	return st
}

// startBrowser starts headless Chromium for one test and returns its
// context; tabs are opened in it with newTab.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	exe := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()),
		// Its own temporary files, such as the folder of its singleton
		// socket, which it leaves behind when it is killed, go in the
		// test's temporary folder, removed with it.
		chromedp.Env("TMPDIR="+t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return browserCtx
}

func TestBrowser(t *testing.T) {
	browserCtx := startBrowser(t)
	real, fixture := builtSites(t)

	t.Run("no console errors", func(t *testing.T) {
		tb := newTab(t, browserCtx)
		for _, s := range []*builtSite{real, fixture} {
			for _, p := range append(slices.Clone(s.pages), "no/such/page/") {
				tb.do(chromedp.Navigate(s.url + p))
				// The search page fetches its index: wait until it has it.
				if p == "search/" {
					tb.waitFor(`document.getElementById("search-status").textContent === "" && !document.getElementById("all-entries").hidden`)
				}
				for _, m := range tb.console() {
					if m.Type != chromedp.ConsoleError && m.Type != chromedp.ConsoleException && m.Type != chromedp.ConsoleWarning {
						continue
					}
					if p == "no/such/page/" && m.Source == "network" && strings.Contains(m.Text, "404") && m.URL == s.url+p {
						continue // the missing page itself
					}
					t.Errorf("%s%s: console %s: %s (%s:%d)", s.url, p, m.Type, m.Text, m.URL, m.Line+1)
				}
				blocks := eval[[2]int](tb, `[document.querySelectorAll(".codeblock").length, document.querySelectorAll(".codeblock .copy").length]`)
				if blocks[0] != blocks[1] {
					t.Errorf("%s%s: %d code blocks but %d copy buttons", s.url, p, blocks[0], blocks[1])
				}
			}
		}
		// The pages were served under netlify.toml's Content-Security-Policy:
		// an inline script is blocked, and the console says so.
		tb.do(chromedp.Navigate(fixture.url))
		ran := eval[bool](tb, `(() => {
			const s = document.createElement("script");
			s.textContent = "window.inlineRan = true";
			document.head.appendChild(s);
			return window.inlineRan === true;
		})()`)
		msgs := tb.console()
		if ran || !slices.ContainsFunc(msgs, func(m chromedp.ConsoleMessage) bool {
			return m.Type == chromedp.ConsoleError && strings.Contains(m.Text, "Content Security Policy")
		}) {
			t.Errorf("an inline script ran (%v) or was blocked silently (%q): is the policy applied?", ran, msgs)
		}
	})

	t.Run("search finds an entry of the seed note", func(t *testing.T) {
		var entry struct{ text, id string }
		for _, n := range real.nb.Notes {
			if n.Path == "notes/2018-10-30.md" && len(n.Entries()) > 0 {
				entry.text, entry.id = n.Entries()[0].Text, n.Entries()[0].ID
			}
		}
		if entry.id == "" {
			t.Fatal("the seed note notes/2018-10-30.md has no entries")
		}
		tb := newTab(t, browserCtx)
		// Typed into the header's search box on the index, as a reader would.
		tb.do(chromedp.Navigate(real.url))
		tb.do(chromedp.SendKeys(chromedp.ID("site-search-q"), entry.text+kb.Enter))
		want := fmt.Sprintf(`document.querySelector('#search-results a[href$="2018-10-30/#%s"]')`, entry.id)
		tb.waitFor(want + ` !== null`)
		if first := eval[string](tb, `document.querySelector("#search-results a").getAttribute("href")`); !strings.HasSuffix(first, "#"+entry.id) {
			t.Errorf("searching for %q: first result %s, want the entry #%s", entry.text, first, entry.id)
		}
		// Code is searched too, and the matching line shown.
		tb.do(chromedp.Navigate(fixture.url + "search/?q=" + url.QueryEscape("os.Args")))
		tb.waitFor(`document.querySelectorAll("#search-results li").length > 0`)
		if got := eval[string](tb, `(document.querySelector("#search-results pre.result-code") || {}).textContent`); got != "fmt.Println(os.Args[1:])" {
			t.Errorf("searching for os.Args shows the code line %q", got)
		}
		tb.do(chromedp.Navigate(fixture.url + "search/?q=quokka"))
		tb.waitFor(`document.querySelectorAll("#search-results li").length === 1`)
		tb.do(chromedp.Navigate(fixture.url + "search/?q=no-such-word-anywhere"))
		tb.waitFor(`/Nothing matches/.test(document.getElementById("search-status").textContent)`)
	})

	t.Run("copy button copies", func(t *testing.T) {
		tb := newTab(t, browserCtx)
		origin := strings.TrimSuffix(fixture.url, "/")
		for _, name := range []string{"clipboard-read", "clipboard-write"} {
			if _, err := chromedp.CallBrowser(tb.ctx, browser.SetPermission, browser.SetPermissionParams{
				Permission: &browser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true},
				Setting:    browser.PermissionSettingGranted,
				Origin:     origin,
			}); err != nil {
				t.Fatal(err)
			}
		}
		tb.do(chromedp.Navigate(fixture.url + "2020-01-01-first/"))
		for i, want := range []string{"print(\"hello, world\")\n", "// Hello prints"} {
			sel := fmt.Sprintf(`document.querySelectorAll("figure .copy")[%d]`, i)
			eval[chromedp.Void](tb, sel+".click()")
			tb.waitFor(sel + `.textContent === "Copied"`)
			got := eval[string](tb, `navigator.clipboard.readText()`)
			if i == 0 && got != want || i == 1 && (strings.Contains(got, want) || !strings.Contains(got, "package main")) {
				t.Errorf("copy button %d copied %q", i, got)
			}
		}
	})

	t.Run("arrow keys navigate", func(t *testing.T) {
		tb := newTab(t, browserCtx)
		tb.do(chromedp.Navigate(fixture.url + "2020-02-02/"))
		for _, step := range []struct{ key, want string }{
			{kb.ArrowRight, "2020-04-04-last/"},
			{kb.ArrowLeft, "2020-02-02/"},
			{kb.ArrowLeft, "2020-01-01-first/"},
		} {
			tb.do(chromedp.KeyEvent(step.key))
			tb.waitFor(fmt.Sprintf(`location.pathname === "/%s" && document.readyState === "complete"`, step.want))
		}
		// No previous note before the oldest; no arrows while typing in the
		// search box. The console barrier comes after any navigation the
		// key would have asked for.
		stays := func(what string, steps ...chromedp.Action[chromedp.Void]) {
			before := tb.navigations()
			tb.do(steps...)
			tb.console()
			if tb.navigations() != before {
				t.Errorf("%s asked for a navigation", what)
			}
		}
		stays("left arrow on the oldest note", chromedp.KeyEvent(kb.ArrowLeft))
		stays("right arrow in the search box", chromedp.Focus(chromedp.ID("site-search-q")), chromedp.KeyEvent(kb.ArrowRight))
		stays("right arrow with Alt", chromedp.Blur(chromedp.ID("site-search-q")), chromedp.KeyEvent(kb.ArrowRight, chromedp.KeyModifiers(chromedp.ModifierAlt)))
		if tb.navigations() == 0 {
			t.Errorf("no navigation was seen at all: the check above proves nothing")
		}
	})

	t.Run("theme toggle switches and persists", func(t *testing.T) {
		tb := newTab(t, browserCtx)
		tb.media("light")
		tb.do(chromedp.Navigate(fixture.url))
		eval[chromedp.Void](tb, `localStorage.clear()`)
		tb.do(chromedp.Reload())
		bg := func() string { return eval[string](tb, `getComputedStyle(document.body).backgroundColor`) }
		const light, dark = "rgb(255, 255, 255)", "rgb(13, 17, 23)"
		if got := bg(); got != light {
			t.Fatalf("light system, no choice: background %s, want %s", got, light)
		}
		tb.do(chromedp.Click(chromedp.CSS(".theme-toggle")))
		if got := bg(); got != dark || eval[string](tb, `document.querySelector(".theme-toggle").getAttribute("aria-pressed")`) != "true" {
			t.Errorf("after the toggle: background %s, want %s, pressed", got, dark)
		}
		// The choice holds on another page and after a reload, before any
		// script but theme.js has run.
		tb.do(chromedp.Navigate(fixture.url + "2020-02-02/"))
		if got := bg(); got != dark {
			t.Errorf("the next page: background %s, want %s", got, dark)
		}
		if got := eval[string](tb, `getComputedStyle(document.querySelector(".hl-k, .hl-kn, .hl-nb")).color`); got == "" {
			t.Errorf("no highlighted code")
		}
		tb.do(chromedp.Click(chromedp.CSS(".theme-toggle")), chromedp.Reload())
		if got := bg(); got != light {
			t.Errorf("toggled back and reloaded: background %s, want %s", got, light)
		}
		// With no choice, the system's preference applies, through CSS alone.
		eval[chromedp.Void](tb, `localStorage.clear()`)
		tb.media("dark")
		tb.do(chromedp.Reload())
		if got := bg(); got != dark {
			t.Errorf("dark system, no choice: background %s, want %s", got, dark)
		}
		tb.media("")
	})

	t.Run("nothing overflows at 375 px", func(t *testing.T) {
		tb := newTab(t, browserCtx)
		tb.do(chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile))
		const check = `(() => {
			const w = document.documentElement.clientWidth, bad = [];
			for (const el of document.body.querySelectorAll("*")) {
				const r = el.getBoundingClientRect();
				if (r.width === 0 || (r.right <= w + 0.5 && r.left >= -0.5)) continue;
				let clipped = false;
				for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
					if (getComputedStyle(p).overflowX !== "visible") { clipped = true; break; }
				}
				if (!clipped) bad.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "") + " right " + Math.round(r.right));
			}
			return {scroll: document.documentElement.scrollWidth, width: w, bad: bad.slice(0, 5)};
		})()`
		type result struct {
			Scroll, Width int
			Bad           []string
		}
		for _, s := range []*builtSite{real, fixture} {
			for _, p := range s.pages {
				tb.do(chromedp.Navigate(s.url + p))
				r := eval[result](tb, check)
				if r.Scroll > r.Width || len(r.Bad) > 0 {
					t.Errorf("%s%s at 375 px: page %d px wide; overflowing: %s", s.url, p, r.Scroll, strings.Join(r.Bad, ", "))
				}
			}
		}
		tb.do(chromedp.Navigate(real.url + "2018-10-30/"))
		tb.screenshot("note-375.png", false)
		tb.screenshot("note-375-full.png", true)
	})

	t.Run("pages work without JavaScript", func(t *testing.T) {
		tb := newTab(t, browserCtx)
		if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		tb.do(chromedp.Navigate(fixture.url + "2020-02-02/"))
		type state struct {
			Output, Toggle, Copies, Prev, Next bool
		}
		got := eval[state](tb, `({
			Output: document.querySelector(".output-text").offsetHeight > 0,
			Toggle: document.querySelector(".theme-toggle").offsetHeight > 0,
			Copies: document.querySelectorAll(".copy").length > 0,
			Prev: document.querySelector("a[rel=prev]").offsetHeight > 0,
			Next: document.querySelector("a[rel=next]").offsetHeight > 0,
		})`)
		if want := (state{Output: true, Prev: true, Next: true}); got != want {
			t.Errorf("note page without JavaScript: %+v, want %+v (a toggle or copy button that cannot work is hidden)", got, want)
		}
		// The header's search box leads to the search page, which lists
		// every entry instead.
		tb.do(chromedp.Navigate(fixture.url), chromedp.SendKeys(chromedp.ID("site-search-q"), "quokka"+kb.Enter))
		tb.waitFor(`location.pathname === "/search/" && location.search === "?q=quokka" && document.readyState === "complete"`)
		if n := eval[int](tb, `[...document.querySelectorAll("#all-entries a")].filter(a => a.offsetHeight > 0).length`); n < 5 {
			t.Errorf("the search page without JavaScript lists %d visible entries", n)
		}
		if !eval[bool](tb, `document.querySelector("#all-entries noscript") !== null`) {
			t.Errorf("the search page does not say why it lists entries")
		}
	})

	t.Run("screenshots", func(t *testing.T) {
		tb := newTab(t, browserCtx)
		tb.media("light")
		tb.do(chromedp.Navigate(real.url))
		tb.screenshot("index-light.png", true)
		tb.do(chromedp.Navigate(real.url + "2018-10-30/"))
		tb.screenshot("note-light.png", false)
		tb.screenshot("note-light-full.png", true)
		tb.media("dark")
		tb.do(chromedp.Reload())
		tb.screenshot("note-dark.png", false)
		tb.screenshot("note-dark-full.png", true)
		tb.do(chromedp.Navigate(real.url + "search/?q=subprocess"))
		tb.waitFor(`document.querySelectorAll("#search-results li").length > 0`)
		tb.screenshot("search-dark.png", false)
		tb.media("")
	})
}

// TestServedAsProduction asks, as curl -sI --compressed would, for the
// seed note's page, the logo and the interpreter: each comes with
// netlify.toml's policy, its own type, the caching netlify.toml gives it,
// and compressed; the interpreter decompresses to the file the build wrote.
func TestServedAsProduction(t *testing.T) {
	real, _ := builtSites(t)
	rules, err := netlify.Load(filepath.Join("..", "..", "netlify.toml"))
	if err != nil {
		t.Fatal(err)
	}
	csp := rules.HeadersFor("/").Get("Content-Security-Policy")
	find := func(pattern string) string {
		m, err := filepath.Glob(filepath.Join(real.dir, "assets", pattern))
		if err != nil || len(m) != 1 {
			t.Fatalf("assets/%s: %q, %v", pattern, m, err)
		}
		return "assets/" + filepath.Base(m[0])
	}
	wasm := find("play.*.wasm")
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{DisableCompression: true}}
	for _, c := range []struct{ path, typ, cache string }{
		{seedNote, "text/html; charset=utf-8", "public, max-age=0, must-revalidate"},
		{find("icon.*.svg"), "image/svg+xml", "public, max-age=31536000, immutable"},
		{wasm, "application/wasm", "public, max-age=31536000, immutable"},
	} {
		for _, method := range []string{http.MethodHead, http.MethodGet} {
			req, _ := http.NewRequest(method, real.url+c.path, nil)
			req.Header.Set("Accept-Encoding", "gzip, deflate, br")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			h := resp.Header
			if resp.StatusCode != http.StatusOK || h.Get("Content-Security-Policy") != csp || h.Get("Content-Type") != c.typ || h.Get("Cache-Control") != c.cache || h.Get("Content-Encoding") != "gzip" {
				t.Errorf("%s /%s: status %d, type %q, Cache-Control %q, Content-Encoding %q, policy %q; want 200, %q, %q, gzip, %q",
					method, c.path, resp.StatusCode, h.Get("Content-Type"), h.Get("Cache-Control"), h.Get("Content-Encoding"), h.Get("Content-Security-Policy"), c.typ, c.cache, csp)
			}
			if method == http.MethodGet && c.path == wasm {
				zr, err := gzip.NewReader(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(zr)
				if err != nil {
					t.Fatal(err)
				}
				want, err := os.ReadFile(filepath.Join(real.dir, filepath.FromSlash(wasm)))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("GET /%s: decompressed to %d bytes, not the interpreter's %d", wasm, len(got), len(want))
				}
			}
			resp.Body.Close()
		}
	}
}
