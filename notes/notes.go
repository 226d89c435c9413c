// Package notes reads the dated notes of a notebook.
//
// # Files
//
// A note is a Markdown file directly in the notes folder named
// YYYY-MM-DD.md or YYYY-MM-DD-slug.md: the date must be a real day, the
// slug lower case letters, digits and single hyphens. Files that are not
// Markdown (Go files, images) are passed over without a word.
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
// title is the page title (by default the first level-one heading, else
// the date); tags a list of words, each of which gets a page; a draft is
// checked but left out of the built site. A tag is lower-cased; it is
// then lower case letters, digits and - + # . and starts with a letter or
// digit. Repeated tags count once. The body is what follows the front
// matter; line numbers always count from the file's first line.
//
// # Errors and warnings
//
// An error is a mistake that would publish something other than what the
// author meant: Load reports every one, each a *fileline.Error at its own
// line, and returns no notes. They are a file named like a note (a date,
// then .md) that is not one (2018-10-30_x.md, 2018-13-01.md), front
// matter never closed, a note over MaxSize bytes, a symbolic link out of
// the notebook, front matter that is not YAML (at the first line from
// which it cannot be read as YAML) or not a mapping, an unknown key (the
// message lists the keys), a key given twice, and a value of the wrong
// kind or a tag that is not a tag.
//
// A warning is something the author most likely did not mean but that
// publishes nothing wrong; Load returns the warnings, *fileline.Errors
// too, beside the notes: a Markdown file (.md or .markdown) in the notes
// folder that is not a note, such as hello.md or 2018-10-30.markdown,
// or in a folder below it (README.md, in any case, is the folder's own),
// and a note with nothing but white space after its front matter.
package notes

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
	"go.yaml.in/yaml/v3"
)

// MaxSize bounds a note's file, in bytes: a note over it is an error.
// Rendering grows faster than a note's size, and no day's notes come near
// it.
const MaxSize = 1 << 20

// A Note is one dated note.
type Note struct {
	Path     string    // the file's path from the notebook root: "notes/2018-10-30.md"
	Date     time.Time // the day, from the file name
	Slug     string    // the part of the file name after the date, or ""
	Title    string    // the front matter's title, the first level-one heading, or the date
	Tags     []string  // the tags in the order written, without duplicates
	Draft    bool      // the note is checked but not published
	Source   []byte    // the whole file
	Body     []byte    // the Markdown after the front matter
	BodyLine int       // the 1-based line of Source on which Body starts
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
// note, that is whether it starts with a date and ends in ".md". Such a
// file is read as a note, so a misnamed one is an error, not a file passed
// over.
func IsNoteName(name string) bool {
	return datePrefix.MatchString(name) && strings.HasSuffix(name, ".md")
}

// ParseName reads a note's file name (a base name, such as
// "2018-10-30-python.md") into its date and slug. It is an error if the name
// is not YYYY-MM-DD.md or YYYY-MM-DD-slug.md or the date is not a real day.
func ParseName(name string) (date time.Time, slug string, err error) {
	m := validName.FindStringSubmatch(name)
	if m == nil {
		return time.Time{}, "", errors.New("a note's file name must be YYYY-MM-DD.md or YYYY-MM-DD-slug.md (slug: a-z, 0-9, single hyphens)")
	}
	date, err = time.Parse(time.DateOnly, m[1])
	if err != nil {
		return time.Time{}, "", fmt.Errorf("the file name's date %q is not a real day", m[1])
	}
	return date, m[2], nil
}

// Load reads every note in dir of fsys, oldest first (notes of the same day
// are ordered by name). Paths in the returned notes, warnings and errors are
// path.Join(dir, name). The error joins every note's mistakes; if it is not
// nil, no notes are returned. Warnings (see the package documentation) are
// returned whether or not there are errors, in the order the folder is
// walked (lexical). Folders below dir whose names start with "." are not
// looked into.
func Load(fsys fs.FS, dir string) ([]*Note, []*fileline.Error, error) {
	var paths []string
	var warnings []*fileline.Error
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && p != dir && strings.HasPrefix(d.Name(), "."):
			return fs.SkipDir // .git, an editor's own folder
		case d.IsDir():
			return nil
		}
		if w := skipped(dir, p); w != nil {
			warnings = append(warnings, w)
		} else if path.Dir(p) == path.Clean(dir) && IsNoteName(d.Name()) {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, warnings, err
	}
	list := make([]*Note, len(paths))
	err = fileline.Each(len(paths), func(i int) error {
		data, err := fs.ReadFile(fsys, paths[i])
		if fileline.Escapes(err) {
			return fileline.Errorf(paths[i], 0, "a symbolic link out of the notebook: not read")
		}
		if err != nil {
			return err
		}
		list[i], err = Parse(paths[i], data)
		return err
	})
	if err != nil {
		return nil, warnings, err
	}
	for _, n := range list {
		if len(bytes.TrimSpace(n.Body)) == 0 {
			warnings = append(warnings, &fileline.Error{Path: n.Path, Msg: "the note is empty: its page will show only its title"})
		}
	}
	// In the order of the walk: by name, folder by folder.
	slices.SortStableFunc(warnings, func(a, b *fileline.Error) int {
		return slices.Compare(strings.Split(a.Path, "/"), strings.Split(b.Path, "/"))
	})
	slices.SortFunc(list, func(a, b *Note) int {
		return cmp.Or(a.Date.Compare(b.Date), strings.Compare(a.Path, b.Path))
	})
	return list, warnings, nil
}

