// Package store keeps everything a build reuses: the output of each of its
// actions (a snippet's result, an original's result, a compiled program, a
// parsed or rendered note, the in-browser interpreter), on disk, under the
// ID of the action that made it. It has the shape of the go command's build
// cache (cmd/go/internal/cache).
//
// # IDs
//
// An action's ID is a SHA-256 of everything that can change its output,
// made with a Hash: NewHash writes the running program's identity (its Go
// build ID, see Program) and the kind of action, and the caller adds each
// input. The output's ID is the SHA-256 of its bytes. Two actions with the
// same output share one file.
//
// # Layout
//
// A Store is a folder. The entry of action A is the file xx/A-a (xx the
// first two hex digits of A), one line:
//
//	v1 <action ID> <output ID> <size> <HMAC>
//
// and the output O is the file xx/O-d, holding the bytes. Both are written
// to a temporary file and renamed into place, so a reader sees all of a
// file or none.
//
// # Only what the store wrote
//
// Each entry carries an HMAC-SHA256 of the rest of its line, made with a
// secret kept in the folder's file "key" (32 random bytes, mode 0600,
// made on first use). An entry whose HMAC is wrong (forged by something
// that lacks the secret, or damaged) is removed and not found; an output
// whose bytes do not hash to its ID is removed and not found either. So a
// build only ever reuses what a build wrote, and the caller runs the action
// again. Whatever can read the key file can forge entries: it stays out of
// reach of what runs (see package box).
//
// # Trimming
//
// Using a file marks it used (its modification time, at most once an
// hour); Trim removes what is unused for TrimAge, then the least recently
// used while the store holds more than its Max bytes.
//
// A nil *Store keeps nothing and finds nothing, so that a caller without
// one needs no special case. Failing to write is never an error of the
// build: the output is simply not kept.
package store

import (
	"cmp"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// An ID names an action by its inputs, or an output by its bytes.
type ID [sha256.Size]byte

func (id ID) String() string { return hex.EncodeToString(id[:]) }

// ParseID reads an ID written by String.
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) == 2*len(id) {
		if _, err := hex.Decode(id[:], []byte(s)); err == nil {
			return id, nil
		}
	}
	return ID{}, fmt.Errorf("not an ID: %q", s)
}

// Sum is the ID of an output: the SHA-256 of its bytes.
func Sum(data []byte) ID { return sha256.Sum256(data) }

// A Store keeps the outputs of actions in the folder Dir.
type Store struct {
	dir    string
	secret []byte
	// Max bounds the bytes Trim leaves; DefaultMax if zero.
	Max int64
}

// Defaults of trimming, and the store's files besides entries and outputs.
const (
	TrimAge    = 5 * 24 * time.Hour // unused this long, a file goes
	DefaultMax = 2 << 30            // 2 GiB
	usedEvery  = time.Hour          // how often a use is recorded
	trimEvery  = 24 * time.Hour     // how often Trim does its work
	keyFile    = "key"              // the secret of the entries' HMACs
	trimStamp  = "trim.txt"         // its time says when Trim last did its work
)

// DefaultDir is the store's folder unless told otherwise:
// $NOTEBOOK_CACHE, or notebook/ in the user's cache folder.
func DefaultDir() (string, error) {
	if d := os.Getenv("NOTEBOOK_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	return filepath.Join(d, "notebook"), err
}

// Open opens the store in dir, making the folder and its key if needed.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	secret, err := loadKey(filepath.Join(dir, keyFile))
	if err != nil {
		return nil, fmt.Errorf("store %s: %v", dir, err)
	}
	return &Store{dir: dir, secret: secret}, nil
}

// Dir is the store's folder.
func (s *Store) Dir() string { return s.dir }

