package render

import (
	"encoding/gob"
	"fmt"

	"github.com/gonotebook/notebook/internal/fileline"
)

// stored is what Save keeps of a Doc: all that Parse found, but not the
// body, which the caller keeps. A section is kept as its text and the
// number of blocks it holds: its heading and blocks follow, in order,
// from Headings and Blocks.
type stored struct {
	FirstLine int
	Title     bool
	Blocks    []*Block
	Headings  []*Heading
	Sections  []storedSection
	Warnings  []*fileline.Error
}

type storedSection struct {
	Text   string
	Blocks int
}

// Save writes to enc what Restore needs to make d again without parsing
// its body; without its sections' text unless text is true: the Doc
// restored then has sections whose Text is "". One encoder can take the
// Docs of many notes, in a stream that describes their types once.
func (d *Doc) Save(enc *gob.Encoder, text bool) error {
	s := stored{FirstLine: d.firstLine, Title: d.title != nil, Blocks: d.Blocks, Headings: d.Headings}
	for _, w := range d.Warnings {
		s.Warnings = append(s.Warnings, &fileline.Error{Path: w.Path, Line: w.Line, Msg: w.Msg})
	}
	for _, sec := range d.Sections {
		ss := storedSection{Blocks: len(sec.Blocks)}
		if text {
			ss.Text = sec.Text
		}
		s.Sections = append(s.Sections, ss)
	}
	return enc.Encode(&s)
}

// Restore reads from dec the next Doc that Save wrote, that of the note
// path, whose body and first line are given, as Parse returned it, with
// its warnings' messages but not the errors beneath them. An error says
// that what dec holds is not what Save wrote of this note: the caller
// parses the note instead.
func (m *Markdown) Restore(dec *gob.Decoder, path string, body []byte, firstLine int) (*Doc, error) {
	var s stored
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	headless := len(s.Sections) - len(s.Headings) // 1 if a section comes before the first heading
	ok := s.FirstLine == firstLine && (headless == 0 || headless == 1) && (!s.Title || len(s.Headings) > 0)
	counted := 0
	for _, ss := range s.Sections {
		ok = ok && ss.Blocks >= 0
		counted += ss.Blocks
	}
	if !ok || counted != len(s.Blocks) {
		return nil, fmt.Errorf("%s: not what Save wrote of this note", path)
	}
	d := &Doc{Path: path, Blocks: s.Blocks, Headings: s.Headings, Warnings: s.Warnings, md: m, source: body, firstLine: firstLine}
	if s.Title {
		d.title = s.Headings[0]
	}
	blocks := s.Blocks
	for i, ss := range s.Sections {
		sec := &Section{Text: ss.Text}
		if i >= headless {
			sec.Heading = s.Headings[i-headless]
		}
		if ss.Blocks > 0 {
			sec.Blocks, blocks = blocks[:ss.Blocks:ss.Blocks], blocks[ss.Blocks:]
		}
		d.Sections = append(d.Sections, sec)
	}
	return d, nil
}
