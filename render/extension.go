package render

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"sort"
	"strings"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// The notebook's goldmark extension, in goldmark's own shape: per-document
// state under a parser context key, an AST transformer that reads the tree
// once, node kinds of its own, and a renderer registered for them.

// docKey holds the *Doc being parsed in the parser's context.
var docKey = parser.NewContextKey()

// extender adds the transformer and the node renderer to goldmark.
type extender struct{ lexers *lexerCache }

func (e *extender) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(&transformer{lexers: e.lexers}, 100)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(nodeRenderer{}, 100)))
}

// kindFigure is a fenced block read by the transformer.
var kindFigure = ast.NewNodeKind("NotebookFigure")

// kindHeading is a heading read by the transformer.
var kindHeading = ast.NewNodeKind("NotebookHeading")

// A figureNode stands in the tree for a fenced code block.
type figureNode struct {
	ast.BaseBlock
	block *Block
}

func (n *figureNode) Kind() ast.NodeKind { return kindFigure }
func (n *figureNode) IsRaw() bool        { return true }
func (n *figureNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Line": fmt.Sprint(n.block.Line), "Lang": n.block.Lang, "Snippet": n.block.Snippet}, nil)
}

// A headingNode stands in the tree for a heading, with its children.
type headingNode struct {
	ast.Heading
	heading *Heading
	title   bool // the note's title (Doc.Title)
}

func (n *headingNode) Kind() ast.NodeKind { return kindHeading }
func (n *headingNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Level": fmt.Sprint(n.Level), "ID": n.heading.ID}, nil)
}

// transformer reads a parsed note: its blocks, headings and sections.
type transformer struct{ lexers *lexerCache }

func (t *transformer) Transform(root *ast.Document, reader text.Reader, pc parser.Context) {
	d, ok := pc.Get(docKey).(*Doc)
	if !ok {
		return // a document parsed without Markdown.Parse
	}
	c := &collector{doc: d, lexers: t.lexers, src: reader.Source(), starts: lineStarts(reader.Source()), cur: &Section{}}
	ast.Walk(root, c.visit)
	c.flush()
	for _, r := range c.replace {
		r.old.Parent().ReplaceChild(r.old.Parent(), r.old, r.new)
	}
	if h, ok := root.FirstChild().(*headingNode); ok && h.Level == 1 {
		h.title = true
		d.title = h.heading
	}
}

// A collector is the state of one walk over a note's tree.
type collector struct {
	doc     *Doc
	lexers  *lexerCache
	src     []byte
	starts  []int
	cur     *Section
	text    strings.Builder
	replace []replacement
}

type replacement struct{ old, new ast.Node }

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
	case *ast.CodeBlock, *ast.HTMLBlock:
		if entering {
			c.text.WriteString(" " + linesText(n, c.src) + " ")
		}
		return ast.WalkSkipChildren, nil
	case *ast.Paragraph, *ast.TextBlock, *ast.ListItem, *east.TableCell:
		if !entering {
			c.text.WriteByte(' ')
		}
	case *ast.Text:
		if entering {
			c.text.Write(n.Segment.Value(c.src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				c.text.WriteByte(' ')
			}
		}
	case *ast.AutoLink:
		if entering {
			c.text.Write(n.Label(c.src))
		}
		return ast.WalkSkipChildren, nil
	case *ast.String:
		if entering {
			c.text.Write(n.Value)
		}
	case *ast.RawHTML:
		if entering {
			c.text.WriteString(segmentsText(n.Segments, c.src))
		}
		return ast.WalkSkipChildren, nil
	}
	return ast.WalkContinue, nil
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

