package corpus

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gonotebook/notebook/notes"
)

// generate runs Generate into a map of file names to contents.
func generate(t *testing.T, o Options) (map[string][]byte, Stats) {
	t.Helper()
	files := map[string][]byte{}
	st, err := Generate(o, func(name string, data []byte) error {
		if _, dup := files[name]; dup {
			return fmt.Errorf("%s written twice", name)
		}
		files[name] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, st
}

func TestDeterministic(t *testing.T) {
	o := Options{Notes: 150, Seed: 7, Snippets: 2}
	a, _ := generate(t, o)
	b, _ := generate(t, o)
	if !maps.EqualFunc(a, b, bytes.Equal) {
		t.Fatal("the same options gave different files")
	}
	o.Seed = 8
	c, _ := generate(t, o)
	if maps.EqualFunc(a, c, bytes.Equal) {
		t.Fatal("another seed gave the same files")
	}
}

func TestNotesParse(t *testing.T) {
	files, st := generate(t, Options{Notes: 400, Seed: 1})
	if st.Notes != 400 {
		t.Errorf("Stats.Notes = %d, want 400", st.Notes)
	}
	var sizes []int
	drafts, tagged, titled := 0, 0, 0
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data := files[name]
		if !utf8.Valid(data) {
			t.Errorf("%s is not valid UTF-8", name)
		}
		if !strings.HasPrefix(name, "notes/") {
			continue
		}
		n, err := notes.Parse(name, data)
		if err != nil {
			t.Fatalf("notes.Parse: %v", err)
		}
		if n.Slug == "" {
			t.Errorf("%s: no slug; want YYYY-MM-DD-slug.md", name)
		}
		hugo, ok := files["hugo/content/posts/"+n.Name()+".md"]
		if !ok {
			t.Fatalf("%s has no Hugo copy", name)
		} else if !bytes.Contains(hugo, []byte("\ndate: "+n.DateString()+"\n")) || !bytes.HasSuffix(hugo, []byte(hugoBody(string(n.Body)))) {
			t.Errorf("%s: the Hugo copy lacks the date or the note's body", name)
		}
		sizes = append(sizes, len(data))
		if n.Draft {
			drafts++
		}
		if len(n.Tags) > 0 {
			tagged++
		}
		if n.Title != n.DateString() {
			titled++
		}
	}
	if len(sizes) != 400 {
		t.Fatalf("%d notes written, want 400", len(sizes))
	}
	if lo, hi := slices.Min(sizes), slices.Max(sizes); lo < 150 || hi > 40000 || hi < 10000 {
		t.Errorf("note sizes run from %d to %d bytes, want about 200 to 30,000", lo, hi)
	}
	if drafts == 0 || tagged == 0 || titled == 0 || titled == 400 {
		t.Errorf("front matter shapes: %d drafts, %d tagged, %d titled of 400", drafts, tagged, titled)
	}
	if perNote := float64(st.Blocks) / 400; perNote < 1.5 || perNote > 3 {
		t.Errorf("%.1f blocks a note, want about 2", perNote)
	}
	if st.Languages < 40 {
		t.Errorf("%d languages, want about 50", st.Languages)
	}
	all := bytes.Join(slices.Collect(maps.Values(files)), nil)
	for _, want := range []string{"```css {{ title: 'globals.css' }}\n", "```js {.numberLines}\n", "```rust,ignore\n", "```go {linenos=table}\n", "| --- |", "<details>", "](https://"} {
		if !bytes.Contains(all, []byte(want)) {
			t.Errorf("no note holds %q", want)
		}
	}
}

func TestTame(t *testing.T) {
	files, st := generate(t, Options{Notes: 300, Seed: 1, Tame: true})
	if st.OddInfo == 0 {
		t.Fatal("no odd info string was drawn")
	}
	if _, wild := generate(t, Options{Notes: 300, Seed: 1}); wild.Blocks != st.Blocks || wild.Bytes <= st.Bytes {
		t.Errorf("Tame drew another corpus: %+v, untamed %+v", st, wild)
	}
	for name, data := range files {
		for _, odd := range oddInfo {
			if bytes.Contains(data, []byte("```"+odd.info+"\n")) {
				t.Errorf("%s holds %q despite Tame", name, odd.info)
			}
		}
	}
}

func TestSnippets(t *testing.T) {
	files, st := generate(t, Options{Notes: 30, Seed: 3, Snippets: 4})
	if st.Linked != 120 {
		t.Errorf("Stats.Linked = %d, want 30 notes x 4", st.Linked)
	}
	for name, data := range files {
		if !strings.HasPrefix(name, "notes/") {
			continue
		}
		n, err := notes.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range linkedIDs(string(n.Body)) {
			prog, ok := files["snippets/"+id+"/main.go"]
			if !ok {
				t.Fatalf("%s links to %s, which has no main.go", name, id)
			}
			want := files["snippets/"+id+"/expected.txt"]
			if len(want) == 0 || !bytes.Contains(prog, bytes.TrimSuffix(want, []byte("\n"))) {
				t.Errorf("%s: expected.txt %q is not what main.go prints", id, want)
			}
			if got := string(files["snippets/"+id+"/snippet.yaml"]); got != "engine: yaegi\n" {
				t.Errorf("%s: snippet.yaml = %q", id, got)
			}
		}
	}
	if _, err := Generate(Options{Notes: 1, Engine: "cobol"}, func(string, []byte) error { return nil }); err == nil {
		t.Error("an unknown engine was accepted")
	}
}

// linkedIDs lists the snippet ids that body's fences name.
func linkedIDs(body string) []string {
	var ids []string
	for l := range strings.SplitSeq(body, "\n") {
		if _, rest, ok := strings.Cut(l, "{snippet="); ok && strings.HasPrefix(l, "```") {
			ids = append(ids, strings.TrimSuffix(rest, "}"))
		}
	}
	return ids
}
