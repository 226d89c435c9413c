package site

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"go/doc/comment"
	"html/template"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gonotebook/notebook/notes"
	"github.com/gonotebook/notebook/render"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/runner/cache"
	"github.com/gonotebook/notebook/snippets"
)

//go:embed templates/*.html
var templateFS embed.FS

// siteName names the site in titles, the header and the feed.
const siteName = "Notebook"

// A page is what every page template receives.
type page struct {
	Title       string // the page's own title; the site's name is added
	Description string
	Section     string // "notes", "tags" or "search": marks the current site link
	Root        string // the path from the page to the site root: "", "../", or "/" for 404.html
	Assets      map[string]string
	Site        *siteData

	Note    *Note
	Prev    *Note
	Next    *Note
	Content template.HTML

	Tag   string
	Notes []*Note // the notes a list page shows, newest first
}

// Asset returns the path from the page to an asset by its plain name.
func (p *page) Asset(name string) (string, error) {
	a, ok := p.Assets[name]
	if !ok {
		return "", fmt.Errorf("no asset %q", name)
	}
	return p.Root + a, nil
}

// A card is a note as a list shows it, with the page it is on.
type card struct {
	P *page
	N *Note
}

// Card pairs n with the page, for the note-card template.
func (p *page) Card(n *Note) card { return card{p, n} }

// URL returns the path from the page to n's page.
func (p *page) URL(n *Note) string { return p.Root + n.URL() }

// TagURL returns the path from the page to a tag's page.
func (p *page) TagURL(tag string) string { return p.Root + tagPath(tag) }

// siteData is what every page may list: the published notes and tags.
type siteData struct {
	Notes []*Note // published, oldest first
	Tags  []tagInfo
}

// A tagInfo is a tag with the published notes that carry it, newest first.
type tagInfo struct {
	Name  string
	Notes []*Note
}

// A yearGroup is one year of notes on the index, newest first.
type yearGroup struct {
	Year  int
	Notes []*Note
}

// URL returns the path of n's page from the site root: "2018-10-30/".
func (n *Note) URL() string { return n.Name() + "/" }

// Entries returns the note's entry headings: every heading but level one.
func (n *Note) Entries() []*render.Heading {
	var out []*render.Heading
	for _, h := range n.Doc.Headings {
		if h.Level > 1 {
			out = append(out, h)
		}
	}
	return out
}

// titleHeading returns the level-one heading that opens the note's body
// when it is the note's title, or nil.
func (n *Note) titleHeading() *render.Heading {
	if h := n.Doc.Title(); h != nil && h.Text == n.Title {
		return h
	}
	return nil
}

// TitleID is the id of the note page's h1.
func (n *Note) TitleID() string {
	if h := n.titleHeading(); h != nil {
		return h.ID
	}
	return "title"
}

// Programs counts the note's blocks that link to a Go program.
func (n *Note) Programs() int {
	c := 0
	for _, b := range n.Doc.Blocks {
		if b.Linked() {
			c++
		}
	}
	return c
}

// tagPath is the URL path of a tag's page from the site root; tagDir is
// its folder. They differ for tags such as "c#".
func tagPath(tag string) string { return "tags/" + url.PathEscape(tag) + "/" }
func tagDir(tag string) string  { return "tags/" + tag + "/" }

// builder holds what one build renders with.
type builder struct {
	cfg    *Config
	nb     *Notebook
	md     *render.Markdown
	dir    string
	base   *url.URL // the site's absolute address, ending in "/"
	tmpl   *template.Template
	assets map[string]string
	site   *siteData
	feed   []string // the feed's notes' bodies, newest first
	worker string   // the in-browser interpreter's worker, from the site root; "" if none
	keys   *keys
	prev   previous // what the previous build left in the output folder

	mu       sync.Mutex      // guards what follows, as pages are written concurrently
	files    map[string]made // every file of the site, from the site root
	rendered []string        // the files made afresh: not reused by their inputs' key
	written  []string        // the files written into dir: new, or changed
}

