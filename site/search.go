package site

import (
	"encoding/json"
	"strings"
)

// searchIndex is search.json: one record per section of every published
// note, newest note first, which the search page's script reads. Field
// names are short because the file is fetched whole.
type searchIndex struct {
	Version int           `json:"v"`
	Entries []searchEntry `json:"entries"`
}

type searchEntry struct {
	Title string   `json:"t"`           // the entry's heading, or the note's title
	Note  string   `json:"n"`           // the note's title
	Date  string   `json:"d"`           // the note's date, YYYY-MM-DD
	URL   string   `json:"u"`           // from the site root, with the entry's anchor
	Tags  []string `json:"g,omitempty"` // the note's tags
	Text  string   `json:"x,omitempty"` // the prose, and the Go programs' doc comments
	Code  string   `json:"c,omitempty"` // the original blocks and the Go programs
}

// searchVersion changes when the index's format does.
const searchVersion = 1

// writeSearchIndex makes search.json, from every published note and the
// snippets whose code and explanation it holds.
func (b *build) writeSearchIndex() error {
	h := b.key("search.json")
	for _, n := range b.notes {
		h.String(n.Path).Bytes(n.Source)
		for _, f := range n.programs {
			h.String(f.Snippet.Sum) // covers the doc comment and code it holds
		}
	}
	return b.emit("search.json", h.Sum(), func() ([]byte, error) {
		index := searchIndex{Version: searchVersion, Entries: []searchEntry{}}
		for _, n := range reversed(b.notes) {
			index.Entries = append(index.Entries, searchEntries(b.nb, n)...)
		}
		return json.Marshal(index)
	})
}

// searchEntries returns the records of n's sections in search.json.
func searchEntries(nb *Notebook, n *Note) []searchEntry {
	var entries []searchEntry
	title := n.titleHeading()
	for _, s := range nb.sections(n) {
		e := searchEntry{Title: n.Title, Note: n.Title, Date: n.DateString(), URL: n.URL(), Tags: n.Tags}
		if s.Heading != nil && s.Heading != title {
			e.Title = s.Heading.Text
			e.URL += "#" + s.Heading.ID
		}
		text := []string{s.Text}
		var code []string
		for _, blk := range s.Blocks {
			code = append(code, blk.Code)
			if sn := nb.Snippets[blk.Snippet]; blk.Linked() && sn != nil {
				text = append(text, strings.Join(strings.Fields(sn.Doc), " "))
				code = append(code, sn.Code)
			}
		}
		e.Text = strings.TrimSpace(strings.Join(text, " "))
		e.Code = strings.Join(code, "\n")
		if (s.Heading == nil || s.Heading == title) && e.Text == "" && e.Code == "" {
			continue
		}
		entries = append(entries, e)
	}
	return entries
}
