// Package notes reads the dated notes of a notebook.
//
// # Files
//
// A note is a Markdown file directly in the notes folder whose name is
// YYYY-MM-DD.md or YYYY-MM-DD-slug.md. The date comes from the file name; the
// slug, when present, is lower case letters, digits and hyphens. Other files
// in the folder (a README, drafts named otherwise) are not notes and are
// ignored; a file that starts with a date but is not a valid note name is an
// error, so a typo never silently drops a note.
//
// # Front matter
//
// A note may start with YAML front matter between two lines of three hyphens:
//
//	---
//	title: Python notes
//	tags: [python, subprocess]
//	draft: false
//	---
//
// The keys are title (the page title; by default the note's first level-one
// heading, or else its date), tags (a list of words; each tag gets a page) and
// draft (a draft is checked but left out of the built site). Any other key is
// an error naming the file and line, so a misspelt key is never ignored.
//
// The body is everything after the front matter. Line numbers reported for a
// note always count from the first line of the file.
package notes

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// A Note is one dated note.
type Note struct {
	// Path is the note's file name relative to the notebook root,
	// for example "notes/2018-10-30.md". Errors and reports use it.
	Path string
	// Date is the note's day, from its file name.
	Date time.Time
	// Slug is the part of the file name after the date, or "".
	Slug string
	// Title is the front matter title, the first level-one heading, or the date.
	Title string
	// Tags lists the note's tags in the order written, without duplicates.
	Tags []string
	// Draft marks a note that is checked but not published.
	Draft bool
	// Source is the whole file.
	Source []byte
	// Body is the Markdown after the front matter.
	Body []byte
	// BodyLine is the 1-based line of Source on which Body starts.
	BodyLine int
}

// Name is the note's file name without its extension, which is also the base
// name of its page: "2018-10-30" or "2018-10-30-slug".
func (n *Note) Name() string { return strings.TrimSuffix(path.Base(n.Path), ".md") }

// DateString formats the note's date as YYYY-MM-DD.
func (n *Note) DateString() string { return n.Date.Format(time.DateOnly) }

var (
	datePrefix = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)
	validName  = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})(?:-([a-z0-9]+(?:-[a-z0-9]+)*))?\.md$`)
	tagPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9+#.-]*$`)
)

// IsNoteName reports whether a file name looks like it is meant to be a
// note, that is whether it starts with a date and ends in ".md".
func IsNoteName(name string) bool {
	return datePrefix.MatchString(name) && strings.HasSuffix(name, ".md")
}

// Load reads every note in dir of fsys, oldest first (notes of the same day
// are ordered by name). Paths in the returned notes and in errors are
// path.Join(dir, name).
func Load(fsys fs.FS, dir string) ([]*Note, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var list []*Note
	for _, e := range entries {
		if e.IsDir() || !IsNoteName(e.Name()) {
			continue
		}
		p := path.Join(dir, e.Name())
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		n, err := Parse(p, data)
		if err != nil {
			return nil, err
		}
		list = append(list, n)
	}
	slices.SortFunc(list, func(a, b *Note) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return list, nil
}

// frontMatter is the set of keys a note's front matter may hold.
type frontMatter struct {
	Title string   `yaml:"title"`
	Tags  []string `yaml:"tags"`
	Draft bool     `yaml:"draft"`
}

// Parse reads one note from its file name (a slash-separated path whose base
// name is the note's name) and contents.
func Parse(name string, data []byte) (*Note, error) {
	m := validName.FindStringSubmatch(path.Base(name))
	if m == nil {
		return nil, fmt.Errorf("%s:1: a note's file name must be YYYY-MM-DD.md or YYYY-MM-DD-slug.md (slug: a-z, 0-9, single hyphens)", name)
	}
	date, err := time.Parse(time.DateOnly, m[1])
	if err != nil {
		return nil, fmt.Errorf("%s:1: the file name's date %q is not a real day", name, m[1])
	}
	n := &Note{Path: name, Date: date, Slug: m[2], Source: data, Body: data, BodyLine: 1}

	if yamlText, body, bodyLine, ok := splitFrontMatter(data); ok {
		var fm frontMatter
		dec := yaml.NewDecoder(bytes.NewReader(yamlText))
		dec.KnownFields(true)
		if err := dec.Decode(&fm); err != nil && err.Error() != "EOF" {
			return nil, fmt.Errorf("%s: front matter: %v", name, yamlError(name, err))
		}
		n.Title = strings.TrimSpace(fm.Title)
		n.Draft = fm.Draft
		for _, t := range fm.Tags {
			t = strings.ToLower(strings.TrimSpace(t))
			if !tagPattern.MatchString(t) {
				return nil, fmt.Errorf("%s:2: tag %q: a tag is lower case letters, digits and - + # .", name, t)
			}
			if !slices.Contains(n.Tags, t) {
				n.Tags = append(n.Tags, t)
			}
		}
		n.Body, n.BodyLine = body, bodyLine
	} else if bytes.HasPrefix(data, []byte("---\n")) {
		return nil, fmt.Errorf("%s:1: front matter is not closed by a line of three hyphens", name)
	}
	if n.Title == "" {
		n.Title = firstHeading(n.Body)
	}
	if n.Title == "" {
		n.Title = n.DateString()
	}
	return n, nil
}

// yamlError rewrites the line numbers in a YAML error so that they count from
// the top of the note (the front matter starts on line 2).
func yamlError(name string, err error) string {
	return lineRef.ReplaceAllStringFunc(err.Error(), func(s string) string {
		var l int
		fmt.Sscanf(s, "line %d", &l)
		return fmt.Sprintf("line %d", l+1)
	})
}

var lineRef = regexp.MustCompile(`line \d+`)

// splitFrontMatter splits "---\nyaml\n---\nbody" into its parts. bodyLine is
// the 1-based line on which body starts.
func splitFrontMatter(data []byte) (yamlText, body []byte, bodyLine int, ok bool) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !bytes.HasPrefix(data, []byte("---\n")) && !bytes.HasPrefix(data, []byte("---\r\n")) {
		return nil, nil, 0, false
	}
	rest := data[bytes.IndexByte(data, '\n')+1:]
	line := 2
	for off := 0; off < len(rest); {
		end := bytes.IndexByte(rest[off:], '\n')
		var l []byte
		if end < 0 {
			l, end = rest[off:], len(rest)
		} else {
			l, end = rest[off:off+end], off+end+1
		}
		if string(bytes.TrimRight(l, "\r")) == "---" {
			return rest[:off], rest[end:], line + 1, true
		}
		off = end
		line++
	}
	return nil, nil, 0, false
}

// firstHeading returns the text of the first ATX level-one heading outside a
// code fence, or "".
func firstHeading(body []byte) string {
	fence := ""
	for l := range strings.SplitSeq(string(body), "\n") {
		t := strings.TrimSpace(l)
		switch {
		case fence != "":
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
		case strings.HasPrefix(t, "```"), strings.HasPrefix(t, "~~~"):
			fence = t[:3]
		case strings.HasPrefix(t, "# "):
			return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(t[2:]), "#"))
		}
	}
	return ""
}