// loadKey reads the secret in name, or makes it: written whole to a
// temporary file, then linked into place, so that of two processes that
// start at once both end up with the one that won.
func loadKey(name string) ([]byte, error) {
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		data = make([]byte, sha256.Size)
		rand.Read(data)
		var tmp string
		if tmp, err = writeTemp(filepath.Dir(name), data); err != nil {
			return nil, err
		}
		err = os.Link(tmp, name)
		os.Remove(tmp)
		if errors.Is(err, fs.ErrExist) {
			data, err = os.ReadFile(name) // the other process's
		}
	}
	if err == nil && len(data) != sha256.Size {
		return nil, fmt.Errorf("malformed key file %s: remove the folder to start afresh", name)
	}
	return data, err
}

// An Entry says what an action made: its output's ID and size.
type Entry struct {
	Output ID
	Size   int64
}

func (s *Store) file(id ID, suffix string) string {
	h := id.String()
	return filepath.Join(s.dir, h[:2], h+suffix)
}

// entry returns the line of action a's entry e, HMAC included.
func (s *Store) entry(a ID, e Entry) string {
	line := fmt.Sprintf("v1 %v %v %d ", a, e.Output, e.Size)
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(line))
	return line + hex.EncodeToString(m.Sum(nil)) + "\n"
}

// Get returns the entry of action a, if the store holds one it wrote. One
// whose HMAC is wrong is removed.
func (s *Store) Get(a ID) (Entry, bool) {
	if s == nil {
		return Entry{}, false
	}
	name := s.file(a, "-a")
	data, err := read(name)
	if err != nil {
		return Entry{}, false
	}
	var e Entry
	var out []byte
	fmt.Sscanf(string(data), "v1 %x %x %d", new([]byte), &out, &e.Size)
	copy(e.Output[:], out)
	if !hmac.Equal(data, []byte(s.entry(a, e))) {
		os.Remove(name)
		return Entry{}, false
	}
	return e, true
}

// Bytes returns the output of action a, if the store holds it as written.
func (s *Store) Bytes(a ID) ([]byte, Entry, bool) {
	e, ok := s.Get(a)
	if !ok {
		return nil, Entry{}, false
	}
	data, ok := s.Output(e.Output)
	return data, e, ok
}

// Output returns the bytes of output o, if the store holds them intact.
// One whose bytes no longer hash to o is removed.
func (s *Store) Output(o ID) ([]byte, bool) {
	if s == nil {
		return nil, false
	}
	name := s.file(o, "-d")
	data, err := read(name)
	if err != nil {
		return nil, false
	}
	if Sum(data) != o {
		os.Remove(name)
		return nil, false
	}
	return data, true
}

// CopyOutput copies the bytes of output o to w, a few at a time, and
// returns an error unless the store holds them intact; w then holds bytes
// to throw away. One whose bytes no longer hash to o is removed.
func (s *Store) CopyOutput(o ID, w io.Writer) error {
	if s == nil {
		return fs.ErrNotExist
	}
	name := s.file(o, "-d")
	f, _, err := openUsed(name)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(w, h), f); err != nil {
		return err
	}
	if ID(h.Sum(nil)) != o {
		os.Remove(name)
		return fmt.Errorf("%s was changed in the store", name)
	}
	return nil
}

// Put stores data as the output of action a and returns its entry.
func (s *Store) Put(a ID, data []byte) (Entry, error) {
	e := Entry{Output: Sum(data), Size: int64(len(data))}
	if s == nil {
		return e, nil
	}
	out := s.file(e.Output, "-d")
	if info, err := os.Stat(out); err == nil {
		used(out, info)
	} else if err := place(out, data); err != nil {
		return e, err
	}
	return e, place(s.file(a, "-a"), []byte(s.entry(a, e)))
}

// GetJSON decodes the output of action a, stored by PutJSON, into v, and
// returns its entry.
func (s *Store) GetJSON(a ID, v any) (Entry, bool) {
	data, e, ok := s.Bytes(a)
	if !ok || json.Unmarshal(data, v) != nil {
		return Entry{}, false
	}
	return e, true
}

// PutJSON stores v, as JSON, as the output of action a, and returns its
// entry: with a nil Store, the entry it would have.
func (s *Store) PutJSON(a ID, v any) (Entry, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return Entry{}, err
	}
	return s.Put(a, data)
}

