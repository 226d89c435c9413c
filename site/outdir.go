package site

// The output folder: which folders a build may write into, the mark that
// says a build wrote one, and putting the site in place. See Writing in
// the package doc.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/runner"
)

// MarkFile is the file a build writes at the root of every site it makes:
// the SHA-256 and path of every other file it wrote there, one per line,
// in the format of sha256sum, after a comment line. A file listed twice
// may hold either: a build lists both the old and the new while it moves
// files into place. After a file's sum, a comment line "#stamp INODE
// CTIME SIZE ACTION PATH" may give its stamp and the ID of the action
// that made it ("-" if none did).
const MarkFile = ".notebook-site"

const markComment = "# notebook build wrote this folder, and replaces it only while it holds these files unchanged.\n"

// foreign names the entries that make a folder something a build never
// writes into, mark or not, and says what each suggests the folder is.
var foreign = []struct{ name, what string }{
	{"notes", "a notebook's notes"},
	{"snippets", "a notebook's snippets"},
	{".git", "a Git repository"},
	{"go.mod", "a Go module"},
}

// An outDir is the output folder as one build writes it: begun by openOut,
// written by Keep and Write, put in place by Commit or left as it was by
// Abort.
type outDir struct {
	dir    string // the output folder, absolute
	name   string // the output folder as the build was told it, for errors
	tmp    string // the build's temporary folder, beside dir
	prev   mark   // what the previous build's mark lists
	marked int64  // when that mark was written: its change time

	mu    sync.Mutex
	files mark     // the site's files
	moved []string // the files written into tmp, to move into dir

	last *published // kept for the next build, if not nil
}

// A published is what a server's last build put in its output folder, kept
// for its next build. That folder was checked before the server's first
// build ran, and Commit checks it again before writing into it, so a later
// build need not check it before it runs, nor read the mark it wrote.
type published struct {
	dir, name string
	files     mark  // nil until a build committed
	marked    int64 // the change time of its mark
}

// openOut checks that the output folder of cfg is one a build may write
// into (see checkOut), removes what killed builds left beside it, reads
// its mark and makes the build's temporary folder; for a server's build
// after its first, it takes what the last one published instead.
func openOut(cfg *Config) (*outDir, error) {
	if p := cfg.published; p != nil && p.files != nil {
		o := &outDir{dir: p.dir, name: p.name, prev: p.files, marked: p.marked, files: mark{}, last: p}
		var err error
		o.tmp, err = makeTemp(o.dir)
		return o, err
	}
	out, err := checkOut(cfg)
	if err != nil {
		return nil, err
	}
	removeStale(out)
	o := &outDir{dir: out, name: filepath.Clean(cfg.OutDir()), files: mark{}, last: cfg.published}
	if o.prev, err = readMark(out); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if info, err := os.Stat(filepath.Join(out, MarkFile)); err == nil {
		o.marked = stampOf(info).ctime
	}
	o.tmp, err = makeTemp(out)
	return o, err
}

// A stamp is what a file's metadata says of its contents: its inode,
// change time and size.
type stamp struct {
	ino         uint64
	ctime, size int64
}

func stampOf(info fs.FileInfo) stamp {
	st := info.Sys().(*syscall.Stat_t) // as on every system a build runs on
	return stamp{st.Ino, st.Ctim.Nano(), info.Size()}
}

// Keep records the file at rel, whose contents have the SHA-256 sum, and
// reports whether the output folder already holds it: its mark lists that
// sum alone for rel, and the file there is as the mark says. If not, the
// caller must Write it. So a file removed by hand since the last build is
// written again, and one edited by hand is one the build is about to
// write over, which Commit refuses to do.
//
// A file is hashed unless its stamp is the one the mark gives it and older
// than the mark. Its change time, unlike its modification time, cannot be
// set back (as cp -p does), and an edit made after the mark was written
// changes it. Trusting the stamp can only keep a file, never destroy one:
// Commit hashes every file it writes over or removes.
func (o *outDir) Keep(rel string, sum store.ID) bool {
	prev := o.prev[rel]
	if !slices.Equal(prev.sums, []store.ID{sum}) {
		return false
	}
	p := filepath.Join(o.dir, filepath.FromSlash(rel))
	info, err := os.Stat(p)
	if err != nil {
		return false
	}
	s := stampOf(info)
	if s != prev.stamp || s.ctime >= o.marked {
		if have, err := fileSum(p); err != nil || have != prev.sums[0] {
			return false
		}
	}
	o.mu.Lock()
	o.files[rel] = listed{sums: prev.sums, stamp: s}
	o.mu.Unlock()
	return true
}

