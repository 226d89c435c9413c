package site

// Incremental builds: the key of every file's inputs, what the previous
// build made from which inputs, and updating an output folder in place,
// file by file.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// InputsFile is the file, beside MarkFile and listed in it, in which a
// build records the key of each file's inputs: a line per file, the key
// in hex, two spaces and the file's path. The next build into the same
// folder makes again only the files whose key changed (see Writing).
const InputsFile = ".notebook-inputs"

// previous is what the build that made the output folder left there: the
// SHA-256 of each file (its mark) and the key of each file's inputs. Both
// are empty when the folder is new or empty, or its inputs unreadable.
type previous struct {
	mark   mark
	inputs map[string]string
}

// readPrevious reads the mark and the inputs of out, which checkOut
// accepted, so that every file the mark lists is as it says.
func readPrevious(out string) previous {
	m, err := readMark(out)
	if err != nil {
		return previous{}
	}
	prev := previous{mark: m, inputs: map[string]string{}}
	data, err := os.ReadFile(filepath.Join(out, InputsFile))
	if err != nil {
		return prev
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if key, name, ok := strings.Cut(sc.Text(), "  "); ok {
			prev.inputs[name] = key
		}
	}
	return prev
}

// sum returns the SHA-256 the previous build's mark gives the file at rel,
// or "".
func (p previous) sum(rel string) string {
	if sums := p.mark[rel]; len(sums) == 1 {
		return sums[0]
	}
	return ""
}

// A made is one file of the site being built: its SHA-256 and the key of
// its inputs ("" for a file made every time).
type made struct {
	sum, key string
}

// keys makes the input keys of a build's files. Every key starts from the
// build's own: the program that renders (its templates and code), the
// base URL, whether drafts are in, the feed's time and the assets'
// fingerprints.
type keys struct {
	build []byte
	notes map[*Note]string // a note's path and file
	mu    sync.Mutex
}

// newKeys starts the keys of a build.
func newKeys(cfg *Config, assets map[string]string, worker string) *keys {
	h := sha256.New()
	fmt.Fprintf(h, "notebook site\x00%s\x00%s\x00%v\x00%s\x00%s\x00", program(), cfg.BaseURL, cfg.Drafts, cfg.Now.UTC().Format(time.RFC3339Nano), worker)
	names := make([]string, 0, len(assets))
	for name := range assets {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(h, "%s=%s\x00", name, assets[name])
	}
	return &keys{build: h.Sum(nil), notes: map[*Note]string{}}
}

// program identifies the running program, whose templates and code make
// the pages: by its Go build ID, which is the same for the same program
// however often it is built (so that go run, which builds it afresh each
// time, still finds its earlier builds' files); else by its path, size and
// modification time. If it cannot be read, every build is new. It is
// worked out once per process.
var program = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Sprintf("unknown %d %d", os.Getpid(), time.Now().UnixNano())
	}
	if id := buildID(exe); id != "" {
		return "go build ID " + id
	}
	info, err := os.Stat(exe)
	if err != nil {
		return fmt.Sprintf("unknown %d %d", os.Getpid(), time.Now().UnixNano())
	}
	return fmt.Sprintf("%s %d %d", exe, info.Size(), info.ModTime().UnixNano())
})

// buildID returns the Go build ID of the ELF program exe, from its note
// .note.go.buildid (name "Go", type 4, the ID as its description), or "".
func buildID(exe string) string {
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return ""
	}
	data, err := sec.Data()
	if err != nil || len(data) < 16 {
		return ""
	}
	order := f.ByteOrder
	namesz, descsz, typ := order.Uint32(data), order.Uint32(data[4:]), order.Uint32(data[8:])
	if namesz != 4 || typ != 4 || string(data[12:16]) != "Go\x00\x00" || uint32(len(data)-16) < descsz {
		return ""
	}
	return string(data[16 : 16+descsz])
}

