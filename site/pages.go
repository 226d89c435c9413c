package site

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gonotebook/notebook/render"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/site/play"
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

	Note    *Note
	Prev    *Note
	Next    *Note
	Content template.HTML

	Tag   string
	Notes []*Note   // the notes a list page shows, newest first
	Tags  []tagInfo // every tag, on the page of tags

	Explained []explained // the programs of a note's page of explanations
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
	for _, f := range n.programs {
		if f.Block != nil {
			c++
		}
	}
	return c
}

// tagPath is the URL path of a tag's page from the site root; tagDir is
// its folder. They differ for tags such as "c#".
func tagPath(tag string) string { return "tags/" + url.PathEscape(tag) + "/" }
func tagDir(tag string) string  { return "tags/" + tag + "/" }

// tagsOf returns the tags of the published notes, sorted.
func tagsOf(published []*Note) []tagInfo {
	tags := map[string][]*Note{}
	for _, n := range published {
		for _, t := range n.Tags {
			tags[t] = append(tags[t], n)
		}
	}
	var out []tagInfo
	for _, name := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, tagInfo{name, reversed(tags[name])})
	}
	return out
}

// newTemplates parses the page templates.
func newTemplates(md *render.Markdown) (*template.Template, error) {
	return template.New("").Funcs(funcs).Funcs(template.FuncMap{"language": md.LanguageName}).ParseFS(templateFS, "templates/*.html")
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

// execute executes the named template for the file at rel.
func (b *build) execute(rel, name string, p page) ([]byte, error) {
	p.Root = strings.Repeat("../", strings.Count(rel, "/"))
	if rel == "404.html" {
		// Served in place of any missing page, at any depth.
		p.Root = b.base.Path
	}
	p.Assets = b.assets
	var buf bytes.Buffer
	if err := b.tmpl.ExecuteTemplate(&buf, name, &p); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// A figure is one fenced block, or one program that answers an entry, as
// a page shows it.
type figure struct {
	Note     *Note
	Block    *render.Block   // nil for a snippet that answers an entry
	Entry    *render.Heading // the heading such a snippet answers
	Snippet  *snippets.Snippet
	ID       string // the figure's element id
	Result   *runner.Result
	Run      *OriginalRun // how the original ran, if it was to be run
	Original template.HTML
	Go       template.HTML
	Explain  explanation // the Go program's, split for the note page
	Play     *playInfo   // running it in the browser; nil if the site cannot
}

// Relation says how the snippet's output relates to its original's:
// snippets.Same, Differs or NotRun, or "" if the snippet does not say.
func (f figure) Relation() string { return f.Snippet.Options.Original.Relation }

// Runnable reports whether the build can run the figure's block.
func (f figure) Runnable() bool { return f.Block != nil && runner.Runnable(f.Block.Lang) }

// where is the note's file and the line of the figure's block, or of the
// heading it answers.
func (f figure) where() string {
	if f.Block != nil {
		return fmt.Sprintf("%s:%d", f.Note.Path, f.Block.Line)
	}
	return fmt.Sprintf("%s:%d", f.Note.Path, f.Entry.Line)
}

// renderOptions renders n's blocks, and the programs that answer its
// entries, with the named template: "figure", or "feed-figure", which
// shows code as plain text.
func (b *build) renderOptions(n *Note, tmpl string) render.Options {
	return render.Options{
		Figure: func(w io.Writer, blk *render.Block) error {
			f := figure{Note: n, Block: blk, ID: "block-" + strconv.Itoa(blk.Index)}
			if i := slices.IndexFunc(n.programs, func(f figure) bool { return f.Block == blk }); i >= 0 {
				f = n.programs[i]
			}
			return b.writeFigure(w, f, tmpl)
		},
		SectionEnd: func(w io.Writer, h *render.Heading) error {
			for _, f := range n.programs {
				if f.Entry == h {
					if err := b.writeFigure(w, f, tmpl); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
}

// writeFigure writes f, with its results, with the named template.
func (b *build) writeFigure(w io.Writer, f figure, tmpl string) error {
	highlight := tmpl != "feed-figure"
	if s := f.Snippet; s != nil {
		f.Result = b.result(s.ID)
		f.Play = b.playFor(f.Note, s)
		if o := b.originals[f.Block]; o != nil {
			f.Run = o.run
		}
		if highlight {
			f.Go, f.Explain = b.nb.md.Code("go", s.Code), explain(s.Doc)
		}
	}
	if f.Block != nil && highlight {
		f.Original = b.nb.md.Code(f.Block.Lang, f.Block.Code)
	}
	return b.tmpl.ExecuteTemplate(w, tmpl, f)
}

// result returns the result of snippet id's run, or nil.
func (b *build) result(id string) *runner.Result {
	if run := b.runs[id]; run != nil {
		return run.Result
	}
	return nil
}

// A playInfo is what a figure shows about running its snippet in the
// browser: the controls' worker and time limit, or why it cannot run.
type playInfo struct {
	Worker  string // the worker's path from the page; "" if not eligible
	Timeout int64  // the snippet's time limit, in milliseconds
	Why     string // why it is not eligible
}

// playFor returns what n's page shows about running s in the browser, or
// nil when the site has no interpreter.
func (b *build) playFor(n *Note, s *snippets.Snippet) *playInfo {
	if b.worker == "" {
		return nil
	}
	if ok, why := play.Eligible(s); !ok {
		return &playInfo{Why: why}
	}
	root := strings.Repeat("../", strings.Count(n.URL()+"index.html", "/"))
	return &playInfo{Worker: root + b.worker, Timeout: time.Duration(s.Options.Timeout).Milliseconds()}
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
