package site

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
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

	// programs are the Go programs its page shows, in order: each
	// section's linked blocks, then the snippets that answer its heading
	// (a snippet's entry option).
	programs []figure
}

// A Notebook is every note and snippet of a notebook, linked: what the
// site is built from. It holds no result of any run.
type Notebook struct {
	// Notes are every note, drafts included, oldest first.
	Notes []*Note
	// Snippets are every snippet below snippets/ that loaded, by id.
	Snippets map[string]*snippets.Snippet
	// Unlinked lists the fenced blocks that name no snippet, as "file:line".
	Unlinked []string
	// Orphans lists the snippets no note links to.
	Orphans []string
	// Warnings are problems in the notes that do not stop a build, each
	// at its file (and line): Markdown files in notes/ that are not read,
	// empty notes, fence languages chroma does not know.
	Warnings []*fileline.Error

	md *render.Markdown // parsed the notes; renders them
	// texts, if not nil, keeps the text of the notes' sections, which
	// their Docs lack: restored from the parse of the whole notebook,
	// which leaves it out (see sections).
	texts *store.Store
}

// Load reads every note and snippet of the notebook cfg names and checks
// that every link resolves. It runs nothing. Notes are read through an
// os.Root over the notebook's folder, so a note that links out of it is
// refused; a note that did not change since any build is not parsed again
// (see parse).
func Load(ctx context.Context, cfg *Config) (*Notebook, error) {
	nb := &Notebook{Snippets: map[string]*snippets.Snippet{}}
	if p := cfg.parses; p == nil {
		nb.md = render.New()
	} else { // a server's: each build renders much the same code
		if p.md == nil {
			p.md = render.New()
		}
		nb.md = p.md
		nb.md.Again()
	}
	root, err := os.OpenRoot(cfg.Root)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	fsys := root.FS()
	if dir, err := root.OpenRoot("notes"); err == nil {
		defer dir.Close()
		fsys = notesFS{fsys, dir}
	}
	list, warnings, err := notes.Load(fsys, "notes")
	if err != nil {
		return nil, err
	}
	nb.Warnings = warnings

	var ids []string // every snippet folder's, loaded or not, sorted
	var snippetErr error
	actions := []*graph.Action{{Name: "load snippets", Do: func(context.Context) error {
		var loaded []*snippets.Snippet
		ids, loaded, snippetErr = snippets.LoadAll(cfg.snippetsDir())
		for _, s := range loaded {
			nb.Snippets[s.ID] = s
		}
		return nil
	}}}
	// A server keeps its notes' parses in memory from one build to the
	// next. For a single build, parsing the notebook is one action over
	// its notes' parses, so that a build of notes that did not change
	// reads one output from the store, not one a note. That output leaves
	// out the text of the notes' sections, which only search.json shows,
	// and a build remakes it only if something else changed.
	st := cfg.notes()
	pids := make([]store.ID, len(list))
	all := store.NewHash("parse all")
	for i, n := range list {
		pids[i] = parseID(n)
		all.ID(pids[i])
	}
	allID := all.Sum()
	var docs []*render.Doc
	if data, _, ok := st.Bytes(allID); ok && cfg.parses == nil {
		docs = nb.restore(data, list...)
	}
	kept := docs != nil
	if kept {
		nb.texts = st
	} else {
		docs = make([]*render.Doc, len(list))
	}
	parseErrs := make([]error, len(list))
	for i, n := range list {
		if cfg.parses != nil && st != nil {
			docs[i] = cfg.parses.docs[pids[i]]
		}
		if docs[i] == nil {
			actions = append(actions, &graph.Action{Name: "parse " + n.Path, Do: func(context.Context) error {
				docs[i], parseErrs[i] = nb.parse(st, pids[i], n)
				return nil
			}})
		}
	}
	if err := graph.Run(ctx, actions, graph.Options{}); err != nil {
		return nil, err
	}
	switch {
	case cfg.parses != nil:
		cfg.parses.docs = map[store.ID]*render.Doc{}
		for i, d := range docs {
			if d != nil && parseErrs[i] == nil {
				cfg.parses.docs[pids[i]] = d
			}
		}
	case st != nil && !kept && errors.Join(parseErrs...) == nil:
		if data, err := save(false, docs...); err == nil {
			st.Put(allID, data)
		}
	}

	errs := []error{snippetErr}
	used := map[string]bool{}
	for i, n := range list {
		errs = append(errs, parseErrs[i])
		if docs[i] == nil {
			continue
		}
		nb.Notes = append(nb.Notes, &Note{Note: n, Doc: docs[i]})
		nb.Warnings = append(nb.Warnings, docs[i].Warnings...)
		for _, b := range docs[i].Blocks {
			// A snippet that exists but does not load (a bad
			// snippet.yaml, say) is reported by its own error alone.
			_, exists := slices.BinarySearch(ids, b.Snippet)
			switch {
			case b.Snippet == "":
				nb.Unlinked = append(nb.Unlinked, fmt.Sprintf("%s:%d", n.Path, b.Line))
			case b.Linked() && !exists:
				hint := ""
				if near := snippets.Nearest(b.Snippet, ids); near != "" {
					hint = fmt.Sprintf("; did you mean %s?", near)
				}
				errs = append(errs, fileline.Errorf(n.Path, b.Line, "block links to snippet %q, but %s has no %s%s",
					b.Snippet, filepath.Join("snippets", filepath.FromSlash(b.Snippet)), snippets.MainFile, hint))
			}
			used[b.Snippet] = true
		}
	}
	entries, entryErrs := nb.entries(ids)
	errs = append(errs, entryErrs...)
	for _, n := range nb.Notes {
		errs = append(errs, nb.link(n, entries)...)
		for _, f := range n.programs {
			used[f.Snippet.ID] = true
		}
	}
	for _, id := range ids {
		if nb.Snippets[id] != nil && !used[id] {
			nb.Orphans = append(nb.Orphans, id)
		}
	}
	return nb, errors.Join(errs...)
}

