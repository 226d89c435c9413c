package site

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/snippets"
)

// The fixture notebook in testdata/notebook has four notes (one a draft)
// and three snippets; building it runs them, so every test shares one
// build, and its cache, made on first use.
const fixtureBase = "https://example.org/notebook/"

var fixture struct {
	once  sync.Once
	tmp   string
	out   string
	nb    *Built
	goVer string
	err   error
}

func TestMain(m *testing.M) {
	// This test binary is the box of the snippet runs its tests start.
	if code, ok := runner.Child(); ok {
		os.Exit(code)
	}
	code := m.Run()
	if fixture.tmp != "" {
		os.RemoveAll(fixture.tmp)
	}
	os.Exit(code)
}

func fixtureConfig(out string) *Config {
	st, err := store.Open(filepath.Join(fixture.tmp, "store"))
	if err != nil {
		panic(err) // a temporary folder of the test's own
	}
	return &Config{Root: filepath.Join("testdata", "notebook"), Out: out, Store: st, BaseURL: fixtureBase}
}

// openStore opens a store of the test's own.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// built builds the fixture site once and returns its folder.
func built(t *testing.T) string {
	t.Helper()
	fixture.once.Do(func() {
		if fixture.tmp, fixture.err = os.MkdirTemp("", "notebook-site-test-"); fixture.err != nil {
			return
		}
		cfg := fixtureConfig(filepath.Join(fixture.tmp, "public"))
		fixture.out = cfg.OutDir()
		if fixture.nb, fixture.err = Build(context.Background(), cfg); fixture.err != nil {
			return
		}
		fixture.goVer, fixture.err = cfg.runner().Version(snippets.Native)
	})
	if fixture.err != nil {
		t.Fatalf("building the fixture notebook: %v", fixture.err)
	}
	return fixture.out
}

func readFile(t *testing.T, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func parseHTML(t *testing.T, dir, rel string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(readFile(t, dir, rel)))
	if err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
	return doc
}

