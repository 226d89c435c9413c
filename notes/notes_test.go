package notes

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
)

func TestParse(t *testing.T) {
	src := "---\ntitle: Python notes\ntags: [Python, subprocess, python]\n---\n# 30-oct-2018\n\ntext\n"
	n, err := Parse("notes/2018-10-30-python.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2018, 10, 30, 0, 0, 0, 0, time.UTC); !n.Date.Equal(want) {
		t.Errorf("Date = %v, want %v", n.Date, want)
	}
	if n.Slug != "python" || n.Name() != "2018-10-30-python" {
		t.Errorf("Slug, Name = %q, %q", n.Slug, n.Name())
	}
	if n.Title != "Python notes" {
		t.Errorf("Title = %q", n.Title)
	}
	if strings.Join(n.Tags, ",") != "python,subprocess" {
		t.Errorf("Tags = %q, want lower case and no repeats", n.Tags)
	}
	if n.BodyLine != 5 || !strings.HasPrefix(string(n.Body), "# 30-oct-2018") {
		t.Errorf("Body starts on line %d with %q", n.BodyLine, n.Body)
	}
}

func TestTitleFallbacks(t *testing.T) {
	n, err := Parse("2018-10-30.md", []byte("```\n# not a heading\n```\n# The heading #\n"))
	if err != nil {
		t.Fatal(err)
	}
	if n.Title != "The heading" {
		t.Errorf("Title = %q, want the first level-one heading outside a fence", n.Title)
	}
	n, err = Parse("2018-10-30.md", []byte("no heading\n"))
	if err != nil {
		t.Fatal(err)
	}
	if n.Title != "2018-10-30" {
		t.Errorf("Title = %q, want the date", n.Title)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"2018-13-01.md", "", "notes/2018-13-01.md:1: the file name's date"},
		{"2018-10-30_x.md", "", "notes/2018-10-30_x.md:1: a note's file name must be"},
		{"2018-10-30.md", "---\ntitel: x\n---\n", "notes/2018-10-30.md:2: unknown front matter key \"titel\": the keys are title, tags, draft"},
		{"2018-10-30.md", "---\ntitle: x\n", "notes/2018-10-30.md:1: front matter is not closed"},
		{"2018-10-30.md", "---\ntags: [\"a b\"]\n---\n", `notes/2018-10-30.md:2: tag "a b"`},
	}
	for _, tt := range tests {
		_, err := Parse("notes/"+tt.name, []byte(tt.src))
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("Parse(%s, %q) = %v, want an error starting %q", tt.name, tt.src, err, tt.want)
		}
	}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"notes/2019-01-01.md":       {Data: []byte("# b\n")},
		"notes/2018-10-30-zeta.md":  {Data: []byte("# z\n")},
		"notes/2018-10-30-alpha.md": {Data: []byte("# a\n")},
		"notes/README.md":           {Data: []byte("not a note\n")},
	}
	list, warnings, err := Load(fsys, "notes")
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings %v, want none (README.md is the folder's own)", warnings)
	}
	var got []string
	for _, n := range list {
		got = append(got, n.Path)
	}
	want := "notes/2018-10-30-alpha.md notes/2018-10-30-zeta.md notes/2019-01-01.md"
	if strings.Join(got, " ") != want {
		t.Errorf("Load order = %v, want %s", got, want)
	}
}

// TestParseErrorsAtTheirLine checks that every mistake in front matter is
// a *fileline.Error at the line it is on, counted from the top of the note.
func TestParseErrorsAtTheirLine(t *testing.T) {
	tests := []struct {
		src  string
		line int
		msg  string
	}{
		{"---\ntitle: x\ncolour: red\n---\n", 3, `unknown front matter key "colour": the keys are title, tags, draft`},
		{"---\ntitle: x\ntags:\n  - go\n  - \"a b\"\n---\n", 5, `tag "a b": a tag is lower case letters, digits and - + # .`},
		{"---\ntags: [go, [x]]\n---\n", 2, `tag: want a word, not a list`},
		{"---\ntags: go\n---\n", 2, `tags: want a list, as in tags: [go, python], not "go"`},
		{"---\ntitle: x\n\ndraft: maybe\n---\n", 4, `draft: want true or false, not "maybe"`},
		{"---\ntitle: [a, b]\n---\n", 2, `title: want text, not a list`},
		{"---\ntitle: a\ntitle: b\n---\n", 3, `title is given twice: first on line 2`},
		{"---\n- a\n- b\n---\n", 2, `front matter must be keys and values (title, tags, draft), not a list`},
		{"---\ntitle: x\ntitle: a: b\n---\n", 3, `front matter is not valid YAML: mapping values are not allowed in this context`},
		{"---\ntitle: x\ntags: [a,\n  b\ndraft: x\n---\n", 3, ""},
		{"---\ntitle: \"open\ntags: [a]\n---\n", 2, ""},
		{"\ufeff---\r\ntitle: x\r\nbad: 1\r\n---\r\n", 3, `unknown front matter key "bad": the keys are title, tags, draft`},
	}
	for _, tt := range tests {
		_, err := Parse("notes/2018-10-30.md", []byte(tt.src))
		var fe *fileline.Error
		if !errors.As(err, &fe) {
			t.Errorf("Parse(%q) = %v, want a *fileline.Error", tt.src, err)
			continue
		}
		if fe.Path != "notes/2018-10-30.md" || fe.Line != tt.line || (tt.msg != "" && fe.Msg != tt.msg) {
			t.Errorf("Parse(%q) = %q at %s:%d, want %q at line %d", tt.src, fe.Msg, fe.Path, fe.Line, tt.msg, tt.line)
		}
	}
}

