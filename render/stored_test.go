package render

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
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
// errors beneath its warnings, and renders the same.
func TestSaveRestore(t *testing.T) {
	m := New()
	for name, body := range savedNotes(t) {
		want, _ := m.Parse("notes/x.md", body, 3)
		data, err := want.Save()
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.Restore("notes/x.md", body, 3, data)
		if err != nil {
			t.Errorf("%s: Restore: %v", name, err)
			continue
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
}

// TestRestoreRefuses checks that what Save did not write of this note is
// refused, not restored into a Doc that is wrong.
func TestRestoreRefuses(t *testing.T) {
	m := New()
	body, err := os.ReadFile("../notes/2018-10-30.md")
	if err != nil {
		t.Fatal(err)
	}
	d, _ := m.Parse("notes/2018-10-30.md", body, 1)
	data, err := d.Save()
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string][]byte{
		"empty":      nil,
		"cut short":  data[:len(data)-3],
		"extra byte": append(bytes.Clone(data), 0),
		"bad title":  bytes.Replace(data, []byte(`"Title":`), []byte(`"Title":99`), 1),
	} {
		if _, err := m.Restore("notes/2018-10-30.md", body, 1, bad); err == nil {
			t.Errorf("%s: Restore gave no error", name)
		}
	}
	if _, err := m.Restore("notes/2018-10-30.md", body, 2, data); err == nil {
		t.Errorf("Restore with another first line gave no error")
	}
	// Every byte changed in turn either is refused or gives a Doc, never a
	// panic.
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0xff
		m.Restore("notes/2018-10-30.md", body, 1, bad)
	}
}
