// Package runner runs snippets (see package snippets) and the originals
// they answer, judges their output, and tests their expectations by
// mutation.
//
// Every run happens in a box (package box) with the limits of the
// snippet's options and the environment PATH (the runner's), HOME and
// TMPDIR (both the working directory), LANG=C.UTF-8 and the snippet's env
// option. The box is a copy of the running program, which must therefore
// call Child first thing in main, as must the TestMain of a test binary
// that runs snippets. Of the two engines, native compiles the program with
// go build -trimpath, in a box too, and runs the binary; yaegi interprets
// it inside the box (see package yaegi).
//
// A run is two steps, which a build schedules apart (see Actions): Prepare
// works out the run's key, takes its result from the store if it is there,
// and else readies the program (compiled, or taken from the store); Exec
// runs it. Verdict compares a Result with the snippet's expectation.
//
// A Runner with a Store (package store) keeps every result that met its
// expectation under the run's key (Key), made of everything that can change
// it: the snippet's files but expected.txt, its options, the engine and its
// version, the running program, GOOS and GOARCH, and for a native snippet
// the go command's build environment (with the user's go env file) and the
// go.mod and go.sum of the module around it. A failure is never kept, so a
// flaky one is retried next time.
//
// A snippet whose options say alone: true runs with no other run of the
// same user on the machine (see machineLock).
package runner

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/gonotebook/notebook/internal/graph"
	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/runner/box"
	"github.com/gonotebook/notebook/runner/yaegi"
	"github.com/gonotebook/notebook/snippets"
)

// Child makes this process the box of a run, if a Runner started it as
// one, and returns the program's exit status and true; the caller exits
// with it. In any other process it returns at once with false.
func Child() (code int, ok bool) {
	return box.Main(map[string]box.Entry{snippets.Yaegi: yaegi.Main})
}

// platform is GOOS/GOARCH.
const platform = runtime.GOOS + "/" + runtime.GOARCH

// A Result is what one run of a snippet printed and how it ended.
type Result struct {
	ID        string        `json:"id"`
	Engine    string        `json:"engine"`
	GoVersion string        `json:"go_version"`
	Output    []byte        `json:"output"`    // stdout and stderr as one stream, at most box.MaxOutput bytes
	Cut       int64         `json:"cut"`       // bytes of output not kept
	Exit      int           `json:"exit"`      // exit status; -1 when killed by a signal or never started
	Problem   string        `json:"problem"`   // why the run did not end normally: compile error, timeout, signal; "" if it did
	Duration  time.Duration `json:"duration"`  // the program's wall-clock time, without compiling
	MaxRSS    int64         `json:"max_rss"`   // the most memory the program had resident at once, in bytes; 0 if unknown
	Limit     string        `json:"limit"`     // the limit the kernel says the run reached: "memory", "disk" or ""
	Finished  time.Time     `json:"finished"`  // when the run ended
	Cached    bool          `json:"-"`         // the result came from the store
	Platform  string        `json:"platform"`  // GOOS/GOARCH
	Sandboxed bool          `json:"sandboxed"` // the run had its own processes, file system and network (see package box)
	// Sum names the result by its content (the SHA-256 of its JSON, as
	// the store keeps it), for the keys of what shows it.
	Sum store.ID `json:"-"`
}

// A Runner runs snippets, with the go command on PATH and the running
// program as the box. Its zero value keeps nothing. A Runner is safe for
// concurrent use.
type Runner struct {
	// Store keeps results and compiled programs; nil keeps nothing.
	Store *store.Store
	// Fresh runs every snippet: results are neither taken from the store
	// nor kept there. Compiled programs still are, as Go keeps what it
	// compiles.
	Fresh bool
	// Warn, if set, is told once, in one line, if runs cannot be
	// sandboxed, and which protections are then off (see package box).
	Warn func(string)
	// NoSandbox runs without the sandbox on purpose (see box.Box).
	NoSandbox bool
	// Ceilings bound what any run may use (see snippets.Ceilings); the
	// zero value means snippets.DefaultCeilings.
	Ceilings snippets.Ceilings

	once     sync.Once
	box      *box.Box
	goEnv    func() (*goEnv, error)
	compiles atomic.Int64 // runs of the go command, for tests
	python   func() (python, error)
	machine  machineLock
	temp     string // holds the runs' temporary folders (see newTemp)
	setupErr error
}