// dayFirst matches a date written day first, DD-MM-YYYY, with the rest of
// a file name after it.
var dayFirst = regexp.MustCompile(`^(\d\d)-(\d\d)-(\d{4})(.*)$`)

// skipped returns a warning if the file p below dir is Markdown that Load
// does not read as a note, and nil otherwise.
func skipped(dir, p string) *fileline.Error {
	base := path.Base(p)
	ext := strings.ToLower(path.Ext(base))
	if ext != ".md" && ext != ".markdown" {
		return nil
	}
	if path.Dir(p) != path.Clean(dir) {
		return &fileline.Error{Path: p, Msg: fmt.Sprintf("not read: notes go directly in %s/, not in a folder below it", path.Clean(dir))}
	}
	if IsNoteName(base) || strings.EqualFold(base, "README.md") {
		return nil
	}
	msg := "not read: a note's file name is YYYY-MM-DD.md or YYYY-MM-DD-slug.md"
	stem := strings.TrimSuffix(base, path.Ext(base))
	if m := dayFirst.FindStringSubmatch(stem); m != nil {
		stem = m[3] + "-" + m[2] + "-" + m[1] + m[4] // 27-11-2026 is 2026-11-27
	}
	if stem+".md" != base && datePrefix.MatchString(stem) {
		msg += fmt.Sprintf("; rename it %s.md", stem)
	}
	return &fileline.Error{Path: p, Msg: msg}
}

// Parse reads one note from its file name (a slash-separated path whose base
// name is the note's name) and contents. Its error is a *fileline.Error, or
// several joined by errors.Join.
func Parse(name string, data []byte) (*Note, error) {
	date, slug, err := ParseName(path.Base(name))
	if err != nil {
		return nil, &fileline.Error{Path: name, Line: 1, Msg: err.Error(), Err: err}
	}
	if len(data) > MaxSize {
		return nil, fileline.Errorf(name, 0, "the note is %d KiB, over the %d KiB a note may be: split it into notes of a day each, or move data out of it", len(data)>>10, MaxSize>>10)
	}
	n := &Note{Path: name, Date: date, Slug: slug, Source: data, Body: data, BodyLine: 1}
	yml, body, bodyLine, found := splitFrontMatter(data)
	switch {
	case found && bodyLine == 0:
		return nil, fileline.Errorf(name, 1, "front matter is not closed by a line of three hyphens")
	case found:
		if err := n.readFrontMatter(yml, bodyLine-2); err != nil {
			return nil, err
		}
		n.Body, n.BodyLine = body, bodyLine
	}
	n.Title = cmp.Or(n.Title, firstHeading(n.Body), n.DateString())
	return n, nil
}

// keys are the front matter keys, in the order the messages list them.
var keys = []string{"title", "tags", "draft"}

