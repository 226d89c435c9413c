package site

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"go/doc/comment"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/gonotebook/notebook/render"
	"github.com/gonotebook/notebook/snippets"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Chroma styles for the two themes.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// A page is what every template receives.
type page struct {
	Title     string
	Path      string // the page's path from the site root, "" for the index
	Root      string // the relative path from the page to the site root
	CSS       string // the style sheet's path from the site root
	Notebook  *Notebook
	Note      *Note
	Prev      *Note
	Next      *Note
	Content   template.HTML
	Published []*Note
}

// builder holds what one build renders with.
type builder struct {
	cfg       *Config
	nb        *Notebook
	dir       string
	tmpl      *template.Template
	css       string
	published []*Note
}

// renderSite writes every page of the site into dir.
func renderSite(cfg *Config, nb *Notebook, dir string) error {
	b := &builder{cfg: cfg, nb: nb, dir: dir}
	for _, n := range nb.Notes {
		if !n.Draft || cfg.Drafts {
			b.published = append(b.published, n)
		}
	}
	var err error
	if b.css, err = b.writeCSS(); err != nil {
		return err
	}
	b.tmpl, err = template.New("").Funcs(template.FuncMap{
		"reverse": func(ns []*Note) []*Note { r := slices.Clone(ns); slices.Reverse(r); return r },
		"date":    func(t time.Time) string { return t.Format("2 January 2006") },
		"isodate": func(t time.Time) string { return t.Format(time.DateOnly) },
		"url":     func(n *Note) string { return n.Name() + "/" },
	}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	if err := b.page("index.html", "index", page{Title: "Notebook"}); err != nil {
		return err
	}
	if err := b.page("404.html", "404", page{Title: "Not found"}); err != nil {
		return err
	}
	for i, n := range b.published {
		p := page{Title: n.Title, Note: n}
		if i > 0 {
			p.Prev = b.published[i-1]
		}
		if i+1 < len(b.published) {
			p.Next = b.published[i+1]
		}
		var body bytes.Buffer
		if err := n.Doc.HTML(&body, b.figure(n)); err != nil {
			return fmt.Errorf("%s: %v", n.Path, err)
		}
		p.Content = template.HTML(body.String())
		if err := b.page(n.Name()+"/index.html", "note", p); err != nil {
			return err
		}
	}
	return nil
}

// page executes the named template into the file at rel.
func (b *builder) page(rel, name string, p page) error {
	p.Path = strings.TrimSuffix(rel, "index.html")
	p.Root = strings.Repeat("../", strings.Count(rel, "/"))
	p.CSS = b.css
	p.Notebook = b.nb
	p.Published = b.published
	var buf bytes.Buffer
	if err := b.tmpl.ExecuteTemplate(&buf, name, p); err != nil {
		return err
	}
	return b.writeFile(rel, buf.Bytes())
}

func (b *builder) writeFile(rel string, data []byte) error {
	p := filepath.Join(b.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// writeCSS writes the style sheet with both chroma themes under a name
// fingerprinted by its contents, and returns that name.
func (b *builder) writeCSS() (string, error) {
	base, err := fs.ReadFile(assetFS, "assets/style.css")
	if err != nil {
		return "", err
	}
	light, err := render.CSS(lightStyle, ":root")
	if err != nil {
		return "", err
	}
	dark, err := render.CSS(darkStyle, `:root[data-theme="dark"]`)
	if err != nil {
		return "", err
	}
	css := string(base) + "\n/* chroma: " + lightStyle + " */\n" + light + "\n/* chroma: " + darkStyle + " */\n" + dark
	sum := sha256.Sum256([]byte(css))
	name := "assets/style." + hex.EncodeToString(sum[:5]) + ".css"
	return name, b.writeFile(name, []byte(css))
}

// A figure is one fenced block as the note page shows it.
type figure struct {
	Note     *Note
	Block    *render.Block
	Original template.HTML
	Snippet  *snippets.Snippet
	Result   *snippets.Result
	Doc      template.HTML
	Go       template.HTML
}

// figure returns the function that writes each fenced block of n.
func (b *builder) figure(n *Note) render.FigureFunc {
	return func(w io.Writer, blk *render.Block) error {
		f := figure{Note: n, Block: blk, Original: render.Code(blk.Lang, blk.Code)}
		if blk.Linked() {
			f.Snippet = b.nb.Snippets[blk.Snippet]
			f.Result = b.nb.Results[blk.Snippet]
			if f.Snippet == nil || f.Result == nil {
				return fmt.Errorf("%s:%d: snippet %s has no result", n.Path, blk.Line, blk.Snippet)
			}
			f.Go = render.Code("go", f.Snippet.Code)
			f.Doc = docHTML(f.Snippet.Doc)
		}
		return b.tmpl.ExecuteTemplate(w, "figure", f)
	}
}

// docHTML renders a Go doc comment's text as HTML, escaped.
func docHTML(text string) template.HTML {
	var p comment.Parser
	var pr comment.Printer
	pr.HeadingLevel = 4
	return template.HTML(pr.HTML(p.Parse(text)))
}