func (r *Runner) setup() error {
	r.once.Do(func() {
		r.box = &box.Box{Warn: r.Warn, NoSandbox: r.NoSandbox}
		r.goEnv = sync.OnceValues(findGo)
		r.python = sync.OnceValues(func() (python, error) { return findPython(r.Store) })
		if r.Ceilings == (snippets.Ceilings{}) {
			r.Ceilings = snippets.DefaultCeilings
		}
		r.machine = defaultMachineLock()
		r.temp, r.setupErr = newTemp()
	})
	return r.setupErr
}

// Close removes the Runner's temporary folder; the Runner must not run
// anything after. One that is never closed leaves it until its process
// ends and the next Runner starts.
func (r *Runner) Close() error {
	return removeAll(r.temp)
}

// Version names what compiles or interprets snippets with the named engine:
// "go1.26.8", or "yaegi v0.16.1 (go1.26.8 host)".
func (r *Runner) Version(engine string) (string, error) {
	if err := r.setup(); err != nil {
		return "", err
	}
	switch engine {
	case snippets.Native:
		env, err := r.goEnv()
		if err != nil {
			return "", err
		}
		return env.release, nil
	case snippets.Yaegi:
		return yaegi.Version()
	}
	return "", fmt.Errorf("unknown engine %q: want %s or %s", engine, snippets.Native, snippets.Yaegi)
}

// A Run is one run of a snippet, step by step: Prepare, then Exec.
type Run struct {
	// Snippet is the snippet that runs; after Prepare, with the options
	// it runs with under the Runner's ceilings (see snippets.Bounded).
	Snippet *snippets.Snippet
	// Engine runs the snippet: native or yaegi.
	Engine string
	// Key names the run in the store (see Key); Prepare sets it.
	Key store.ID
	// Result is the run's once it is known: after Prepare, if it came
	// from the store or the program does not compile; after Exec
	// otherwise.
	Result *Result

	cmd       *box.Cmd // the program, readied by Prepare
	pending   *Result  // the result Exec fills in
	throwaway bool     // keep nothing in the store: a mutant's run
	scratch   string   // the program's folder, removed by Exec
}

// NewRun returns the run of s with the named engine, or with its own if
// engine is "".
func (r *Runner) NewRun(s *snippets.Snippet, engine string) *Run {
	return &Run{Snippet: s, Engine: cmp.Or(engine, s.Options.Engine)}
}

// Run runs s with the named engine, or its own if engine is "", or
// returns its result from the store. The error is for failures of the
// runner itself (no go command, no temporary folder); a program that fails
// to compile, panics or times out yields a Result whose Problem says so.
func (r *Runner) Run(ctx context.Context, s *snippets.Snippet, engine string) (*Result, error) {
	run := r.NewRun(s, engine)
	if err := r.Prepare(ctx, run); err != nil {
		return nil, err
	}
	if err := r.Exec(ctx, run); err != nil {
		return nil, err
	}
	return run.Result, nil
}

// Prepare does all of run that comes before its program starts: it works
// out the key, takes the result from the store if it is there, and else
// readies the program. A run whose result is known already (see
// CachedAll) is left as it is.
func (r *Runner) Prepare(ctx context.Context, run *Run) error {
	if run.Result != nil {
		return nil
	}
	if err := r.setKey(run); err != nil {
		return err
	}
	version, err := r.Version(run.Engine)
	if err != nil {
		return err
	}
	if !run.throwaway {
		if run.Result = r.cached(run.Key); run.Result != nil {
			return nil
		}
	}
	res := &Result{ID: run.Snippet.ID, Engine: run.Engine, GoVersion: version, Platform: platform}
	if run.scratch, err = os.MkdirTemp(r.temp, "prepare-"); err != nil {
		return err
	}
	if run.cmd, err = r.program(ctx, run); err != nil {
		removeAll(run.scratch)
		ce, ok := errors.AsType[*CompileError](err)
		if !ok {
			return err
		}
		res.Problem, res.Exit, res.Finished = ce.Error(), -1, time.Now()
		r.keep(run.Key, res, false)
		run.Result = res
		return nil
	}
	run.pending = res
	return nil
}

