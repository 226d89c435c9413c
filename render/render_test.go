package render

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestParseInfo(t *testing.T) {
	tests := []struct {
		info, lang, snippet string
		bad                 bool
	}{
		{"python", "python", "", false},
		{"python {snippet=subprocess/parallel-sleep}", "python", "subprocess/parallel-sleep", false},
		{"C {snippet=gil/lock}", "C", "gil/lock", false},
		{"python {snippet=none}", "python", "none", false},
		{"{snippet=a}", "", "a", false},
		{`go {title="two words" snippet=x-1}`, "go", "x-1", false},
		{"python {snippet=Bad/ID}", "python", "", true},
		{"python {snippet}", "python", "", true},
		{"python {snippet=a", "python", "", true},
		{"css {{ title: 'globals.css' }}", "css", "", false},
		{"js {.numberLines}", "js", "", false},
		{"rust,ignore", "rust", "", false},
		{"go {linenos=table}", "go", "", false},
		{"python3", "python3", "", false},
		{"nosuchlang", "nosuchlang", "", false},
		{"{.python}", "python", "", false},
		{"css {{ title: 'globals.css' }} {snippet=a/b}", "css", "a/b", false},
		{"python {snippet=a} {snippet=b}", "python", "", true},
		{"python {snippet=none .x}", "python", "none", false},
	}
	for _, tt := range tests {
		lang, snippet, err := ParseInfo(tt.info)
		if (err != nil) != tt.bad {
			t.Errorf("ParseInfo(%q) error = %v, want error %v", tt.info, err, tt.bad)
			continue
		}
		if lang != tt.lang || (!tt.bad && snippet != tt.snippet) {
			t.Errorf("ParseInfo(%q) = %q, %q; want %q, snippet %q", tt.info, lang, snippet, tt.lang, tt.snippet)
		}
	}
}

const note = `# 30-oct-2018

### 10 - various ways to use subprocess

` + "```python {snippet=subprocess/parallel-sleep}\nprint('hi')\n```" + `

### 9 - dict comprehension, shortcut!

<script>alert(1)</script> and <b>bold</b>

` + "```C\nint x;\n```\n\n```\nplain\n```\n\n### 9 - dict comprehension, shortcut!\n"

func TestParse(t *testing.T) {
	d, err := New().Parse("notes/x.md", []byte(note), 4)
	if err != nil {
		t.Fatal(err)
	}
	var heads []string
	for _, h := range d.Headings {
		heads = append(heads, fmt.Sprintf("%d:%d:%s:%s", h.Line, h.Level, h.ID, h.Text))
	}
	want := []string{
		"4:1:30-oct-2018:30-oct-2018",
		"6:3:10-various-ways-to-use-subprocess:10 - various ways to use subprocess",
		"12:3:9-dict-comprehension-shortcut:9 - dict comprehension, shortcut!",
		"24:3:9-dict-comprehension-shortcut-2:9 - dict comprehension, shortcut!",
	}
	if strings.Join(heads, "\n") != strings.Join(want, "\n") {
		t.Errorf("headings:\n%s\nwant:\n%s", strings.Join(heads, "\n"), strings.Join(want, "\n"))
	}
	var blocks []string
	for _, b := range d.Blocks {
		blocks = append(blocks, fmt.Sprintf("%d:%s:%s:%q", b.Line, b.Lang, b.Snippet, b.Code))
	}
	wantBlocks := []string{
		`8:python:subprocess/parallel-sleep:"print('hi')\n"`,
		`16:C::"int x;\n"`,
		`20:::"plain\n"`,
	}
	if strings.Join(blocks, "\n") != strings.Join(wantBlocks, "\n") {
		t.Errorf("blocks:\n%s\nwant:\n%s", strings.Join(blocks, "\n"), strings.Join(wantBlocks, "\n"))
	}
}

func TestParseBadAttribute(t *testing.T) {
	_, err := New().Parse("notes/x.md", []byte("text\n\n```python {snippet=Nope}\nx\n```\n"), 1)
	if err == nil || !strings.HasPrefix(err.Error(), `notes/x.md:3: snippet id "Nope"`) {
		t.Errorf("err = %v, want one at notes/x.md:3", err)
	}
}

