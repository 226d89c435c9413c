package render

import (
	"bufio"
	"fmt"
	"html"
	"sort"
	"strings"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// The notebook's part of goldmark: an AST transformer that reads a parsed
// note into the Doc kept in the parser's context, and a node renderer for
// fences, headings and raw HTML.

// docKey holds the *Doc being parsed in the parser's context.
var docKey = parser.NewContextKey()

// transformer reads a parsed note: its blocks, headings and sections.
type transformer struct{}

func (transformer) Transform(root *ast.Document, reader text.Reader, pc parser.Context) {
	d := pc.Get(docKey).(*Doc)
	c := &collector{doc: d, src: reader.Source(), starts: lineStarts(reader.Source()), cur: &Section{}}
	c.text.src = c.src
	ast.Walk(root, c.visit)
	c.flush()
	if h, ok := root.FirstChild().(*ast.Heading); ok && h.Level == 1 {
		d.title = d.Headings[0]
	}
}

// A collector is the state of one walk over a note's tree.
type collector struct {
	doc    *Doc
	src    []byte
	starts []int
	cur    *Section
	text   textWriter // the current section's text
}

// lineOf returns the line of the file that holds the body's offset off.
func (c *collector) lineOf(off int) int {
	return sort.Search(len(c.starts), func(i int) bool { return c.starts[i] > off }) - 1 + c.doc.firstLine
}

func (c *collector) visit(n ast.Node, entering bool) (ast.WalkStatus, error) {
	switch n := n.(type) {
	case *ast.Heading:
		if entering {
			c.heading(n)
		}
		return ast.WalkSkipChildren, nil
	case *ast.FencedCodeBlock:
		if entering {
			c.fence(n)
		}
		return ast.WalkSkipChildren, nil
	}
	return c.text.visit(n, entering)
}

// flush ends the current section.
func (c *collector) flush() {
	s := c.cur
	s.Text = strings.Join(strings.Fields(c.text.String()), " ")
	if s.Heading != nil || s.Text != "" || len(s.Blocks) > 0 {
		c.doc.Sections = append(c.doc.Sections, s)
	}
	c.text.Reset()
}

// heading records a heading and starts its section.
func (c *collector) heading(n *ast.Heading) {
	t := textWriter{src: c.src}
	ast.Walk(n, t.visit)
	h := &Heading{Level: n.Level, Text: strings.TrimSpace(t.String()), Line: c.lineOf(n.Pos())}
	if n.Lines().Len() > 0 {
		h.Line = c.lineOf(n.Lines().At(0).Start) // a setext heading's text, above its underline
	}
	if id, ok := n.AttributeString("id"); ok {
		h.ID = string(id.([]byte))
	}
	c.doc.Headings = append(c.doc.Headings, h)
	c.flush()
	c.cur = &Section{Heading: h}
}

// fence records a fenced block, with any error or warning in its info
// string.
func (c *collector) fence(n *ast.FencedCodeBlock) {
	b := &Block{Index: len(c.doc.Blocks), Line: c.lineOf(n.Pos()), Code: string(n.Lines().Value(c.src))}
	warn := func(format string, args ...any) {
		c.doc.Warnings = append(c.doc.Warnings, fileline.Errorf(c.doc.Path, b.Line, format, args...))
	}
	if n.Info != nil {
		var err error
		b.Lang, b.Snippet, err = ParseInfo(string(n.Info.Segment.Value(c.src)))
		if err != nil {
			c.doc.errs = append(c.doc.errs, fileline.Errorf(c.doc.Path, b.Line, "%v", err))
		}
		if b.Lang != "" && c.doc.md.lexer(b.Lang) == nil {
			warn("no highlighting for language %q: the block is shown as plain text", b.Lang)
		}
	}
	if msg := c.swallows(n, b.Line); msg != "" {
		warn("%s", msg)
	}
	c.doc.Blocks = append(c.doc.Blocks, b)
	c.cur.Blocks = append(c.cur.Blocks, b)
}

// swallows returns a warning if a fence opened at line holds what the
// author most likely meant to stand outside it, or "": another fence,
// when a line of it opens a fence like its own (the fence was not closed,
// and the next one's closing line closed it), or a heading, when it runs
// on, never closed, to the end of the note and holds a heading's line.
func (c *collector) swallows(n *ast.FencedCodeBlock, line int) string {
	body := func(i int) string { // the body's line i, without its container's marks
		end := len(c.src)
		if i+1 < len(c.starts) {
			end = c.starts[i+1]
		}
		return strings.TrimRight(strings.TrimLeft(string(c.src[c.starts[i]:end]), " \t>"), "\r\n")
	}
	opener := line - c.doc.firstLine
	open := body(opener)
	marker := open[:len(open)-len(strings.TrimLeft(open, open[:1]))]
	last := opener
	if k := n.Lines().Len(); k > 0 {
		last = c.lineOf(n.Lines().At(k-1).Start) - c.doc.firstLine
	}
	heading := false
	for i := opener + 1; i <= last; i++ {
		l := body(i)
		if rest, ok := strings.CutPrefix(l, marker); ok && strings.TrimSpace(strings.TrimLeft(rest, marker[:1])) != "" {
			return "this fence is never closed: the next fence's closing line closes it, so the block swallows that fence and what lies between; close it with a fence line"
		}
		title := strings.TrimLeft(l, "#")
		heading = heading || len(title) < len(l) && strings.HasPrefix(title, " ")
	}
	closed := last+1 < len(c.starts) && c.starts[last+1] < len(c.src) && strings.HasPrefix(body(last+1), marker)
	if !closed && heading {
		return "this fence is never closed, so the block runs on to the end of the note and swallows its headings; close it with a fence line"
	}
	return ""
}

// A textWriter gathers the text a reader sees in part of a note's tree:
// inline text, code and raw HTML, a space after each block.
type textWriter struct {
	strings.Builder
	src []byte
}

func (t *textWriter) visit(n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		switch n.(type) {
		case *ast.Paragraph, *ast.TextBlock, *ast.ListItem, *east.TableCell:
			t.WriteByte(' ')
		}
		return ast.WalkContinue, nil
	}
	switch n := n.(type) {
	case *ast.CodeBlock, *ast.HTMLBlock:
		t.WriteString(" " + string(n.Lines().Value(t.src)) + " ")
	case *ast.Text:
		t.Write(n.Segment.Value(t.src))
		if n.SoftLineBreak() || n.HardLineBreak() {
			t.WriteByte(' ')
		}
	case *ast.AutoLink:
		t.Write(n.Label(t.src))
	case *ast.String:
		t.Write(n.Value)
	case *ast.RawHTML:
		t.Write(n.Segments.Value(t.src))
	}
	return ast.WalkContinue, nil
}

