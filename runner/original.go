package runner

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/runner/box"
	"github.com/gonotebook/notebook/snippets"
)

// Python is the engine name of an original's run.
const Python = "python"

// ErrNoPython says that no python3 is installed, so originals are not run.
var ErrNoPython = errors.New("python3 is not installed: originals are not run")

// Runnable reports whether the runner can run a block in lang: Python's.
func Runnable(lang string) bool {
	return slices.Contains([]string{"python", "python3", "py"}, strings.ToLower(lang))
}

// python is the python3 that originals run with.
type python struct {
	Exe     string `json:"exe"`     // the interpreter itself, not a shim that finds it
	Prefix  string `json:"prefix"`  // the installation it needs to read
	Version string `json:"version"` // "Python 3.11.7"
	Stamp   string `json:"stamp"`   // Exe's fileStamp when it described itself
}

// findPython asks python3 on PATH where it lives and what it is. Asking
// costs a process start (most of a second through a shim such as pyenv's),
// so the answer is kept in st under what chooses the interpreter (the
// fileStamp of python3 on PATH and pyenv's choice of version), and taken
// while the interpreter it named keeps its own fileStamp.
func findPython(st *store.Store) (python, error) {
	path, err := exec.LookPath("python3")
	if err != nil {
		return python{}, ErrNoPython
	}
	key := store.NewHash("python3").String(fileStamp(path)).String(pyenvChoice()).Sum()
	var p python
	if _, ok := st.GetJSON(key, &p); ok && p.Stamp != "" && fileStamp(p.Exe) == p.Stamp {
		return p, nil
	}
	out, err := exec.Command(path, "-c",
		"import sys; print(sys.version.split()[0]); print(sys.executable); print(sys.base_prefix)").Output()
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil || len(f) != 3 || !filepath.IsAbs(f[1]) {
		return python{}, fmt.Errorf("running python3: it described itself as %q (%v)", out, err)
	}
	p = python{Exe: f[1], Prefix: f[2], Version: "Python " + f[0], Stamp: fileStamp(f[1])}
	st.PutJSON(key, p)
	return p, nil
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

// pyenvChoice is what makes pyenv's shims choose an interpreter: the
// PYENV_VERSION variable, and the version files it reads (.python-version
// in the working folder or the nearest parent holding one, else the
// global version file).
func pyenvChoice() string {
	files := []string{filepath.Join(cmp.Or(os.Getenv("PYENV_ROOT"), filepath.Join(os.Getenv("HOME"), ".pyenv")), "version")}
	if dir, err := os.Getwd(); err == nil {
		for ; ; dir = filepath.Dir(dir) {
			files = append(files, filepath.Join(dir, ".python-version"))
			if dir == filepath.Dir(dir) {
				break
			}
		}
	}
	choice := os.Getenv("PYENV_VERSION")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		choice += "\x00" + string(data)
	}
	return choice
}

// RunOriginal runs code, the block of a note that s answers, in a language
// that Runnable accepts, as written, in a box like the snippet's and with
// its Options.Original, or returns its result from the store, so that the
// page can show what the block really prints. The result's Engine is
// Python and its GoVersion the Python version. It returns ErrNoPython when
// python3 is not installed.
func (r *Runner) RunOriginal(ctx context.Context, s *snippets.Snippet, code string) (*Result, error) {
	if err := r.setup(); err != nil {
		return nil, err
	}
	py, err := r.python()
	if err != nil {
		return nil, err
	}
	if s, err = s.Bounded(r.Ceilings); err != nil {
		return nil, err
	}
	// A timing block runs alone when its snippet does.
	opts := snippets.Options{Timeout: s.Options.Original.Timeout, Limits: s.Options.Limits, Alone: s.Options.Alone}
	key := store.NewHash("original").String(py.Version).String(py.Exe).String(platform).Value(opts).String(code).Sum()
	if res := r.cached(key); res != nil {
		return res, nil
	}
	res := &Result{ID: s.ID, Engine: Python, GoVersion: py.Version, Platform: platform}
	// -I: isolated from the environment and the user's site packages;
	// -B: no bytecode files.
	cmd := &box.Cmd{
		Path:     py.Exe,
		Args:     []string{"-I", "-B", "main.py"},
		ReadOnly: []string{py.Prefix},
		Files:    map[string][]byte{"main.py": []byte(code)},
	}
	if err := r.execute(ctx, cmd, opts, res); err != nil {
		return nil, err
	}
	r.keep(key, res, res.Problem == "")
	return res, nil
}