// program readies run's program: the box's yaegi entry point, which reads
// the snippet's folder when it starts, or a native program, taken from the
// store, where it is kept under its run's key, or else compiled and kept.
func (r *Runner) program(ctx context.Context, run *Run) (*box.Cmd, error) {
	if run.Engine == snippets.Yaegi {
		dir, err := filepath.Abs(run.Snippet.Dir)
		return &box.Cmd{Entry: snippets.Yaegi, Args: []string{dir}, ReadOnly: []string{dir}}, err
	}
	id := store.NewHash("program").ID(run.Key).Sum()
	st := r.Store
	if run.throwaway {
		st = nil
	}
	if data, _, ok := st.Bytes(id); ok {
		bin := filepath.Join(run.scratch, "prog")
		return &box.Cmd{Path: bin}, os.WriteFile(bin, data, 0o755)
	}
	bin, err := r.compile(ctx, run.Snippet, run.scratch)
	if err != nil {
		return nil, err
	}
	if data, err := os.ReadFile(bin); err == nil {
		st.Put(id, data)
	}
	return &box.Cmd{Path: bin}, nil
}

// Exec runs run's program, readied by Prepare, unless Prepare found its
// result. A result that meets its expectation is kept in the store.
func (r *Runner) Exec(ctx context.Context, run *Run) error {
	if run.Result != nil {
		return nil
	}
	defer removeAll(run.scratch)
	if err := r.execute(ctx, run.cmd, run.Snippet.Options, run.pending); err != nil {
		return err
	}
	run.Result = run.pending
	r.keep(run.Key, run.Result, !run.throwaway && Verdict(run.Snippet, run.Result) == nil)
	return nil
}

// execute runs c in a box with opts, in its turn on the machine (see
// machineLock), and fills in res.
func (r *Runner) execute(ctx context.Context, c *box.Cmd, opts snippets.Options, res *Result) error {
	release, err := r.machine.acquire(ctx, opts.Alone)
	if err != nil {
		return err
	}
	defer release()
	work, err := os.MkdirTemp(r.temp, "notebook-run-")
	if err != nil {
		return err
	}
	defer removeAll(work)
	l := opts.Limits
	c.Args = append(c.Args, opts.Args...)
	c.Env = append(runEnv(work), opts.Env...)
	c.Dir, c.Stdin, c.Timeout = work, opts.Stdin, time.Duration(opts.Timeout)
	c.Limits = box.Limits{Memory: int64(l.Memory), Processes: int(l.Processes), Files: int(l.Files), FileSize: int64(l.FileSize), Disk: int64(l.Disk)}
	out, err := r.box.Run(ctx, c)
	if err != nil {
		return err
	}
	res.Output, res.Cut = out.Output, out.Cut
	res.Exit, res.Problem, res.MaxRSS, res.Limit = out.Exit, out.Problem, out.MaxRSS, out.Limit
	res.Duration, res.Finished, res.Sandboxed = out.Duration, out.Finished, out.Sandboxed
	if out.Report != "" {
		// Like a native compile error: no output, no exit status.
		res.Problem = (&CompileError{Engine: res.Engine, Msg: out.Report}).Error()
		res.Output, res.Cut, res.Exit = nil, 0, -1
	}
	return nil
}

// runEnv is the environment every run starts from.
func runEnv(work string) []string {
	path := cmp.Or(os.Getenv("PATH"), "/usr/local/bin:/usr/bin:/bin")
	return []string{"PATH=" + path, "HOME=" + work, "TMPDIR=" + work, "LANG=C.UTF-8"}
}

// keep sets res.Sum and, if keep is set, keeps res in the Runner's store
// under key.
func (r *Runner) keep(key store.ID, res *Result, keep bool) {
	st := r.Store
	if !keep || r.Fresh {
		st = nil // a nil store keeps nothing but says what it would keep
	}
	if e, err := st.PutJSON(key, res); err == nil {
		res.Sum = e.Output
	}
}

// setKey works out run's key, unless it is known, and bounds its
// snippet's options by the Runner's ceilings.
func (r *Runner) setKey(run *Run) error {
	if run.Key != (store.ID{}) {
		return nil
	}
	version, err := r.Version(run.Engine)
	if err != nil {
		return err
	}
	if run.Snippet, err = run.Snippet.Bounded(r.Ceilings); err != nil {
		return err
	}
	run.Key, err = Key(run.Snippet, run.Engine, version)
	return err
}

