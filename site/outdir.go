package site

// The output folder: which folders a build may replace, the mark that says
// a build wrote one, and putting a freshly rendered site in its place.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// MarkFile is the file a build writes at the root of every site it makes:
// the SHA-256 and path of every other file it wrote there, one per line,
// in the format of sha256sum, after a comment line. A build replaces an
// existing folder only when it is empty or carries this mark and holds
// nothing else: no file, folder or link the mark does not list, and no
// listed file changed since.
const MarkFile = ".notebook-site"

const markComment = "# notebook build wrote this folder, and replaces it only while it holds these files unchanged.\n"

// foreign names the entries that make a folder something a build never
// replaces, mark or not, and says what each suggests the folder is.
var foreign = []struct{ name, what string }{
	{"notes", "a notebook's notes"},
	{"snippets", "a notebook's snippets"},
	{".git", "a Git repository"},
	{"go.mod", "a Go module"},
}

// checkOut returns the output folder as an absolute path, or an error
// naming it and saying why a build may not replace it: it is, holds or
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
		return fmt.Errorf("%s: not replacing this folder with the site: %s; choose a new or empty output folder", given, why)
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
		var r refusal
		if errors.As(err, &r) {
			return "", refuse(string(r))
		}
		return "", err
	}
	return out, nil
}

// A refusal says why a folder is not one a build may replace.
type refusal string

func (r refusal) Error() string { return string(r) }

// replaceable returns nil if dir is missing, empty, or holds only what the
// build that marked it wrote; a refusal saying why not; or another error
// if dir could not be read.
func replaceable(dir string) error {
	info, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case info.Mode()&fs.ModeSymlink != 0:
		return refusal("it is a symbolic link")
	case !info.IsDir():
		return refusal("it is a file, not a folder")
	}
	for _, f := range foreign {
		if _, err := os.Lstat(filepath.Join(dir, f.name)); err == nil {
			return refusal(fmt.Sprintf("it holds %s (%s), which a build never writes", f.name, f.what))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	mark, err := readMark(dir)
	if errors.Is(err, fs.ErrNotExist) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return refusal(fmt.Sprintf("it holds %s and no %s mark, so no build wrote it", list(names), MarkFile))
	}
	if err != nil {
		return err
	}
	return mark.covers(dir)
}

// A mark is what a MarkFile lists: the SHA-256, in hex, of each file by
// its slash-separated path from the site's root. A file listed twice may
// hold either: an update in place lists both the old and the new while it
// works (see updateInPlace).
type mark map[string][]string

// readMark reads dir's MarkFile. A mark that is not one a build writes is
// a refusal.
func readMark(dir string) (mark, error) {
	data, err := os.ReadFile(filepath.Join(dir, MarkFile))
	if err != nil {
		return nil, err
	}
	m := mark{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sum, name, ok := strings.Cut(line, "  ")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 2*sha256.Size || !fs.ValidPath(name) || name == MarkFile {
			return nil, refusal(fmt.Sprintf("its %s is not one a build writes (line %d)", MarkFile, n))
		}
		m[name] = append(m[name], sum)
	}
	return m, sc.Err()
}

// covers returns nil if every file, folder and link below dir is one the
// mark lists (a folder by a file in it) and no listed file has changed,
// and a refusal naming what is not otherwise. A file older than the mark
// is taken to be as the mark says, without reading it: that keeps a build
// with nothing changed from hashing the whole site, the interpreter's 15 MB
// included, twice.
func (m mark) covers(dir string) error {
	folders := map[string]bool{}
	for name := range m {
		for d := path.Dir(name); d != "."; d = path.Dir(d) {
			folders[d] = true
		}
	}
	marked := markTime(dir)
	var stray, changed []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ".":
		case d.IsDir():
			if !folders[rel] {
				stray = append(stray, rel+"/")
				return fs.SkipDir
			}
		case rel == MarkFile && d.Type().IsRegular():
		case !d.Type().IsRegular() || len(m[rel]) == 0:
			stray = append(stray, rel)
		default:
			info, err := d.Info()
			if err != nil {
				return err
			}
			same, err := m.lists(p, rel, info, marked)
			if err != nil {
				return err
			}
			if !same {
				changed = append(changed, rel)
			}
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case len(stray) > 0:
		return refusal(fmt.Sprintf("it holds %s, which no build wrote", list(stray)))
	case len(changed) > 0:
		return refusal(fmt.Sprintf("%s changed since the build that wrote it", list(changed)))
	}
	return nil
}

// unchanged returns nil if each of names, slash-separated paths below
// dir, that the mark lists is as the mark says or gone, and a refusal
// naming those that changed otherwise: a build that writes over or
// removes them would lose what changed.
func (m mark) unchanged(dir string, names []string) error {
	marked := markTime(dir)
	var changed []string
	for _, rel := range names {
		if len(m[rel]) == 0 {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		info, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			return err
		case !info.Mode().IsRegular():
			changed = append(changed, rel)
			continue
		}
		same, err := m.lists(p, rel, info, marked)
		if err != nil {
			return err
		}
		if !same {
			changed = append(changed, rel)
		}
	}
	if len(changed) > 0 {
		return refusal(fmt.Sprintf("%s changed during the build", list(changed)))
	}
	return nil
}

