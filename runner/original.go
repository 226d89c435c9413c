package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

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
	exe     string // the interpreter itself, not a shim that finds it
	prefix  string // the installation it needs to read
	version string // "Python 3.11.7"
	err     error
}

// find asks python3 on PATH where it lives and what it is.
func (p *python) find(ctx context.Context) error {
	p.once.Do(func() {
		if _, err := exec.LookPath("python3"); err != nil {
			p.err = ErrNoPython
			return
		}
		out, err := exec.CommandContext(ctx, "python3", "-c",
			"import sys; print(sys.version.split()[0]); print(sys.executable); print(sys.base_prefix)").Output()
		if err != nil {
			p.err = fmt.Errorf("running python3: %v", err)
			return
		}
		f := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(f) != 3 || !filepath.IsAbs(f[1]) {
			p.err = fmt.Errorf("python3 described itself as %q", out)
			return
		}
		p.version, p.exe, p.prefix = "Python "+f[0], f[1], f[2]
	})
	return p.err
}

// RunOriginal runs o's block as written, with python3, or returns its
// cached result. The result's Engine is Python and its GoVersion the
// Python version. It returns ErrNoPython when python3 is not installed,
// and an error when the block's language cannot be run.
func (r *Runner) RunOriginal(ctx context.Context, o Original) (*Result, error) {
	if err := r.setup(); err != nil {
		return nil, err
	}
	if !Runnable(o.Lang) {
		return nil, fmt.Errorf("snippet %s: its original is %s, and only Python blocks run", o.Snippet.ID, o.Lang)
	}
	if err := r.python.find(ctx); err != nil {
		return nil, err
	}
	timeout := time.Duration(o.Snippet.Options.Original.Timeout)
	if timeout <= 0 {
		timeout = snippets.DefaultOriginalTimeout
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00original\x00%s\x00%s\x00%s/%s\x00%v\x00%s", cacheVersion, r.python.version, r.python.exe, runtime.GOOS, runtime.GOARCH, timeout, o.Code)
	key := hex.EncodeToString(h.Sum(nil))
	var cached Result
	if r.Cache.Get(key, &cached) && cached.Key == key {
		cached.Cached = true
		return &cached, nil
	}
	res := &Result{ID: o.Snippet.ID, Engine: Python, GoVersion: r.python.version, Key: key, Platform: runtime.GOOS + "/" + runtime.GOARCH}

	// An original waits its turn like its snippet: a timing block runs
	// alone when its snippet does.
	release, err := r.machine.acquire(ctx, o.Snippet.Options.Alone, true)
	if err != nil {
		return nil, err
	}
	defer release()
	// -I: isolated from the environment and the user's site packages;
	// -B: no bytecode files.
	prog := &Program{
		Path:     r.python.exe,
		Args:     []string{"-I", "-B", "main.py"},
		ReadOnly: []string{r.python.prefix},
		Files:    map[string][]byte{"main.py": []byte(o.Code)},
	}
	opts := snippets.Options{Timeout: snippets.Duration(timeout), Limits: o.Snippet.Options.Limits}
	if err := r.execute(ctx, prog, opts, res); err != nil {
		return nil, err
	}
	if res.Problem == "" {
		r.Cache.Put(key, res)
	}
	return res, nil
}
