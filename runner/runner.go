// Package runner runs snippets (see package snippets) and judges their
// output: where a snippet runs.
//
// # Engines
//
// An Engine readies a snippet to run. Two exist. Native compiles the
// program with the go command (go build -trimpath, so no path of this
// machine reaches the output) and the box executes the binary; it is the
// ground truth. Yaegi interprets the program with
// github.com/traefik/yaegi inside the box, with no compile step (see
// package yaegi for what it knows and where it differs). A snippet says
// which it uses in snippet.yaml; a Runner may override it.
//
// # Runs
//
// Every run happens in a box (package box): a timeout, a working directory
// of its own, capped output, exactly the environment below, the limits of
// the snippet's options (memory, processes, open files, disk) and, on
// Linux, a sandbox: its own PID, mount and network namespaces, a file
// system in which only the working directory is writable, and no
// privilege. The environment is PATH (the runner's), HOME and TMPDIR (both
// the working directory), LANG=C.UTF-8 and the snippet's env option. A run
// that fails having hit a limit says which (Verdict: "hit the memory limit
// (1 GiB)").
//
// The box is a copy of the running program. A program that runs snippets
// must therefore call Child first thing in main (the notebook command
// does), and so must the TestMain of a test binary that runs snippets:
//
//	func main() {
//		if code, ok := runner.Child(); ok {
//			os.Exit(code)
//		}
//		...
//	}
//
// # Steps, results and the store
//
// A run of a snippet is two steps, so that a build can schedule them
// apart (see package graph): Prepare, which works out the run's key,
// takes its result from the store if it is there, and else readies the
// program (a native one compiled, or taken from the store, where compiled
// programs are kept under their run's key); and Exec, which runs it. Run
// does both. A Result is what a run printed and how it ended; Verdict
// compares it with the snippet's expectation.
//
// A Runner with a Store (package store) keeps every result that met its
// expectation under the run's key (Key), made of everything that can
// change it: the snippet's files but expected.txt, its options, the
// engine and its version (the Go release, or the yaegi release), the
// running program, GOOS and GOARCH, and for a native snippet the go
// command's build environment (with the user's go env file, which go env
// -w writes) and the go.mod and go.sum of the module around it. Editing a
// note's prose re-runs nothing; editing a snippet re-runs that snippet
// only. A failure is never kept, so a flaky one is retried next time.
//
// # Alone
//
// A snippet whose options say alone: true runs by itself, with no other
// run of the same user on the machine: every run takes a lock that all
// of the user's notebook processes and test binaries share (see
// machineLock), shared for an ordinary run and exclusive for an alone one.
// Within one build, package graph runs alone actions with nothing else
// running.
package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/gonotebook/notebook/internal/graph"
	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/runner/box"
	"github.com/gonotebook/notebook/runner/yaegi"
	"github.com/gonotebook/notebook/snippets"
)

// Networks a Result may report.
const (
	NetworkLoopback = box.NetworkLoopback
	NetworkHost     = box.NetworkHost
)

// MaxOutput is how many bytes of a run's output are kept; the rest is
// counted and reported, not stored.
const MaxOutput = box.DefaultMaxOutput

// Child makes this process the box of a run, if a Runner started it as
// one, and returns the program's exit status and true; the caller exits
// with it. In any other process it returns at once with false. See the
// package doc.
func Child() (code int, ok bool) {
	return box.Main(map[string]box.Entry{yaegiEntry: yaegi.Main})
}

// A Result is what one run of a snippet printed and how it ended.
type Result struct {
	ID        string        `json:"id"`
	Engine    string        `json:"engine"`
	GoVersion string        `json:"go_version"`
	Output    []byte        `json:"output"`    // stdout and stderr as one stream, at most MaxOutput bytes
	Cut       int64         `json:"cut"`       // bytes of output not kept
	Exit      int           `json:"exit"`      // exit status; -1 when killed by a signal or never started
	Problem   string        `json:"problem"`   // why the run did not end normally: compile error, timeout, signal; "" if it did
	Duration  time.Duration `json:"duration"`  // the program's wall-clock time, without compiling
	MaxRSS    int64         `json:"max_rss"`   // the most memory the program had resident at once, in bytes; 0 if unknown
	Limit     string        `json:"limit"`     // the limit the kernel says the run reached: "memory", "disk" or ""
	Finished  time.Time     `json:"finished"`  // when the run ended
	Cached    bool          `json:"-"`         // the result came from the store
	Platform  string        `json:"platform"`  // GOOS/GOARCH
	Network   string        `json:"network"`   // NetworkLoopback or NetworkHost
	Sandboxed bool          `json:"sandboxed"` // the run had its own processes, file system and network (see package box)
	// Sum names the result by its content (the SHA-256 of its JSON, as
	// the store keeps it), for the keys of what shows it.
	Sum store.ID `json:"-"`
}

// keep sets res.Sum and, if store is set, keeps res in the Runner's store
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