// Made is Keep for the file at rel that the action a makes: it reports
// whether the output folder holds the file a made for the previous build,
// so that the caller need not look up a's output. A file with no action
// recorded is never Made; the caller then asks Keep with its sum.
func (o *outDir) Made(rel string, a store.ID) bool {
	if p := o.prev[rel]; p.action != a || len(p.sums) != 1 || !o.Keep(rel, p.sums[0]) {
		return false
	}
	o.madeBy(rel, a)
	return true
}

// madeBy records that the action a made the file at rel, which the build
// has kept or written.
func (o *outDir) madeBy(rel string, a store.ID) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if f, ok := o.files[rel]; ok { // a file made empty is none
		f.action = a
		o.files[rel] = f
	}
}

// Write records the file at rel, whose contents data have the SHA-256
// sum, and writes it into the temporary folder unless the output folder
// already holds these bytes.
func (o *outDir) Write(rel string, data []byte, sum store.ID) error {
	return o.WriteWith(rel, sum, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteWith is Write for contents that write writes, so that a large file
// need not be held in memory.
func (o *outDir) WriteWith(rel string, sum store.ID, write func(io.Writer) error) error {
	if o.Keep(rel, sum) {
		return nil
	}
	p := filepath.Join(o.tmp, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if err := errors.Join(write(f), f.Close()); err != nil {
		os.Remove(p)
		return err
	}
	o.mu.Lock()
	o.files[rel] = listed{sums: []store.ID{sum}}
	o.moved = append(o.moved, rel)
	o.mu.Unlock()
	return nil
}

// Written returns the files written, sorted.
func (o *outDir) Written() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Sorted(slices.Values(o.moved))
}

// Abort removes the temporary folder, leaving the output folder as it was.
func (o *outDir) Abort() { os.RemoveAll(o.tmp) }

// Commit puts the site in place. An output folder that is missing or empty
// gets the temporary folder, renamed into its place. Otherwise the folder
// is checked again, as openOut checked it, and every file the build writes
// over or removes is hashed again: one that is not as the mark says
// (edited by hand since) is kept, and the build fails naming it. The mark
// then lists old and new files alike, the files move into place one at a
// time, each atomically, the files the site no longer has are removed,
// and the mark is written anew, with the stamp of every file. A build
// killed halfway so leaves a folder the next build accepts and repairs.
func (o *outDir) Commit() error {
	defer o.Abort()
	o.mu.Lock()
	defer o.mu.Unlock()
	err := o.commit()
	if p := o.last; p != nil {
		p.files = nil // what a failed commit left is read from its mark
		if info, statErr := os.Stat(filepath.Join(o.dir, MarkFile)); err == nil && statErr == nil {
			p.dir, p.name, p.files, p.marked = o.dir, o.name, o.files, stampOf(info).ctime
		}
	}
	return err
}

func (o *outDir) commit() error {
	if empty(o.dir) {
		o.stamp(o.tmp, o.moved)
		if err := os.WriteFile(filepath.Join(o.tmp, MarkFile), o.files.bytes(), 0o644); err != nil {
			return err
		}
		if err := os.Remove(filepath.Join(o.tmp, tempMark)); err != nil {
			return err
		}
		os.Remove(o.dir) // empty, or missing
		return os.Rename(o.tmp, o.dir)
	}
	var removed []string
	for rel := range o.prev {
		if _, ok := o.files[rel]; !ok {
			removed = append(removed, rel)
		}
	}
	slices.Sort(removed)
	slices.Sort(o.moved)
	if len(o.moved) == 0 && len(removed) == 0 && maps.EqualFunc(o.files, o.prev, func(a, b listed) bool { return a.stamp == b.stamp && a.action == b.action }) {
		return nil
	}
	refuse := func(why string) error {
		return fmt.Errorf("%s: not writing the site into this folder: %s", o.name, why)
	}
	if err := replaceable(o.dir); err != nil {
		return refuse(err.Error())
	}
	var changed []string
	for _, rel := range slices.Concat(o.moved, removed) {
		sum, err := fileSum(filepath.Join(o.dir, filepath.FromSlash(rel)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		case !slices.Contains(o.prev[rel].sums, sum):
			changed = append(changed, rel)
		}
	}
	if len(changed) > 0 {
		return refuse(list(changed) + " changed since the build that wrote it; move it away or remove it")
	}
	both := maps.Clone(o.prev)
	for rel, f := range o.files {
		if !slices.Contains(both[rel].sums, f.sums[0]) {
			both[rel] = listed{sums: append(slices.Clip(both[rel].sums), f.sums[0])}
		}
	}
	if err := o.place(MarkFile, both.bytes()); err != nil {
		return err
	}
	for _, rel := range o.moved {
		dst := filepath.Join(o.dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(o.tmp, filepath.FromSlash(rel)), dst); err != nil {
			return err
		}
	}
	o.stamp(o.dir, o.moved)
	for _, rel := range removed {
		if err := os.Remove(filepath.Join(o.dir, filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		// Folders left empty go too; one that is not empty stays.
		for d := path.Dir(rel); d != "."; d = path.Dir(d) {
			if os.Remove(filepath.Join(o.dir, filepath.FromSlash(d))) != nil {
				break
			}
		}
	}
	return o.place(MarkFile, o.files.bytes())
}

// stamp records the stamps of the files rels, the build's own, in dir.
func (o *outDir) stamp(dir string, rels []string) {
	for _, rel := range rels {
		if info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); err == nil {
			f := o.files[rel]
			f.stamp = stampOf(info)
			o.files[rel] = f
		}
	}
}

// place writes data to the file name of the output folder through a file
// in the temporary folder, renamed into place.
func (o *outDir) place(name string, data []byte) error {
	f, err := os.CreateTemp(o.tmp, ".write-")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err = errors.Join(err, f.Chmod(0o644), f.Close()); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(o.dir, name))
}

// empty reports whether dir is missing or holds nothing.
func empty(dir string) bool {
	entries, err := os.ReadDir(dir)
	return errors.Is(err, fs.ErrNotExist) || err == nil && len(entries) == 0
}

// checkOut returns the output folder as an absolute path, or an error
// naming it and saying why a build may not write into it: it is, holds or
// sits among the notebook's sources, or it holds something no build wrote.
func checkOut(cfg *Config) (string, error) {
	given := filepath.Clean(cfg.OutDir())
	out, err := filepath.Abs(given)
	if err != nil {
		return "", err
	}
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return "", err
	}
	refuse := func(why string) error {
		return fmt.Errorf("%s: not writing the site into this folder: %s; choose a new or empty output folder", given, why)
	}
	realOut, realRoot := resolve(out), resolve(root)
	switch {
	case realOut == realRoot:
		return "", refuse("it is the notebook's folder")
	case within(realOut, realRoot):
		return "", refuse("it holds the notebook " + root)
	}
	for _, src := range []string{"notes", "snippets"} {
		switch dir := filepath.Join(realRoot, src); {
		case realOut == dir:
			return "", refuse("it is the notebook's " + src + "/")
		case within(dir, realOut):
			return "", refuse("it is inside the notebook's " + src + "/")
		}
	}
	if err := replaceable(out); err != nil {
		return "", refuse(err.Error())
	}
	return out, nil
}

// replaceable returns nil if dir is missing, empty, or holds only what the
// build that marked it wrote, by name, and an error saying why not
// otherwise.
func replaceable(dir string) error {
	info, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case info.Mode()&fs.ModeSymlink != 0:
		return errors.New("it is a symbolic link")
	case !info.IsDir():
		return errors.New("it is a file, not a folder")
	}
	for _, f := range foreign {
		if _, err := os.Lstat(filepath.Join(dir, f.name)); err == nil {
			return fmt.Errorf("it holds %s (%s), which a build never writes", f.name, f.what)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return err
	}
	m, err := readMark(dir)
	if errors.Is(err, fs.ErrNotExist) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return fmt.Errorf("it holds %s and no %s mark, so no build wrote it", list(names), MarkFile)
	}
	if err != nil {
		return err
	}
	return m.covers(dir)
}

// A mark is what a MarkFile lists of each file, by its slash-separated
// path from the site's root.
type mark map[string]listed

// listed is what a mark says of a file: its SHA-256s, in hex, and its
// stamp when a build last wrote or hashed it, if known.
type listed struct {
	sums   []store.ID
	stamp  stamp
	action store.ID // the action that made it, if known
}

// readMark reads dir's MarkFile. A mark that is not one a build writes is
// an error.
func readMark(dir string) (mark, error) {
	data, err := os.ReadFile(filepath.Join(dir, MarkFile))
	if err != nil {
		return nil, err
	}
	m := mark{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if f := strings.SplitN(line, " ", 6); len(f) == 6 && f[0] == "#stamp" {
			var s stamp
			if _, err := fmt.Sscan(strings.Join(f[1:4], " "), &s.ino, &s.ctime, &s.size); err == nil {
				a, _ := store.ParseID(f[4]) // "-": none
				m[f[5]] = listed{m[f[5]].sums, s, a}
			}
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		hex, name, ok := strings.Cut(line, "  ")
		sum, err := store.ParseID(hex)
		if !ok || err != nil || !fs.ValidPath(name) || name == MarkFile {
			return nil, fmt.Errorf("its %s is not one a build writes (line %d)", MarkFile, n)
		}
		m[name] = listed{append(m[name].sums, sum), m[name].stamp, m[name].action}
	}
	return m, sc.Err()
}

// bytes is m as MarkFile holds it, sorted by path.
func (m mark) bytes() []byte {
	var b bytes.Buffer
	b.WriteString(markComment)
	for _, name := range slices.Sorted(maps.Keys(m)) {
		for _, sum := range m[name].sums {
			b.WriteString(sum.String() + "  " + name + "\n")
		}
		if f := m[name]; f.stamp != (stamp{}) {
			a := "-"
			if f.action != (store.ID{}) {
				a = f.action.String()
			}
			b.WriteString("#stamp " + strconv.FormatUint(f.stamp.ino, 10) + " " + strconv.FormatInt(f.stamp.ctime, 10) + " " +
				strconv.FormatInt(f.stamp.size, 10) + " " + a + " " + name + "\n")
		}
	}
	return b.Bytes()
}

// covers returns nil if every file, folder and link below dir is one the
// mark lists (a folder by a file in it), and an error naming what is not
// otherwise. It reads names, not contents: a listed file that changed is
// found when a build would write over it or remove it (see Commit).
func (m mark) covers(dir string) error {
	folders := map[string]bool{}
	for name := range m {
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			folders[d] = true
		}
	}
	var stray []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, dir+string(filepath.Separator)))
		switch {
		case p == dir:
		case d.IsDir():
			if !folders[rel] {
				stray = append(stray, rel+"/")
				return fs.SkipDir
			}
		case rel == MarkFile && d.Type().IsRegular():
		case !d.Type().IsRegular() || len(m[rel].sums) == 0:
			stray = append(stray, rel)
		}
		return nil
	})
	if err == nil && len(stray) > 0 {
		err = fmt.Errorf("it holds %s, which no build wrote", list(stray))
	}
	return err
}