// heading records a heading, starts its section, and puts a headingNode
// in its place.
func (c *collector) heading(n *ast.Heading) {
	h := &Heading{Level: n.Level, Text: plainText(n, c.src)}
	if id, ok := n.AttributeString("id"); ok {
		if b, ok := id.([]byte); ok {
			h.ID = string(b)
		}
	}
	if n.Lines().Len() > 0 {
		h.Line = c.lineOf(n.Lines().At(0).Start)
	}
	c.doc.Headings = append(c.doc.Headings, h)
	c.flush()
	c.cur = &Section{Heading: h}

	hn := &headingNode{Heading: *ast.NewHeading(n.Level), heading: h}
	hn.SetLines(n.Lines())
	hn.SetBlankPreviousLines(n.HasBlankPreviousLines())
	for _, a := range n.Attributes() {
		hn.SetAttribute(a.Name, a.Value)
	}
	for ch := n.FirstChild(); ch != nil; {
		next := ch.NextSibling()
		hn.AppendChild(hn, ch)
		ch = next
	}
	c.replace = append(c.replace, replacement{n, hn})
}

// fence records a fenced block, with any error or warning in its info
// string, and puts a figureNode in its place.
func (c *collector) fence(n *ast.FencedCodeBlock) {
	b := &Block{Index: len(c.doc.Blocks), Code: linesText(n, c.src)}
	switch {
	case n.Info != nil:
		b.Line = c.lineOf(n.Info.Segment.Start)
	case n.Lines().Len() > 0:
		b.Line = c.lineOf(n.Lines().At(0).Start) - 1
	default:
		b.Line = c.lineOf(n.Pos())
	}
	if n.Info != nil {
		in, err := ParseInfo(string(n.Info.Segment.Value(c.src)))
		if err != nil {
			c.doc.errs = append(c.doc.errs, &fileline.Error{Path: c.doc.Path, Line: b.Line, Msg: err.Error(), Err: err})
		}
		b.Lang, b.Attrs, b.Snippet = in.Lang, in.Attrs, in.Snippet
		if b.Lang != "" && c.lexers.get(b.Lang) == nil {
			c.doc.Warnings = append(c.doc.Warnings, fileline.Errorf(c.doc.Path, b.Line,
				"no highlighting for language %q: the block is shown as plain text", b.Lang))
		}
	}
	switch c.swallows(n, b.Line) {
	case "another fence":
		c.doc.Warnings = append(c.doc.Warnings, fileline.Errorf(c.doc.Path, b.Line,
			"this fence is never closed: the next fence's closing line closes it, so the block swallows that fence and what lies between; close it with a fence line"))
	case "a heading":
		c.doc.Warnings = append(c.doc.Warnings, fileline.Errorf(c.doc.Path, b.Line,
			"this fence is never closed, so the block runs on to the end of the note and swallows its headings; close it with a fence line"))
	}
	c.doc.Blocks = append(c.doc.Blocks, b)
	c.cur.Blocks = append(c.cur.Blocks, b)
	fig := &figureNode{block: b}
	fig.SetBlankPreviousLines(n.HasBlankPreviousLines())
	c.replace = append(c.replace, replacement{n, fig})
}