func TestParseReportsEveryMistake(t *testing.T) {
	_, err := Parse("notes/2018-10-30.md", []byte("---\ncolour: red\ntags: [ok, \"no way\"]\n---\n"))
	want := "notes/2018-10-30.md:2: unknown front matter key \"colour\": the keys are title, tags, draft\n" +
		"notes/2018-10-30.md:3: tag \"no way\": a tag is lower case letters, digits and - + # ."
	if err == nil || err.Error() != want {
		t.Errorf("Parse = %v, want\n%s", err, want)
	}
}

func TestParseEmptyFrontMatter(t *testing.T) {
	for _, src := range []string{"---\n---\n# T\n", "---\n# a comment\n---\n# T\n", "---\n~\n---\n# T\n", "---\ntitle:\ntags:\n---\n# T\n"} {
		n, err := Parse("notes/2018-10-30.md", []byte(src))
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
			continue
		}
		if n.Title != "T" || len(n.Tags) != 0 || n.Draft {
			t.Errorf("Parse(%q) = title %q, tags %q, draft %v", src, n.Title, n.Tags, n.Draft)
		}
	}
}

func TestLoadWarnings(t *testing.T) {
	fsys := fstest.MapFS{
		"notes/2019-01-01.md":          {Data: []byte("# b\n")},
		"notes/2019-01-02.md":          {Data: []byte("---\ntitle: Nothing yet\n---\n\n  \n")},
		"notes/2019-01-03.markdown":    {Data: []byte("# c\n")},
		"notes/2019-01-05.MD":          {Data: []byte("# e\n")},
		"notes/27-11-2026.md":          {Data: []byte("# f\n")},
		"notes/28-11-2026-go.md":       {Data: []byte("# g\n")},
		"notes/hello.md":               {Data: []byte("# hello\n")},
		"notes/2019/2019-01-04.md":     {Data: []byte("# d\n")},
		"notes/readme.MD":              {Data: []byte("about\n")},
		"notes/notes.go":               {Data: []byte("package notes\n")},
		"notes/.obsidian/workspace.md": {Data: []byte("x\n")},
	}
	list, warnings, err := Load(fsys, "notes")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Errorf("Load read %d notes, want 2", len(list))
	}
	var got []string
	for _, w := range warnings {
		got = append(got, w.Error())
	}
	want := []string{
		"notes/2019/2019-01-04.md: not read: notes go directly in notes/, not in a folder below it",
		"notes/2019-01-02.md: the note is empty: its page will show only its title",
		"notes/2019-01-03.markdown: not read: a note's file name is YYYY-MM-DD.md or YYYY-MM-DD-slug.md; rename it 2019-01-03.md",
		"notes/2019-01-05.MD: not read: a note's file name is YYYY-MM-DD.md or YYYY-MM-DD-slug.md; rename it 2019-01-05.md",
		"notes/27-11-2026.md: not read: a note's file name is YYYY-MM-DD.md or YYYY-MM-DD-slug.md; rename it 2026-11-27.md",
		"notes/28-11-2026-go.md: not read: a note's file name is YYYY-MM-DD.md or YYYY-MM-DD-slug.md; rename it 2026-11-28-go.md",
		"notes/hello.md: not read: a note's file name is YYYY-MM-DD.md or YYYY-MM-DD-slug.md",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoadReportsEveryNote(t *testing.T) {
	fsys := fstest.MapFS{
		"notes/2019-01-01.md":   {Data: []byte("---\ntags: [\"a b\"]\n---\n")},
		"notes/2019-01-02.md":   {Data: []byte("# fine\n")},
		"notes/2019-01-03_x.md": {Data: []byte("# misnamed\n")},
		"notes/hello.md":        {Data: []byte("# hello\n")},
	}
	list, warnings, err := Load(fsys, "notes")
	if list != nil {
		t.Errorf("Load returned %d notes with an error", len(list))
	}
	want := "notes/2019-01-01.md:2: tag \"a b\": a tag is lower case letters, digits and - + # .\n" +
		"notes/2019-01-03_x.md:1: a note's file name must be YYYY-MM-DD.md or YYYY-MM-DD-slug.md (slug: a-z, 0-9, single hyphens)"
	if err == nil || err.Error() != want {
		t.Errorf("Load error:\n%v\nwant:\n%s", err, want)
	}
	if len(warnings) != 1 || warnings[0].Path != "notes/hello.md" {
		t.Errorf("warnings %v, want one for notes/hello.md", warnings)
	}
}

func FuzzName(f *testing.F) {
	for _, s := range []string{"2018-10-30.md", "2018-10-30-python-notes.md", "2018-02-30.md", "2018-10-30-.md",
		"2018-10-30--a.md", "2018-10-30-A.md", "hello.md", "2018-10-30.markdown", "0000-01-01.md", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		date, slug, err := ParseName(name)
		if err != nil {
			if !date.IsZero() || slug != "" {
				t.Errorf("ParseName(%q) failed but returned %v, %q", name, date, slug)
			}
			return
		}
		again := date.Format(time.DateOnly)
		if slug != "" {
			again += "-" + slug
		}
		if again += ".md"; again != name {
			t.Errorf("ParseName(%q) = %v, %q, which names %q", name, date, slug, again)
		}
		if !IsNoteName(name) {
			t.Errorf("ParseName accepts %q, which IsNoteName rejects", name)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"# 30-oct-2018\n\n### 10 - various ways to use subprocess\n",
		"---\ntitle: Python notes\ntags: [Python, subprocess, python]\ndraft: false\n---\n# T\n",
		"---\ntitle: x\n",
		"---\r\ntitle: x\r\n---\r\nbody\r\n",
		"\ufeff---\n---\n",
		"---\n---",
		"---\ntags:\n  - a\n  - *x\n---\n",
		"---\na: &x [1]\ntags: *x\n---\n",
		"---\ntitle: a: b\n---\n",
		"---\n\ttitle: x\n---\n",
		"---\n[unclosed\n---\n",
		"```\n# not a title\n```\n# Title #\n",
		"---\n\r\r\r\r0\n---", // yaml counts a lone CR as a line break
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		const name = "notes/2018-10-30.md"
		n, err := Parse(name, []byte(src))
		lines := strings.Count(src, "\n") + 1
		if err != nil {
			var fe *fileline.Error
			if !errors.As(err, &fe) {
				t.Fatalf("Parse(%q) = %v, not a *fileline.Error", src, err)
			}
			if fe.Path != name || fe.Line < 1 || fe.Line > lines {
				t.Fatalf("Parse(%q): error at %s:%d, outside the note's %d lines: %v", src, fe.Path, fe.Line, lines, err)
			}
			return
		}
		if !bytes.HasSuffix(n.Source, n.Body) {
			t.Fatalf("Parse(%q): body %q is not the end of the note", src, n.Body)
		}
		head := n.Source[:len(n.Source)-len(n.Body)]
		want := bytes.Count(head, []byte("\n")) + 1
		if len(head) > 0 && !bytes.HasSuffix(head, []byte("\n")) {
			want++ // the note ends on its closing line of hyphens: the body is the (empty) line after it
		}
		if n.BodyLine != want {
			t.Fatalf("Parse(%q): BodyLine %d, but the body starts on line %d", src, n.BodyLine, want)
		}
		for i, tag := range n.Tags {
			if !tagPattern.MatchString(tag) || slices.Contains(n.Tags[:i], tag) {
				t.Fatalf("Parse(%q): bad or repeated tag %q in %q", src, tag, n.Tags)
			}
		}
		if n.Title == "" {
			t.Fatalf("Parse(%q): no title", src)
		}
	})
}

// TestTooBig checks that a note over MaxSize is an error naming it, and
// one of MaxSize is not.
func TestTooBig(t *testing.T) {
	body := strings.Repeat("x", MaxSize-len("# t\n")-1) + "\n"
	if _, err := Parse("notes/2020-01-02.md", []byte("# t\n"+body)); err != nil {
		t.Errorf("a note of MaxSize bytes: %v", err)
	}
	_, err := Parse("notes/2020-01-02.md", []byte("# t\n"+body+"x"))
	var fe *fileline.Error
	if !errors.As(err, &fe) || fe.Path != "notes/2020-01-02.md" || !strings.Contains(fe.Msg, "over the 1024 KiB a note may be") {
		t.Errorf("a note one byte over MaxSize: %v, want an error naming the note and the bound", err)
	}
}
