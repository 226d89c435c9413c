// Package notes reads the dated notes of a notebook.
//
// # Files
//
// A note is a Markdown file directly in the notes folder whose name is
// YYYY-MM-DD.md or YYYY-MM-DD-slug.md. The date comes from the file name and
// must be a real day; the slug, when present, is lower case letters, digits
// and single hyphens. Files that are not Markdown (the package's own Go
// files, images) are not notes and are passed over without a word.
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
// draft (a draft is checked but left out of the built site). A tag is
// lower-cased; it is then lower case letters, digits and - + # . and starts
// with a letter or digit. Repeated tags count once.
//
// The body is everything after the front matter. Line numbers reported for a
// note always count from the first line of the file.
//
// # Errors and warnings
//
// A note is at most MaxSize bytes. An error is a mistake that would publish something other than what the
// author meant; Load reports every one of them (not only the first) and
// returns no notes. Each is a *fileline.Error naming the file and, where
// there is one, the line:
//
//   - a file whose name starts with a date and ends in .md but is not a
//     note's name (2018-10-30_x.md), or whose date is not a real day
//     (2018-13-01.md): at line 1;
//   - front matter that is opened but never closed: at line 1;
//   - front matter that is not YAML: at the first line from which it can no
//     longer be read as YAML;
//   - front matter that is not a mapping, an unknown key (the message lists
//     the keys that exist), a key given twice, a title that is not text,
//     tags that are not a list, a tag that is not a tag, a draft that is
//     not true or false: each at its own line.
//
// A warning is something the author most likely did not mean but that
// publishes nothing wrong; Load returns the warnings beside the notes and
// does not fail. Each is a *fileline.Error too:
//
//   - a Markdown file (.md or .markdown) in the notes folder that is not a
//     note, such as hello.md or 2018-10-30.markdown, and any Markdown file
//     in a folder below it: such a file is not published. README.md (in
//     any case) is the folder's own documentation and is not warned about;
//   - a note with nothing but white space after its front matter: it is
//     published as a page with only its title.
package notes

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gonotebook/notebook/internal/yamlline"

	"go.yaml.in/yaml/v3"

	"github.com/gonotebook/notebook/internal/fileline"
)