// list names up to three paths, and how many more there are.
func list(names []string) string {
	slices.Sort(names)
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
}

func fileSum(name string) (store.ID, error) {
	data, err := os.ReadFile(name)
	return store.Sum(data), err
}

// resolve returns p with every symbolic link in its longest existing
// prefix followed, so that two names of one folder compare equal.
func resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	parent := filepath.Dir(p)
	if parent == p {
		return p
	}
	return filepath.Join(resolve(parent), filepath.Base(p))
}

// within reports whether p is dir or inside it; both are clean and
// absolute.
func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// tempMark is the file a build writes in its temporary folder,
// .OUT.notebook-build-PID-N beside the output folder OUT, as soon as it
// makes it. A later build removes the folder once process PID is gone,
// and only if it holds this mark, with this text: never a folder that
// merely has the name.
const (
	tempMark     = ".notebook-build-temp"
	tempMarkText = "notebook build: a site being written; a later build removes it once this build's process is gone.\n"
)

// makeTemp makes a build's temporary folder for out, beside it, readable
// by all (as a site is), holding its tempMark.
func makeTemp(out string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".notebook-build-"+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return "", err
	}
	err = os.Chmod(tmp, 0o755)
	if err == nil {
		err = os.WriteFile(filepath.Join(tmp, tempMark), []byte(tempMarkText), 0o644)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	return tmp, nil
}

// removeStale removes the temporary folders that killed builds into out
// left behind: those whose process is gone and that hold a build's
// tempMark. Removal is best effort: a folder that cannot be removed stays.
func removeStale(out string) {
	parent := filepath.Dir(out)
	entries, _ := os.ReadDir(parent)
	re := regexp.MustCompile(`^` + regexp.QuoteMeta("."+filepath.Base(out)+".notebook-build-") + `(\d+)-\d+$`)
	for _, e := range entries {
		m := re.FindStringSubmatch(e.Name())
		if m == nil || !e.IsDir() {
			continue
		}
		pid, err := strconv.Atoi(m[1])
		p := filepath.Join(parent, e.Name())
		if err != nil || pid == os.Getpid() || runner.Alive(pid) {
			continue
		}
		if data, err := os.ReadFile(filepath.Join(p, tempMark)); err == nil && string(data) == tempMarkText {
			os.RemoveAll(p)
		}
	}
}
