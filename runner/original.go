package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/gonotebook/notebook/runner/cache"
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
	Key     string `json:"key"`     // the cache key it was stored under
	Stamp   string `json:"stamp"`   // Exe's size and modification time when it described itself
	err     error
}

// find asks python3 on PATH where it lives and what it is, or takes the
// answer from c, where an earlier find stored it under the path, size and
// modification time of python3 on PATH, if the interpreter it named is
// still the same file: a python3 replaced or upgraded in place is asked
// again. Originals run with the interpreter itself, so their results are
// always of the Exe and Version their keys name; a python3 that is a shim
// choosing among interpreters (pyenv's) keeps, until the cache is
// emptied, the one it chose when first asked.
func (p *python) find(ctx context.Context, c *cache.Cache) error {
	p.once.Do(func() {
		path, err := exec.LookPath("python3")
		if err != nil {
			p.err = ErrNoPython
			return
		}
		key := ""
		if stamp := fileStamp(path); stamp != "" {
			h := sha256.New()
			fmt.Fprintf(h, "%s\x00python3\x00%s", cacheVersion, stamp)
			key = hex.EncodeToString(h.Sum(nil))
		}
		if key != "" && c.Get(key, p) && p.Key == key && p.Stamp != "" && fileStamp(p.Exe) == p.Stamp {
			return
		}
		out, err := exec.CommandContext(ctx, path, "-c",
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
		p.Version, p.Exe, p.Prefix = "Python "+f[0], f[1], f[2]
		if p.Key, p.Stamp = key, fileStamp(p.Exe); key != "" && p.Stamp != "" {
			c.Put(key, p)
		}
	})
	return p.err
}

// fileStamp names the file at path by its real path, size and modification
// time, or is "" if it cannot be read.
func fileStamp(path string) string {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return ""
	}
	info, err := os.Stat(real)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s\x00%d\x00%d", real, info.Size(), info.ModTime().UnixNano())
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
	if err := r.python.find(ctx, r.Cache); err != nil {
		return nil, err
	}
	timeout := time.Duration(o.Snippet.Options.Original.Timeout)
	if timeout <= 0 {
		timeout = snippets.DefaultOriginalTimeout
	}
	h := sha256.New()
	limits, err := json.Marshal(o.Snippet.Options.Limits)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(h, "%s\x00original\x00%s\x00%s\x00%s/%s\x00%v\x00%s\x00%s\x00%s", cacheVersion, r.python.Version, r.python.Exe, runtime.GOOS, runtime.GOARCH, timeout, limits, sourceHash(), o.Code)
	key := hex.EncodeToString(h.Sum(nil))
	var cached Result
	if r.Cache.Get(key, &cached) && cached.Key == key {
		cached.Cached = true
		return &cached, nil
	}
	res := &Result{ID: o.Snippet.ID, Engine: Python, GoVersion: r.python.Version, Key: key, Platform: runtime.GOOS + "/" + runtime.GOARCH}

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
		Path:     r.python.Exe,
		Args:     []string{"-I", "-B", "main.py"},
		ReadOnly: []string{r.python.Prefix},
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
