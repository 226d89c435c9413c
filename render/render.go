// Package render turns one note's Markdown into HTML.
//
// # Markdown
//
// Notes are GitHub-flavoured Markdown (tables, strikethrough, autolinks, task
// lists), parsed by goldmark. Raw HTML in a note is shown as text, never
// passed through: everything a note contains is escaped. Link targets with
// dangerous schemes (javascript: and the like) are dropped.
//
// # Headings
//
// Every heading gets an id made from its text: lower case, letters and
// digits kept, every other run of characters a single hyphen, so
// "### 10 - various ways to use subprocess" becomes
// "10-various-ways-to-use-subprocess". A repeated id gets "-2", "-3", in
// order. The ids depend only on the headings, so they stay stable as prose
// around them changes. Each heading ends with a link to itself (an element
// <a class="anchor">), so a reader can copy the address of an entry.
//
// # Fenced code blocks
//
// A fence's info string is a language followed, optionally, by Pandoc-style
// attributes in braces:
//
//	```python {snippet=subprocess/parallel-sleep}
//
// The snippet attribute links the block to its Go equivalent; snippet=none
// says that the block has none on purpose. A block without the attribute is
// unlinked. Every block is highlighted by chroma with CSS classes (see CSS);
// an unknown or missing language is shown as plain text.
//
// # Use
//
// Parse reads a note into a Doc, which lists its blocks and headings with
// their line numbers; HTML renders it, calling back for each fenced block so
// that the caller can place the Go program and its output beside it.
package render

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/gonotebook/notebook/snippets"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A Block is one fenced code block of a note.
type Block struct {
	// Line is the 1-based line of the opening fence in the note's file.
	Line int
	// Lang is the first word of the info string ("python"), or "".
	Lang string
	// Code is the block's contents.
	Code string
	// Snippet is the value of the snippet attribute: an id, "none", or ""
	// when the block is unlinked.
	Snippet string
	// Attrs holds every attribute of the info string.
	Attrs map[string]string
	// Index counts the note's fenced blocks from 0.
	Index int
}

// Linked reports whether the block names a snippet (not "none").
func (b *Block) Linked() bool { return b.Snippet != "" && b.Snippet != "none" }

// A Heading is one heading of a note.
type Heading struct {
	Level int
	Text  string // the heading as plain text
	ID    string // its anchor
	Line  int    // 1-based line in the note's file
}

// A Doc is a parsed note.
type Doc struct {
	// Path names the note in errors.
	Path     string
	Blocks   []*Block
	Headings []*Heading

	source   []byte
	root     ast.Node
	blocks   map[ast.Node]*Block
	headings map[ast.Node]*Heading
}

// An Error is a problem in a note at a line.
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg) }

// newMarkdown configures goldmark: the one place where its extensions and
// options are chosen.
func newMarkdown(fence renderer.NodeRenderer) goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(fence, 100)),
		),
	)
}

// Parse parses a note body. path names the note in errors and firstLine is
// the line of the file on which body starts (after any front matter), so
// that every line number refers to the file.
func Parse(path string, body []byte, firstLine int) (*Doc, error) {
	d := &Doc{Path: path, source: body, blocks: map[ast.Node]*Block{}, headings: map[ast.Node]*Heading{}}
	md := newMarkdown(&nodeRenderer{})
	ctx := parser.NewContext(parser.WithIDs(newIDs()))
	d.root = md.Parser().Parse(text.NewReader(body), parser.WithContext(ctx))

	lines := lineStarts(body)
	lineOf := func(off int) int {
		return sort.Search(len(lines), func(i int) bool { return lines[i] > off }) - 1 + firstLine
	}

	var errs []error
	err := ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			h := &Heading{Level: n.Level, Text: plainText(n, body)}
			if id, ok := n.AttributeString("id"); ok {
				h.ID = string(id.([]byte))
			}
			if n.Lines().Len() > 0 {
				h.Line = lineOf(n.Lines().At(0).Start)
			}
			d.Headings = append(d.Headings, h)
			d.headings[n] = h
		case *ast.FencedCodeBlock:
			b := &Block{Index: len(d.Blocks), Attrs: map[string]string{}}
			var buf bytes.Buffer
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				buf.Write(seg.Value(body))
			}
			b.Code = buf.String()
			switch {
			case n.Info != nil:
				b.Line = lineOf(n.Info.Segment.Start)
			case n.Lines().Len() > 0:
				b.Line = lineOf(n.Lines().At(0).Start) - 1
			}
			if n.Info != nil {
				info := string(n.Info.Segment.Value(body))
				lang, attrs, err := ParseInfo(info)
				if err != nil {
					errs = append(errs, &Error{path, b.Line, err.Error()})
				}
				b.Lang, b.Attrs = lang, attrs
				b.Snippet = attrs["snippet"]
			}
			d.Blocks = append(d.Blocks, b)
			d.blocks[n] = b
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	if err != nil {
		return nil, err
	}
	if len(errs) > 0 {
		return d, joinErrors(errs)
	}
	return d, nil
}

