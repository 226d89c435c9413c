package snippets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// cacheVersion changes whenever the meaning of a cached result changes, so
// that old entries are never misread.
const cacheVersion = "notebook-run-cache-v1"

// A Cache stores run results on disk, one JSON file per key. A nil *Cache
// stores nothing and finds nothing.
//
// The key covers everything that can change what a run prints: the
// snippet's files (all of them except expected.txt, which only judges the
// output), its options, the engine, the Go version and the platform. It does
// not cover the note that links to the snippet, so editing prose re-runs
// nothing. Only runs that met their expectation are stored, so a flaky
// failure is retried on the next build rather than remembered.
type Cache struct {
	Dir string
}

// DefaultCacheDir is where results are cached unless told otherwise:
// $NOTEBOOK_CACHE, or notebook/ in the user's cache directory.
func DefaultCacheDir() (string, error) {
	if d := os.Getenv("NOTEBOOK_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "notebook"), nil
}

func (c *Cache) path(key string) string {
	return filepath.Join(c.Dir, key[:2], key+".json")
}

// Get returns the result stored under key.
func (c *Cache) Get(key string) (*Result, bool) {
	if c == nil {
		return nil, false
	}
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return nil, false
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil || r.Key != key {
		return nil, false
	}
	return &r, true
}

// Put stores r under its key. Failing to write the cache is not an error of
// the build: the result is simply not remembered.
func (c *Cache) Put(r *Result) {
	if c == nil {
		return
	}
	data, err := json.Marshal(r)
	if err != nil {
		return
	}
	p := c.path(r.Key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), p) != nil {
		os.Remove(tmp.Name())
	}
}

// cacheKey hashes everything that can change a run of s.
func cacheKey(s *Snippet, engine, goVersion string) (string, error) {
	h := sha256.New()
	opts := s.Options
	opts.Engine = engine
	o, err := json.Marshal(opts)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s/%s\x00%s\x00", cacheVersion, engine, goVersion, runtime.GOOS, runtime.GOARCH, o)
	for _, name := range s.Files {
		if name == ExpectFile {
			continue
		}
		data, err := os.ReadFile(filepath.Join(s.Dir, name))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