// notesFS is the notebook's root for notes.Load, but that it reads each
// file directly in notes/ through a root of that folder, which looks up
// one name, not two. What that one cannot read, such as a symbolic link
// that leads elsewhere in the notebook, the notebook's root reads, or
// refuses.
type notesFS struct {
	fs.FS          // the notebook's root
	notes *os.Root // its notes folder
}

func (f notesFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(f.FS, name) }

func (f notesFS) ReadFile(name string) ([]byte, error) {
	if base, ok := strings.CutPrefix(name, "notes/"); ok && !strings.Contains(base, "/") {
		if data, err := f.notes.ReadFile(base); err == nil {
			return data, nil
		}
	}
	return fs.ReadFile(f.FS, name)
}

// parses are a server's parses of notes, by parse ID, kept between its
// builds.
type parses struct {
	docs map[store.ID]*render.Doc
	md   *render.Markdown // the Markdown that parsed them, which every build uses
}

// parseID is the ID of the action that parses n.
func parseID(n *notes.Note) store.ID {
	return store.NewHash("parse").String(n.Path).ID(store.Sum(n.Source)).String(strconv.Itoa(n.BodyLine)).Sum()
}

// parse returns n's Doc: restored from what st keeps under id (see
// parseID) of an earlier parse of the same note, or parsed and kept
// there.
func (nb *Notebook) parse(st *store.Store, id store.ID, n *notes.Note) (*render.Doc, error) {
	if data, _, ok := st.Bytes(id); ok {
		if docs := nb.restore(data, n); docs != nil {
			return docs[0], nil
		}
	}
	d, err := nb.md.Parse(n.Path, n.Body, n.BodyLine)
	if err != nil || st == nil {
		return d, err // an error is not kept: the next build reports it again
	}
	if data, err := save(true, d); err == nil {
		st.Put(id, data)
	}
	return d, nil
}

