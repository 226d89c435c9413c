package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gonotebook/notebook/runner/cache"
)

// Programs keeps the programs that native snippets compiled to, so that a
// snippet whose result is not cached (a build with no results cache, a
// result that did not meet its expectation, a results cache emptied) but
// whose program is, runs without the go command: asking it for even an
// unchanged program costs a tenth of a second of the processor. Programs
// are kept under the key of the result a run makes (see cacheKey), which
// covers everything that builds them. The SHA-256 of each is kept beside
// it in a signed cache entry (see package cache) and checked before it
// runs, so that a program anything else put there never runs. Like Go's
// build cache, it removes the programs no build has used for five days,
// and keeps them under a gigabyte, the least recently used going first.
//
// Programs keep no results: a build with no results cache still keeps
// them, as the go command keeps what it compiles.
type Programs struct {
	// Dir is the folder the programs are kept in.
	Dir string
	// Max bounds the bytes the programs take; programsMax (1 GiB) if zero.
	Max int64

	once sync.Once
	sums *cache.Cache
	trim sync.Once
}

// programsUnused is how long a program no build used is kept.
const programsUnused = 5 * 24 * time.Hour

// programsMax is Programs.Max's default: some 300 programs of a few
// megabytes. A notebook of more native snippets compiles those its builds
// used least recently again.
const programsMax = 1 << 30

func (p *Programs) init() {
	p.once.Do(func() { p.sums = &cache.Cache{Dir: filepath.Join(p.Dir, "sums")} })
}

// path is where the program of the result key is kept.
func (p *Programs) path(key string) string { return filepath.Join(p.Dir, key) }

// get returns the kept program of the result key, or nil if there is
// none whose SHA-256 is the one kept for it.
func (p *Programs) get(key string) *Program {
	if p == nil || p.Dir == "" {
		return nil
	}
	p.init()
	want, ok := p.sums.GetBytes(key)
	if !ok {
		return nil
	}
	path := p.path(key)
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil || hex.EncodeToString(h.Sum(nil)) != string(want) {
		return nil
	}
	// Used now: kept five days more. Touched at most once an hour.
	if info, err := f.Stat(); err == nil && time.Since(info.ModTime()) > time.Hour {
		now := time.Now()
		os.Chtimes(path, now, now)
	}
	return &Program{Path: path}
}

// put keeps the program prog of the result key, if it is one the native
// engine compiled. Failing to is not an error: the next run compiles it.
func (p *Programs) put(key string, prog *Program) {
	if p == nil || p.Dir == "" || prog.Path == "" || prog.Entry != "" || len(prog.Files) > 0 || len(prog.ReadOnly) > 0 || len(prog.Args) > 0 {
		return
	}
	p.init()
	p.trim.Do(p.removeUnused)
	data, err := os.ReadFile(prog.Path)
	if err != nil {
		return
	}
	if err := os.MkdirAll(p.Dir, 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(p.Dir, ".program-*")
	if err != nil {
		return
	}
	_, err = f.Write(data)
	err = errors.Join(err, f.Chmod(0o755), f.Close())
	if err == nil {
		err = os.Rename(f.Name(), p.path(key))
	}
	if err != nil {
		os.Remove(f.Name())
		return
	}
	sum := sha256.Sum256(data)
	p.sums.PutBytes(key, []byte(hex.EncodeToString(sum[:])))
}

// removeUnused removes the programs no build used for programsUnused, and
// what killed builds left half-written; then, while the programs take
// more than Max bytes, the least recently used.
func (p *Programs) removeUnused() {
	entries, err := os.ReadDir(p.Dir)
	if err != nil {
		return
	}
	type kept struct {
		name string
		used time.Time
		size int64
	}
	var list []kept
	var total int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		old := time.Since(info.ModTime())
		if old > programsUnused || (strings.HasPrefix(e.Name(), ".program-") && old > time.Hour) {
			os.Remove(filepath.Join(p.Dir, e.Name()))
			continue
		}
		list = append(list, kept{e.Name(), info.ModTime(), info.Size()})
		total += info.Size()
	}
	limit := p.Max
	if limit == 0 {
		limit = programsMax
	}
	slices.SortFunc(list, func(a, b kept) int { return a.used.Compare(b.used) })
	for _, k := range list {
		if total <= limit {
			break
		}
		if os.Remove(filepath.Join(p.Dir, k.name)) == nil {
			total -= k.size
		}
	}
}