// MaxSize bounds a note's file, in bytes: a note over it is an error.
// Rendering grows faster than a note's size, and no day's notes come near
// it.
const MaxSize = 1 << 20

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
	// The warnings come in the order of the walk; a note's own (it is
	// empty) is known once it is parsed, into its slot.
	var (
		paths []string
		slots []*fileline.Error
		index []int // of each note's slot
	)
	warnings := func() []*fileline.Error {
		return slices.DeleteFunc(slots, func(w *fileline.Error) bool { return w == nil })
	}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return fs.SkipDir // .git, an editor's own folder
			}
			return nil
		}
		if w := skipped(dir, p); w != nil {
			slots = append(slots, w)
			return nil
		}
		if path.Dir(p) == path.Clean(dir) && IsNoteName(d.Name()) {
			paths, index = append(paths, p), append(index, len(slots))
			slots = append(slots, nil)
		}
		return nil
	})
	if err != nil {
		return nil, warnings(), err
	}
	// Reading and parsing are most of the work: on every core.
	list := make([]*Note, len(paths))
	readErrs := make([]error, len(paths))
	errs := make([]error, len(paths)) // the author's mistakes
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(len(paths), runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range next {
				data, err := fs.ReadFile(fsys, paths[i])
				if fileline.Escapes(err) {
					errs[i] = fileline.Errorf(paths[i], 0, "a symbolic link out of the notebook: not read")
					continue
				}
				if err != nil {
					readErrs[i] = err
					continue
				}
				list[i], errs[i] = Parse(paths[i], data)
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(readErrs...); err != nil {
		return nil, warnings(), err
	}
	if err := errors.Join(errs...); err != nil {
		return nil, warnings(), err
	}
	for i, n := range list {
		if len(bytes.TrimSpace(n.Body)) == 0 {
			slots[index[i]] = &fileline.Error{Path: n.Path, Msg: "the note is empty: its page will show only its title"}
		}
	}
	slices.SortFunc(list, func(a, b *Note) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return list, warnings(), nil
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

	fm, ok := splitFrontMatter(data)
	switch {
	case ok && !fm.closed:
		return nil, fileline.Errorf(name, 1, "front matter is not closed by a line of three hyphens")
	case ok:
		if err := n.readFrontMatter(fm.yaml, fm.line); err != nil {
			clampLines(err, fm.line, fm.bodyLine-1)
			return nil, err
		}
		n.Body, n.BodyLine = fm.body, fm.bodyLine
	}
	if n.Title == "" {
		n.Title = firstHeading(n.Body)
	}
	if n.Title == "" {
		n.Title = n.DateString()
	}
	return n, nil
}

// keys are the front matter keys, in the order the messages list them.
var keys = []string{"title", "tags", "draft"}

// readFrontMatter decodes the front matter text, whose first line is line
// first of the note, into n's Title, Tags and Draft.
func (n *Note) readFrontMatter(text []byte, first int) error {
	// Padding the text with the lines above it makes yaml count lines as
	// the note does, both in the nodes' Line and in its own messages.
	padded := append(bytes.Repeat([]byte("\n"), first-1), text...)
	var doc yaml.Node
	if err := yaml.Unmarshal(padded, &doc); err != nil {
		// yaml.v3 reports a syntax error as text only, with no typed
		// position. Rather than read the line back out of the message,
		// report it at the first line from which the front matter stops
		// being YAML: the error's own line, or, when a quote or bracket is
		// left open, the line that opened it. yaml's message is kept
		// whole; thanks to the padding, the line it names counts from the
		// top of the note too.
		return fileline.Errorf(n.Path, first+yamlline.BadLine(text)-1, "front matter is not valid YAML: %s", yamlline.Message(err))
	}
	if len(doc.Content) == 0 {
		return nil // only comments, or nothing at all
	}
	root := doc.Content[0]
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return fileline.Errorf(n.Path, root.Line, "front matter must be keys and values (%s), not %s", strings.Join(keys, ", "), kind(root))
	}
	var errs []error
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if prev, ok := seen[k.Value]; ok && k.Kind == yaml.ScalarNode {
			errs = append(errs, fileline.Errorf(n.Path, k.Line, "%s is given twice: first on line %d", k.Value, prev))
			continue
		}
		seen[k.Value] = k.Line
		if err := n.setKey(k, v); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// setKey sets the field that key k names to the value v.
func (n *Note) setKey(k, v *yaml.Node) error {
	if k.Kind != yaml.ScalarNode || !slices.Contains(keys, k.Value) {
		return fileline.Errorf(n.Path, k.Line, "unknown front matter key %q: the keys are %s", k.Value, strings.Join(keys, ", "))
	}
	if v.Kind == yaml.AliasNode {
		v = v.Alias
	}
	switch k.Value {
	case "title":
		if v.Kind != yaml.ScalarNode {
			return fileline.Errorf(n.Path, v.Line, "title: want text, not %s", kind(v))
		}
		if v.Tag != "!!null" {
			n.Title = strings.TrimSpace(v.Value)
		}
	case "tags":
		return n.setTags(v)
	case "draft":
		if err := v.Decode(&n.Draft); err != nil || v.Kind != yaml.ScalarNode {
			return fileline.Errorf(n.Path, v.Line, "draft: want true or false, not %s", kind(v))
		}
	}
	return nil
}

// setTags reads the tags' value: a list of tags, or nothing.
func (n *Note) setTags(v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		return fileline.Errorf(n.Path, v.Line, "tags: want a list, as in tags: [go, python], not %s", kind(v))
	}
	var errs []error
	for _, item := range v.Content {
		if item.Kind == yaml.AliasNode {
			item = item.Alias
		}
		if item.Kind != yaml.ScalarNode {
			errs = append(errs, fileline.Errorf(n.Path, item.Line, "tag: want a word, not %s", kind(item)))
			continue
		}
		t := strings.ToLower(strings.TrimSpace(item.Value))
		if !tagPattern.MatchString(t) {
			errs = append(errs, fileline.Errorf(n.Path, item.Line, "tag %q: a tag is lower case letters, digits and - + # .", t))
			continue
		}
		if !slices.Contains(n.Tags, t) {
			n.Tags = append(n.Tags, t)
		}
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

// clampLines keeps the lines of the *fileline.Errors in err within lo..hi,
// the lines of the front matter. yaml counts a lone carriage return as a
// line break, while a note's lines are counted by newlines, so a line yaml
// names can lie past the front matter; it is reported at the front
// matter's last line instead.
func clampLines(err error, lo, hi int) {
	var fe *fileline.Error
	if errors.As(err, &fe) {
		fe.Line = min(max(fe.Line, lo), hi)
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			clampLines(e, lo, hi)
		}
	}
}

// frontMatter is the front matter of a note, split from its body.
type frontMatter struct {
	yaml     []byte // the YAML text, without the lines of hyphens
	line     int    // the 1-based line on which yaml starts
	closed   bool   // whether a closing line of hyphens was found
	body     []byte // what follows the closing line
	bodyLine int    // the 1-based line on which body starts
}

// splitFrontMatter splits "---\nyaml\n---\nbody" into its parts. ok reports
// whether data opens front matter at all (a first line of three hyphens,
// after an optional byte order mark); fm.closed whether it is closed.
func splitFrontMatter(data []byte) (fm frontMatter, ok bool) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !bytes.HasPrefix(data, []byte("---\n")) && !bytes.HasPrefix(data, []byte("---\r\n")) {
		return frontMatter{}, false
	}
	rest := data[bytes.IndexByte(data, '\n')+1:]
	fm.line = 2
	line := fm.line
	for off := 0; off < len(rest); line++ {
		var l []byte
		next := len(rest)
		if end := bytes.IndexByte(rest[off:], '\n'); end >= 0 {
			l, next = rest[off:off+end], off+end+1
		} else {
			l = rest[off:]
		}
		if string(bytes.TrimRight(l, "\r")) == "---" {
			fm.yaml, fm.closed, fm.body, fm.bodyLine = rest[:off], true, rest[next:], line+1
			return fm, true
		}
		off = next
	}
	return fm, true
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