// CachedAll takes the results of every run from the store in one read, if
// KeepAll kept the results of the same runs, and returns the ID it keeps
// them under; it works out every run's key on the way. A build asks for
// thousands of results with nothing changed since the last: one read
// instead of two a result. The ID is zero if there is nothing to keep.
func (r *Runner) CachedAll(runs []*Run) (store.ID, bool) {
	if r.Fresh || len(runs) == 0 {
		return store.ID{}, false
	}
	if fileline.Each(len(runs), func(i int) error { return r.setKey(runs[i]) }) != nil {
		return store.ID{}, false // Prepare says why
	}
	h := store.NewHash("results")
	for _, run := range runs {
		h.ID(run.Key)
	}
	id := h.Sum()
	var all []json.RawMessage
	if _, ok := r.Store.GetJSON(id, &all); !ok || len(all) != len(runs) {
		return id, false
	}
	results := make([]Result, len(runs))
	err := fileline.Each(len(runs), func(i int) error {
		results[i].Cached, results[i].Sum = true, store.Sum(all[i])
		return json.Unmarshal(all[i], &results[i])
	})
	if err != nil {
		return id, false
	}
	for i, run := range runs {
		run.Result = &results[i]
	}
	return id, true
}

// KeepAll keeps the results of runs under id, from CachedAll, for a later
// CachedAll, if every one meets its expectation, as the store keeps it on
// its own.
func (r *Runner) KeepAll(id store.ID, runs []*Run) {
	if r.Fresh || r.Store == nil {
		return
	}
	all := make([]json.RawMessage, len(runs))
	for i, run := range runs {
		if run.Result == nil || Verdict(run.Snippet, run.Result) != nil {
			return
		}
		data, err := json.Marshal(run.Result)
		if err != nil || store.Sum(data) != run.Result.Sum {
			return
		}
		all[i] = data
	}
	r.Store.PutJSON(id, all)
}

// cached returns the result kept under key, if any.
func (r *Runner) cached(key store.ID) *Result {
	if r.Fresh {
		return nil
	}
	var res Result
	e, ok := r.Store.GetJSON(key, &res)
	if !ok {
		return nil
	}
	res.Cached, res.Sum = true, e.Output
	return &res
}

// Actions returns run's two steps as actions of a build's graph (see
// package graph): prepare, which works the processor, and exec, which
// depends on it, mostly waits, and runs alone if the snippet says so.
func (r *Runner) Actions(run *Run) (prepare, exec *graph.Action) {
	id := run.Snippet.ID
	prepare = &graph.Action{Name: "prepare " + id, Do: func(ctx context.Context) error {
		err := r.Prepare(ctx, run)
		if _, ok := errors.AsType[*fileline.Error](err); ok || err == nil {
			return err // names its file already
		}
		return fmt.Errorf("snippet %s: %w", id, err)
	}}
	exec = &graph.Action{Name: "run " + id, Deps: []*graph.Action{prepare}, Waits: true, Alone: run.Snippet.Options.Alone,
		Do: func(ctx context.Context) error {
			if err := r.Exec(ctx, run); err != nil {
				return fmt.Errorf("snippet %s: %w", id, err)
			}
			return nil
		}}
	return prepare, exec
}

// RunAll runs every run (see Actions), on every core, and calls done with
// each as it finishes, from one goroutine at a time, with the runner's
// error if it could not be run. It returns the joined errors.
func (r *Runner) RunAll(ctx context.Context, runs []*Run, done func(*Run, error)) error {
	var roots []*graph.Action
	execs, prepares := map[*graph.Action]*Run{}, map[*graph.Action]*Run{}
	for _, run := range runs {
		prepare, exec := r.Actions(run)
		roots = append(roots, exec)
		execs[exec], prepares[prepare] = run, run
	}
	return graph.Run(ctx, roots, graph.Options{Done: func(a *graph.Action) {
		if run := execs[a]; run != nil {
			done(run, a.Err())
		} else if run := prepares[a]; run != nil && a.Err() != nil {
			done(run, a.Err()) // its exec will not run
		}
	}})
}
