package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gonotebook/notebook/internal/wire"
	"github.com/gonotebook/notebook/notes"
	"github.com/gonotebook/notebook/render"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/runner/cache"
)

// headingsOf returns the headings of the note at path, as Load made them.
func headingsOf(t *testing.T, nb *Notebook, path string) []string {
	t.Helper()
	for _, n := range nb.Notes {
		if n.Path == path {
			var list []string
			for _, h := range n.Doc.Headings {
				list = append(list, h.Text)
			}
			return list
		}
	}
	t.Fatalf("no note %s", path)
	return nil
}

// TestParsedNotes checks that a build keeps the notes it parsed, that the
// next one restores those that did not change rather than parse them, and
// parses those that did.
func TestParsedNotes(t *testing.T) {
	root := incrementalNotebook(t)
	c := &cache.Cache{Dir: t.TempDir()}
	cfg := &Config{Root: root, Runner: &runner.Runner{Cache: c}}
	load := func() *Notebook {
		t.Helper()
		nb, err := Load(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return nb
	}
	nb := load()
	kept := readParsed(c, root)
	if len(kept.docs) != 5 {
		t.Fatalf("the build kept %d parsed notes; want 5", len(kept.docs))
	}
	var list []*notes.Note
	for _, n := range nb.Notes {
		list = append(list, n.Note)
	}

	// Keep, under the second note's hash, the Doc of another text: a
	// build that restores shows it; one that parsed would not.
	const two = "notes/2020-01-02.md"
	other, err := render.New().Parse(two, []byte("# Two\n\n### a kept entry\n"), 1)
	if err != nil {
		t.Fatal(err)
	}
	kept.docs[two] = savedDoc{sum: kept.docs[two].sum, data: other.Save(nil)}
	kept.changed = true
	kept.write(c, root, list)
	if got := headingsOf(t, load(), two); !slices.Equal(got, []string{"Two", "a kept entry"}) {
		t.Errorf("an unchanged note has headings %q; want those kept, restored", got)
	}

	// An edited note is parsed again.
	if err := os.WriteFile(filepath.Join(root, two), []byte("# Two\n\n### an edited entry\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := headingsOf(t, load(), two); !slices.Equal(got, []string{"Two", "an edited entry"}) {
		t.Errorf("an edited note has headings %q; want those of its new text", got)
	}

	// A removed note is forgotten.
	if err := os.Remove(filepath.Join(root, "notes", "2020-01-04.md")); err != nil {
		t.Fatal(err)
	}
	load()
	if kept := readParsed(c, root); len(kept.docs) != 4 || kept.docs["notes/2020-01-04.md"].data != nil {
		t.Errorf("after a note was removed, %d parsed notes are kept; want 4", len(kept.docs))
	}
}

// TestParsedNotesOfAnotherProgram checks that parsed notes that another
// program kept, whose parser may differ, are not read.
func TestParsedNotesOfAnotherProgram(t *testing.T) {
	root := incrementalNotebook(t)
	c := &cache.Cache{Dir: t.TempDir()}
	if _, err := Load(&Config{Root: root, Runner: &runner.Runner{Cache: c}}); err != nil {
		t.Fatal(err)
	}
	key, err := parsedKey(root)
	if err != nil {
		t.Fatal(err)
	}
	data, ok := c.GetBytes(key)
	if !ok {
		t.Fatal("no parsed notes kept")
	}
	r := wire.NewReader(data[len(parsedMagic):])
	if r.String() != program() {
		t.Fatal("the parsed notes do not start with the program that kept them")
	}
	rest := data[len(data)-r.Len():]
	c.PutBytes(key, append(wire.AppendString([]byte(parsedMagic), "another program"), rest...))
	if kept := readParsed(c, root); len(kept.docs) != 0 {
		t.Errorf("%d parsed notes of another program were read", len(kept.docs))
	}
	c.PutBytes(key, append(wire.AppendString([]byte(parsedMagic), program()), rest...))
	if kept := readParsed(c, root); len(kept.docs) != 5 {
		t.Errorf("%d parsed notes read back; want 5", len(kept.docs))
	}
}

// TestSearchIndexOfManyNotes checks search.json, whose notes' entries are
// encoded apart and joined, over several notes: valid JSON, every note's
// entries, newest note first.
func TestSearchIndexOfManyNotes(t *testing.T) {
	root := incrementalNotebook(t)
	out := filepath.Join(t.TempDir(), "public")
	build(t, root, out)
	data, err := os.ReadFile(filepath.Join(out, "search.json"))
	if err != nil {
		t.Fatal(err)
	}
	var idx searchIndex
	if err := json.Unmarshal(data, &idx); err != nil {
		t.Fatalf("search.json: %v\n%s", err, data)
	}
	var got []string
	for _, e := range idx.Entries {
		got = append(got, e.Date+" "+e.Title)
	}
	want := []string{"2020-01-05 Five", "2020-01-04 Four", "2020-01-03 Three", "2020-01-02 Two", "2020-01-01 first entry"}
	if !slices.Equal(got, want) {
		t.Errorf("search.json entries %q; want %q", got, want)
	}
}
