package snippets

// Finding and loading every snippet below a folder, with an index of what
// an earlier load found, so that what has not changed is not read again.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// A Tree is every snippet below a snippets folder, as LoadTree found it.
type Tree struct {
	// IDs are the ids of every snippet folder, loaded or not, sorted.
	IDs []string
	// Snippets are the snippets that loaded, sorted by id.
	Snippets []*Snippet
	// Index is what the next LoadTree of the same folder starts from.
	Index *Index
	// Reused counts the snippets taken from the index LoadTree was given,
	// with none of their files read.
	Reused int
	// Changed says that Index differs from the index LoadTree was given:
	// a folder or a snippet was read, appeared or went.
	Changed bool
}

// An Index is what a LoadTree found below a snippets folder: the entries of
// every folder, every snippet as it loaded, and the file system's metadata
// of each folder and file it read (see Signature). Given to the next
// LoadTree of the same folder, it lets it take a folder's entries, or a
// snippet, from the index instead of reading them again.
//
// # What is trusted
//
// A folder's entries are taken from the index when the folder's metadata
// is the one recorded; a snippet, when its folder's entries were and each
// of its files' metadata is the one recorded. Any write to a file or a
// folder changes its change time (ctime), which no program can set back,
// and a new, removed or renamed file changes its folder's; so metadata
// that is unchanged means content that is unchanged, with one exception,
// the one Git's index knows as racy: a write in the same tick of the file
// system's clock as the read, after it. The index therefore records when
// its load began, and trusts an entry only if its change time is older
// than that by more than RacyWindow; a newer one is read again by the
// next load, whose index then trusts it.
//
// What the index does not cover is read as before: a snippet whose main.go,
// snippet.yaml or expected.txt is a symbolic link is always loaded afresh,
// and so is everything on a system where Signature knows no change time.
//
// An index is only as good as the place it was kept: the caller keeps it
// where nothing else can write, or signs it (the site keeps it in the
// results cache, whose entries are signed). And it holds each snippet as
// this package's Load made it: an index kept by one version of a program
// is not for another, whose Load may make otherwise of the same files
// (the site keeps with it the program that wrote it).
type Index struct {
	root  string // the snippets folder, absolute
	stamp int64  // when the load that made the index began, in Unix nanoseconds
	dirs  map[string]*dirState
	snips map[string]*indexed
}

// RacyWindow is how much older than the load that recorded it an entry's
// change time must be for the index to trust it: more than a tick of any
// file system's clock, and than the skew between this machine's clock and
// that of a file server.
const RacyWindow = time.Second

// A dirState is one folder as a load found it.
type dirState struct {
	sig     Signature
	entries []dirent // sorted by name
}

// A dirent is one entry of a folder.
type dirent struct {
	name string
	kind byte // kindDir, kindFile or kindOther
}

const (
	kindDir   = 'd'
	kindFile  = 'f' // a regular file
	kindOther = 'o' // a symbolic link, a device, ...
)

// indexed is one snippet as a load found it.
type indexed struct {
	files  []Signature // of each of s.Files, in order
	s      Snippet     // without Dir and Expect, which depend on the folder's name
	expect []byte      // expected.txt as read; nil if there is none
}

// A Signature is the metadata of a file or folder that any change to it
// changes: its device and inode, size, mode, modification and change times.
type Signature struct {
	Dev, Ino     uint64
	Size         int64
	Mode         uint32
	MTime, CTime int64 // Unix nanoseconds
}

// trusts reports whether the index may take the file or folder whose
// signature is now, and was old when the index's load read it, to be as
// that load found it.
func (ix *Index) trusts(old, now Signature) bool {
	return old == now && now.CTime != 0 && now.CTime < ix.stamp-int64(RacyWindow)
}

