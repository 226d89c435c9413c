package site

import (
	"bytes"
	"context"
	"encoding/gob"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/notes"
	"github.com/gonotebook/notebook/render"
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

// TestLoadRestoresParsedNotes checks that Load takes from the store the
// parse of a note that did not change since a build kept it, rather than
// parse it again: from the parse of the whole notebook if no note changed,
// else from the note's own; and parses a note that changed.
func TestLoadRestoresParsedNotes(t *testing.T) {
	const one, two = "notes/2020-01-01.md", "notes/2020-01-02.md"
	root := testfiles.Dir(t, map[string]string{
		one: "# One\n\nwords\n",
		two: "# Two\n\nwords\n",
	})
	st := openStore(t)
	cfg := &Config{Root: root, Store: st}
	load := func() *Notebook {
		t.Helper()
		nb, err := Load(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return nb
	}
	note := func(path string) *notes.Note {
		t.Helper()
		src, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Fatal(err)
		}
		n, err := notes.Parse(path, src)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// other is the parse of two with another text: a Load that restores
	// it shows its heading; one that parsed would not.
	other := func(entry string) *render.Doc {
		t.Helper()
		d, err := render.New().Parse(two, []byte("# Two\n\n### "+entry+"\n"), 1)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	load()

	// The whole notebook's parse, kept under its ID, is restored.
	oneData, _, ok := st.Bytes(parseID(note(one)))
	if !ok {
		t.Fatal("Load kept no parse of the note")
	}
	oneDoc, err := render.New().Restore(gob.NewDecoder(bytes.NewReader(oneData)), one, note(one).Body, 1)
	if err != nil {
		t.Fatal(err)
	}
	all, err := save(false, oneDoc, other("a kept notebook entry"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(store.NewHash("parse all").ID(parseID(note(one))).ID(parseID(note(two))).Sum(), all); err != nil {
		t.Fatal(err)
	}
	if got := headingsOf(t, load(), two); !slices.Equal(got, []string{"Two", "a kept notebook entry"}) {
		t.Errorf("an unchanged notebook's note has headings %q; want those kept, restored", got)
	}

	// With another note changed, an unchanged note's own parse is restored.
	saved, err := save(true, other("a kept entry"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(parseID(note(two)), saved); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, one), []byte("# One\n\nmore words\n"), 0o644); err != nil {
		t.Fatal(err)
	}
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
}

// TestLoadKeepsParsesInMemory checks that a server's Load takes the parse
// of a note that did not change from the previous Load, parses one that
// changed, and keeps only the parses of the notes it has.
func TestLoadKeepsParsesInMemory(t *testing.T) {
	const one, two = "notes/2020-01-01.md", "notes/2020-01-02.md"
	root := testfiles.Dir(t, map[string]string{
		one: "# One\n\nwords\n",
		two: "# Two\n\nwords\n",
	})
	cfg := &Config{Root: root, Store: openStore(t), parses: &parses{}}
	docs := func() map[string]*render.Doc {
		t.Helper()
		nb, err := Load(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]*render.Doc{}
		for _, n := range nb.Notes {
			m[n.Path] = n.Doc
		}
		return m
	}
	first := docs()
	if err := os.WriteFile(filepath.Join(root, two), []byte("# Two\n\n### an edited entry\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	second := docs()
	if second[one] != first[one] {
		t.Error("the unchanged note was not taken from the previous Load")
	}
	if second[two] == first[two] || len(second[two].Headings) != 2 {
		t.Errorf("the edited note was not parsed again: headings %d", len(second[two].Headings))
	}
	if len(cfg.parses.docs) != 2 {
		t.Errorf("%d parses kept in memory, want 2, those of the notes", len(cfg.parses.docs))
	}
}

// TestLoadRestoresSectionText checks that a Load that restores the parse
// of the whole notebook, which leaves out the text of the notes'
// sections, still gives search.json that text: the note's own.
func TestLoadRestoresSectionText(t *testing.T) {
	files := map[string]string{
		"notes/2020-01-01.md": "Before any heading.\n\n# One\n\nwords of one\n\n## An entry\n\nmore *words*\n",
		"notes/2020-01-02.md": "# Two\n\nwords of two\n",
	}
	cfg := &Config{Root: testfiles.Dir(t, files), Store: openStore(t)}
	for range 2 { // the second restores what the first kept
		nb, err := Load(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nb.Notes {
			want, err := render.New().Parse(n.Path, n.Body, n.BodyLine)
			if err != nil {
				t.Fatal(err)
			}
			got := nb.sections(n)
			if len(got) != len(want.Sections) {
				t.Fatalf("%s: %d sections, want %d", n.Path, len(got), len(want.Sections))
			}
			for i, s := range got {
				if s.Text != want.Sections[i].Text || s.Heading != n.Doc.Sections[i].Heading {
					t.Errorf("%s: section %d has text %q, heading %v; want %q, the Doc's heading", n.Path, i, s.Text, s.Heading, want.Sections[i].Text)
				}
			}
		}
	}
}

// TestLoadReadsLinkedNotes checks that a note that is a symbolic link is
// read if it leads to a file in the notebook, in the notes folder or
// elsewhere, and refused if it leads out of it.
func TestLoadReadsLinkedNotes(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.md")
	if err := os.WriteFile(outside, []byte("# Secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := testfiles.Dir(t, map[string]string{
		"notes/2020-01-01.md": "# One\n",
		"drafts/two.md":       "# Two\n",
	})
	link := func(name, target string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(root, "notes", name)); err != nil {
			t.Fatal(err)
		}
	}
	link("2020-01-02.md", "2020-01-01.md")
	link("2020-01-03.md", filepath.Join("..", "drafts", "two.md"))
	cfg := &Config{Root: root, Store: openStore(t)}
	nb, err := Load(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, n := range nb.Notes {
		titles = append(titles, n.Title)
	}
	if want := []string{"One", "One", "Two"}; !slices.Equal(titles, want) {
		t.Errorf("notes titled %q; want %q", titles, want)
	}
	link("2020-01-04.md", outside)
	_, err = Load(context.Background(), cfg)
	if want := "notes/2020-01-04.md: a symbolic link out of the notebook: not read"; err == nil || err.Error() != want {
		t.Errorf("Load with a link out of the notebook: %v; want %s", err, want)
	}
}