// A Runner runs snippets. Its zero value runs each with its own engine,
// the go command on PATH and the running program as the box, keeping
// nothing. A Runner is safe for concurrent use.
type Runner struct {
	// Go is the go command; "go" if empty.
	Go string
	// Exe is the program started as each run's box, which must call Child
	// first thing: the running program if empty, else a copy of it (the
	// interpreter a yaegi result names is the running program's).
	Exe string
	// Store keeps results and compiled programs; nil keeps nothing.
	Store *store.Store
	// Fresh runs every snippet: results are neither taken from the store
	// nor kept there. Compiled programs still are, as Go keeps what it
	// compiles.
	Fresh bool
	// Engine, if set, overrides every snippet's engine.
	Engine string
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
	engines  map[string]Engine
	python   python
	machine  machineLock
	temp     string // holds the runs' temporary folders (see newTemp)
	setupErr error
}

func (r *Runner) setup() error {
	r.once.Do(func() {
		r.engines = map[string]Engine{
			snippets.Native: &native{goCmd: r.Go, box: func() *box.Box { return r.box }},
			snippets.Yaegi:  &interpreted{},
		}
		r.box = &box.Box{Exe: r.Exe, Warn: r.Warn, NoSandbox: r.NoSandbox}
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
	if r.setup() != nil {
		return nil
	}
	return removeAll(r.temp)
}

// Sandboxed reports whether runs have the box's sandbox (see package box).
func (r *Runner) Sandboxed() bool {
	r.setup()
	return r.box.Sandboxed()
}

// EngineFor returns the engine a run of s uses: the Runner's, or else the
// snippet's own.
func (r *Runner) EngineFor(s *snippets.Snippet) string {
	if r.Engine != "" {
		return r.Engine
	}
	return s.Options.Engine
}

// Version names what compiles or interprets snippets with the named engine:
// "go1.26.8", or "yaegi v0.16.1 (go1.26.8 host)".
func (r *Runner) Version(ctx context.Context, engine string) (string, error) {
	e, err := r.engine(engine)
	if err != nil {
		return "", err
	}
	return e.Version(ctx)
}

func (r *Runner) engine(name string) (Engine, error) {
	if err := r.setup(); err != nil {
		return nil, err
	}
	e, ok := r.engines[name]
	if !ok {
		return nil, fmt.Errorf("unknown engine %q: want %s or %s", name, snippets.Native, snippets.Yaegi)
	}
	return e, nil
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

	prog      *Program
	pending   *Result // the result Exec fills in
	throwaway bool    // keep nothing in the store: a mutant's run
	scratch   string  // the program's folder, removed by Exec
}

// NewRun returns the run of s with the named engine, or with the engine
// it runs with (EngineFor) if engine is "".
func (r *Runner) NewRun(s *snippets.Snippet, engine string) *Run {
	if engine == "" {
		engine = r.EngineFor(s)
	}
	return &Run{Snippet: s, Engine: engine}
}

// Run runs s with its engine (or the Runner's), or returns its result from
// the store. The error is for failures of the runner itself (no go
// command, no temporary folder); a program that fails to compile, panics
// or times out yields a Result whose Problem says so.
func (r *Runner) Run(ctx context.Context, s *snippets.Snippet) (*Result, error) {
	return r.RunEngine(ctx, s, "")
}

// RunEngine is Run with the named engine, whatever the snippet's options
// and the Runner's Engine say; "" is the engine Run would use.
func (r *Runner) RunEngine(ctx context.Context, s *snippets.Snippet, engine string) (*Result, error) {
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
// readies the program, from the store or compiled (and then kept there).
func (r *Runner) Prepare(ctx context.Context, run *Run) error {
	e, err := r.engine(run.Engine)
	if err != nil {
		return fmt.Errorf("snippet %s: %v", run.Snippet.ID, err)
	}
	if run.Snippet, err = run.Snippet.Bounded(r.Ceilings); err != nil {
		return err
	}
	version, err := e.Version(ctx)
	if err != nil {
		return err
	}
	if run.Key, err = Key(run.Snippet, run.Engine, version); err != nil {
		return err
	}
	if !run.throwaway {
		if run.Result = r.cached(run.Key); run.Result != nil {
			return nil
		}
	}
	res := &Result{ID: run.Snippet.ID, Engine: run.Engine, GoVersion: version, Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if run.scratch, err = os.MkdirTemp(r.temp, "prepare-"); err != nil {
		return err
	}
	if run.prog, err = r.program(ctx, e, run); err != nil {
		removeAll(run.scratch)
		run.scratch = ""
		var ce *CompileError
		if !errors.As(err, &ce) {
			return err
		}
		res.Problem, res.Exit, res.Finished = ce.Error(), -1, time.Now()
		r.keep(run.Key, res, false)
		run.Result = res
		return nil
	}
	run.Result, run.pending = nil, res
	return nil
}

// program readies run's program: a compiled program is taken from the
// store, where it is kept under its run's key, or else compiled and kept.
func (r *Runner) program(ctx context.Context, e Engine, run *Run) (*Program, error) {
	id := store.NewHash("program").ID(run.Key).Sum()
	st := r.Store
	if run.throwaway {
		st = nil
	}
	if data, _, ok := st.Bytes(id); ok {
		bin := filepath.Join(run.scratch, "prog")
		if err := os.WriteFile(bin, data, 0o755); err != nil {
			return nil, err
		}
		return &Program{Path: bin}, nil
	}
	prog, err := e.Prepare(ctx, run.Snippet, run.scratch)
	if err != nil || prog.Path == "" {
		return prog, err
	}
	// A program compiled into scratch is kept.
	if rel, err := filepath.Rel(run.scratch, prog.Path); err == nil && filepath.IsLocal(rel) {
		if data, err := os.ReadFile(prog.Path); err == nil {
			st.Put(id, data)
		}
	}
	return prog, nil
}

// Exec runs run's program, readied by Prepare, in its turn on the machine
// (see machineLock), unless Prepare found its result. A result that meets
// its expectation is kept in the store.
func (r *Runner) Exec(ctx context.Context, run *Run) error {
	if run.Result != nil {
		return nil
	}
	if run.prog == nil {
		return fmt.Errorf("snippet %s: run before it was prepared", run.Snippet.ID)
	}
	defer removeAll(run.scratch)
	release, err := r.machine.acquire(ctx, run.Snippet.Options.Alone)
	if err != nil {
		return err
	}
	defer release()
	res := run.pending
	if err := r.execute(ctx, run.prog, run.Snippet.Options, res); err != nil {
		return err
	}
	r.keep(run.Key, res, !run.throwaway && Verdict(run.Snippet, res) == nil)
	run.Result = res
	return nil
}

// execute runs prog in a box and fills in res.
func (r *Runner) execute(ctx context.Context, prog *Program, opts snippets.Options, res *Result) error {
	work, err := os.MkdirTemp(r.temp, "notebook-run-")
	if err != nil {
		return err
	}
	defer removeAll(work)
	out, err := r.box.Run(ctx, &box.Cmd{
		Path:     prog.Path,
		Entry:    prog.Entry,
		Args:     append(slices.Clip(prog.Args), opts.Args...),
		Env:      append(runEnv(work), opts.Env...),
		Dir:      work,
		Files:    prog.Files,
		ReadOnly: prog.ReadOnly,
		Stdin:    opts.Stdin,
		Timeout:  time.Duration(opts.Timeout),
		Limits:   boxLimits(opts.Limits),
	})
	if err != nil {
		return err
	}
	res.Output, res.Cut = out.Output, out.Cut
	res.Exit, res.Problem, res.MaxRSS, res.Limit = out.Exit, out.Problem, out.MaxRSS, out.Limit
	res.Duration, res.Finished, res.Network, res.Sandboxed = out.Duration, out.Finished, out.Network, out.Sandboxed
	if out.Report != "" {
		// Like a native compile error: no output, no exit status.
		ce := &CompileError{Engine: res.Engine, Msg: out.Report}
		res.Problem = ce.Error()
		res.Output, res.Cut, res.Exit = nil, 0, -1
	}
	return nil
}

// boxLimits are l for the box.
func boxLimits(l snippets.Limits) box.Limits {
	return box.Limits{Memory: int64(l.Memory), Processes: int(l.Processes), Files: int(l.Files), FileSize: int64(l.FileSize), Disk: int64(l.Disk)}
}

// runEnv is the environment every run starts from.
func runEnv(work string) []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	return []string{"PATH=" + path, "HOME=" + work, "TMPDIR=" + work, "LANG=C.UTF-8"}
}

// Actions returns run's two steps as actions of a build's graph (see
// package graph): prepare, which works the processor, and exec, which
// depends on it, mostly waits, and runs alone if the snippet says so.
func (r *Runner) Actions(run *Run) (prepare, exec *graph.Action) {
	id := run.Snippet.ID
	prepare = &graph.Action{Name: "prepare " + id, Do: func(ctx context.Context) error {
		var fe *fileline.Error
		if err := r.Prepare(ctx, run); err != nil && !errors.As(err, &fe) {
			return fmt.Errorf("snippet %s: %w", id, err)
		} else if err != nil {
			return err // names its file already
		}
		return nil
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

// RunAll runs every run (see Actions), on every core, and calls done, if
// set, with each as it finishes, from one goroutine at a time, with the
// runner's error if it could not be run. It returns the joined errors.
func (r *Runner) RunAll(ctx context.Context, runs []*Run, done func(*Run, error)) error {
	var roots []*graph.Action
	execs, prepares := map[*graph.Action]*Run{}, map[*graph.Action]*Run{}
	for _, run := range runs {
		prepare, exec := r.Actions(run)
		roots = append(roots, exec)
		execs[exec], prepares[prepare] = run, run
	}
	return graph.Run(ctx, roots, graph.Options{Done: func(a *graph.Action) {
		if run := execs[a]; run != nil && done != nil {
			done(run, a.Err())
		} else if run := prepares[a]; run != nil && done != nil && a.Err() != nil {
			done(run, a.Err()) // its exec will not run
		}
	}})
}