// skipped reports whether a folder's name keeps it and everything below
// it from holding snippets.
func skipped(name string) bool {
	return name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// Find returns the ids of every snippet below root, sorted.
func Find(root string) ([]string, error) {
	t, err := walk(root, nil, false)
	return t.IDs, err
}

// LoadAll reads every snippet below root.
func LoadAll(root string) ([]*Snippet, error) {
	t, err := LoadTree(root, nil)
	return t.Snippets, err
}

// LoadTree finds and loads every snippet below root, on every core, taking
// from prev, an index an earlier LoadTree of root returned, whatever has
// not changed since (see Index). prev may be nil, or the index of another
// folder, which is ignored. The error joins every problem found: folders
// whose names are not snippet ids and snippets that do not load; the Tree
// holds everything else.
func LoadTree(root string, prev *Index) (*Tree, error) {
	return walk(root, prev, true)
}

// walk finds every snippet below root, and with load, loads them.
func walk(root string, prev *Index, load bool) (*Tree, error) {
	w := &walker{root: root, load: load}
	abs, err := filepath.Abs(root)
	if err != nil {
		return &Tree{}, err
	}
	w.next = &Index{root: abs, stamp: time.Now().UnixNano(), dirs: map[string]*dirState{}, snips: map[string]*indexed{}}
	if prev != nil && prev.root == abs {
		w.prev = prev
	} else {
		w.prev = &Index{}
	}
	info, err := os.Lstat(root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &Tree{Index: w.next, Changed: len(w.prev.dirs) > 0}, nil // a notebook with no snippets yet
	case err != nil:
		return &Tree{Index: w.next}, err
	case !info.IsDir():
		// A root that is a link or a file holds no snippets.
		return &Tree{Index: w.next, Changed: len(w.prev.dirs) > 0}, nil
	}
	if w.folder, err = openFolder(root); err != nil {
		return &Tree{Index: w.next}, err
	}
	defer w.folder.Close()
	t := &Tree{Index: w.next}
	var errs []error
	level := []string{"."}
	for len(level) > 0 {
		visits := make([]visit, len(level))
		parallel(len(level), func(i int) { visits[i] = w.visit(level[i]) })
		level = nil
		for _, v := range visits {
			level = append(level, v.subdirs...)
			errs = append(errs, v.errs...)
			if v.dir != nil {
				w.next.dirs[v.rel] = v.dir
			}
			if v.id != "" {
				t.IDs = append(t.IDs, v.id)
			}
			if v.snippet != nil {
				t.Snippets = append(t.Snippets, v.snippet)
			}
			if v.indexed != nil {
				w.next.snips[v.id] = v.indexed
			}
			if v.reused {
				t.Reused++
			}
			t.Changed = t.Changed || v.changed
		}
	}
	slices.Sort(t.IDs)
	slices.SortFunc(t.Snippets, func(a, b *Snippet) int { return strings.Compare(a.ID, b.ID) })
	// What was not read afresh came from prev: the index differs from it
	// if anything was, or if something of prev is gone.
	t.Changed = t.Changed || len(w.next.dirs) != len(w.prev.dirs) || len(w.next.snips) != len(w.prev.snips)
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return t, errors.Join(errs...)
}

// A walker finds the snippets below root, one folder at a time.
type walker struct {
	root       string
	folder     *folder // root, open
	load       bool
	prev, next *Index
}

// A visit is what a walker found in one folder.
type visit struct {
	rel     string    // the folder, slash-separated, from the root
	dir     *dirState // its entries; nil if they could not be read
	subdirs []string  // the folders below it to visit
	id      string    // the snippet's id, if it holds one
	snippet *Snippet  // the snippet, if it loaded
	indexed *indexed  // the snippet for the next index, if it may hold it
	reused  bool      // the snippet came from the index
	changed bool      // the folder's entries, or the snippet, were read afresh for the index
	errs    []error
}

// visit reads the folder rel, or takes its entries from the index, and
// the snippet it holds, if it holds one.
func (w *walker) visit(rel string) visit {
	v := visit{rel: rel}
	dir := filepath.Join(w.root, filepath.FromSlash(rel))
	sig, kind, err := w.folder.lstat(rel)
	if err != nil {
		v.errs = append(v.errs, &fs.PathError{Op: "lstat", Path: dir, Err: err})
		return v
	}
	if kind != kindDir {
		return v // replaced by a file or a link since its folder was read
	}
	// The signature is taken before the entries are read: a change after
	// it shows as a changed signature next time.
	st := &dirState{sig: sig}
	if old := w.prev.dirs[rel]; old != nil && w.prev.trusts(old.sig, st.sig) {
		st.entries = old.entries
	} else {
		v.changed = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			v.errs = append(v.errs, err)
			return v
		}
		for _, e := range entries {
			kind := byte(kindOther)
			switch {
			case e.IsDir():
				kind = kindDir
			case e.Type().IsRegular():
				kind = kindFile
			}
			st.entries = append(st.entries, dirent{e.Name(), kind})
		}
	}
	v.dir = st
	holds := false
	for _, e := range st.entries {
		switch {
		case e.kind == kindDir && !skipped(e.name):
			v.subdirs = append(v.subdirs, path.Join(rel, e.name))
		case e.kind != kindDir && e.name == MainFile && rel != ".":
			holds = true
		}
	}
	if !holds {
		return v
	}
	// An id the index holds was checked when it was indexed, and again
	// when the index was read.
	if w.prev.snips[rel] == nil {
		if err := CheckID(rel); err != nil {
			v.errs = append(v.errs, fmt.Errorf("%s: the folder's name is not a snippet id: %w", filepath.Join(dir, MainFile), err))
			return v
		}
	}
	v.id = rel
	if w.load {
		w.loadSnippet(&v, dir, st, !v.changed)
	}
	return v
}

