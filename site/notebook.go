package site

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/gonotebook/notebook/internal/graph"
	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/notes"
	"github.com/gonotebook/notebook/render"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/snippets"
)

// A Note is a note with its parsed body.
type Note struct {
	*notes.Note
	Doc *render.Doc
}

// A Notebook is every note and snippet of a notebook, linked: what the
// site is built from. It holds no result of any run.
type Notebook struct {
	// Notes are every note, drafts included, oldest first.
	Notes []*Note
	// Snippets are every snippet below snippets/ that loaded, by id.
	Snippets map[string]*snippets.Snippet
	// Entries lists, by note path and heading anchor
	// ("notes/2018-10-30.md#7-why-gil"), the snippets that answer an entry
	// with no block to link from (a snippet's entry option).
	Entries map[string][]*snippets.Snippet
	// Unlinked lists the fenced blocks that name no snippet, as "file:line".
	Unlinked []string
	// Orphans lists the snippets no note links to.
	Orphans []string
	// Warnings are problems in the notes that do not stop a build, each
	// at its file (and line): Markdown files in notes/ that are not read,
	// empty notes, fence languages chroma does not know.
	Warnings []*fileline.Error

	md *render.Markdown // parsed the notes; renders them
}

// Load reads every note and snippet of the notebook cfg names and checks
// that every link resolves. It runs nothing. Each note is read through an
// os.Root over the notebook's folder, so a note that is a symbolic link
// out of it is refused, and parsed by an action of its own, whose output
// the store keeps under the note's path and text: a note that did not
// change since any build is not parsed again.
func Load(ctx context.Context, cfg *Config) (*Notebook, error) {
	nb := &Notebook{md: render.New(), Snippets: map[string]*snippets.Snippet{}}
	root, err := os.OpenRoot(cfg.Root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	list, warnings, err := notes.Load(root.FS(), "notes")
	if err != nil {
		return nil, err
	}
	nb.Warnings = warnings

	var ids []string // every snippet folder's, loaded or not
	var snippetErr error
	loadSnippets := &graph.Action{Name: "load snippets", Do: func(context.Context) error {
		var loaded []*snippets.Snippet
		ids, loaded, snippetErr = snippets.LoadAll(cfg.snippetsDir())
		for _, s := range loaded {
			nb.Snippets[s.ID] = s
		}
		return nil
	}}
	docs := make([]*render.Doc, len(list))
	parseErrs := make([]error, len(list))
	actions := []*graph.Action{loadSnippets}
	for i, n := range list {
		actions = append(actions, &graph.Action{Name: "parse " + n.Path, Do: func(context.Context) error {
			docs[i], parseErrs[i] = nb.parse(cfg.notes(), n)
			return nil
		}})
	}
	if err := graph.Run(ctx, actions, graph.Options{}); err != nil {
		return nil, err
	}

	errs := []error{snippetErr}
	// A snippet that exists but does not load (a bad snippet.yaml, say)
	// is reported once, by its own error, and not again as missing.
	var all []*snippets.Snippet
	broken := map[string]bool{}
	for _, id := range ids {
		if s := nb.Snippets[id]; s != nil {
			all = append(all, s)
		} else {
			broken[id] = true
		}
	}
	used := map[string]bool{}
	for i, n := range list {
		errs = append(errs, parseErrs[i])
		doc := docs[i]
		if doc == nil {
			continue
		}
		nb.Notes = append(nb.Notes, &Note{Note: n, Doc: doc})
		nb.Warnings = append(nb.Warnings, doc.Warnings...)
		for _, b := range doc.Blocks {
			switch {
			case b.Snippet == "":
				nb.Unlinked = append(nb.Unlinked, fmt.Sprintf("%s:%d", n.Path, b.Line))
			case b.Linked():
				used[b.Snippet] = true
				if nb.Snippets[b.Snippet] == nil && !broken[b.Snippet] {
					hint := ""
					if near := snippets.Nearest(b.Snippet, ids); near != "" {
						hint = fmt.Sprintf("; did you mean %s?", near)
					}
					errs = append(errs, fileline.Errorf(n.Path, b.Line, "block links to snippet %q, but %s has no %s%s",
						b.Snippet, filepath.Join("snippets", filepath.FromSlash(b.Snippet)), snippets.MainFile, hint))
				}
			}
		}
	}
	errs = append(errs, nb.linkEntries(all, used)...)
	errs = append(errs, nb.checkOriginals()...)
	for _, s := range all {
		if !used[s.ID] {
			nb.Orphans = append(nb.Orphans, s.ID)
		}
	}
	return nb, errors.Join(errs...)
}

// parse returns n's Doc: restored from what st keeps of an earlier parse
// of the same note, or parsed and kept there.
func (nb *Notebook) parse(st *store.Store, n *notes.Note) (*render.Doc, error) {
	id := store.NewHash("parse").String(n.Path).Bytes(n.Source).String(fmt.Sprint(n.BodyLine)).Sum()
	if data, _, ok := st.Bytes(id); ok {
		if d, err := nb.md.Restore(n.Path, n.Body, n.BodyLine, data); err == nil {
			return d, nil
		}
	}
	d, err := nb.md.Parse(n.Path, n.Body, n.BodyLine)
	if err != nil {
		return nil, err // not kept: the next build reports it again
	}
	if data, err := d.Save(); err == nil {
		st.Put(id, data)
	}
	return d, nil
}

// linkEntries reads the entry option of every snippet: the note must exist
// and have a heading with that anchor.
func (nb *Notebook) linkEntries(all []*snippets.Snippet, used map[string]bool) []error {
	var errs []error
	nb.Entries = map[string][]*snippets.Snippet{}
	for _, s := range all {
		if s.Options.Entry == "" {
			continue
		}
		path, anchor, _ := strings.Cut(s.Options.Entry, "#")
		found := slices.ContainsFunc(nb.Notes, func(n *Note) bool {
			return n.Path == path && slices.ContainsFunc(n.Doc.Headings, func(h *render.Heading) bool { return h.ID == anchor })
		})
		if !found {
			errs = append(errs, fileline.Errorf(filepath.Join(s.Dir, snippets.OptionsFile), 0,
				"entry %s: no note %s with a heading whose anchor is %q", s.Options.Entry, path, anchor))
			continue
		}
		used[s.ID] = true
		nb.Entries[s.Options.Entry] = append(nb.Entries[s.Options.Entry], s)
	}
	return errs
}

// checkOriginals checks that every block whose snippet says its original
// runs is one the runner can run, and warns of every block the runner
// could run whose snippet does not say how the two relate: it is not run.
func (nb *Notebook) checkOriginals() []error {
	var errs []error
	for _, n := range nb.Notes {
		for _, b := range n.Doc.Blocks {
			s := nb.Snippets[b.Snippet]
			if !b.Linked() || s == nil {
				continue
			}
			if s.Options.Original.Relation == "" && runner.Runnable(b.Lang) {
				nb.Warnings = append(nb.Warnings, fileline.Errorf(n.Path, b.Line,
					"the %s block is not run: snippet %s does not say how its output relates to the block's; say original: relation: same, differs or not-run in %s",
					b.Lang, s.ID, filepath.Join(s.Dir, snippets.OptionsFile)))
			}
			if !s.Options.Original.Runs() || runner.Runnable(b.Lang) {
				continue
			}
			errs = append(errs, fileline.Errorf(n.Path, b.Line,
				"snippet %s says its original is %s, but the block is %s, which the build cannot run: say relation: not-run, with a reason, in %s",
				s.ID, s.Options.Original.Relation, b.Lang, filepath.Join(s.Dir, snippets.OptionsFile)))
		}
	}
	return errs
}

// Linked returns the ids of the snippets the notes link to, sorted.
func (nb *Notebook) Linked() []string {
	seen := map[string]bool{}
	for _, n := range nb.Notes {
		for _, b := range n.Doc.Blocks {
			if b.Linked() && nb.Snippets[b.Snippet] != nil {
				seen[b.Snippet] = true
			}
		}
	}
	for _, list := range nb.Entries {
		for _, s := range list {
			seen[s.ID] = true
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for id := range seen {
			if !yield(id) {
				return
			}
		}
	})
}

// published returns the notes the site shows, oldest first.
func (nb *Notebook) published(drafts bool) []*Note {
	var ns []*Note
	for _, n := range nb.Notes {
		if !n.Draft || drafts {
			ns = append(ns, n)
		}
	}
	return ns
}