// A writer is the util.BufWriter that Doc.Render hands goldmark. It
// carries the call's Doc and Options to the node renderer, so that the
// shared goldmark instance holds nothing of one call, and counts the
// fences and headings written: the renderer meets them in the order the
// transformer collected them, so the nth is the Doc's nth.
type writer struct {
	*bufio.Writer
	doc              *Doc
	opts             Options
	blocks, headings int      // met so far
	section          *Heading // the heading of the section being written, for SectionEnd
}

// nodeRenderer writes fences through the call's FigureFunc, headings with
// their anchors, and raw HTML as escaped text.
type nodeRenderer struct{}

func (r nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.figure)
	reg.Register(ast.KindHeading, r.heading)
	reg.Register(ast.KindHTMLBlock, r.htmlBlock)
	reg.Register(ast.KindRawHTML, r.rawHTML)
}

func (nodeRenderer) figure(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	bw := w.(*writer)
	bw.blocks++
	return ast.WalkSkipChildren, bw.opts.Figure(w, bw.doc.Blocks[bw.blocks-1])
}

// heading writes a heading with its id and, at its end, a link to itself.
func (nodeRenderer) heading(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	bw := w.(*writer)
	if entering {
		bw.headings++
	}
	h, opts := bw.doc.Headings[bw.headings-1], bw.opts
	if h == bw.doc.title && opts.NoTitle {
		return ast.WalkSkipChildren, nil
	}
	if !entering {
		if h.ID != "" && !opts.NoAnchors {
			fmt.Fprintf(w, ` <a class="anchor" href="#%s" aria-label="Link to %s">#</a>`,
				html.EscapeString(h.ID), html.EscapeString(h.Text))
		}
		fmt.Fprintf(w, "</h%d>\n", h.Level)
		return ast.WalkContinue, nil
	}
	if opts.SectionEnd != nil && bw.section != nil {
		if err := opts.SectionEnd(w, bw.section); err != nil {
			return ast.WalkStop, err
		}
	}
	bw.section = h
	fmt.Fprintf(w, "<h%d", h.Level)
	if n.Attributes() != nil {
		gmhtml.RenderAttributes(w, n, gmhtml.HeadingAttributeFilter)
	}
	w.WriteByte('>')
	return ast.WalkContinue, nil
}

func (nodeRenderer) htmlBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	hb := n.(*ast.HTMLBlock)
	raw := string(hb.Lines().Value(src))
	if hb.HasClosure() {
		raw += string(hb.ClosureLine.Value(src))
	}
	w.WriteString(`<pre class="raw-html">` + html.EscapeString(raw) + "</pre>\n")
	return ast.WalkSkipChildren, nil
}

func (nodeRenderer) rawHTML(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(html.EscapeString(string(n.(*ast.RawHTML).Segments.Value(src))))
	}
	return ast.WalkSkipChildren, nil
}
