package render

// A Section is the part of a note that starts at a heading and runs to the
// next heading of any level. A note's first section has no heading when
// prose or code comes before the first heading. Search indexes and tables
// of contents are made from them (Doc.Sections).
type Section struct {
	// Heading opens the section; nil for text before the first heading.
	Heading *Heading
	// Text is the section's prose as plain text: paragraphs, lists and
	// quotes, without the code blocks, joined by single spaces.
	Text string
	// Blocks are the section's fenced code blocks, in order.
	Blocks []*Block
}
