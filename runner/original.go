package runner

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

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
	exe     string // the interpreter itself, not a shim that finds it
	prefix  string // the installation it needs to read
	version string // "Python 3.11.7"
}

// findPython asks python3 on PATH where it lives and what it is.
func findPython() (python, error) {
	path, err := exec.LookPath("python3")
	if err != nil {
		return python{}, ErrNoPython
	}
	out, err := exec.Command(path, "-c",
		"import sys; print(sys.version.split()[0]); print(sys.executable); print(sys.base_prefix)").Output()
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err != nil || len(f) != 3 || !filepath.IsAbs(f[1]) {
		return python{}, fmt.Errorf("running python3: it described itself as %q (%v)", out, err)
	}
	return python{exe: f[1], prefix: f[2], version: "Python " + f[0]}, nil
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
	key := store.NewHash("original").String(py.version).String(py.exe).String(platform).Value(opts).String(code).Sum()
	if res := r.cached(key); res != nil {
		return res, nil
	}
	res := &Result{ID: s.ID, Engine: Python, GoVersion: py.version, Platform: platform}
	// -I: isolated from the environment and the user's site packages;
	// -B: no bytecode files.
	cmd := &box.Cmd{
		Path:     py.exe,
		Args:     []string{"-I", "-B", "main.py"},
		ReadOnly: []string{py.prefix},
		Files:    map[string][]byte{"main.py": []byte(code)},
	}
	if err := r.execute(ctx, cmd, opts, res); err != nil {
		return nil, err
	}
	r.keep(key, res, res.Problem == "")
	return res, nil
}
