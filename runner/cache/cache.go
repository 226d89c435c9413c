// Package cache stores the results of runs on disk, by key.
//
// A Cache is a folder of JSON files, one per key, two levels deep
// (ab/abcdef….json); bytes stored as they are (PutBytes) are files of
// their own (ab/abcdef….bin). A nil *Cache stores nothing and finds nothing, so a
// caller that runs without a cache needs no special case. What a key covers
// is the caller's business (see package runner); the cache only keeps
// values under it. Writing is atomic: a reader sees a whole entry or none.
// Failing to write is not an error of the build: the value is simply not
// remembered.
//
// # Only what the cache wrote
//
// Every entry carries an HMAC-SHA256, over its key and its value, made
// with a secret kept in the folder's file "key" (32 random bytes, mode
// 0600, created on first use). Get accepts only an entry whose MAC is
// right: one forged by anything that lacks the secret (a snippet that
// writes into the cache, say), or corrupted, is removed and not found, so
// the caller runs again. Anything that can read the key file can forge
// entries: it must stay out of reach of what runs (see package box).
package cache

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// A Cache stores values under keys in the folder Dir.
type Cache struct {
	Dir string
	// Warn, if set, is called at most once, with one line, when the
	// cache cannot keep its secret as it should (a file system without
	// hard links) or cannot keep one at all, so that it stores nothing.
	Warn func(string)

	once   sync.Once
	secret []byte                              // nil if it could not be read or made: nothing is stored
	link   func(oldname, newname string) error // os.Link if nil; tests replace it
}

// KeyFile is the name of the file, in the cache's folder, that holds the
// secret of its MACs.
const KeyFile = "key"

// entry is what a cache file holds.
type entry struct {
	MAC   string          `json:"mac"` // hex, lower case
	Value json.RawMessage `json:"value"`
}

// key returns the cache's secret, reading or making it on first use.
func (c *Cache) key() []byte {
	c.once.Do(func() {
		var err error
		c.secret, err = c.loadKey(filepath.Join(c.Dir, KeyFile))
		if err != nil {
			c.warn(fmt.Sprintf("results are not cached: %v", err))
		}
	})
	return c.secret
}

func (c *Cache) warn(msg string) {
	if c.Warn != nil {
		c.Warn("cache: " + msg)
	}
}

// loadKey reads the secret in name, or makes it: written to a temporary
// file, then linked into place, so that of two processes that start at
// once both end up with the one that won. Where the file system has no
// hard links, the secret is written in place, made with O_EXCL; an empty
// file is then one being written, read again a moment later.
func (c *Cache) loadKey(name string) ([]byte, error) {
	link := c.link
	if link == nil {
		link = os.Link
	}
	pause := time.Millisecond
	for range 8 {
		data, err := os.ReadFile(name)
		if err == nil && len(data) == 0 {
			time.Sleep(pause) // made in place by another process: not written yet
			pause *= 2
			continue
		}
		if err == nil {
			if len(data) != sha256.Size {
				return nil, errors.New("malformed key file " + name)
			}
			return data, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			return nil, err
		}
		secret := make([]byte, sha256.Size)
		rand.Read(secret)
		err = linkKey(name, secret, link)
		switch {
		case err == nil:
			return secret, nil
		case errors.Is(err, fs.ErrExist):
			continue // another won: read theirs
		case errors.Is(err, errNoLink):
			c.warn(fmt.Sprintf("%s: no hard links on this file system (%v): the key is written in place", filepath.Dir(name), err))
			if err := writeKey(name, secret); errors.Is(err, fs.ErrExist) {
				continue
			} else if err != nil {
				return nil, err
			}
			return secret, nil
		default:
			return nil, err
		}
	}
	return nil, errors.New("cannot make " + name)
}

// errNoLink says that a file system cannot make a hard link.
var errNoLink = errors.New("cannot link")

// linkKey writes secret to a temporary file beside name and links it to
// name. An error that says fs.ErrExist means name exists; one that says
// errNoLink, that the link failed otherwise.
func linkKey(name string, secret []byte, link func(string, string) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".key-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(secret)
	if err := errors.Join(werr, tmp.Close()); err != nil {
		return err
	}
	err = link(tmp.Name(), name)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	return fmt.Errorf("%w: %v", errNoLink, err)
}

// writeKey makes name, which must not exist, holding secret.
func writeKey(name string, secret []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, werr := f.Write(secret)
	if err := errors.Join(werr, f.Close()); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}

// mac is the MAC of value stored under key, in hex.
func mac(secret []byte, key string, value []byte) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(key))
	h.Write([]byte{0})
	h.Write(value)
	return hex.EncodeToString(h.Sum(nil))
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
// was one that the cache itself wrote. An entry whose MAC is wrong is
// removed. A key shorter than three characters is never stored.
func (c *Cache) Get(key string, v any) bool {
	if c == nil || len(key) < 3 {
		return false
	}
	secret := c.key()
	if secret == nil {
		return false
	}
	p := c.path(key)
	data, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	var e entry
	if json.Unmarshal(data, &e) != nil || !hmac.Equal([]byte(e.MAC), []byte(mac(secret, key, e.Value))) {
		os.Remove(p)
		return false
	}
	return json.Unmarshal(e.Value, v) == nil
}

// Put stores v under key.
func (c *Cache) Put(key string, v any) {
	if c == nil || len(key) < 3 {
		return
	}
	secret := c.key()
	if secret == nil {
		return
	}
	value, err := json.Marshal(v)
	if err != nil {
		return
	}
	data, err := json.Marshal(entry{MAC: mac(secret, key, value), Value: value})
	if err != nil {
		return
	}
	c.write(c.path(key), data)
}

// GetBytes returns the bytes stored under key by PutBytes, if the cache
// itself wrote them. An entry whose MAC is wrong is removed. Bytes are
// kept as they are, not as JSON, so that large values cost no decoding.
func (c *Cache) GetBytes(key string) ([]byte, bool) {
	if c == nil || len(key) < 3 {
		return nil, false
	}
	secret := c.key()
	if secret == nil {
		return nil, false
	}
	p := c.bytesPath(key)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, false
	}
	sum, value, ok := bytes.Cut(data, []byte("\n"))
	if !ok || !hmac.Equal(sum, []byte(mac(secret, bytesPrefix+key, value))) {
		os.Remove(p)
		return nil, false
	}
	return value, true
}

// PutBytes stores data under key, for GetBytes: a line with the MAC, then
// the bytes.
func (c *Cache) PutBytes(key string, data []byte) {
	if c == nil || len(key) < 3 {
		return
	}
	secret := c.key()
	if secret == nil {
		return
	}
	entry := make([]byte, 0, 2*sha256.Size+1+len(data))
	entry = append(entry, mac(secret, bytesPrefix+key, data)...)
	entry = append(entry, '\n')
	c.write(c.bytesPath(key), append(entry, data...))
}

// bytesPrefix sets the MACs of PutBytes apart from those of Put.
const bytesPrefix = "bytes\x00"

func (c *Cache) bytesPath(key string) string {
	return filepath.Join(c.Dir, key[:2], key+".bin")
}

// write writes data to the file p atomically, or not at all.
func (c *Cache) write(p string, data []byte) {
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
