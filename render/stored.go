package render

import (
	"encoding/json"
	"fmt"

	"github.com/gonotebook/notebook/internal/fileline"
)

// stored is what a Doc is kept as between builds: everything Parse finds
// but the tree, which Render parses again (see DropTree), and the body,
// which the caller keeps. Headings and blocks that sections and the title
// point at are written as their indexes.
type stored struct {
	FirstLine int
	Blocks    []*Block
	Headings  []*Heading
	Title     int // an index into Headings; -1 if none
	Sections  []storedSection
	Warnings  []storedWarning
}

type storedSection struct {
	Heading int // an index into Headings; -1 if none
	Text    string
	Blocks  []int // indexes into Blocks
}

type storedWarning struct {
	Path string
	Line int
	Msg  string
}

// Save returns, as JSON, what Restore needs to make d again without
// parsing its body.
func (d *Doc) Save() ([]byte, error) {
	index := map[*Heading]int{}
	for i, h := range d.Headings {
		index[h] = i
	}
	ref := func(h *Heading) int {
		if i, ok := index[h]; ok {
			return i
		}
		return -1
	}
	s := stored{FirstLine: d.firstLine, Blocks: d.Blocks, Headings: d.Headings, Title: ref(d.title)}
	for _, sec := range d.Sections {
		ss := storedSection{Heading: ref(sec.Heading), Text: sec.Text}
		for _, b := range sec.Blocks {
			ss.Blocks = append(ss.Blocks, b.Index)
		}
		s.Sections = append(s.Sections, ss)
	}
	for _, w := range d.Warnings {
		s.Warnings = append(s.Warnings, storedWarning{w.Path, w.Line, w.Msg})
	}
	return json.Marshal(s)
}

// Restore returns the Doc that Save saved of the note path, whose body and
// first line are given, as Parse returned it but without its tree (as after
// DropTree), and with its warnings' messages but not the errors beneath
// them. An error says that data is not what Save wrote of this note: the
// caller parses the note instead.
func (m *Markdown) Restore(path string, body []byte, firstLine int, data []byte) (*Doc, error) {
	var s stored
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if s.FirstLine != firstLine {
		return nil, fmt.Errorf("%s: saved with another first line", path)
	}
	d := &Doc{Path: path, md: m, source: body, firstLine: firstLine, Blocks: s.Blocks, Headings: s.Headings}
	heading := func(i int) (*Heading, error) {
		switch {
		case i == -1:
			return nil, nil
		case i >= 0 && i < len(d.Headings):
			return d.Headings[i], nil
		}
		return nil, fmt.Errorf("%s: saved heading %d does not exist", path, i)
	}
	for i, b := range d.Blocks {
		if b == nil || b.Index != i {
			return nil, fmt.Errorf("%s: saved block %d is not numbered %d", path, i, i)
		}
	}
	var err error
	if d.title, err = heading(s.Title); err != nil {
		return nil, err
	}
	for _, ss := range s.Sections {
		sec := &Section{Text: ss.Text}
		if sec.Heading, err = heading(ss.Heading); err != nil {
			return nil, err
		}
		for _, j := range ss.Blocks {
			if j < 0 || j >= len(d.Blocks) {
				return nil, fmt.Errorf("%s: saved section has no block %d", path, j)
			}
			sec.Blocks = append(sec.Blocks, d.Blocks[j])
		}
		d.Sections = append(d.Sections, sec)
	}
	for _, w := range s.Warnings {
		d.Warnings = append(d.Warnings, &fileline.Error{Path: w.Path, Line: w.Line, Msg: w.Msg})
	}
	return d, nil
}
