package render

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/gonotebook/notebook/internal/wire"
)

// savedMagic starts a saved Doc, and changes whenever what Save writes does.
const savedMagic = "notebook render doc v1\n"

// Save appends to b what Restore needs to make d again without parsing
// its body: its blocks, headings, sections, title and warnings; not its
// tree, which Render parses again when it needs it (see DropTree), nor the
// body, which the caller keeps. A build keeps the Docs of the notes it
// parsed, so that the next one parses only the notes that changed.
func (d *Doc) Save(b []byte) []byte {
	b = append(b, savedMagic...)
	b = wire.AppendInt(b, int64(d.firstLine))
	b = wire.AppendUint(b, uint64(len(d.Blocks)))
	for _, blk := range d.Blocks {
		b = wire.AppendInt(b, int64(blk.Line))
		b = wire.AppendString(b, blk.Lang)
		b = wire.AppendString(b, blk.Code)
		b = wire.AppendString(b, blk.Snippet)
		b = wire.AppendInt(b, int64(blk.Index))
		b = wire.AppendBool(b, blk.Attrs != nil)
		keys := make([]string, 0, len(blk.Attrs))
		for k := range blk.Attrs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = wire.AppendUint(b, uint64(len(keys)))
		for _, k := range keys {
			b = wire.AppendString(b, k)
			b = wire.AppendString(b, blk.Attrs[k])
		}
	}
	heading := map[*Heading]int{}
	b = wire.AppendUint(b, uint64(len(d.Headings)))
	for i, h := range d.Headings {
		heading[h] = i
		b = wire.AppendInt(b, int64(h.Level))
		b = wire.AppendString(b, h.Text)
		b = wire.AppendString(b, h.ID)
		b = wire.AppendInt(b, int64(h.Line))
	}
	ref := func(h *Heading) int64 {
		if i, ok := heading[h]; ok {
			return int64(i)
		}
		return -1
	}
	b = wire.AppendInt(b, ref(d.title))
	b = wire.AppendUint(b, uint64(len(d.Sections)))
	for _, s := range d.Sections {
		b = wire.AppendInt(b, ref(s.Heading))
		b = wire.AppendString(b, s.Text)
		b = wire.AppendUint(b, uint64(len(s.Blocks)))
		for _, blk := range s.Blocks {
			b = wire.AppendInt(b, int64(blk.Index))
		}
	}
	b = wire.AppendUint(b, uint64(len(d.Warnings)))
	for _, w := range d.Warnings {
		b = wire.AppendString(b, w.Path)
		b = wire.AppendInt(b, int64(w.Line))
		b = wire.AppendString(b, w.Msg)
	}
	return b
}

// Restore returns the Doc that Save saved of the note path, whose body and
// first line are given, as Parse would return it, without its tree (as
// after DropTree). The warnings keep their messages, not the errors
// beneath them. An error says that data is not a Doc that Save wrote of
// this note: the caller parses the note instead. The Doc's strings share
// data's memory, which must never change again.
func (m *Markdown) Restore(path string, body []byte, firstLine int, data []byte) (*Doc, error) {
	rest, ok := bytes.CutPrefix(data, []byte(savedMagic))
	if !ok {
		return nil, errors.New("not a saved note, or one of another version")
	}
	r := wire.NewSharedReader(rest)
	d := &Doc{Path: path, md: m, source: body, firstLine: firstLine}
	if int(r.Int()) != firstLine {
		return nil, fmt.Errorf("%s: saved with another first line", path)
	}
	if n := r.Count(); n > 0 {
		d.Blocks = make([]*Block, n)
	}
	for i := range d.Blocks {
		blk := &Block{Line: int(r.Int()), Lang: r.String(), Code: r.String(), Snippet: r.String(), Index: int(r.Int())}
		hasAttrs := r.Bool()
		n := r.Count()
		if hasAttrs {
			blk.Attrs = make(map[string]string, n)
		}
		for range n {
			k, v := r.String(), r.String()
			if hasAttrs {
				blk.Attrs[k] = v
			}
		}
		if blk.Index != i {
			return nil, fmt.Errorf("%s: saved block %d is numbered %d", path, i, blk.Index)
		}
		d.Blocks[i] = blk
	}
	if n := r.Count(); n > 0 {
		d.Headings = make([]*Heading, n)
	}
	for i := range d.Headings {
		d.Headings[i] = &Heading{Level: int(r.Int()), Text: r.String(), ID: r.String(), Line: int(r.Int())}
	}
	heading := func(i int64) (*Heading, bool) {
		switch {
		case i == -1:
			return nil, true
		case i >= 0 && i < int64(len(d.Headings)):
			return d.Headings[i], true
		}
		return nil, false
	}
	if d.title, ok = heading(r.Int()); !ok {
		return nil, fmt.Errorf("%s: saved title is no heading", path)
	}
	if n := r.Count(); n > 0 {
		d.Sections = make([]*Section, n)
	}
	for i := range d.Sections {
		s := &Section{}
		if s.Heading, ok = heading(r.Int()); !ok {
			return nil, fmt.Errorf("%s: saved section %d opens with no heading", path, i)
		}
		s.Text = r.String()
		for range r.Count() {
			j := r.Int()
			if j < 0 || j >= int64(len(d.Blocks)) {
				return nil, fmt.Errorf("%s: saved section %d has no block %d", path, i, j)
			}
			s.Blocks = append(s.Blocks, d.Blocks[j])
		}
		d.Sections[i] = s
	}
	for range r.Count() {
		d.Warnings = append(d.Warnings, &fileline.Error{Path: r.String(), Line: int(r.Int()), Msg: r.String()})
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%s: %d bytes after the saved note", path, r.Len())
	}
	return d, nil
}