// loadSnippet loads the snippet in v's folder dir, whose entries are st's,
// or takes it from the index if nothing of it changed; sameDir says the
// folder's entries came from the index.
func (w *walker) loadSnippet(v *visit, dir string, st *dirState, sameDir bool) {
	var files []string
	indexable := true
	for _, e := range st.entries {
		switch {
		case e.kind == kindFile:
			files = append(files, e.name)
		case e.name == MainFile || e.name == OptionsFile || e.name == ExpectFile:
			indexable = false // a link, say: its target's changes do not show
		}
	}
	// Signatures first, contents after: a change in between shows next
	// time.
	sigs := make([]Signature, len(files))
	for i, name := range files {
		sig, kind, err := w.folder.lstat(v.id + "/" + name)
		if err != nil || kind != kindFile {
			indexable = false
			continue
		}
		sigs[i] = sig
	}
	old := w.prev.snips[v.id]
	if indexable && sameDir && old != nil && w.prev.trustsAll(old.files, sigs) {
		if s, err := old.snippet(dir); err == nil {
			v.snippet, v.indexed, v.reused = s, old, true
			return
		}
	}
	s, expect, err := load(v.id, dir, files)
	if err != nil {
		v.errs = append(v.errs, err)
		return
	}
	v.snippet = s
	if indexable {
		v.indexed = &indexed{files: sigs, s: *s, expect: expect}
		v.indexed.s.Dir, v.indexed.s.Expect = "", nil
		v.changed = true
	}
}

// trustsAll reports whether trusts holds for each pair of signatures.
func (ix *Index) trustsAll(old, now []Signature) bool {
	if len(old) != len(now) {
		return false
	}
	for i := range old {
		if !ix.trusts(old[i], now[i]) {
			return false
		}
	}
	return true
}

// snippet returns the indexed snippet as Load would read it from dir.
func (e *indexed) snippet(dir string) (*Snippet, error) {
	s := e.s
	s.Dir = dir
	if e.expect != nil {
		var err error
		if s.Expect, err = ParseExpectation(s.ExpectPath(), e.expect); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// parallel calls f(0), ..., f(n-1), on as many goroutines at once as
// there are cores for Go to use, and returns when every call has.
func parallel(n int, f func(i int)) {
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= n {
					return
				}
				f(j)
			}
		})
	}
	wg.Wait()
}
