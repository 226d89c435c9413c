package site

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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

func (b *builder) writeSearchIndex() error {
	key := b.searchKey()
	if b.reuse("search.json", key) {
		return nil
	}
	var data []byte
	var err error
	if b.nb.search != nil {
		data, err = b.nb.search.wait()
	} else {
		data, err = makeSearchIndex(b.nb, b.site.Notes)
	}
	if err != nil {
		return err
	}
	return b.writeKeyed("search.json", key, data)
}

// A searchJob makes search.json in a goroutine of its own.
type searchJob struct {
	done chan struct{} // closed once data and err are set
	data []byte
	err  error
}

// startSearchIndex starts making search.json for the published notes of
// nb.
func startSearchIndex(nb *Notebook, published []*Note) *searchJob {
	j := &searchJob{done: make(chan struct{})}
	go func() {
		defer close(j.done)
		j.data, j.err = makeSearchIndex(nb, published)
	}()
	return j
}

// wait waits for the job to finish, and returns what it made.
func (j *searchJob) wait() ([]byte, error) {
	<-j.done
	return j.data, j.err
}

// makeSearchIndex makes search.json for the published notes of nb.
func makeSearchIndex(nb *Notebook, published []*Note) ([]byte, error) {
	// Each note's entries are encoded on their own, on every core, then
	// joined: the bytes json.Marshal gives for the whole index.
	notes := reversed(published)
	parts := make([][]byte, len(notes))
	errs := make([]error, len(notes))
	parallel(len(notes), func(i int) {
		entries := searchEntries(nb, notes[i])
		if len(entries) == 0 {
			return
		}
		data, err := json.Marshal(entries)
		if err != nil {
			errs[i] = err
			return
		}
		parts[i] = data[1 : len(data)-1] // within [ and ]
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	size := 64
	for _, p := range parts {
		size += len(p) + 1
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	fmt.Fprintf(buf, `{"v":%d,"entries":[`, searchVersion)
	first := true
	for _, p := range parts {
		if p == nil {
			continue
		}
		if !first {
			buf.WriteByte(',')
		}
		buf.Write(p)
		first = false
	}
	buf.WriteString("]}")
	return buf.Bytes(), nil
}

// searchEntries returns the records of n's sections in search.json.
func searchEntries(nb *Notebook, n *Note) []searchEntry {
	var entries []searchEntry
	title := n.titleHeading()
	for _, s := range n.Doc.Sections {
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
