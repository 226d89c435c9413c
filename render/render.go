// Package render turns one note's Markdown into HTML.
//
// # Where a note becomes HTML
//
// New makes a Markdown, one per build and safe for concurrent use: the
// goldmark instance and the chroma lexers it has looked up. Its Parse
// reads a note into a Doc, whose blocks, headings (with their anchors and
// lines) and sections this package's AST transformer collects as goldmark
// parses; the Doc keeps these rather than goldmark's tree, many times the
// note's size, and Save and Restore keep them between builds. Doc.Render
// parses the body again and writes it through this package's node
// renderer as its Options say; a Doc can be rendered many times, at once.
//
// # Markdown
//
// Notes are GitHub-flavoured Markdown (tables, strikethrough, autolinks, task
// lists), parsed by goldmark. Raw HTML in a note is shown as text, never
// passed through: everything a note contains is escaped. Link targets with
// dangerous schemes (javascript: and the like) are dropped.
//
// # Headings
//
// Every heading gets an id made from its text: lower case, letters and
// digits kept, every other run of characters a single hyphen, so
// "### 10 - various ways to use subprocess" becomes
// "10-various-ways-to-use-subprocess". A repeated id gets "-2", "-3", in
// order. The ids depend only on the headings, so they stay stable as prose
// around them changes. Each heading ends with a link to itself (an element
// <a class="anchor">), so a reader can copy the address of an entry;
// Options.NoAnchors leaves these links out (for a feed).
//
// # Fenced code blocks
//
// A fence's info string is read once, by ParseInfo, as
//
//	info  = [word] { other | attrs }
//	word  = the first run of characters up to white space, "{" or the end
//	lang  = word up to its first ",", so "rust,ignore" is Rust
//	attrs = "{" ... "}", braces balanced: Pandoc attributes, separated by
//	        white space: key=value, key="quoted value", .class or #id
//
// so that ```python {snippet=subprocess/parallel-sleep} is a Python block
// linked to the snippet subprocess/parallel-sleep. The snippet attribute
// links the block to its Go equivalent; snippet=none says that the block
// has none on purpose. A block without the attribute is unlinked. With no
// word, the first class is the language: ```{.python}. A "{" that never
// closes is other text, unless no "{" follows it: then the attribute block
// runs to the end of the info string.
//
// Only an attribute block that names snippet is held to this grammar. Such
// a block must close, hold nothing but well-formed attributes, and give a
// snippet id that snippets.CheckID accepts, or none; anything else is an
// error at the fence's line. Every other info string renders, whatever it
// holds: ```css {{ title: 'globals.css' }}, ```js {.numberLines},
// ```rust,ignore, ```go {linenos=table} are CSS, JavaScript, Rust and Go
// blocks, and what the grammar cannot read is ignored.
//
// Every block is highlighted by chroma with CSS classes (see CSS); a
// missing language is shown as plain text, and so is a language chroma
// does not know, with a warning.
//
// # Errors and warnings
//
// Parse returns every error of a note at once, each a *fileline.Error
// naming the note's file and the fence's line; the Doc is still returned.
// A note nested deeper than any note needs (a line that opens with more
// than MaxQuotes quote marks or MaxIndent columns of indentation) is an
// error at that line, and is neither parsed nor rendered. Warnings
// (Doc.Warnings, also *fileline.Error) never stop a build: a language
// chroma does not know, and a fence never closed that swallows another
// fence or, running on to the end of the note, its headings.
package render

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A Markdown parses notes and highlights code. Make one with New for a
// whole build and use it from any number of goroutines.
type Markdown struct {
	gm     goldmark.Markdown
	lexers sync.Map // lower-case language → chroma.Lexer, nil if chroma knows none

	mu sync.Mutex
	// used and kept, if not nil, hold what Code returned since the last
	// call of Again and before it (see Again).
	used, kept map[[2]string]template.HTML
}

// Again tells m that the same notes are rendered again, as a server does
// after each edit: from then on, Code returns what it returned since the
// previous call of Again, or before it, for the same language and code,
// without highlighting it afresh. What went unused since the previous
// call is forgotten.
func (m *Markdown) Again() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.kept, m.used = m.used, map[[2]string]template.HTML{}
}

// New returns a Markdown: goldmark with GitHub-flavoured Markdown and this
// package's transformer and node renderer, configured here and nowhere else.
func New() *Markdown {
	return &Markdown{
		gm: goldmark.New(
			goldmark.WithExtensions(extension.GFM),
			goldmark.WithParserOptions(parser.WithAutoHeadingID(),
				parser.WithASTTransformers(util.Prioritized(transformer{}, 100))),
			goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(nodeRenderer{}, 100))),
		),
	}
}

// A Block is one fenced code block of a note.
type Block struct {
	Line    int    // 1-based line of the opening fence in the note's file
	Lang    string // the language (see ParseInfo), or ""
	Code    string // the contents
	Snippet string // the snippet attribute: an id, "none", or "" if unlinked
	Index   int    // counts the note's fenced blocks from 0
}

// Linked reports whether the block names a snippet (not "none").
func (b *Block) Linked() bool { return b.Snippet != "" && b.Snippet != "none" }

// A Heading is one heading of a note.
type Heading struct {
	Level int
	Text  string // the heading as plain text
	ID    string // its anchor
	Line  int    // 1-based line in the note's file
}

// A Section is the part of a note that starts at a heading and runs to the
// next heading of any level. A note's first section has no heading when
// prose or code comes before the first heading. Search indexes and tables
// of contents are made from them.
type Section struct {
	Heading *Heading // opens the section; nil for text before the first heading
	// Text is the section's prose as plain text: paragraphs, lists and
	// quotes, without the code blocks, joined by single spaces.
	Text   string
	Blocks []*Block // the section's fenced code blocks, in order
}

