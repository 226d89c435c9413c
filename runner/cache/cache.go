// Package cache stores the results of runs on disk, by key.
//
// A Cache is a folder of JSON files, one per key, two levels deep
// (ab/abcdef….json). A nil *Cache stores nothing and finds nothing, so a
// caller that runs without a cache needs no special case. What a key covers
// is the caller's business (see package runner); the cache only keeps
// values under it. Writing is atomic: a reader sees a whole entry or none.
// Failing to write is not an error of the build: the value is simply not
// remembered.
package cache

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// A Cache stores values under keys in the folder Dir.
type Cache struct {
	Dir string
}

// DefaultDir is where results are cached unless told otherwise:
// $NOTEBOOK_CACHE, or notebook/ in the user's cache folder.
func DefaultDir() (string, error) {
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

// Get decodes the value stored under key into v and reports whether there
// was one. A key shorter than three characters is never stored.
func (c *Cache) Get(key string, v any) bool {
	if c == nil || len(key) < 3 {
		return false
	}
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return false
	}
	return json.Unmarshal(data, v) == nil
}

// Put stores v under key.
func (c *Cache) Put(key string, v any) {
	if c == nil || len(key) < 3 {
		return
	}
	data, err := json.Marshal(v)
	if err != nil {
		return
	}
	p := c.path(key)
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