type multiError []error

func (m multiError) Error() string {
	var s []string
	for _, e := range m {
		s = append(s, e.Error())
	}
	return strings.Join(s, "\n")
}

func (m multiError) Unwrap() []error { return m }

func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return multiError(errs)
}

var (
	attrBlock = regexp.MustCompile(`\{([^{}]*)\}\s*$`)
	attrPair  = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_-]*)=("[^"]*"|[^\s"]+)(?:\s|$)`)
)

// ParseInfo splits a fence's info string into its language and its
// attributes: "python {snippet=a/b}" gives "python" and {snippet: a/b}.
// Attributes are key=value pairs separated by spaces; a value may be
// quoted. A malformed attribute block or snippet id is an error.
func ParseInfo(info string) (lang string, attrs map[string]string, err error) {
	attrs = map[string]string{}
	info = strings.TrimSpace(info)
	if m := attrBlock.FindStringSubmatchIndex(info); m != nil {
		inner := info[m[2]:m[3]]
		info = strings.TrimSpace(info[:m[0]])
		for rest := strings.TrimSpace(inner); rest != ""; {
			kv := attrPair.FindStringSubmatch(rest)
			if kv == nil {
				return firstWord(info), attrs, fmt.Errorf("fence attribute %q: want key=value, as in {snippet=subprocess/parallel-sleep}", firstWord(rest))
			}
			attrs[kv[1]] = strings.Trim(kv[2], `"`)
			rest = strings.TrimSpace(rest[len(kv[0]):])
		}
	} else if strings.Contains(info, "{") {
		return firstWord(info), attrs, fmt.Errorf("fence info %q: attributes go in one {...} at the end, as in ```python {snippet=subprocess/parallel-sleep}", info)
	}
	if id, ok := attrs["snippet"]; ok && id != snippets.None {
		if err := snippets.CheckID(id); err != nil {
			return firstWord(info), attrs, err
		}
	}
	return firstWord(info), attrs, nil
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// lineStarts returns the offset of the start of every line of src.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// plainText gathers the text below n.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.RawHTML:
			// Shown as text on the page, so part of the heading's text.
			for i := 0; i < c.Segments.Len(); i++ {
				seg := c.Segments.At(i)
				b.Write(seg.Value(src))
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeSpan:
			for x := c.FirstChild(); x != nil; x = x.NextSibling() {
				if t, ok := x.(*ast.Text); ok {
					b.Write(t.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// Slug makes an anchor from heading text: lower case letters and digits
// kept, every other run of characters one hyphen, no hyphen at either end.
func Slug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		} else {
			hyphen = true
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

// ids implements parser.IDs with Slug, numbering repeats.
type ids struct{ used map[string]bool }

func newIDs() *ids { return &ids{used: map[string]bool{}} }

func (s *ids) Generate(value []byte, _ ast.NodeKind) []byte {
	base := Slug(string(value))
	id := base
	for i := 2; s.used[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	s.used[id] = true
	return []byte(id)
}

func (s *ids) Put(value []byte) { s.used[string(value)] = true }

// A FigureFunc writes the HTML for one fenced block. HTML calls it for every
// fenced block of the note, in order.
type FigureFunc func(w io.Writer, b *Block) error

// HTML writes the note's HTML to w. fig writes each fenced block; if it is
// nil, blocks are written as highlighted code (see Code).
func (d *Doc) HTML(w io.Writer, fig FigureFunc) error {
	return d.render(w, fig, nil)
}

// Title returns the level-one heading that opens the note, before any
// other content, or nil if the note does not start with one.
func (d *Doc) Title() *Heading {
	if h, ok := d.root.FirstChild().(*ast.Heading); ok && h.Level == 1 {
		return d.headings[h]
	}
	return nil
}

// BodyHTML is HTML without the title heading (see Title), for pages that
// show the title themselves.
func (d *Doc) BodyHTML(w io.Writer, fig FigureFunc) error {
	var skip ast.Node
	if h, ok := d.root.FirstChild().(*ast.Heading); ok && h.Level == 1 {
		skip = h
	}
	return d.render(w, fig, skip)
}

func (d *Doc) render(w io.Writer, fig FigureFunc, skip ast.Node) error {
	if fig == nil {
		fig = func(w io.Writer, b *Block) error {
			_, err := io.WriteString(w, string(Code(b.Lang, b.Code)))
			return err
		}
	}
	md := newMarkdown(&nodeRenderer{doc: d, fig: fig, skip: skip})
	return md.Renderer().Render(w, d.source, d.root)
}

// nodeRenderer renders fenced code blocks through a FigureFunc and raw HTML
// as escaped text.
type nodeRenderer struct {
	doc  *Doc
	fig  FigureFunc
	skip ast.Node // a node not to render
}

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.fence)
	reg.Register(ast.KindHeading, r.heading)
	reg.Register(ast.KindHTMLBlock, r.htmlBlock)
	reg.Register(ast.KindRawHTML, r.rawHTML)
}

func (r *nodeRenderer) fence(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	b := r.doc.blocks[n]
	if b == nil {
		return ast.WalkStop, fmt.Errorf("render: a fenced block that Parse did not see")
	}
	if err := r.fig(w, b); err != nil {
		return ast.WalkStop, err
	}
	return ast.WalkSkipChildren, nil
}

// heading writes a heading with its id and, at its end, a link to itself.
func (r *nodeRenderer) heading(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	h := n.(*ast.Heading)
	if n == r.skip {
		return ast.WalkSkipChildren, nil
	}
	if entering {
		fmt.Fprintf(w, "<h%d", h.Level)
		if h.Attributes() != nil {
			gmhtml.RenderAttributes(w, h, gmhtml.HeadingAttributeFilter)
		}
		w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if hd := r.doc.headings[n]; hd != nil && hd.ID != "" {
		fmt.Fprintf(w, ` <a class="anchor" href="#%s" aria-label="Link to %s">#</a>`,
			html.EscapeString(hd.ID), html.EscapeString(hd.Text))
	}
	fmt.Fprintf(w, "</h%d>\n", h.Level)
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) htmlBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	hb := n.(*ast.HTMLBlock)
	var buf bytes.Buffer
	for i := 0; i < hb.Lines().Len(); i++ {
		seg := hb.Lines().At(i)
		buf.Write(seg.Value(src))
	}
	if hb.HasClosure() {
		buf.Write(hb.ClosureLine.Value(src))
	}
	w.WriteString(`<pre class="raw-html">`)
	w.WriteString(html.EscapeString(buf.String()))
	w.WriteString("</pre>\n")
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) rawHTML(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	segs := n.(*ast.RawHTML).Segments
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		w.WriteString(html.EscapeString(string(seg.Value(src))))
	}
	return ast.WalkSkipChildren, nil
}

// LinkFence returns src with the fence that opens on line (1-based) linked
// to the snippet id: " {snippet=id}" is added to its info string, or
// snippet=id to the attributes it has. Nothing else changes. It is an error
// if that line opens no fence or the fence already has a snippet.
func LinkFence(src []byte, line int, id string) ([]byte, error) {
	starts := lineStarts(src)
	if line < 1 || line > len(starts) {
		return nil, fmt.Errorf("line %d: the file has %d lines", line, len(starts))
	}
	start := starts[line-1]
	end := len(src)
	if line < len(starts) {
		end = starts[line] - 1
	}
	text := strings.TrimRight(string(src[start:end]), "\r")
	trimmed := strings.TrimLeft(text, " ")
	if len(text)-len(trimmed) > 3 || !(strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")) {
		return nil, fmt.Errorf("line %d does not open a fenced code block: %q", line, text)
	}
	_, attrs, err := ParseInfo(strings.TrimLeft(trimmed, "`~"))
	if err != nil {
		return nil, fmt.Errorf("line %d: %v", line, err)
	}
	if s, ok := attrs["snippet"]; ok {
		return nil, fmt.Errorf("line %d: the block is linked to %q already", line, s)
	}
	var linked string
	if strings.HasSuffix(strings.TrimSpace(text), "}") {
		i := strings.LastIndex(text, "}")
		linked = text[:i] + " snippet=" + id + text[i:]
	} else {
		linked = strings.TrimRight(text, " ") + " {snippet=" + id + "}"
	}
	out := make([]byte, 0, len(src)+len(id)+12)
	out = append(out, src[:start]...)
	out = append(out, linked...)
	out = append(out, src[start+len(text):]...)
	return out, nil
}