// swallows says what a fence opened at line holds that the author most
// likely meant to stand outside it, or "": "another fence", when a line
// of it opens a fence like its own (the fence was not closed, and the
// next one's closing line closed it), or "a heading", when it runs on,
// never closed, to the end of the note and holds a heading's line.
func (c *collector) swallows(n *ast.FencedCodeBlock, line int) string {
	body := func(i int) string { // the body's line i, without its container's marks
		end := len(c.src)
		if i+1 < len(c.starts) {
			end = c.starts[i+1]
		}
		return strings.TrimRight(strings.TrimLeft(string(c.src[c.starts[i]:end]), " \t>"), "\r\n")
	}
	opener := line - c.doc.firstLine
	if opener < 0 || opener >= len(c.starts) || body(opener) == "" {
		return ""
	}
	open := body(opener)
	marker := open[:len(open)-len(strings.TrimLeft(open, open[:1]))]
	last := opener
	if k := n.Lines().Len(); k > 0 {
		last = c.lineOf(n.Lines().At(k-1).Start) - c.doc.firstLine
	}
	closed := last+1 < len(c.starts) && c.starts[last+1] < len(c.src) && strings.HasPrefix(body(last+1), marker)
	heading := false
	for i := opener + 1; i <= last; i++ {
		l := body(i)
		if rest, ok := strings.CutPrefix(l, marker); ok && strings.TrimLeft(rest, marker[:1]) != "" && strings.TrimSpace(rest) != "" {
			return "another fence"
		}
		heading = heading || strings.HasPrefix(l, "#") && strings.TrimLeft(l, "#") != "" && strings.TrimLeft(l, "#")[0] == ' '
	}
	if !closed && heading {
		return "a heading"
	}
	return ""
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
			b.WriteString(segmentsText(c.Segments, src))
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

// linesText joins the lines of a block node.
func linesText(n ast.Node, src []byte) string {
	return segmentsText(n.Lines(), src)
}

func segmentsText(segs *text.Segments, src []byte) string {
	var b strings.Builder
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}

// A writer is the util.BufWriter that Doc.Render hands goldmark, carrying
// the call's Options to the node renderer, so that the shared goldmark
// instance holds nothing of one call.
type writer struct {
	*bufio.Writer
	opts    *Options
	section *Heading // the heading of the section being written, for SectionEnd
}

func newWriter(w io.Writer, opts *Options) *writer {
	return &writer{Writer: bufio.NewWriter(w), opts: opts}
}

// options returns the Options of the Render call writing to w.
func options(w util.BufWriter) *Options {
	if w, ok := w.(*writer); ok {
		return w.opts
	}
	return &Options{}
}

// nodeRenderer writes figures through the call's FigureFunc, headings with
// their anchors, and raw HTML as escaped text.
type nodeRenderer struct{}

func (r nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindFigure, r.figure)
	reg.Register(kindHeading, r.heading)
	reg.Register(ast.KindHTMLBlock, r.htmlBlock)
	reg.Register(ast.KindRawHTML, r.rawHTML)
}

func (nodeRenderer) figure(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	fig := options(w).Figure
	if fig == nil {
		return ast.WalkStop, fmt.Errorf("render: no FigureFunc")
	}
	if err := fig(w, n.(*figureNode).block); err != nil {
		return ast.WalkStop, err
	}
	return ast.WalkSkipChildren, nil
}

// heading writes a heading with its id and, at its end, a link to itself.
func (nodeRenderer) heading(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	h := n.(*headingNode)
	opts := options(w)
	if h.title && opts.NoTitle {
		return ast.WalkSkipChildren, nil
	}
	if entering {
		if bw, ok := w.(*writer); ok && opts.SectionEnd != nil {
			if bw.section != nil {
				if err := opts.SectionEnd(w, bw.section); err != nil {
					return ast.WalkStop, err
				}
			}
			bw.section = h.heading
		}
		fmt.Fprintf(w, "<h%d", h.Level)
		if h.Attributes() != nil {
			gmhtml.RenderAttributes(w, h, gmhtml.HeadingAttributeFilter)
		}
		w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if hd := h.heading; hd.ID != "" && !opts.NoAnchors {
		fmt.Fprintf(w, ` <a class="anchor" href="#%s" aria-label="Link to %s">#</a>`,
			html.EscapeString(hd.ID), html.EscapeString(hd.Text))
	}
	fmt.Fprintf(w, "</h%d>\n", h.Level)
	return ast.WalkContinue, nil
}

func (nodeRenderer) htmlBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	hb := n.(*ast.HTMLBlock)
	raw := linesText(hb, src)
	if hb.HasClosure() {
		raw += string(hb.ClosureLine.Value(src))
	}
	w.WriteString(`<pre class="raw-html">`)
	w.WriteString(html.EscapeString(raw))
	w.WriteString("</pre>\n")
	return ast.WalkSkipChildren, nil
}

func (nodeRenderer) rawHTML(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	w.WriteString(html.EscapeString(segmentsText(n.(*ast.RawHTML).Segments, src)))
	return ast.WalkSkipChildren, nil
}
