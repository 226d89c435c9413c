package render

import (
	"bytes"
	"encoding/gob"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// savedNotes returns notes to save and restore: the golden cases', the
// seed note and a synthetic corpus.
func savedNotes(t *testing.T) map[string][]byte {
	t.Helper()
	notes := map[string][]byte{}
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if note, ok := section(a, "note.md"); ok {
			notes[file] = note
		}
	}
	seed, err := os.ReadFile("../notes/2018-10-30.md")
	if err != nil {
		t.Fatal(err)
	}
	notes["seed"] = seed
	for i, note := range corpus(50, 7) {
		notes["corpus "+string(rune('a'+i%26))+strings.Repeat("'", i/26)] = note
	}
	if len(notes) < 55 {
		t.Fatalf("only %d notes to save", len(notes))
	}
	return notes
}

// TestSaveRestore checks that a restored Doc is the parsed one, less the
// errors beneath its warnings, and renders the same, with every note
// saved in one stream and restored from it in turn.
func TestSaveRestore(t *testing.T) {
	m := New()
	notes := savedNotes(t)
	names := slices.Sorted(maps.Keys(notes))
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	parsed := map[string]*Doc{}
	for _, name := range names {
		parsed[name], _ = m.Parse("notes/x.md", notes[name], 3)
		if err := parsed[name].Save(enc, true); err != nil {
			t.Fatal(err)
		}
	}
	dec := gob.NewDecoder(&buf)
	for _, name := range names {
		want := parsed[name]
		got, err := m.Restore(dec, "notes/x.md", notes[name], 3)
		if err != nil {
			t.Fatalf("%s: Restore: %v", name, err)
		}
		for _, w := range want.Warnings {
			w.Err = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: restored\n%+v\nparsed\n%+v", name, got, want)
			continue
		}
		var a, b bytes.Buffer
		if err := want.Render(&a, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := got.Render(&b, Options{}); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() {
			t.Errorf("%s: the restored Doc renders otherwise", name)
		}
	}
	if _, err := m.Restore(dec, "notes/x.md", nil, 3); err == nil {
		t.Errorf("Restore past the last Doc saved gave no error")
	}
}

// savedSeed returns the seed note, its Doc and what Save writes of it,
// with or without its sections' text.
func savedSeed(t *testing.T, m *Markdown, text bool) (body []byte, d *Doc, data []byte) {
	t.Helper()
	body, err := os.ReadFile("../notes/2018-10-30.md")
	if err != nil {
		t.Fatal(err)
	}
	d, _ = m.Parse("notes/2018-10-30.md", body, 1)
	var buf bytes.Buffer
	if err := d.Save(gob.NewEncoder(&buf), text); err != nil {
		t.Fatal(err)
	}
	return body, d, buf.Bytes()
}

// TestRestoreRefuses checks that what Save did not write of this note is
// refused, not restored into a Doc that is wrong.
func TestRestoreRefuses(t *testing.T) {
	m := New()
	body, _, data := savedSeed(t, m, true)
	restore := func(data []byte, firstLine int) error {
		_, err := m.Restore(gob.NewDecoder(bytes.NewReader(data)), "notes/2018-10-30.md", body, firstLine)
		return err
	}
	encode := func(s stored) []byte {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(s); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	block := &Block{Line: 3, Code: "x\n"}
	heading := &Heading{Level: 1, Text: "T", ID: "t", Line: 1}
	for name, bad := range map[string][]byte{
		"empty":                 nil,
		"cut short":             data[:len(data)-3],
		"title without heading": encode(stored{FirstLine: 1, Title: true}),
		"blocks not counted":    encode(stored{FirstLine: 1, Blocks: []*Block{block}}),
		"blocks counted twice":  encode(stored{FirstLine: 1, Blocks: []*Block{block}, Sections: []storedSection{{"", 1}, {"", 1}}}),
		"two headless sections": encode(stored{FirstLine: 1, Headings: []*Heading{heading}, Sections: []storedSection{{}, {}, {}}}),
		"negative count":        encode(stored{FirstLine: 1, Blocks: []*Block{block}, Sections: []storedSection{{"", 2}, {"", -1}}}),
	} {
		if err := restore(bad, 1); err == nil {
			t.Errorf("%s: Restore gave no error", name)
		}
	}
	if err := restore(data, 2); err == nil {
		t.Errorf("Restore with another first line gave no error")
	}
	// Every byte changed in turn either is refused or gives a Doc, never a
	// panic.
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0xff
		restore(bad, 1)
	}
}

// TestSaveWithoutText checks that a Doc saved without its sections' text
// is restored as it was parsed, but for that text.
func TestSaveWithoutText(t *testing.T) {
	m := New()
	body, want, data := savedSeed(t, m, false)
	got, err := m.Restore(gob.NewDecoder(bytes.NewReader(data)), "notes/2018-10-30.md", body, 1)
	if err != nil {
		t.Fatal(err)
	}
	texts := 0
	for _, s := range want.Sections {
		if s.Text != "" {
			texts++
		}
		s.Text = ""
	}
	for _, w := range want.Warnings {
		w.Err = nil
	}
	if texts == 0 {
		t.Fatal("the note's sections have no text to leave out")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("restored\n%+v\nparsed, less its text\n%+v", got, want)
	}
}
