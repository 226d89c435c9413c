package render

import (
	"strings"

	"github.com/yuin/goldmark/ast"
)

// A Section is the part of a note that starts at a heading and runs to the
// next heading of any level. A note's first section has no heading when
// prose or code comes before the first heading.
type Section struct {
	// Heading opens the section; nil for text before the first heading.
	Heading *Heading
	// Text is the section's prose as plain text: paragraphs, lists and
	// quotes, without the code blocks, joined by single spaces.
	Text string
	// Blocks are the section's fenced code blocks, in order.
	Blocks []*Block
}

// Sections splits the note at its headings, in order. Search indexes and
// tables of contents are made from them.
func (d *Doc) Sections() []*Section {
	var out []*Section
	cur := &Section{}
	var text strings.Builder
	flush := func() {
		cur.Text = strings.Join(strings.Fields(text.String()), " ")
		if cur.Heading != nil || cur.Text != "" || len(cur.Blocks) > 0 {
			out = append(out, cur)
		}
		text.Reset()
	}
	ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Heading:
			if entering {
				flush()
				cur = &Section{Heading: d.headings[n]}
			}
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock:
			if entering {
				if b := d.blocks[n]; b != nil {
					cur.Blocks = append(cur.Blocks, b)
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock, *ast.HTMLBlock:
			if entering {
				text.WriteString(" " + linesText(n, d.source) + " ")
			}
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock, *ast.ListItem:
			if !entering {
				text.WriteByte(' ')
			}
		case *ast.Text:
			if entering {
				text.Write(n.Segment.Value(d.source))
				if n.SoftLineBreak() || n.HardLineBreak() {
					text.WriteByte(' ')
				}
			}
		case *ast.AutoLink:
			if entering {
				text.Write(n.Label(d.source))
			}
			return ast.WalkSkipChildren, nil
		case *ast.String:
			if entering {
				text.Write(n.Value)
			}
		case *ast.RawHTML:
			if entering {
				for i := 0; i < n.Segments.Len(); i++ {
					seg := n.Segments.At(i)
					text.Write(seg.Value(d.source))
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	flush()
	return out
}

// linesText joins the lines of a block node.
func linesText(n ast.Node, src []byte) string {
	var b strings.Builder
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		b.Write(seg.Value(src))
	}
	return b.String()
}
