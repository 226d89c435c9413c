package site

// The build index: what a build keeps in the results cache so that the
// next build of the same notebook neither reads the snippets that did not
// change nor looks up their results one file at a time.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/gonotebook/notebook/internal/wire"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/runner/cache"
	"github.com/gonotebook/notebook/snippets"
)

// buildIndexMagic starts an encoded buildIndex, and changes whenever its
// encoding does.
const buildIndexMagic = "notebook build index v2\n"

// A buildIndex is what a build of a notebook keeps for the next one, in
// its results cache, under a key made from the snippets folder's absolute
// path (see indexKey): the snippets as the build found them (a
// snippets.Index) and the result each snippet's last run or cached result
// gave, if it met the snippet's expectation. A result is taken from it
// only under the key a run of the snippet would have now, as a cached
// result is, and is checked against the expectation again: it is a copy
// of the cache's entries in one file, read at once. The snippets are
// taken from it only by the program that wrote it (see program): another
// program's Load may make otherwise of the same files (their
// documentation, their options' defaults). The results cache signs it as
// it signs every entry, so one that anything else wrote or changed is not
// read.
type buildIndex struct {
	snippets *snippets.Index
	results  map[string]*runner.Result // by snippet id
	// changed says that the index differs from the one the build read,
	// and is to be written.
	changed bool
}

// indexKey is the cache key of the build index of the snippets folder dir.
func indexKey(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(buildIndexMagic + abs))
	return hex.EncodeToString(sum[:]), nil
}

// readIndex returns the build index that c keeps for the snippets folder
// dir, or an empty one if it keeps none it can read.
func readIndex(c *cache.Cache, dir string) *buildIndex {
	ix := &buildIndex{results: map[string]*runner.Result{}}
	key, err := indexKey(dir)
	if err != nil {
		return ix
	}
	data, ok := c.GetBytes(key)
	if !ok {
		return ix
	}
	if read, err := decodeIndex(data); err == nil {
		ix = read
	}
	return ix
}

// decodeIndex decodes what encode encoded.
func decodeIndex(data []byte) (*buildIndex, error) {
	rest, ok := bytes.CutPrefix(data, []byte(buildIndexMagic))
	if !ok {
		return nil, errors.New("not a build index, or one of another version")
	}
	// What is decoded shares data's memory, which the cache read for
	// this alone.
	r := wire.NewSharedReader(rest)
	ix := &buildIndex{results: map[string]*runner.Result{}}
	// The snippets, if this program wrote them, decode while the results
	// do; the results, whose keys say what made them, are good for any.
	tree := make(chan error, 1)
	ours := r.String() == program()
	encoded := r.Bytes()
	if ours {
		go func() {
			var err error
			ix.snippets, err = snippets.DecodeIndex(encoded)
			tree <- err
		}()
	} else {
		tree <- nil
	}
	var err error
	n := r.Count()
	ix.results = make(map[string]*runner.Result, n)
	for ; n > 0 && r.Err() == nil && err == nil; n-- {
		id := r.String()
		var res *runner.Result
		res, err = runner.DecodeResult(r.Bytes())
		ix.results[id] = res
	}
	if err = errors.Join(err, <-tree); err != nil {
		return nil, err
	}
	if r.Err() != nil || r.Len() != 0 {
		return nil, wire.ErrCorrupt
	}
	return ix, nil
}

// encode encodes the index.
func (ix *buildIndex) encode() ([]byte, error) {
	b := []byte(buildIndexMagic)
	tree, err := ix.snippets.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b = wire.AppendString(b, program())
	b = wire.AppendBytes(b, tree)
	ids := make([]string, 0, len(ix.results))
	for id := range ix.results {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b = wire.AppendUint(b, uint64(len(ids)))
	var res []byte
	for _, id := range ids {
		if res, err = ix.results[id].AppendBinary(res[:0]); err != nil {
			return nil, err
		}
		b = wire.AppendBytes(wire.AppendString(b, id), res)
	}
	return b, nil
}

// write keeps the index in c for the snippets folder dir, if it changed.
// Failing to is not an error of the build: the next build reads what it
// must.
func (ix *buildIndex) write(c *cache.Cache, dir string) {
	if c == nil || !ix.changed || ix.snippets == nil {
		return
	}
	key, err := indexKey(dir)
	if err != nil {
		return
	}
	data, err := ix.encode()
	if err != nil {
		return
	}
	c.PutBytes(key, data)
	ix.changed = false
}

// knownResults returns, for each of ids that the build index holds a
// result of under the key a run of it would have now, that result, as
// from the cache.
func (nb *Notebook) knownResults(ctx context.Context, r *runner.Runner, ids []string) map[string]*runner.Result {
	var list []*snippets.Snippet
	for _, id := range ids {
		if s := nb.Snippets[id]; s != nil && nb.index.results[id] != nil {
			list = append(list, s)
		}
	}
	known := map[string]*runner.Result{}
	if len(list) == 0 {
		return known
	}
	// On every core: a key hashes the snippet's options and Sum.
	keys := make([]string, len(list))
	chunks := runtime.GOMAXPROCS(0)
	size := (len(list) + chunks - 1) / chunks
	errs := make([]error, chunks)
	parallel(chunks, func(c int) {
		lo, hi := min(c*size, len(list)), min((c+1)*size, len(list))
		var part []string
		if part, errs[c] = r.Keys(ctx, list[lo:hi], ""); errs[c] == nil {
			copy(keys[lo:hi], part)
		}
	})
	if errors.Join(errs...) != nil {
		return known // the runs will say why
	}
	for i, s := range list {
		if res := nb.index.results[s.ID]; res.Key == keys[i] {
			c := *res
			c.Cached = true
			known[s.ID] = &c
		}
	}
	return known
}

// keep records the result of the snippet id's run (or cached result) for
// the next build, if it met the snippet's expectation (ok), and forgets
// any it had otherwise; fromIndex says the result came from the index.
func (ix *buildIndex) keep(id string, res *runner.Result, ok, fromIndex bool) {
	switch {
	case ok && !fromIndex:
		ix.results[id], ix.changed = res, true
	case !ok && ix.results[id] != nil:
		delete(ix.results, id)
		ix.changed = true
	}
}

// prune forgets the results of snippets that are gone.
func (ix *buildIndex) prune(all map[string]*snippets.Snippet) {
	for id := range ix.results {
		if all[id] == nil {
			delete(ix.results, id)
			ix.changed = true
		}
	}
}
