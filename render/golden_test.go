package render

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata from the output")

// TestGolden runs every case in testdata/*.txtar, each a subtest named by
// its file. A case is a txtar archive:
//
//	what the case is about
//	options: NoAnchors NoTitle   (optional: the render Options set)
//	first-line: 4                (optional: the file line note.md starts on)
//	-- note.md --
//	the note's body
//	-- html --
//	the reviewed HTML, every block written by goldenFigure
//	-- doc --
//	what Parse collected: errors, warnings, headings, blocks, sections
//
// go test ./render -update rewrites html and doc from the output.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden cases in testdata")
	}
	md := New()
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			opts, firstLine, err := caseHeader(a.Comment)
			if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			src, ok := section(a, "note.md")
			if !ok {
				t.Fatalf("%s: no note.md", file)
			}
			d, parseErr := md.Parse("notes/case.md", src, firstLine)
			opts.Figure = goldenFigure(md)
			var page bytes.Buffer
			if err := d.Render(&page, opts); err != nil {
				t.Fatalf("Render: %v", err)
			}
			got := map[string][]byte{"html": page.Bytes(), "doc": []byte(describeDoc(d, parseErr))}
			if *update {
				for _, name := range []string{"html", "doc"} {
					setSection(a, name, got[name])
				}
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, name := range []string{"html", "doc"} {
				want, ok := section(a, name)
				if !ok {
					t.Errorf("%s: no %s section (go test ./render -update writes it)", file, name)
					continue
				}
				if !bytes.Equal(got[name], want) {
					t.Errorf("%s: %s differs (go test ./render -run 'TestGolden/%s' -update rewrites it)\n--- got:\n%s\n--- want:\n%s",
						file, name, t.Name()[len("TestGolden/"):], got[name], want)
				}
			}
		})
	}
}

// caseHeader reads a case's comment: its render options and first line.
// Other lines of the comment say what the case is about.
func caseHeader(comment []byte) (opts Options, firstLine int, err error) {
	firstLine = 1
	for line := range strings.Lines(string(comment)) {
		key, value, _ := strings.Cut(strings.TrimSpace(line), ":")
		value = strings.TrimSpace(value)
		switch key {
		case "options":
			for _, o := range strings.Fields(value) {
				switch o {
				case "NoAnchors":
					opts.NoAnchors = true
				case "NoTitle":
					opts.NoTitle = true
				default:
					return opts, 0, fmt.Errorf("unknown option %q", o)
				}
			}
		case "first-line":
			if firstLine, err = strconv.Atoi(value); err != nil {
				return opts, 0, err
			}
		}
	}
	return opts, firstLine, nil
}

func section(a *txtar.Archive, name string) ([]byte, bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

func setSection(a *txtar.Archive, name string, data []byte) {
	for i := range a.Files {
		if a.Files[i].Name == name {
			a.Files[i].Data = data
			return
		}
	}
	a.Files = append(a.Files, txtar.File{Name: name, Data: data})
}

// goldenFigure writes a block as a figure that shows what the page's
// figure template is given: its line, language and snippet.
func goldenFigure(md *Markdown) FigureFunc {
	return func(w io.Writer, b *Block) error {
		_, err := fmt.Fprintf(w, "<figure data-line=\"%d\" data-lang=\"%s\" data-snippet=\"%s\" data-linked=\"%t\">\n%s</figure>\n",
			b.Line, html.EscapeString(b.Lang), html.EscapeString(b.Snippet), b.Linked(), md.Code(b.Lang, b.Code))
		return err
	}
}

// describeDoc lists what Parse collected, one item a line.
func describeDoc(d *Doc, err error) string {
	var b strings.Builder
	if err != nil {
		var errs interface{ Unwrap() []error }
		list := []error{err}
		if errors.As(err, &errs) {
			list = errs.Unwrap()
		}
		for _, e := range list {
			fmt.Fprintf(&b, "error %v\n", e)
		}
	}
	for _, w := range d.Warnings {
		fmt.Fprintf(&b, "warning %v\n", w)
	}
	if t := d.Title(); t != nil {
		fmt.Fprintf(&b, "title #%s\n", t.ID)
	}
	for _, h := range d.Headings {
		fmt.Fprintf(&b, "heading line=%d level=%d #%s %q\n", h.Line, h.Level, h.ID, h.Text)
	}
	for _, bl := range d.Blocks {
		fmt.Fprintf(&b, "block %d line=%d lang=%q snippet=%q linked=%t code=%q\n", bl.Index, bl.Line, bl.Lang, bl.Snippet, bl.Linked(), bl.Code)
	}
	for _, s := range d.Sections {
		id := "-"
		if s.Heading != nil {
			id = "#" + s.Heading.ID
		}
		var blocks []string
		for _, bl := range s.Blocks {
			blocks = append(blocks, strconv.Itoa(bl.Index))
		}
		fmt.Fprintf(&b, "section %s blocks=[%s] text=%q\n", id, strings.Join(blocks, " "), s.Text)
	}
	return b.String()
}
