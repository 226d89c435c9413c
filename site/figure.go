package site

import (
	"go/doc/comment"
	"html/template"
	"strings"

	"github.com/gonotebook/notebook/internal/store"
)

// A Go program's explanation, its doc comment, is shown in two places. The
// note page shows its first paragraph, the lede, above the pair it
// explains; a note whose programs say more has a second page, its
// explanations (explainedDir below the note's own folder), with each
// explanation whole, which the lede links to. So the note page stays as
// short as the code it shows, and no word of an explanation is lost.

// explainedDir is the folder, inside a note's own, of its explanations.
const explainedDir = "explained/"

// An explanation is a doc comment split for the note page.
type explanation struct {
	Lede template.HTML // the first paragraph, as inline HTML; "" if the comment starts otherwise
	Rest int           // how many blocks (paragraphs, lists, code) follow it
	Full template.HTML // the whole comment, as HTML
}

// explain splits a doc comment's text into its lede and the rest.
func explain(text string) explanation {
	var p comment.Parser
	doc := p.Parse(text)
	pr := comment.Printer{HeadingLevel: 3, HeadingID: func(*comment.Heading) string { return "" }}
	e := explanation{Full: template.HTML(pr.HTML(doc)), Rest: len(doc.Content)}
	if len(doc.Content) == 0 {
		return e
	}
	if para, ok := doc.Content[0].(*comment.Paragraph); ok {
		html := string(pr.HTML(&comment.Doc{Content: []comment.Block{para}, Links: doc.Links}))
		html = strings.TrimSuffix(strings.TrimPrefix(html, "<p>"), "\n")
		e.Lede, e.Rest = template.HTML(html), len(doc.Content)-1
	}
	return e
}

// ExplainedURL is the address, from the note's page, of the figure's
// whole explanation.
func (f figure) ExplainedURL() string { return explainedDir + "#" + f.ID }

// An explained is one program on a note's page of explanations.
type explained struct {
	ID      string // the figure's id on the note's page, and the section's here
	Snippet string // the snippet's id
	explanation
}

// explainedOf returns the programs of n whose explanations say more than
// their ledes, in the order n's page shows them.
func explainedOf(n *Note) []explained {
	var out []explained
	for _, f := range n.programs {
		if e := explain(f.Snippet.Doc); e.Rest > 0 {
			out = append(out, explained{f.ID, f.Snippet.ID, e})
		}
	}
	return out
}

// writeExplained makes n's page of explanations, if any of its programs
// says more than its lede; page names the note page's inputs, which hold
// everything this page shows.
func (b *build) writeExplained(n *Note, pageID store.ID) error {
	if len(n.programs) == 0 {
		return nil
	}
	rel := n.URL() + explainedDir + "index.html"
	return b.emit(rel, store.NewHash("explained").ID(pageID).Sum(), func() ([]byte, error) {
		items := explainedOf(n)
		if len(items) == 0 {
			return nil, nil
		}
		return b.execute(rel, "explained", page{Title: "The Go programs of " + n.Title + ", explained", Note: n, Explained: items,
			Description: "The whole explanation of each Go program of " + n.Title + "."})
	})
}
