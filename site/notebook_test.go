package site

import (
	"context"
	"fmt"
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
// parse it again, and parses a note that changed.
func TestLoadRestoresParsedNotes(t *testing.T) {
	const two = "notes/2020-01-02.md"
	root := testfiles.Dir(t, map[string]string{
		"notes/2020-01-01.md": "# One\n\nwords\n",
		two:                   "# Two\n\nwords\n",
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
	load()

	// Keep, under the second note's ID, the parse of another text: a Load
	// that restores shows it; one that parsed would not.
	src, err := os.ReadFile(filepath.Join(root, two))
	if err != nil {
		t.Fatal(err)
	}
	n, err := notes.Parse(two, src)
	if err != nil {
		t.Fatal(err)
	}
	id := store.NewHash("parse").String(n.Path).Bytes(n.Source).String(fmt.Sprint(n.BodyLine)).Sum()
	if _, _, ok := st.Bytes(id); !ok {
		t.Fatal("Load kept no parse of the note")
	}
	other, err := render.New().Parse(two, []byte("# Two\n\n### a kept entry\n"), 1)
	if err != nil {
		t.Fatal(err)
	}
	data, err := other.Save()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(id, data); err != nil {
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