// place writes data to name through a temporary file beside it, making
// the folder if needed.
func place(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		return err
	}
	tmp, err := writeTemp(filepath.Dir(name), data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// writeTemp writes data to a new temporary file, mode 0600, in dir and
// returns its name.
func writeTemp(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, ".tmp-")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// read reads the file name of the store (see openUsed).
func read(name string) ([]byte, error) {
	f, size, err := openUsed(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data := make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, err
	}
	return data, nil
}

// openUsed opens the file name of the store, returns its size, and marks it
// used (see used).
func openUsed(name string) (*os.File, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	used(name, info)
	return f, info.Size(), nil
}

// used marks the file name, of the given metadata, used now, for Trim,
// if it was last marked over an hour ago.
func used(name string, info fs.FileInfo) {
	if time.Since(info.ModTime()) > usedEvery {
		now := time.Now()
		os.Chtimes(name, now, now)
	}
}

// Trim removes what the store holds that no build has used for TrimAge,
// then, while the rest takes more than Max bytes, what was used least
// recently. It does its work at most once a day, whoever calls it, and
// touches only the store's own files: entries and outputs in the folders
// of two hex digits, and the temporary files a killed process left.
func (s *Store) Trim() error {
	if s == nil {
		return nil
	}
	stamp := filepath.Join(s.dir, trimStamp)
	if info, err := os.Stat(stamp); err == nil && time.Since(info.ModTime()) < trimEvery {
		return nil
	}
	if err := os.WriteFile(stamp, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o600); err != nil {
		return err
	}
	// The store's own files: outputs and entries in the folders of two
	// hex digits, and temporary files beside them or the key.
	shards := filepath.Join(s.dir, "[0-9a-f][0-9a-f]")
	tmps, _ := filepath.Glob(filepath.Join(s.dir, ".tmp-*"))
	more, _ := filepath.Glob(filepath.Join(shards, ".tmp-*"))
	names, _ := filepath.Glob(filepath.Join(shards, "*-[ad]"))
	for _, name := range append(tmps, more...) {
		if info, err := os.Stat(name); err == nil && time.Since(info.ModTime()) > trimEvery {
			os.RemoveAll(name)
		}
	}
	var files []fs.FileInfo
	var total int64
	for _, name := range names {
		info, err := os.Lstat(name)
		switch {
		case err != nil || !info.Mode().IsRegular():
		case time.Since(info.ModTime()) > TrimAge:
			os.Remove(name)
		default:
			files = append(files, info)
			total += info.Size()
		}
	}
	slices.SortFunc(files, func(a, b fs.FileInfo) int { return a.ModTime().Compare(b.ModTime()) })
	for _, f := range files {
		if total <= cmp.Or(s.Max, DefaultMax) {
			break
		}
		os.Remove(filepath.Join(s.dir, f.Name()[:2], f.Name()))
		total -= f.Size()
	}
	return nil
}

// A Hash makes an action's ID from its inputs. Each input is written with
// its length, so that no two lists of inputs hash alike.
type Hash struct{ h hash.Hash }

// NewHash starts the ID of an action of the given kind, made by the running
// program (see Program).
func NewHash(kind string) *Hash {
	return (&Hash{h: sha256.New()}).String(Program()).String(kind)
}

// String adds s to the inputs.
func (h *Hash) String(s string) *Hash { return h.Bytes([]byte(s)) }

// Bytes adds b to the inputs.
func (h *Hash) Bytes(b []byte) *Hash {
	var n [24]byte
	h.h.Write(append(strconv.AppendInt(n[:0], int64(len(b)), 10), ':'))
	h.h.Write(b)
	return h
}

// ID adds an ID to the inputs.
func (h *Hash) ID(id ID) *Hash { return h.Bytes(id[:]) }

// Value adds v, encoded as JSON, to the inputs.
func (h *Hash) Value(v any) *Hash {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("store: hashing %T: %v", v, err)) // a programming error: inputs are plain data
	}
	return h.Bytes(data)
}

// Sum returns the action's ID.
func (h *Hash) Sum() ID { return ID(h.h.Sum(nil)) }