// renderSite makes every file of the site, and writes into dir those that
// prev, the output folder's previous build, does not already hold: it
// reuses a file whose inputs' key is the one prev recorded without
// making it again, and writes a file it made only if its bytes differ
// from prev's.
func renderSite(cfg *Config, nb *Notebook, dir string, prev previous) (*builder, error) {
	b, err := newBuilder(cfg, nb, dir, prev)
	if err != nil {
		return nil, err
	}
	return b, b.renderAll()
}

// newBuilder returns the builder of one site.
func newBuilder(cfg *Config, nb *Notebook, dir string, prev previous) (*builder, error) {
	base, err := cfg.baseURL()
	if err != nil {
		return nil, err
	}
	md := nb.md
	if md == nil {
		md = render.New()
	}
	return &builder{cfg: cfg, nb: nb, md: md, dir: dir, base: base, site: &siteData{}, prev: prev, files: map[string]made{}}, nil
}

// published returns the notes of nb that the site shows, oldest first.
func published(cfg *Config, nb *Notebook) []*Note {
	var ns []*Note
	for _, n := range nb.Notes {
		if !n.Draft || cfg.Drafts {
			ns = append(ns, n)
		}
	}
	return ns
}

// renderAll makes every file of the site.
func (b *builder) renderAll() error {
	cfg, nb, md := b.cfg, b.nb, b.md
	var err error
	tags := map[string][]*Note{}
	b.site.Notes = published(cfg, nb)
	for _, n := range b.site.Notes {
		for _, t := range n.Tags {
			tags[t] = append(tags[t], n)
		}
	}
	for name, ns := range tags {
		slices.Reverse(ns) // newest first
		b.site.Tags = append(b.site.Tags, tagInfo{name, ns})
	}
	slices.SortFunc(b.site.Tags, func(a, b tagInfo) int { return strings.Compare(a.Name, b.Name) })

	if b.assets, err = b.writeAssets(); err != nil {
		return err
	}
	if b.worker, err = b.writePlay(); err != nil {
		return err
	}
	b.keys = newKeys(cfg, b.assets, b.worker)
	cards := b.keys.cardsOf(b.site.Notes)
	b.tmpl, err = template.New("").Funcs(funcs).Funcs(template.FuncMap{"language": md.LanguageName}).
		ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	// The pages that list every note are made while the notes' own are,
	// on every core.
	lists := make(chan error, 1)
	go func() { lists <- b.writeLists(cards) }()
	feedKey, err := b.writeNotes()
	if err := errors.Join(err, <-lists); err != nil {
		return err
	}
	return b.writeFeed(feedKey)
}

