package site

// The parsed notes: what a build keeps in the results cache so that the
// next build of the same notebook parses only the notes that changed.

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"github.com/gonotebook/notebook/internal/wire"
	"github.com/gonotebook/notebook/notes"
	"github.com/gonotebook/notebook/render"
	"github.com/gonotebook/notebook/runner/cache"
)

// parsedMagic starts encoded parsedNotes, and changes whenever their
// encoding does.
const parsedMagic = "notebook parsed notes v1\n"

// parsedNotes are the notes a build parsed, each saved (see
// render.Doc.Save) under a hash of its path, first line and body, in the
// results cache under a key made from the notes folder's absolute path.
// They were written by the running program (see program), whose parser
// made them: another program's are not read. The results cache signs
// them as it signs every entry, so ones that anything else wrote or
// changed are not read. A build restores each note whose hash is the one
// kept, and parses the others.
type parsedNotes struct {
	mu      sync.Mutex
	docs    map[string]savedDoc // by note path
	changed bool                // since read, so to be written
}

type savedDoc struct {
	sum  [sha256.Size]byte
	data []byte
}

// parsedKey is the cache key of the parsed notes of the notebook root.
func parsedKey(root string) (string, error) {
	abs, err := filepath.Abs(filepath.Join(root, "notes"))
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(parsedMagic + abs))
	return hex.EncodeToString(sum[:]), nil
}

// noteSum hashes what a note's Doc is parsed from.
func noteSum(n *notes.Note) [sha256.Size]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%q %d\n", n.Path, n.BodyLine)
	h.Write(n.Body)
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// readParsed returns the parsed notes c keeps for the notebook root, or
// none if it keeps none this program can read.
func readParsed(c *cache.Cache, root string) *parsedNotes {
	p := &parsedNotes{docs: map[string]savedDoc{}}
	key, err := parsedKey(root)
	if err != nil {
		return p
	}
	data, ok := c.GetBytes(key)
	if !ok {
		return p
	}
	rest, ok := bytes.CutPrefix(data, []byte(parsedMagic))
	if !ok {
		return p
	}
	// The saved notes share data's memory, which the cache read for
	// this alone.
	r := wire.NewSharedReader(rest)
	if r.String() != program() {
		return p
	}
	docs := map[string]savedDoc{}
	for range r.Count() {
		path, sum, doc := r.String(), r.Bytes(), r.Bytes()
		if len(sum) != sha256.Size {
			return p
		}
		docs[path] = savedDoc{sum: [sha256.Size]byte(sum), data: doc}
	}
	if r.Err() != nil || r.Len() != 0 {
		return p
	}
	p.docs = docs
	return p
}

// parse returns n's Doc, restored if it is kept under n's hash, else
// parsed (fresh) and kept, with its tree dropped (see
// render.Doc.DropTree).
func (p *parsedNotes) parse(md *render.Markdown, n *notes.Note) (d *render.Doc, fresh bool, err error) {
	sum := noteSum(n)
	p.mu.Lock()
	saved, ok := p.docs[n.Path]
	p.mu.Unlock()
	if ok && saved.sum == sum {
		if d, err := md.Restore(n.Path, n.Body, n.BodyLine, saved.data); err == nil {
			return d, false, nil
		}
	}
	d, err = md.Parse(n.Path, n.Body, n.BodyLine)
	if d == nil {
		return nil, true, err
	}
	d.DropTree()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		p.docs[n.Path], p.changed = savedDoc{sum: sum, data: d.Save(nil)}, true
	} else if ok {
		// A note in error is parsed again, to report its errors.
		delete(p.docs, n.Path)
		p.changed = true
	}
	return d, true, err
}

// write keeps the parsed notes in c for the notebook root, those of the
// notes in list only, if they changed. Failing to is not an error of the
// build: the next build parses what it must.
func (p *parsedNotes) write(c *cache.Cache, root string, list []*notes.Note) {
	if c == nil {
		return
	}
	present := make(map[string]bool, len(list))
	for _, n := range list {
		present[n.Path] = true
	}
	paths := make([]string, 0, len(p.docs))
	for path := range p.docs {
		if present[path] {
			paths = append(paths, path)
		} else {
			p.changed = true
		}
	}
	if !p.changed {
		return
	}
	key, err := parsedKey(root)
	if err != nil {
		return
	}
	slices.Sort(paths)
	size := len(parsedMagic) + 2*binary.MaxVarintLen64 + len(program())
	for _, path := range paths {
		size += 3*binary.MaxVarintLen64 + len(path) + sha256.Size + len(p.docs[path].data)
	}
	b := make([]byte, 0, size)
	b = append(b, parsedMagic...)
	b = wire.AppendString(b, program())
	b = wire.AppendUint(b, uint64(len(paths)))
	for _, path := range paths {
		d := p.docs[path]
		b = wire.AppendString(b, path)
		b = wire.AppendBytes(b, d.sum[:])
		b = wire.AppendBytes(b, d.data)
	}
	c.PutBytes(key, b)
}
