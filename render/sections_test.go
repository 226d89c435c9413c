package render

import (
	"reflect"
	"strings"
	"testing"
)

const sample = "# Day\n\nIntro with `code` and <b>raw</b>.\n\n" +
	"### 1 - first entry\n\nSome *prose*.\n\n```python {snippet=a/b}\nprint(1)\n```\n\n- a list item\n\n" +
	"### 2 - second & <last>\n\n```sh\necho\n```\n"

func TestHeadingAnchors(t *testing.T) {
	d, err := New().Parse("notes/2020-01-01.md", []byte(sample), 1)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := d.Render(&b, Options{}); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{
		`<h1 id="day">Day <a class="anchor" href="#day" aria-label="Link to Day">#</a></h1>`,
		`<h3 id="1-first-entry">1 - first entry <a class="anchor" href="#1-first-entry" aria-label="Link to 1 - first entry">#</a></h3>`,
		`<h3 id="2-second-last">2 - second &amp; &lt;last&gt; <a class="anchor" href="#2-second-last" aria-label="Link to 2 - second &amp; &lt;last&gt;">#</a></h3>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("HTML lacks\n\t%s\ngot:\n%s", want, html)
		}
	}
}

func TestSections(t *testing.T) {
	d, err := New().Parse("notes/2020-01-01.md", []byte(sample), 1)
	if err != nil {
		t.Fatal(err)
	}
	type sec struct {
		Heading, Text string
		Blocks        []string
	}
	var got []sec
	for _, s := range d.Sections {
		g := sec{Text: s.Text}
		if s.Heading != nil {
			g.Heading = s.Heading.ID
		}
		for _, b := range s.Blocks {
			g.Blocks = append(g.Blocks, b.Lang)
		}
		got = append(got, g)
	}
	want := []sec{
		{Heading: "day", Text: "Intro with code and <b>raw</b>."},
		{Heading: "1-first-entry", Text: "Some prose. a list item", Blocks: []string{"python"}},
		{Heading: "2-second-last", Blocks: []string{"sh"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Sections:\n got %+v\nwant %+v", got, want)
	}
}

func TestLanguageName(t *testing.T) {
	for lang, want := range map[string]string{"python": "Python", "Go": "Go", "": "Text", "no-such-language": "Text"} {
		if got := New().LanguageName(lang); got != want {
			t.Errorf("LanguageName(%q) = %q, want %q", lang, got, want)
		}
	}
}