// sum returns a key: the build's, then each part, as hex.
func (k *keys) sum(parts ...string) string {
	h := sha256.New()
	h.Write(k.build)
	for _, p := range parts {
		writeString(h, p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeString writes s to h with its length, so that no two lists of
// strings hash alike.
func writeString(h hash.Hash, s string) {
	// A Writer neither changes nor keeps what it is given, so the
	// string's bytes are written as they are, not copied: a build hashes
	// some hundred thousand strings.
	writeBytes(h, unsafe.Slice(unsafe.StringData(s), len(s)))
}

// writeBytes is writeString for a []byte.
func writeBytes(h hash.Hash, b []byte) {
	var n [24]byte
	h.Write(append(strconv.AppendInt(n[:0], int64(len(b)), 10), ':'))
	h.Write(b)
}

// note returns the hash of n's path and file, which hold everything a
// page or a list shows of it.
func (k *keys) note(n *Note) string {
	k.mu.Lock()
	s, ok := k.notes[n]
	k.mu.Unlock()
	if ok {
		return s
	}
	// Worked out unlocked, as a snippet's is.
	h := sha256.New()
	writeString(h, n.Path)
	writeBytes(h, n.Source)
	s = hex.EncodeToString(h.Sum(nil))
	k.mu.Lock()
	k.notes[n] = s
	k.mu.Unlock()
	return s
}

// card returns the hash of what a list of notes shows of n: its address,
// title, date, tags, how many Go programs it has and its entries (the
// note-card template, the search page's list of entries, the tags page
// and the sitemap). A list's key covers its notes' cards, not their
// text, so that an edit to a note's prose does not make every list
// again. A list template that shows more of a note must have it here.
func (k *keys) card(n *Note) string {
	h := sha256.New()
	writeString(h, n.URL())
	writeString(h, n.Title)
	writeString(h, n.DateString())
	writeString(h, fmt.Sprint(n.Programs(), len(n.Tags)))
	for _, t := range n.Tags {
		writeString(h, t)
	}
	for _, e := range n.Entries() {
		writeString(h, e.ID)
		writeString(h, e.Text)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// cardsOf returns the hash of the notes' cards, in order.
func (k *keys) cardsOf(ns []*Note) string {
	h := sha256.New()
	for _, n := range ns {
		writeString(h, k.card(n))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// notesOf returns the hash of the notes, in order.
func (k *keys) notesOf(ns []*Note) string {
	h := sha256.New()
	for _, n := range ns {
		writeString(h, k.note(n))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeSnippet writes to h what a page shows of the snippet id: its files
// (by their hash, Sum) and its result, cached or not. A result is named by
// its key and the time its run finished: a run makes a result once and
// nothing changes it after, so that names what it holds without encoding
// it, which for ten thousand snippets was a tenth of a second.
func writeSnippet(h hash.Hash, nb *Notebook, id string) {
	writeString(h, "snippet")
	writeString(h, id)
	if sn := nb.Snippets[id]; sn != nil {
		writeString(h, "files")
		writeString(h, sn.Sum)
		if sn.Sum == "" {
			writeBytes(h, sn.Source)
		}
	}
	if res := nb.Results[id]; res != nil {
		writeString(h, "result")
		writeString(h, res.Key)
		var b [32]byte
		writeBytes(h, strconv.AppendBool(strconv.AppendInt(b[:0], res.Finished.UnixNano(), 10), res.Cached))
		if res.Key == "" || res.Finished.IsZero() {
			// Not made by a run (a test's, say): every field.
			data, _ := json.Marshal(res)
			writeBytes(h, data)
		}
	}
}

// results returns the hash of every result n shows: its blocks' snippets
// and originals, and the snippets that answer its entries.
func (k *keys) results(nb *Notebook, n *Note) string {
	h := sha256.New()
	for _, b := range n.Doc.Blocks {
		if !b.Linked() {
			continue
		}
		writeSnippet(h, nb, b.Snippet)
		if run := nb.Originals[b]; run != nil {
			data, _ := json.Marshal(run)
			writeString(h, "original")
			writeBytes(h, data)
		}
	}
	for _, hd := range n.Doc.Headings {
		for _, s := range nb.Entries[n.Path+"#"+hd.ID] {
			writeString(h, "entry "+hd.ID)
			writeSnippet(h, nb, s.ID)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// neighbour is what a note page shows of the note before or after it.
func neighbour(n *Note) string {
	if n == nil {
		return ""
	}
	return n.URL() + "\x00" + n.Title + "\x00" + n.DateString()
}

// inputs is the content of InputsFile for the files made.
func inputs(files map[string]made) []byte {
	names := make([]string, 0, len(files))
	for name, f := range files {
		if f.key != "" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var b bytes.Buffer
	for _, name := range names {
		fmt.Fprintf(&b, "%s  %s\n", files[name].key, name)
	}
	return b.Bytes()
}

// markOf is the content of MarkFile for the files made.
func markOf(files map[string]made) []byte {
	m := mark{}
	for name, f := range files {
		m[name] = []string{f.sum}
	}
	return m.bytes()
}

// bytes is m as MarkFile holds it, a line per file and SHA-256, sorted.
func (m mark) bytes() []byte {
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	slices.Sort(names)
	var b bytes.Buffer
	b.WriteString(markComment)
	for _, name := range names {
		for _, sum := range m[name] {
			fmt.Fprintf(&b, "%s  %s\n", sum, name)
		}
	}
	return b.Bytes()
}

// updateInPlace puts the files this build wrote into tmp in place in out, which
// holds the previous build's site, one at a time and each atomically, then
// removes the files the build no longer makes and writes the new mark.
// While it works, the mark lists both the old and the new SHA-256 of
// every file it touches, so that a build killed halfway leaves a folder
// the next build still accepts.
func updateInPlace(tmp, out string, prev previous, files map[string]made, written []string) error {
	var removed []string
	for name := range prev.mark {
		if _, ok := files[name]; !ok {
			removed = append(removed, name)
		}
	}
	slices.Sort(removed)
	if len(written) == 0 && len(removed) == 0 {
		return nil // every file is as the mark lists it
	}
	// A file the previous build did not make must not have appeared
	// since the check, nor one it made have changed: it would be
	// overwritten or removed. The check may have been a while ago (see
	// Build): only these files are looked at again.
	for _, name := range written {
		if _, ok := prev.mark[name]; ok {
			continue
		}
		if _, err := os.Lstat(filepath.Join(out, filepath.FromSlash(name))); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: not replacing this folder with the site: %s appeared during the build", out, name)
		}
	}
	if err := prev.mark.unchanged(out, slices.Concat(written, removed)); err != nil {
		return fmt.Errorf("%s: not replacing this folder with the site: %v", out, err)
	}
	both := mark{}
	for name, sums := range prev.mark {
		both[name] = slices.Clone(sums)
	}
	for name, f := range files {
		if !slices.Contains(both[name], f.sum) {
			both[name] = append(both[name], f.sum)
		}
	}
	if err := writeAtomic(tmp, out, MarkFile, both.bytes()); err != nil {
		return err
	}
	for _, name := range written {
		dst := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(tmp, filepath.FromSlash(name)), dst); err != nil {
			return err
		}
	}
	for _, name := range removed {
		if err := os.Remove(filepath.Join(out, filepath.FromSlash(name))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		// Folders left empty go too; one that is not empty stays.
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			if os.Remove(filepath.Join(out, filepath.FromSlash(d))) != nil {
				break
			}
		}
	}
	return writeAtomic(tmp, out, MarkFile, markOf(files))
}

// writeAtomic writes data to out/name through a file in tmp, renamed into
// place.
func writeAtomic(tmp, out, name string, data []byte) error {
	f, err := os.CreateTemp(tmp, ".write-")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(out, name))
}

// noteKey is the key of the i-th published note's page.
func (b *builder) noteKey(i int) string {
	n := b.site.Notes[i]
	var prev, next *Note
	if i > 0 {
		prev = b.site.Notes[i-1]
	}
	if i+1 < len(b.site.Notes) {
		next = b.site.Notes[i+1]
	}
	return b.keys.sum("note", b.keys.note(n), b.keys.results(b.nb, n), neighbour(prev), neighbour(next))
}

// feedKey is the key of the feed: its notes and what they show.
func (b *builder) feedKey(feed []*Note) string {
	parts := []string{"feed"}
	for _, n := range feed {
		parts = append(parts, b.keys.note(n), b.keys.results(b.nb, n))
	}
	return b.keys.sum(parts...)
}

// searchKey is the key of search.json: every note, and the snippets it
// shows the code and explanation of.
func (b *builder) searchKey() string {
	parts := []string{"search.json", b.keys.notesOf(b.site.Notes)}
	for _, n := range b.site.Notes {
		for _, blk := range n.Doc.Blocks {
			if s := b.nb.Snippets[blk.Snippet]; blk.Linked() && s != nil {
				// Sum covers the source, whose doc comment and code
				// the index holds.
				parts = append(parts, blk.Snippet, s.Sum)
				if s.Sum == "" {
					parts = append(parts, string(s.Source))
				}
			}
		}
	}
	return b.keys.sum(parts...)
}