// readFrontMatter decodes the front matter text, the note's lines 2 to
// last, into n's Title, Tags and Draft.
func (n *Note) readFrontMatter(text []byte, last int) error {
	// yaml counts a lone carriage return as a line break, where a note
	// counts newlines only, so a line yaml names past the front matter is
	// reported at its last.
	at := func(line int, format string, args ...any) error {
		return fileline.Errorf(n.Path, min(line, last), format, args...)
	}
	// With the line above it, yaml counts lines as the note does.
	var doc yaml.Node
	if err := yaml.Unmarshal(append([]byte("\n"), text...), &doc); err != nil {
		e := fileline.NotYAML(n.Path, 2, text, err)
		return at(e.Line, "front matter is %s", e.Msg)
	}
	if len(doc.Content) == 0 {
		return nil // only comments, or nothing at all
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return at(root.Line, "front matter must be keys and values (%s), not %s", strings.Join(keys, ", "), kind(root))
	}
	var errs []error
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		prev, twice := seen[k.Value]
		null := v.Kind == yaml.ScalarNode && v.Tag == "!!null"
		switch {
		case twice && k.Kind == yaml.ScalarNode:
			errs = append(errs, at(k.Line, "%s is given twice: first on line %d", k.Value, prev))
			continue
		case k.Kind != yaml.ScalarNode || !slices.Contains(keys, k.Value):
			errs = append(errs, at(k.Line, "unknown front matter key %q: the keys are %s", k.Value, strings.Join(keys, ", ")))
		case k.Value == "title" && v.Kind != yaml.ScalarNode:
			errs = append(errs, at(v.Line, "title: want text, not %s", kind(v)))
		case k.Value == "title" && !null:
			n.Title = strings.TrimSpace(v.Value)
		case k.Value == "draft" && (v.Kind != yaml.ScalarNode || v.Decode(&n.Draft) != nil):
			errs = append(errs, at(v.Line, "draft: want true or false, not %s", kind(v)))
		case k.Value == "tags" && !null && v.Kind != yaml.SequenceNode:
			errs = append(errs, at(v.Line, "tags: want a list, as in tags: [go, python], not %s", kind(v)))
		case k.Value == "tags":
			for _, item := range v.Content {
				if item.Kind == yaml.AliasNode {
					item = item.Alias
				}
				t := strings.ToLower(strings.TrimSpace(item.Value))
				switch {
				case item.Kind != yaml.ScalarNode:
					errs = append(errs, at(item.Line, "tag: want a word, not %s", kind(item)))
				case !tagPattern.MatchString(t):
					errs = append(errs, at(item.Line, "tag %q: a tag is lower case letters, digits and - + # .", t))
				case !slices.Contains(n.Tags, t):
					n.Tags = append(n.Tags, t)
				}
			}
		}
		seen[k.Value] = k.Line
	}
	return errors.Join(errs...)
}

// kind names a YAML node's kind for messages.
func kind(v *yaml.Node) string {
	switch v.Kind {
	case yaml.MappingNode:
		return "keys and values"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", v.Value)
	}
	return "an alias"
}

// splitFrontMatter splits "---\nyaml\n---\nbody" into the YAML (from line
// 2), the body and the line on which the body starts. found reports
// whether data opens front matter at all (a first line of three hyphens,
// after an optional byte order mark); bodyLine is 0 if it is not closed.
func splitFrontMatter(data []byte) (yml, body []byte, bodyLine int, found bool) {
	first, rest, found := bytes.Cut(bytes.TrimPrefix(data, []byte("\ufeff")), []byte("\n"))
	if !found || string(bytes.TrimSuffix(first, []byte("\r"))) != "---" {
		return nil, nil, 0, false
	}
	off, line := 0, 2
	for l := range bytes.Lines(rest) {
		if string(bytes.TrimRight(l, "\r\n")) == "---" {
			return rest[:off], rest[off+len(l):], line + 1, true
		}
		off, line = off+len(l), line+1
	}
	return nil, nil, 0, true
}

// firstHeading returns the text of the first ATX level-one heading outside a
// code fence, or "".
func firstHeading(body []byte) string {
	var fence []byte
	for l := range bytes.Lines(body) {
		t := bytes.TrimSpace(l)
		switch {
		case fence != nil:
			if bytes.HasPrefix(t, fence) {
				fence = nil
			}
		case bytes.HasPrefix(t, []byte("```")), bytes.HasPrefix(t, []byte("~~~")):
			fence = t[:3]
		case bytes.HasPrefix(t, []byte("# ")):
			return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(string(t[2:])), "#"))
		}
	}
	return ""
}