// save encodes docs in one stream, which describes their types once, for
// restore; with their sections' text if text is true.
func save(text bool, docs ...*render.Doc) ([]byte, error) {
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	for _, d := range docs {
		if err := d.Save(enc, text); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// restore returns the Docs of ns that data, made by save, holds, or nil
// if it does not hold theirs.
func (nb *Notebook) restore(data []byte, ns ...*notes.Note) []*render.Doc {
	dec := gob.NewDecoder(bytes.NewReader(data))
	docs := make([]*render.Doc, len(ns))
	for i, n := range ns {
		d, err := nb.md.Restore(dec, n.Path, n.Body, n.BodyLine)
		if err != nil {
			return nil
		}
		docs[i] = d
	}
	return docs
}

// sections returns n's sections with their text: its Doc's, or, if
// nb.texts keeps the text, copies with the text of the note's own parse,
// restored from there or parsed again.
func (nb *Notebook) sections(n *Note) []*render.Section {
	if nb.texts == nil {
		return n.Doc.Sections
	}
	d, err := nb.parse(nb.texts, parseID(n.Note), n.Note)
	if err != nil || len(d.Sections) != len(n.Doc.Sections) {
		return n.Doc.Sections // not the note Load read: Load would have failed
	}
	secs := make([]*render.Section, len(d.Sections))
	for i, s := range n.Doc.Sections {
		secs[i] = &render.Section{Heading: s.Heading, Text: d.Sections[i].Text, Blocks: s.Blocks}
	}
	return secs
}

// entries returns the snippets that have an entry option, by that option
// ("notes/2018-10-30.md#7-why-gil"), and an error for each whose note has
// no heading with that anchor.
func (nb *Notebook) entries(ids []string) (map[string][]*snippets.Snippet, []error) {
	var errs []error
	entries := map[string][]*snippets.Snippet{}
	for _, id := range ids {
		s := nb.Snippets[id]
		if s == nil || s.Options.Entry == "" {
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
		entries[s.Options.Entry] = append(entries[s.Options.Entry], s)
	}
	return entries, errs
}

// link lists the programs n's page shows. It checks that every block
// whose snippet says its original runs is one the runner can run, and
// warns of every block the runner could run whose snippet does not say
// how the two relate: it is not run.
func (nb *Notebook) link(n *Note, entries map[string][]*snippets.Snippet) []error {
	var errs []error
	for _, sec := range n.Doc.Sections {
		for _, b := range sec.Blocks {
			s := nb.Snippets[b.Snippet]
			if !b.Linked() || s == nil {
				continue
			}
			n.programs = append(n.programs, figure{Note: n, Block: b, Snippet: s, ID: "block-" + strconv.Itoa(b.Index)})
			optionsFile := filepath.Join(s.Dir, snippets.OptionsFile)
			switch rel := s.Options.Original.Relation; {
			case rel == "" && runner.Runnable(b.Lang):
				nb.Warnings = append(nb.Warnings, fileline.Errorf(n.Path, b.Line,
					"the %s block is not run: snippet %s does not say how its output relates to the block's; say original: relation: same, differs or not-run in %s",
					b.Lang, s.ID, optionsFile))
			case s.Options.Original.Runs() && !runner.Runnable(b.Lang):
				errs = append(errs, fileline.Errorf(n.Path, b.Line,
					"snippet %s says its original is %s, but the block is %s, which the build cannot run: say relation: not-run, with a reason, in %s",
					s.ID, rel, b.Lang, optionsFile))
			}
		}
		if h := sec.Heading; h != nil {
			for _, s := range entries[n.Path+"#"+h.ID] {
				n.programs = append(n.programs, figure{Note: n, Entry: h, Snippet: s, ID: "entry-" + h.ID})
			}
		}
	}
	return errs
}
