package notes

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"
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
		{"2018-10-30.md", "---\ntitel: x\n---\n", "notes/2018-10-30.md: front matter: yaml: unmarshal errors:\n  line 2: field titel not found"},
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
	list, err := Load(fsys, "notes")
	if err != nil {
		t.Fatal(err)
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