// A Doc is a parsed note.
type Doc struct {
	// Path names the note in errors.
	Path     string
	Blocks   []*Block
	Headings []*Heading
	// Sections splits the note at its headings, in order.
	Sections []*Section
	// Warnings are problems that do not stop a build, each at its line.
	Warnings []*fileline.Error

	md        *Markdown
	source    []byte
	firstLine int
	title     *Heading
	errs      []error
}

// Parse parses a note body. path names the note in errors and firstLine is
// the line of the file on which body starts (after any front matter), so
// that every line number refers to the file. On an error in the note the
// Doc is returned too, with the error (see the package documentation).
func (m *Markdown) Parse(path string, body []byte, firstLine int) (*Doc, error) {
	d := &Doc{Path: path, md: m, source: body, firstLine: firstLine}
	if err := tooDeep(path, body, firstLine); err != nil {
		return d, err
	}
	m.parse(d)
	err := errors.Join(d.errs...)
	d.errs = nil
	return d, err
}

// parse parses d's body into a tree, filling in d as it goes.
func (m *Markdown) parse(d *Doc) ast.Node {
	ctx := parser.NewContext(parser.WithIDs(&ids{used: map[string]bool{}}))
	ctx.Set(docKey, d)
	return m.gm.Parser().Parse(text.NewReader(d.source), parser.WithContext(ctx))
}

// Title returns the level-one heading that opens the note, before any
// other content, or nil if the note does not start with one.
func (d *Doc) Title() *Heading { return d.title }

// A FigureFunc writes the HTML for one fenced block. Render calls it for
// every fenced block of the note, in order.
type FigureFunc func(w io.Writer, b *Block) error

// Options say how Render writes a note.
type Options struct {
	// Figure writes each fenced block; if nil, a block is written as
	// highlighted code (see Markdown.Code).
	Figure FigureFunc
	// NoTitle leaves out the title heading (see Doc.Title), for pages that
	// show the title themselves.
	NoTitle bool
	// NoAnchors leaves out the link to itself at the end of each heading,
	// for readers, such as feed readers, that would show it as a stray "#".
	NoAnchors bool
	// SectionEnd, if set, is called at the end of each section that a
	// heading opens (before the next heading, or at the end of the note),
	// to write what belongs at the end of that entry.
	SectionEnd func(w io.Writer, h *Heading) error
}

// Render writes the note's HTML to w as opts say. It parses the body
// again: the tree's figures and headings are the Doc's, in order.
func (d *Doc) Render(w io.Writer, opts Options) error {
	if tooDeep(d.Path, d.source, d.firstLine) != nil {
		return nil // refused by Parse, so not parsed here either
	}
	if opts.Figure == nil {
		opts.Figure = func(w io.Writer, b *Block) error {
			_, err := io.WriteString(w, string(d.md.Code(b.Lang, b.Code)))
			return err
		}
	}
	root := d.md.parse(&Doc{Path: d.Path, md: d.md, source: d.source, firstLine: d.firstLine})
	bw := &writer{Writer: bufio.NewWriter(w), doc: d, opts: opts}
	if err := d.md.gm.Renderer().Render(bw, d.source, root); err != nil {
		return err
	}
	if opts.SectionEnd == nil || bw.section == nil {
		return nil
	}
	if err := opts.SectionEnd(bw, bw.section); err != nil {
		return err
	}
	return bw.Flush()
}

// Bounds of nesting: Markdown nested deeper takes time that grows faster
// than its size to parse (200,000 ">" on one line, half a minute), and no
// note needs it.
const (
	MaxQuotes = 64  // ">" that open a line
	MaxIndent = 256 // columns of white space that open a line, a tab 4
)

// tooDeep returns an error at the first line of body that opens with more
// than MaxQuotes quote marks or MaxIndent columns of indentation, or nil.
func tooDeep(path string, body []byte, firstLine int) error {
	for i, line := range bytes.Split(body, []byte("\n")) {
		prefix := line[:len(line)-len(bytes.TrimLeft(line, " \t>"))]
		quotes := bytes.Count(prefix, []byte(">"))
		if cols := len(prefix) - quotes + 3*bytes.Count(prefix, []byte("\t")); quotes > MaxQuotes || cols > MaxIndent {
			return fileline.Errorf(path, firstLine+i, "nested too deeply: a line may open with at most %d quote marks and %d columns of indentation", MaxQuotes, MaxIndent)
		}
	}
	return nil
}

// nonWord is a run of characters that are neither letters nor digits.
var nonWord = regexp.MustCompile(`[^\p{L}\p{Nd}]+`)

// Slug makes an anchor from heading text: lower case letters and digits
// kept, every other run of characters one hyphen, no hyphen at either end.
func Slug(s string) string {
	if slug := strings.Trim(nonWord.ReplaceAllString(strings.ToLower(s), "-"), "-"); slug != "" {
		return slug
	}
	return "section"
}

// ids implements parser.IDs with Slug, numbering repeats. One serves one
// document.
type ids struct{ used map[string]bool }

func (s *ids) Generate(value []byte, _ ast.NodeKind) []byte {
	base := Slug(string(value))
	id := base
	for i := 2; s.used[id]; i++ {
		id = fmt.Sprintf("%s-%d", base, i)
	}
	s.used[id] = true
	return []byte(id)
}

func (s *ids) Put(value []byte) { s.used[string(value)] = true }

// lineStarts returns the offset of the start of every line of src.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}