// find returns the elements below n with the tag (any if "") and every
// class of the space-separated list classes.
func find(n *html.Node, tag, classes string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (tag == "" || n.Data == tag) {
			have := strings.Fields(attr(n, "class"))
			ok := true
			for _, c := range strings.Fields(classes) {
				ok = ok && slices.Contains(have, c)
			}
			if ok {
				out = append(out, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// nth returns ns[i], or ends the test saying that fewer than i+1 of what
// were found.
func nth(t *testing.T, ns []*html.Node, i int, what string) *html.Node {
	t.Helper()
	if i >= len(ns) {
		t.Fatalf("want at least %d %s, found %d", i+1, what, len(ns))
	}
	return ns[i]
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func hrefs(ns []*html.Node) []string {
	var out []string
	for _, n := range ns {
		out = append(out, attr(n, "href"))
	}
	return out
}

func TestSiteFiles(t *testing.T) {
	dir := built(t)
	var got []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			got = append(got, regexp.MustCompile(`\.[0-9a-f]{10}\.`).ReplaceAllString(filepath.ToSlash(rel), ".HASH."))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		".notebook-site",
		"2020-01-01-first/explained/index.html",
		"2020-01-01-first/index.html",
		"2020-02-02/index.html",
		"2020-04-04-last/index.html",
		"404.html",
		"assets/icon.HASH.svg",
		"assets/site.HASH.js",
		"assets/style.HASH.css",
		"assets/theme.HASH.js",
		"feed.xml",
		"index.html",
		"robots.txt",
		"search/index.html",
		"search.json",
		"sitemap.xml",
		"tags/basics/index.html",
		"tags/c#/index.html",
		"tags/go/index.html",
		"tags/index.html",
	}
	if !slices.Equal(got, want) {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestEscaping checks that markup in a note's prose and in a program's
// output reaches the page as text.
func TestEscaping(t *testing.T) {
	dir := built(t)
	for _, c := range []struct{ page, shown string }{
		{"2020-02-02/index.html", `<script>alert("output")</script>`},
		{"2020-01-01-first/index.html", `<script>alert("prose")</script>`},
	} {
		doc := parseHTML(t, dir, c.page)
		for _, s := range find(doc, "script", "") {
			if src := attr(s, "src"); !strings.HasPrefix(src, "../assets/") || text(s) != "" {
				t.Errorf("%s: a <script src=%q> that is not the site's own: %q", c.page, src, text(s))
			}
		}
		if !strings.Contains(text(doc), c.shown) {
			t.Errorf("%s does not show %s as text", c.page, c.shown)
		}
	}
	out := find(parseHTML(t, dir, "2020-02-02/index.html"), "pre", "output-text")
	if len(out) != 1 {
		t.Errorf("output pane: got %d panes, want 1", len(out))
	} else if got := text(out[0]); got != "<script>alert(\"output\")</script>\n" {
		t.Errorf("output pane: got %q", got)
	}
}

func TestNotePage(t *testing.T) {
	dir := built(t)
	doc := parseHTML(t, dir, "2020-02-02/index.html")
	if got := text(nth(t, find(doc, "title", ""), 0, "<title>")); got != "Escaping · Notebook" {
		t.Errorf("title %q", got)
	}
	h1 := find(doc, "h1", "")
	if len(h1) != 1 || attr(h1[0], "id") != "escaping" || text(h1[0]) != "Escaping" {
		t.Errorf("want one <h1 id=escaping>Escaping</h1>, got %d", len(h1))
	}
	if got := hrefs(find(nth(t, find(doc, "nav", "toc"), 0, "nav.toc"), "a", "")); !slices.Equal(got, []string{"#output-that-looks-like-html"}) {
		t.Errorf("table of contents links %q", got)
	}
	h2 := find(nth(t, find(doc, "div", "note-body"), 0, "div.note-body"), "h2", "")
	if len(h2) != 1 || attr(h2[0], "id") != "output-that-looks-like-html" ||
		!slices.Equal(hrefs(find(h2[0], "a", "anchor")), []string{"#output-that-looks-like-html"}) {
		t.Errorf("entry heading without its id and anchor link")
	}

	pair := find(doc, "figure", "pair")
	if len(pair) != 1 || attr(pair[0], "id") != "block-0" {
		t.Fatalf("want one figure.pair#block-0, got %d", len(pair))
	}
	if got := text(nth(t, find(pair[0], "div", "code-original"), 0, "div.code-original")); !strings.Contains(got, "Python") || !strings.Contains(got, `exit(3)`) {
		t.Errorf("original pane: %q", got)
	}
	goCode := nth(t, find(pair[0], "div", "code-go"), 0, "div.code-go")
	if got := text(goCode); !strings.Contains(got, "snippets/escape") || !strings.Contains(got, "os.Exit(3)") {
		t.Errorf("Go pane lacks the id or code: %q", got)
	}
	if got := text(nth(t, find(pair[0], "figcaption", "explain"), 0, "figcaption.explain")); !strings.Contains(got, "Escape prints markup") {
		t.Errorf("the pair's caption lacks the doc comment: %q", got)
	}
	var facts []string
	for _, d := range find(nth(t, find(pair[0], "div", "out-go"), 0, "div.out-go"), "div", "") {
		if dt := find(d, "dt", ""); len(dt) == 1 {
			facts = append(facts, text(dt[0])+"="+text(nth(t, find(d, "dd", ""), 0, "<dd> after <dt>"+text(dt[0])+"</dt>")))
		}
	}
	res := fixture.nb.Results["escape"]
	want := []string{"exit status=3", "took=" + formatDuration(res.Duration), "engine=native", "Go=" + fixture.goVer,
		"captured=" + captured(res.Finished) + ", run by the build that made this page"}
	if !slices.Equal(facts, want) {
		t.Errorf("run facts %q, want %q", facts, want)
	}

	// Previous and next follow the dates; the draft is left out.
	for page, want := range map[string][]string{
		"2020-01-01-first/index.html": {"../2020-02-02/"},
		"2020-02-02/index.html":       {"../2020-01-01-first/", "../2020-04-04-last/"},
		"2020-04-04-last/index.html":  {"../2020-02-02/"},
	} {
		nav := find(parseHTML(t, dir, page), "nav", "prev-next")
		if len(nav) != 1 {
			t.Errorf("%s: no prev-next nav", page)
			continue
		}
		if got := hrefs(find(nav[0], "a", "")); !slices.Equal(got, want) {
			t.Errorf("%s: prev/next %q, want %q", page, got, want)
		}
	}

	// A note without a title heading gets one, and an unlinked block is
	// shown on its own.
	last := parseHTML(t, dir, "2020-04-04-last/index.html")
	if h1 := find(last, "h1", ""); len(h1) != 1 || text(h1[0]) != "2020-04-04" {
		t.Errorf("note without a title: want <h1>2020-04-04</h1>")
	}
	if n := len(find(last, "div", "codeblock solo")); n != 1 {
		t.Errorf("2020-04-04-last: %d lone code blocks, want 1", n)
	}
}

func TestIndexAndTags(t *testing.T) {
	dir := built(t)
	doc := parseHTML(t, dir, "index.html")
	var titles []string
	for _, h := range find(doc, "h3", "note-card-title") {
		titles = append(titles, text(h))
	}
	if want := []string{"2020-04-04", "Escaping", "First steps"}; !slices.Equal(titles, want) {
		t.Errorf("index lists %q, want %q (newest first, no draft)", titles, want)
	}
	entries := hrefs(find(nth(t, find(doc, "ol", "entries"), 2, "ol.entries"), "a", ""))
	if want := []string{"2020-01-01-first/#hello-world", "2020-01-01-first/#arguments"}; !slices.Equal(entries, want) {
		t.Errorf("entries of the first note %q, want %q", entries, want)
	}
	tag := parseHTML(t, dir, "tags/c#/index.html")
	var tagged []string
	for _, h := range find(tag, "h3", "note-card-title") {
		tagged = append(tagged, text(h))
	}
	if !slices.Equal(tagged, []string{"Escaping"}) {
		t.Errorf("tags/c#/ lists %q", tagged)
	}
	if got := readFile(t, dir, "tags/index.html"); !strings.Contains(got, `href="../tags/c%23/"`) {
		t.Errorf("tags/index.html does not link to tags/c%%23/")
	}
}

func TestSearchIndex(t *testing.T) {
	dir := built(t)
	var idx searchIndex
	if err := json.Unmarshal([]byte(readFile(t, dir, "search.json")), &idx); err != nil {
		t.Fatal(err)
	}
	byURL := map[string]searchEntry{}
	for _, e := range idx.Entries {
		byURL[e.URL] = e
		if strings.Contains(e.URL, "draft") {
			t.Errorf("the draft is in the index: %+v", e)
		}
	}
	if e := byURL["2020-04-04-last/#second-entry"]; e.Title != "Second entry" || !strings.Contains(e.Text, "quokka") {
		t.Errorf("second entry: %+v", e)
	}
	e := byURL["2020-01-01-first/#hello-world"]
	if !strings.Contains(e.Code, `print("hello, world")`) || !strings.Contains(e.Code, `fmt.Println("hello, world")`) ||
		!strings.Contains(e.Text, "smallest program") || e.Note != "First steps" || !slices.Equal(e.Tags, []string{"go", "basics"}) {
		t.Errorf("hello entry lacks its code, Go doc or note: %+v", e)
	}
	if e := byURL["2020-01-01-first/"]; !strings.Contains(e.Text, "before the first entry") {
		t.Errorf("the text before the first entry is not indexed: %+v", e)
	}
	if _, ok := byURL["2020-02-02/"]; ok {
		t.Errorf("a title with nothing under it is indexed")
	}
}

func TestSearchWorksWithoutJavaScript(t *testing.T) {
	dir := built(t)
	doc := parseHTML(t, dir, "search/index.html")
	all := find(doc, "section", "all-entries")
	if len(all) != 1 || !slices.Contains(hrefs(find(all[0], "a", "")), "../2020-04-04-last/#second-entry") {
		t.Errorf("the search page does not list every entry for readers without JavaScript")
	}
	for _, f := range find(doc, "form", "") {
		if attr(f, "action") != "../search/" || attr(f, "method") != "get" {
			t.Errorf("search form posts to %q", attr(f, "action"))
		}
	}
}

func TestFeedAndSitemap(t *testing.T) {
	dir := built(t)
	var feed struct {
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Entries []struct {
			Base    string `xml:"http://www.w3.org/XML/1998/namespace base,attr"`
			Title   string `xml:"title"`
			ID      string `xml:"id"`
			Updated string `xml:"updated"`
			Content struct {
				Type string `xml:"type,attr"`
				Body string `xml:",chardata"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, dir, "feed.xml")), &feed); err != nil {
		t.Fatal(err)
	}
	if feed.ID != fixtureBase || feed.Updated != "2020-04-04T00:00:00Z" || len(feed.Entries) != 3 {
		t.Fatalf("feed id %q updated %q with %d entries", feed.ID, feed.Updated, len(feed.Entries))
	}
	if e := feed.Entries[1]; e.ID != fixtureBase+"2020-02-02/" || e.Base != e.ID || e.Title != "Escaping" || e.Content.Type != "html" ||
		!strings.Contains(e.Content.Body, `&lt;script&gt;alert(&#34;output&#34;)&lt;/script&gt;`) || strings.Contains(e.Content.Body, "<script") {
		t.Errorf("feed entry: %+v", e)
	}

	var sm struct {
		URLs []string `xml:"url>loc"`
	}
	if err := xml.Unmarshal([]byte(readFile(t, dir, "sitemap.xml")), &sm); err != nil {
		t.Fatal(err)
	}
	want := []string{"", "2020-04-04-last/", "2020-02-02/", "2020-01-01-first/", "tags/", "tags/basics/", "tags/c%23/", "tags/go/"}
	for i := range want {
		want[i] = fixtureBase + want[i]
	}
	if !slices.Equal(sm.URLs, want) {
		t.Errorf("sitemap:\n%s\nwant:\n%s", strings.Join(sm.URLs, "\n"), strings.Join(want, "\n"))
	}
	if got := readFile(t, dir, "robots.txt"); !strings.Contains(got, "Sitemap: "+fixtureBase+"sitemap.xml\n") {
		t.Errorf("robots.txt: %q", got)
	}
}

func TestNotFoundPage(t *testing.T) {
	dir := built(t)
	doc := parseHTML(t, dir, "404.html")
	for _, tag := range []string{"a", "link", "script", "img", "form"} {
		for _, n := range find(doc, tag, "") {
			ref := attr(n, "href") + attr(n, "src") + attr(n, "action")
			if !strings.HasPrefix(ref, "/notebook/") && !strings.HasPrefix(ref, "#") {
				t.Errorf("404.html: <%s> links to %q, which breaks when it is served at another depth", tag, ref)
			}
		}
	}
}

func TestAssets(t *testing.T) {
	dir := built(t)
	entries, err := os.ReadDir(filepath.Join(dir, "assets"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data := readFile(t, dir, "assets/"+e.Name())
		plain := regexp.MustCompile(`\.[0-9a-f]{10}\.`).ReplaceAllString(e.Name(), ".")
		if fingerprintSum("assets/"+plain, store.Sum([]byte(data))) != "assets/"+e.Name() {
			t.Errorf("assets/%s: its name does not match its contents", e.Name())
		}
		if regexp.MustCompile(`(?i)(url\(\s*["']?(https?:)?//|@import|https?://)`).MatchString(data) && !strings.HasSuffix(e.Name(), ".svg") {
			t.Errorf("assets/%s refers to another host", e.Name())
		}
	}
	var css string
	for _, l := range find(parseHTML(t, dir, "index.html"), "link", "") {
		if attr(l, "rel") == "stylesheet" {
			css = readFile(t, dir, attr(l, "href"))
		}
	}
	for _, want := range []string{
		`:root[data-theme="dark"] .hl-chroma .hl-k { color: #ff7b72 }`,
		`:root:not([data-theme="light"]) .hl-chroma .hl-k { color: #ff7b72 }`,
		`:root[data-theme="light"] .hl-chroma .hl-k { color: #cf222e }`,
		`@media (prefers-color-scheme: dark)`,
	} {
		if !strings.Contains(css, want) {
			t.Errorf("style sheet lacks %s", want)
		}
	}
	if strings.Contains(css, "/* Background */") {
		t.Errorf("style sheet has chroma's background, which should come from the palette")
	}
}

// TestDarkPaletteBlocksMatch keeps the style sheet's two dark palettes,
// chosen and from the system, equal.
func TestDarkPaletteBlocksMatch(t *testing.T) {
	css, err := fs.ReadFile(assetFS, "assets/style.css")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?s)\{\s*(color-scheme: dark;.*?)\}`)
	m := re.FindAllSubmatch(css, -1)
	if len(m) != 2 {
		t.Fatalf("found %d dark palettes, want 2", len(m))
	}
	norm := func(b []byte) string { return strings.Join(strings.Fields(string(b)), " ") }
	if norm(m[0][1]) != norm(m[1][1]) {
		t.Errorf("the dark palettes differ:\n%s\n%s", m[0][1], m[1][1])
	}
}

// TestRebuildIsIdentical builds the fixture again from the cache: the same
// notes and results give the same bytes.
func TestRebuildIsIdentical(t *testing.T) {
	built(t) // the shared build, which fills the cache
	// A page says whether its build ran each snippet or reused a cached
	// run, so compare two builds that both find every result cached.
	first := fixtureConfig(t.TempDir())
	if _, err := Build(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	dir := first.OutDir()
	cfg := fixtureConfig(t.TempDir())
	if _, err := Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(cfg.OutDir(), rel))
		if rel == MarkFile { // its stamps name each site's own inodes
			stamps := regexp.MustCompile(`(?m)^#stamp .*\n`)
			a, b = stamps.ReplaceAll(a, nil), stamps.ReplaceAll(b, nil)
		}
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds of the same notebook", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                            DefaultBaseURL,
		"https://example.org":         "https://example.org/",
		"https://example.org/notes":   "https://example.org/notes/",
		"http://localhost:8080/a/b/":  "http://localhost:8080/a/b/",
		"example.org":                 "error",
		"ftp://example.org/":          "error",
		"https://example.org/?q=1":    "error",
		"https://example.org/#anchor": "error",
		"/relative/":                  "error",
	} {
		u, err := (&Config{BaseURL: in}).baseURL()
		got := "error"
		if err == nil {
			got = u.String()
		}
		if got != want {
			t.Errorf("base URL %q gives %q, want %q (err %v)", in, got, want, err)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		300 * time.Microsecond:  "under 1 ms",
		122 * time.Millisecond:  "122 ms",
		1500 * time.Millisecond: "1.50 s",
		12 * time.Second:        "12.0 s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestProgressLine(t *testing.T) {
	for _, c := range []struct {
		done, total  int
		status, what string
		res          *runner.Result
		want         string
	}{
		{3, 20, "ok", "gil/connect", &runner.Result{Engine: "native", Duration: 12345 * time.Microsecond, Cached: true},
			"[3/20] ok   gil/connect native 12ms (cached)\n"},
		{1, 2, "FAIL", "maps/invert", &runner.Result{Engine: "yaegi", Duration: 1500 * time.Millisecond},
			"[1/2] FAIL maps/invert yaegi 1.5s\n"},
		{2, 2, "error", "timeit/memo (original)", nil, "[2/2] error timeit/memo (original)\n"},
	} {
		if got := progressLine(c.done, c.total, c.status, c.what, c.res); got != c.want {
			t.Errorf("progressLine = %q, want %q", got, c.want)
		}
	}
}

// TestProgress checks that a line of progress after a quiet spell is
// written at once, that the lines after it are written without a Flush
// too, and that Flush writes what is left.
func TestProgress(t *testing.T) {
	var w testfiles.Buffer
	p := &progress{w: &w}
	p.Write([]byte("a\n"))
	if got := w.String(); got != "a\n" {
		t.Fatalf("the first line: got %q written, want it at once", got)
	}
	p.Write([]byte("b\n"))
	for deadline := time.Now().Add(10 * time.Second); w.String() != "a\nb\n"; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("a line that came within %v of the first: got %q written after 10s, want %q", progressEvery, w.String(), "a\nb\n")
		}
	}
	p.Write([]byte("c\n"))
	p.Write([]byte("d\n"))
	p.Flush()
	if got := w.String(); got != "a\nb\nc\nd\n" {
		t.Errorf("after Flush: got %q written, want every line", got)
	}
}