// markTime returns when dir's MarkFile was written, or the zero time.
func markTime(dir string) time.Time {
	info, err := os.Stat(filepath.Join(dir, MarkFile))
	if err != nil {
		return time.Time{}
	}
	return info.ModTime()
}

// lists reports whether the regular file p, at rel below the site's root,
// described by info, holds what the mark, written at marked, lists for
// rel. A build writes its mark after every file, so a file older than the
// mark is as the mark says unless something set its time back; only one
// no older (a later edit, or a file written in the same tick of the
// clock) is hashed.
func (m mark) lists(p, rel string, info fs.FileInfo, marked time.Time) (bool, error) {
	if !marked.IsZero() && info.ModTime().Before(marked) {
		return true, nil
	}
	sum, err := fileSum(p)
	if err != nil {
		return false, err
	}
	return slices.Contains(m[rel], sum), nil
}

// list names up to three paths, and how many more there are.
func list(names []string) string {
	slices.Sort(names)
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
}

// writeMark writes dir's MarkFile, listing every file below it but a
// build's tempMark, which goes before the folder becomes the site.
func writeMark(dir string) error {
	var b strings.Builder
	b.WriteString(markComment)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == filepath.Join(dir, tempMark) {
			return err
		}
		sum, err := fileSum(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s  %s\n", sum, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, MarkFile), []byte(b.String()), 0o644)
}

func fileSum(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
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

// A build renders the site into a temporary folder beside the output
// folder, named by tempPattern, and moves the previous site aside to the
// same name with ".old" added before removing it. Both names carry the
// building process's id, so that a later build can tell the folders of a
// build that was killed, whose process is gone, from those of one still
// running.

// tempMark is the file a build writes in its temporary folder as soon as
// it makes it, and removes just before the folder becomes the site: a
// later build removes a temporary folder of a dead build only if it holds
// this mark, with this text, so never a folder that merely has the name.
const (
	tempMark     = ".notebook-build-temp"
	tempMarkText = "notebook build: a site being written; a later build removes it once this build's process is gone.\n"
)

// makeTemp makes a build's temporary folder for out, beside it, readable
// by all (as a site is), holding its tempMark.
func makeTemp(out string) (string, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(out), tempPattern(out))
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

// hasTempMark reports whether dir holds a build's tempMark.
func hasTempMark(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, tempMark))
	return err == nil && string(data) == tempMarkText
}

func tempPattern(out string) string {
	return "." + filepath.Base(out) + ".notebook-build-" + strconv.Itoa(os.Getpid()) + "-*"
}

func tempName(out string) *regexp.Regexp {
	return regexp.MustCompile(`^` + regexp.QuoteMeta("."+filepath.Base(out)+".notebook-build-") + `(\d+)-\d+(\.old)?$`)
}

// removeStale removes the temporary folders that builds into out which
// were killed left behind: those whose process is gone. A site being
// written is removed only if it holds a build's tempMark; a previous site
// moved aside only if it holds nothing a build did not write. Removal is
// best effort: a folder that cannot be removed stays.
func removeStale(out string) {
	parent := filepath.Dir(out)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	re := tempName(out)
	for _, e := range entries {
		m := re.FindStringSubmatch(e.Name())
		if m == nil || !e.IsDir() {
			continue
		}
		pid, err := strconv.Atoi(m[1])
		if err != nil || pid <= 0 || pid == os.Getpid() || running(pid) {
			continue
		}
		p := filepath.Join(parent, e.Name())
		switch {
		case m[2] == "" && !hasTempMark(p):
			continue // not a folder a build made
		case m[2] != "" && replaceable(p) != nil:
			continue
		}
		os.RemoveAll(p)
	}
}

// running reports whether a process with the given id may exist: it says
// yes unless the system says the process is gone.
func running(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	defer p.Release()
	return !errors.Is(p.Signal(syscall.Signal(0)), os.ErrProcessDone)
}

// replace puts the site rendered in tmp at out, which checkOut accepted,
// moving the previous site aside first and removing it once the new one is
// in place. If anything but the previous site turns up in what was moved
// aside (a file written into the output folder since the check), that
// folder is kept, and the error names it.
func replace(tmp, out string) error {
	if err := os.Remove(filepath.Join(tmp, tempMark)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	old := tmp + ".old"
	moved := true
	if err := os.Rename(out, old); errors.Is(err, fs.ErrNotExist) {
		moved = false
	} else if err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		if moved {
			os.Rename(old, out)
		}
		return err
	}
	if !moved {
		return nil
	}
	if err := replaceable(old); err != nil {
		return fmt.Errorf("the site is in %s, but the folder it replaced changed during the build and was kept as %s: %v", out, old, err)
	}
	return os.RemoveAll(old)
}