func TestHTML(t *testing.T) {
	md := New()
	d, err := md.Parse("notes/x.md", []byte(note), 1)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = d.Render(&buf, Options{Figure: func(w io.Writer, b *Block) error {
		_, err := fmt.Fprintf(w, "<figure data-line=%d>%s</figure>\n", b.Line, md.Code(b.Lang, b.Code))
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	for _, want := range []string{
		`<h3 id="10-various-ways-to-use-subprocess">10 - various ways to use subprocess <a class="anchor" href="#10-various-ways-to-use-subprocess" aria-label="Link to 10 - various ways to use subprocess">#</a></h3>`,
		`&lt;script&gt;alert(1)&lt;/script&gt;`,
		`&lt;b&gt;bold&lt;/b&gt;`,
		`<figure data-line=5>`,
		`<span class="hl-nb">print</span>`,
		`<span class="hl-kt">int</span>`,
		"plain\n",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, "<b>") {
		t.Errorf("raw HTML from the note reached the page:\n%s", html)
	}
}

func TestCodeUnknownLanguage(t *testing.T) {
	got := string(New().Code("no-such-language", "a < b\n"))
	if !strings.Contains(got, "a &lt; b") {
		t.Errorf("Code for an unknown language = %q, want the text escaped", got)
	}
}

// TestRenderConcurrent renders one Doc from many goroutines, with
// different options, through one Markdown, as a build does; run it with
// -race.
func TestRenderConcurrent(t *testing.T) {
	md := New()
	d, err := md.Parse("notes/x.md", []byte(note), 1)
	if err != nil {
		t.Fatal(err)
	}
	var want [2]bytes.Buffer
	for i := range want {
		if err := d.Render(&want[i], Options{NoAnchors: i == 1}); err != nil {
			t.Fatal(err)
		}
	}
	if bytes.Equal(want[0].Bytes(), want[1].Bytes()) {
		t.Fatal("NoAnchors changed nothing")
	}
	got := make([]bytes.Buffer, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			if err := d.Render(&got[i], Options{NoAnchors: i%2 == 1}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	for i := range got {
		if !bytes.Equal(got[i].Bytes(), want[i%2].Bytes()) {
			t.Errorf("render %d differs from the same render done alone:\n%s", i, got[i].String())
		}
	}
}

// TestSectionEnd checks that SectionEnd is called at the end of every
// section a heading opens, the last one included, in order.
func TestSectionEnd(t *testing.T) {
	src := "# Title\n\nintro\n\n### 2 - two\n\ntext\n\n### 1 - one\n\n```go\nx\n```\n"
	d, err := New().Parse("notes/2020-01-01.md", []byte(src), 1)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	err = d.Render(&b, Options{SectionEnd: func(w io.Writer, h *Heading) error {
		_, err := fmt.Fprintf(w, "<end of %s>\n", h.ID)
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := b.String()
	ends := regexp.MustCompile(`<end of [^>]*>`).FindAllString(got, -1)
	want := []string{"<end of title>", "<end of 2-two>", "<end of 1-one>"}
	if !slices.Equal(ends, want) {
		t.Fatalf("section ends %q, want %q in:\n%s", ends, want, got)
	}
	if i, j := strings.Index(got, "<end of 2-two>"), strings.Index(got, `<h3 id="1-one"`); i < 0 || j < i {
		t.Errorf("the end of 2-two is not before the next heading:\n%s", got)
	}
	if !strings.HasSuffix(got, "<end of 1-one>\n") {
		t.Errorf("the last section's end is not at the end:\n%s", got)
	}
}

// TestRenderAgain checks that Render, which parses the note again each
// time, hands the figures and SectionEnd the Doc's own blocks and
// headings, and writes the same HTML every time.
func TestRenderAgain(t *testing.T) {
	doc, err := New().Parse("notes/2018-10-30.md", []byte(note), 1)
	if err != nil {
		t.Fatal(err)
	}
	render := func() (string, []*Block, []*Heading) {
		var blocks []*Block
		var headings []*Heading
		var b bytes.Buffer
		err := doc.Render(&b, Options{
			Figure: func(w io.Writer, blk *Block) error {
				blocks = append(blocks, blk)
				_, err := fmt.Fprintf(w, "<figure>%d</figure>", blk.Index)
				return err
			},
			SectionEnd: func(w io.Writer, h *Heading) error {
				headings = append(headings, h)
				return nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return b.String(), blocks, headings
	}
	want, _, _ := render()
	for range 2 {
		got, blocks, headings := render()
		if got != want {
			t.Errorf("Render gave\n%s\nthen\n%s", got, want)
		}
		if !slices.Equal(blocks, doc.Blocks) {
			t.Errorf("the figures got blocks %v, want the Doc's own %v", blocks, doc.Blocks)
		}
		if !slices.Equal(headings, doc.Headings) {
			t.Errorf("SectionEnd got headings %v, want the Doc's own %v", headings, doc.Headings)
		}
	}
}

// TestRenderTooDeep checks that a note refused as too deep is not parsed
// when rendered either.
func TestRenderTooDeep(t *testing.T) {
	body := "```go\nx\n```\n\n# Deep\n\n" + strings.Repeat(">", MaxQuotes+1) + " deep\n"
	doc, err := New().Parse("notes/x.md", []byte(body), 1)
	if err == nil {
		t.Fatal("Parse of a note too deep: no error")
	}
	var b bytes.Buffer
	if err := doc.Render(&b, Options{}); err != nil || b.Len() > 0 {
		t.Errorf("Render of a note too deep wrote %q, %v; want nothing", b.String(), err)
	}
}