// writeLists makes the pages that list notes, and the search index and
// the sitemap, each beside the others; all is the hash of every published
// note's card (keys.card).
func (b *builder) writeLists(all string) error {
	newest := reversed(b.site.Notes)
	lists := []func() error{
		func() error {
			return b.page("index.html", "index", b.keys.sum("index", all), func() page {
				return page{Section: "notes", Notes: newest,
					Description: "Dated notes; beside each code block, a Go program that does the same and the output it printed."}
			})
		},
		func() error {
			return b.page("404.html", "404", b.keys.sum("404"), func() page { return page{Title: "Not found"} })
		},
		func() error {
			return b.page("search/index.html", "search", b.keys.sum("search", all), func() page {
				return page{Title: "Search", Section: "search", Notes: newest}
			})
		},
		func() error {
			if err := b.page("tags/index.html", "tags", b.keys.sum("tags", all), func() page { return page{Title: "Tags", Section: "tags"} }); err != nil {
				return err
			}
			for _, t := range b.site.Tags {
				key := b.keys.sum("tag", t.Name, b.keys.cardsOf(t.Notes))
				if err := b.page(tagDir(t.Name)+"index.html", "tag", key, func() page {
					return page{Title: "Tagged " + t.Name, Section: "tags", Tag: t.Name, Notes: t.Notes}
				}); err != nil {
					return err
				}
			}
			return nil
		},
		b.writeSearchIndex,
		func() error { return b.writeSitemap(b.keys.sum("sitemap", all)) },
	}
	errs := make([]error, len(lists))
	var wg sync.WaitGroup
	for i, f := range lists {
		wg.Go(func() { errs[i] = f() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// writeNotes renders each published note once and writes its page, and
// renders the newest feedSize notes once more, without heading anchors and
// with the feed's figures, for the feed; on every core. A page, or the
// feed, whose inputs are those of the previous build is not rendered.
func (b *builder) writeNotes() (feedKey string, err error) {
	notes := b.site.Notes
	feed := reversed(notes)[:min(feedSize, len(notes))]
	feedKey = b.feedKey(feed)
	if b.reuse("feed.xml", feedKey) || b.fromCache("feed.xml", feedKey) {
		feed = nil
	} else {
		b.feed = make([]string, len(feed))
	}
	errs := make([]error, len(notes)+len(feed))
	parallel(len(errs), func(i int) {
		if i < len(notes) {
			errs[i] = b.writeNote(i)
			return
		}
		n := feed[i-len(notes)]
		var body bytes.Buffer
		if err := n.Doc.Render(&body, render.Options{Figure: b.figure(n, "feed-figure"), SectionEnd: b.entryFigures(n, "feed-figure"), NoAnchors: true}); err != nil {
			errs[i] = fmt.Errorf("%s: %v", n.Path, err)
			return
		}
		b.feed[i-len(notes)] = body.String()
	})
	return feedKey, errors.Join(errs...)
}

// writeNote renders the i-th published note and writes its page.
func (b *builder) writeNote(i int) error {
	n := b.site.Notes[i]
	rel := n.URL() + "index.html"
	key := b.noteKey(i)
	if b.reuse(rel, key) || b.fromCache(rel, key) {
		return nil
	}
	p := page{Title: n.Title, Note: n, Description: describe(n)}
	if i > 0 {
		p.Prev = b.site.Notes[i-1]
	}
	if i+1 < len(b.site.Notes) {
		p.Next = b.site.Notes[i+1]
	}
	var body bytes.Buffer
	opts := render.Options{Figure: b.figure(n, "figure"), SectionEnd: b.entryFigures(n, "figure"), NoTitle: n.titleHeading() != nil}
	if err := n.Doc.Render(&body, opts); err != nil {
		return fmt.Errorf("%s: %v", n.Path, err)
	}
	p.Content = template.HTML(body.String())
	return b.execute(rel, "note", key, p)
}

// pageCacheVersion changes whenever what the page cache holds does.
const pageCacheVersion = "notebook-page-cache-v1"

// cacheKey is the key under which the results cache keeps the file made
// from the inputs key names.
func cacheKey(key string) string {
	sum := sha256.Sum256([]byte(pageCacheVersion + "\x00" + key))
	return hex.EncodeToString(sum[:])
}

// cached says which files a build keeps in the results cache, beside the
// results (see Writing): the note pages and the feed, the files that
// rendering notes makes.
func cached(rel string) bool { return rel == "feed.xml" || isNotePage(rel) }

// isNotePage reports whether rel is a note's page, YYYY-MM-DD[-slug]/index.html.
func isNotePage(rel string) bool {
	dir, file, ok := strings.Cut(rel, "/")
	return ok && file == "index.html" && notes.IsNoteName(dir+".md")
}

// fromCache reports whether the results cache holds the file at rel made
// from the inputs key names, and if so takes it from there.
func (b *builder) fromCache(rel, key string) bool {
	data, ok := b.pageCache().GetBytes(cacheKey(key))
	if !ok {
		return false
	}
	return b.writeMade(rel, key, data, false) == nil
}

// pageCache is the cache that keeps made files: the Runner's results
// cache, or nil.
func (b *builder) pageCache() *cache.Cache {
	if b.cfg.Runner == nil {
		return nil
	}
	return b.cfg.Runner.Cache
}

// parallel calls f(0), ..., f(n-1), on as many goroutines at once as
// there are cores for Go to use, and returns when every call has.
func parallel(n int, f func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

var funcs = template.FuncMap{
	"date":     func(t time.Time) string { return t.Format("2 January 2006") },
	"isodate":  func(t time.Time) string { return t.Format(time.DateOnly) },
	"byYear":   byYear,
	"duration": formatDuration,
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	},
	"output":     visible,
	"isotime":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"utc":        captured,
	"scrollable": scrollable,
}

// page executes the named template, with the page that p returns, into
// the file at rel, unless the previous build made that file from the same
// inputs, which key names.
func (b *builder) page(rel, name, key string, p func() page) error {
	if b.reuse(rel, key) {
		return nil
	}
	return b.execute(rel, name, key, p())
}

// execute executes the named template into the file at rel.
func (b *builder) execute(rel, name, key string, p page) error {
	p.Root = strings.Repeat("../", strings.Count(rel, "/"))
	if rel == "404.html" {
		// Served in place of any missing page, at any depth.
		p.Root = b.base.Path
	}
	p.Assets = b.assets
	p.Site = b.site
	var buf bytes.Buffer
	if err := b.tmpl.ExecuteTemplate(&buf, name, &p); err != nil {
		return fmt.Errorf("%s: %v", rel, err)
	}
	return b.writeKeyed(rel, key, buf.Bytes())
}

// reuse reports whether the previous build made the file at rel from the
// inputs key names, and if so keeps that file as it is.
func (b *builder) reuse(rel, key string) bool {
	sum := b.prev.sum(rel)
	if key == "" || sum == "" || b.prev.inputs[rel] != key {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.files[rel] = made{sum: sum, key: key}
	return true
}

// has reports whether the file at rel is already part of the site.
func (b *builder) has(rel string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.files[rel]
	return ok
}

// writeFile records the file at rel, made every time, and writes it into
// dir unless the previous build left the same bytes there.
func (b *builder) writeFile(rel string, data []byte) error {
	return b.writeKeyed(rel, "", data)
}

// writeKeyed records the file at rel, made from the inputs key names, and
// writes it into dir unless the previous build left the same bytes there.
func (b *builder) writeKeyed(rel, key string, data []byte) error {
	if key != "" && cached(rel) {
		b.pageCache().PutBytes(cacheKey(key), data)
	}
	return b.writeMade(rel, key, data, true)
}

// writeSummed records the file at rel, whose SHA-256 is sum, made every
// time, and writes it into dir unless the previous build left the same
// bytes there; data gives its bytes, and is called only to write them.
func (b *builder) writeSummed(rel string, sum [sha256.Size]byte, data func() ([]byte, error)) error {
	if b.prev.sum(rel) == hex.EncodeToString(sum[:]) {
		return b.writeMadeSum(rel, "", sum, nil, true)
	}
	bytes, err := data()
	if err != nil {
		return err
	}
	return b.writeMadeSum(rel, "", sum, bytes, true)
}

// writeMade records the file at rel, made from the inputs key names
// (fresh: by this build, else taken from the cache), and writes it into
// dir unless the previous build left the same bytes there.
func (b *builder) writeMade(rel, key string, data []byte, fresh bool) error {
	return b.writeMadeSum(rel, key, sha256.Sum256(data), data, fresh)
}

// writeMadeSum is writeMade with data's SHA-256 already worked out; data
// may be nil when the previous build left those bytes.
func (b *builder) writeMadeSum(rel, key string, sum [sha256.Size]byte, data []byte, fresh bool) error {
	f := made{sum: hex.EncodeToString(sum[:]), key: key}
	b.mu.Lock()
	b.files[rel] = f
	if fresh {
		b.rendered = append(b.rendered, rel)
	}
	same := b.prev.sum(rel) == f.sum
	if !same {
		b.written = append(b.written, rel)
	}
	b.mu.Unlock()
	if same {
		return nil
	}
	p := filepath.Join(b.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// A figure is one fenced block as a page shows it.
type figure struct {
	Note     *Note
	Block    *render.Block // nil for a snippet that answers an entry
	Original template.HTML
	Snippet  *snippets.Snippet
	Result   *runner.Result
	Doc      template.HTML
	Go       template.HTML
	Play     *playInfo // running it in the browser; nil if the site cannot
	// Run is how the original ran, if it was to be run.
	Run *OriginalRun
	// Entry is the heading a snippet with no block answers.
	Entry *render.Heading
	// ID is the figure's element id.
	ID string
}

// Relation says how the snippet's output relates to its original's:
// snippets.Same, Differs or NotRun, or "" if the snippet does not say.
func (f figure) Relation() string { return f.Snippet.Options.Original.Relation }

// figure returns the function that writes each fenced block of n with the
// named template: "figure" for its page, or "feed-figure", which shows
// code as plain text, so that nothing is highlighted for it.
func (b *builder) figure(n *Note, tmpl string) render.FigureFunc {
	highlight := tmpl != "feed-figure"
	return func(w io.Writer, blk *render.Block) error {
		f := figure{Note: n, Block: blk, ID: fmt.Sprintf("block-%d", blk.Index)}
		if blk.Linked() {
			f.Snippet = b.nb.Snippets[blk.Snippet]
			f.Result = b.nb.Results[blk.Snippet]
			if f.Snippet == nil || f.Result == nil {
				return fmt.Errorf("%s:%d: snippet %s has no result", n.Path, blk.Line, blk.Snippet)
			}
			f.Run = b.nb.Originals[blk]
			f.Play = b.playFor(n, f.Snippet)
		}
		if highlight {
			f.Original = b.md.Code(blk.Lang, blk.Code)
			if f.Snippet != nil {
				f.Go = b.md.Code("go", f.Snippet.Code)
				f.Doc = docHTML(f.Snippet.Doc)
			}
		}
		return b.tmpl.ExecuteTemplate(w, tmpl, f)
	}
}

// entryFigures returns the function that writes, at the end of each entry
// of n, the snippets that answer it with no block to link from.
func (b *builder) entryFigures(n *Note, tmpl string) func(io.Writer, *render.Heading) error {
	highlight := tmpl != "feed-figure"
	return func(w io.Writer, h *render.Heading) error {
		for _, s := range b.nb.Entries[n.Path+"#"+h.ID] {
			f := figure{Note: n, Snippet: s, Result: b.nb.Results[s.ID], Entry: h, ID: "entry-" + h.ID, Play: b.playFor(n, s)}
			if f.Result == nil {
				return fmt.Errorf("%s: snippet %s has no result", n.Path, s.ID)
			}
			if highlight {
				f.Go = b.md.Code("go", s.Code)
				f.Doc = docHTML(s.Doc)
			}
			if err := b.tmpl.ExecuteTemplate(w, tmpl, f); err != nil {
				return err
			}
		}
		return nil
	}
}

// docHTML renders a Go doc comment's text as HTML, escaped.
func docHTML(text string) template.HTML {
	var p comment.Parser
	var pr comment.Printer
	pr.HeadingLevel = 4
	return template.HTML(pr.HTML(p.Parse(text)))
}

// describe is a note's one-line description: its entries.
func describe(n *Note) string {
	var titles []string
	for _, h := range n.Entries() {
		titles = append(titles, h.Text)
	}
	d := n.Title
	if len(titles) > 0 {
		d += ": " + strings.Join(titles, "; ")
	}
	if r := []rune(d); len(r) > 200 {
		d = string(r[:199]) + "…"
	}
	return d
}

// byYear groups notes, given newest first, by year.
func byYear(ns []*Note) []yearGroup {
	var out []yearGroup
	for _, n := range ns {
		if len(out) == 0 || out[len(out)-1].Year != n.Date.Year() {
			out = append(out, yearGroup{Year: n.Date.Year()})
		}
		g := &out[len(out)-1]
		g.Notes = append(g.Notes, n)
	}
	return out
}

func reversed(ns []*Note) []*Note {
	r := slices.Clone(ns)
	slices.Reverse(r)
	return r
}

// captured shows when a run ended, in UTC, to the second: "2026-11-25
// 23:01:02 UTC".
func captured(t time.Time) string { return t.UTC().Format(time.DateTime) + " UTC" }

// formatDuration shows how long a run took, to a sensible precision.
func formatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "under 1 ms"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Round(time.Millisecond).Milliseconds())
	case d < 10*time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}
