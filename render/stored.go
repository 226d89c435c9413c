package render

import (
	"encoding/json"
	"fmt"

	"github.com/gonotebook/notebook/internal/fileline"
)

// stored is what Save keeps of a Doc: all that Parse found, but not the
// body, which the caller keeps. The title and the sections point at
// headings and blocks by index, -1 for none.
type stored struct {
	FirstLine int
	Blocks    []*Block
	Headings  []*Heading
	Title     int
	Sections  []storedSection
	Warnings  []*fileline.Error
}

type storedSection struct {
	Heading int
	Text    string
	Blocks  []int
}

// Save returns, as JSON, what Restore needs to make d again without
// parsing its body.
func (d *Doc) Save() ([]byte, error) {
	index := map[*Heading]int{nil: -1}
	for i, h := range d.Headings {
		index[h] = i
	}
	s := stored{FirstLine: d.firstLine, Blocks: d.Blocks, Headings: d.Headings, Title: index[d.title], Warnings: d.Warnings}
	for _, sec := range d.Sections {
		ss := storedSection{Heading: index[sec.Heading], Text: sec.Text}
		for _, b := range sec.Blocks {
			ss.Blocks = append(ss.Blocks, b.Index)
		}
		s.Sections = append(s.Sections, ss)
	}
	return json.Marshal(s)
}

// Restore returns the Doc that Save saved of the note path, whose body and
// first line are given, as Parse returned it, with its warnings' messages
// but not the errors beneath them. An error says that data is not what
// Save wrote of this note: the caller parses the note instead.
func (m *Markdown) Restore(path string, body []byte, firstLine int, data []byte) (*Doc, error) {
	var s stored
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	ok := s.FirstLine == firstLine && s.Title >= -1 && s.Title < len(s.Headings)
	for i, b := range s.Blocks {
		ok = ok && b != nil && b.Index == i
	}
	for _, ss := range s.Sections {
		ok = ok && ss.Heading >= -1 && ss.Heading < len(s.Headings)
		for _, j := range ss.Blocks {
			ok = ok && j >= 0 && j < len(s.Blocks)
		}
	}
	if !ok {
		return nil, fmt.Errorf("%s: not what Save wrote of this note", path)
	}
	heading := func(i int) *Heading {
		if i < 0 {
			return nil
		}
		return s.Headings[i]
	}
	d := &Doc{Path: path, Blocks: s.Blocks, Headings: s.Headings, Warnings: s.Warnings,
		md: m, source: body, firstLine: firstLine, title: heading(s.Title)}
	for _, ss := range s.Sections {
		sec := &Section{Heading: heading(ss.Heading), Text: ss.Text}
		for _, j := range ss.Blocks {
			sec.Blocks = append(sec.Blocks, s.Blocks[j])
		}
		d.Sections = append(d.Sections, sec)
	}
	return d, nil
}
