package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/runner/box"
	"github.com/gonotebook/notebook/snippets"
)

// Python is the engine name of an original's run.
const Python = "python"

// ErrNoPython says that no python3 is installed, so originals are not run.
var ErrNoPython = errors.New("python3 is not installed: originals are not run")

// An Original is the block of a note that a snippet answers, run as
// written: the build runs it beside the snippet, in a box like the
// snippet's, so that the page can show what it really prints.
type Original struct {
	// Snippet answers the block; its Options.Original applies.
	Snippet *snippets.Snippet
	// Lang is the block's language, as its fence says.
	Lang string
	// Code is the block's text.
	Code string
}

// pythonLangs are the fence languages an original is run for.
var pythonLangs = map[string]bool{"python": true, "python3": true, "py": true}

// Runnable reports whether the runner can run a block in lang.
func Runnable(lang string) bool { return pythonLangs[strings.ToLower(lang)] }

// python is the python3 that originals run with.
type python struct {
	once    sync.Once
	Exe     string `json:"exe"`     // the interpreter itself, not a shim that finds it
	Prefix  string `json:"prefix"`  // the installation it needs to read
	Version string `json:"version"` // "Python 3.11.7"
	Stamp   string `json:"stamp"`   // Exe's fileStamp when it described itself
	err     error
}

// find asks python3 on PATH where it lives and what it is, once. Asking
// costs a process start (most of a second through a shim such as pyenv's),
// so the answer is kept in st under the fileStamp of python3 on PATH, and
// taken while the interpreter it named keeps its own.
func (p *python) find(ctx context.Context, st *store.Store) error {
	p.once.Do(func() {
		path, err := exec.LookPath("python3")
		if err != nil {
			p.err = ErrNoPython
			return
		}
		key := store.NewHash("python3").String(fileStamp(path)).Sum()
		var known python
		if _, ok := st.GetJSON(key, &known); ok && known.Stamp != "" && fileStamp(known.Exe) == known.Stamp {
			p.Exe, p.Prefix, p.Version = known.Exe, known.Prefix, known.Version
			return
		}
		out, err := exec.CommandContext(ctx, path, "-c",
			"import sys; print(sys.version.split()[0]); print(sys.executable); print(sys.base_prefix)").Output()
		f := strings.Split(strings.TrimSpace(string(out)), "\n")
		if err != nil || len(f) != 3 || !filepath.IsAbs(f[1]) {
			p.err = fmt.Errorf("running python3: it described itself as %q (%v)", out, err)
			return
		}
		p.Version, p.Exe, p.Prefix, p.Stamp = "Python "+f[0], f[1], f[2], fileStamp(f[1])
		st.PutJSON(key, p)
	})
	return p.err
}

// fileStamp names the file at path by its device, inode, size and times,
// which change when it is replaced or upgraded in place; "" if it cannot
// be read.
func fileStamp(path string) string {
	info, err := os.Stat(path)
	if err != nil {
		return ""
	}
	st := info.Sys().(*syscall.Stat_t)
	return fmt.Sprint(st.Dev, st.Ino, st.Size, st.Mtim, st.Ctim)
}

// RunOriginal runs o's block as written, with python3, or returns its
// result from the store. The result's Engine is Python and its GoVersion
// the Python version. It returns ErrNoPython when python3 is not
// installed, and an error when the block's language cannot be run.
func (r *Runner) RunOriginal(ctx context.Context, o Original) (*Result, error) {
	if err := r.setup(); err != nil {
		return nil, err
	}
	if !Runnable(o.Lang) {
		return nil, fmt.Errorf("snippet %s: its original is %s, and only Python blocks run", o.Snippet.ID, o.Lang)
	}
	if err := r.python.find(ctx, r.Store); err != nil {
		return nil, err
	}
	s, err := o.Snippet.Bounded(r.Ceilings)
	if err != nil {
		return nil, err
	}
	// A timing block runs alone when its snippet does.
	opts := snippets.Options{Timeout: s.Options.Original.Timeout, Limits: s.Options.Limits, Alone: s.Options.Alone}
	key := store.NewHash("original").String(r.python.Version).String(r.python.Exe).
		String(platform).Value(opts).String(o.Code).Sum()
	if res := r.cached(key); res != nil {
		return res, nil
	}
	res := &Result{ID: s.ID, Engine: Python, GoVersion: r.python.Version, Platform: platform}
	// -I: isolated from the environment and the user's site packages;
	// -B: no bytecode files.
	cmd := &box.Cmd{
		Path:     r.python.Exe,
		Args:     []string{"-I", "-B", "main.py"},
		ReadOnly: []string{r.python.Prefix},
		Files:    map[string][]byte{"main.py": []byte(o.Code)},
	}
	if err := r.execute(ctx, cmd, opts, res); err != nil {
		return nil, err
	}
	r.keep(key, res, res.Problem == "")
	return res, nil
}
