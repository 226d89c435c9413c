// Package runner runs snippets (see package snippets) and judges their
// output: where a snippet runs, and where its result is cached.
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
// Every run happens in a box (package box): a timeout, a fresh working
// directory removed afterwards, capped output, exactly the environment
// below, the limits of the snippet's options (memory, processes, open
// files, file size; see package snippets) and, on Linux, a sandbox: its
// own PID, mount and network namespaces, a file system in which only the
// working directory is writable, and no privilege. The environment is
// PATH (the runner's), HOME and TMPDIR (both the working directory),
// LANG=C.UTF-8 and the snippet's env option. A run that fails having hit
// a limit says which (Verdict: "hit the memory limit (1 GiB)").
//
// Where the kernel refuses the sandbox, runs go without it, and the
// Runner's Warn is told once, in one line, which protections are off.
// NOTEBOOK_NO_SANDBOX=1 in the environment turns the sandbox off, for
// tests of that path.
//
// A Runner keeps its runs' temporary folders (working directories,
// compiled programs) in one folder of its own in the system's temporary
// folder, which it holds locked while it lives; a new Runner removes the
// folders of Runners whose process died, killed or not. Close removes the
// Runner's own.
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
// # Results and the cache
//
// A Result is what a run printed and how it ended; Verdict compares it
// with the snippet's expectation. A Runner with a Cache (package cache)
// stores every result that met its expectation under a key made of
// everything that can change it: the snippet's files except expected.txt,
// its options, the engine, the engine's version (the Go release, or the
// yaegi release and its host's Go release), GOOS and GOARCH, and for a
// native snippet the go command's build environment and the go.mod and
// go.sum of the module around it. The snippet's files are hashed once,
// when it is loaded (its Sum), so that a key (Key) costs no read of them.
// Editing a note's prose re-runs nothing; editing a snippet re-runs that
// snippet only. A failure is never stored, so a flaky one is retried next
// time. A Result also has a binary encoding (AppendBinary), much quicker
// to read than the cache's JSON, for callers that keep many at once.
//
// # Many runs
//
// RunAll runs a list of jobs on every core, and reports each as it
// finishes through one callback. A snippet whose options say alone: true
// runs by itself, with no other run on the machine: every run takes a
// lock in the system's temporary folder that all notebook processes and
// test binaries share, shared for an ordinary run and exclusive for an
// alone one, and an alone run that waits for it holds back runs that
// would start after it. The notebook's build, check, check -engines and the tests all
// use it.
package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/gonotebook/notebook/runner/box"
	"github.com/gonotebook/notebook/runner/cache"
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
	Finished  time.Time     `json:"finished"`  // when the run ended
	Cached    bool          `json:"-"`         // the result came from the cache
	Key       string        `json:"key"`       // the cache key of the run
	Platform  string        `json:"platform"`  // GOOS/GOARCH
	Truncated bool          `json:"truncated"` // Cut > 0
	Network   string        `json:"network"`   // NetworkLoopback or NetworkHost
	Sandboxed bool          `json:"sandboxed"` // the run had its own processes, file system and network (see package box)
}

// A Runner runs snippets. Its zero value runs each with its own engine,
// the go command on PATH and the running program as the box, without a
// cache. A Runner is safe for concurrent use.
type Runner struct {
	// Go is the go command; "go" if empty.
	Go string
	// Exe is the program started as each run's box, which must call Child
	// first thing. If empty: BoxCommand beside the running program when it
	// was built from the same clean source, else the running program.
	Exe string
	// Cache stores results; nil runs everything afresh.
	Cache *cache.Cache
	// Jobs bounds how many snippets RunAll runs at once; GOMAXPROCS (at
	// least 2) if zero.
	Jobs int
	// Engine, if set, overrides every snippet's engine.
	Engine string
	// Warn, if set, is told once, in one line, if runs cannot be
	// sandboxed, and which protections are then off (see package box).
	Warn func(string)

	init     sync.Once
	box      *box.Box
	engines  map[string]Engine
	temp     *tempRoot // holds every temporary folder of the Runner's runs
	setupErr error
	machine  machineLock // "alone" across processes
	boxOnce  sync.Once
	python   python
}

func (r *Runner) setup() error {
	r.init.Do(func() {
		r.engines = map[string]Engine{
			snippets.Native: &native{goCmd: r.Go},
			// The version of the interpreter is read from r.Exe, or else
			// from the running program: notebook-box, when it is the box,
			// has the same (see defaultExe).
			snippets.Yaegi: &interpreted{exe: r.Exe},
		}
		r.machine = defaultMachineLock()
		r.temp, r.setupErr = newTempRoot(os.TempDir())
	})
	return r.setupErr
}

// sandbox returns the Box that runs every program, made on first use: a
// build that finds every result cached starts no box, and so does not
// look for notebook-box either.
func (r *Runner) sandbox() *box.Box {
	r.boxOnce.Do(func() {
		exe := r.Exe
		if exe == "" {
			exe = defaultExe()
		}
		r.box = &box.Box{Exe: exe, Warn: r.Warn}
	})
	return r.box
}

// Close removes the Runner's temporary folders; the Runner must not run
// anything after. A Runner that is never closed leaves them until its
// process ends; the next Runner to start then removes them.
func (r *Runner) Close() error {
	if r.setup() != nil || r.temp == nil {
		return nil
	}
	return r.temp.Close()
}

// Sandboxed reports whether runs have the box's sandbox (see package box):
// false once the kernel refused it, or if NOTEBOOK_NO_SANDBOX is set.
func (r *Runner) Sandboxed() bool {
	return r.sandbox().Sandboxed()
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
	r.setup()
	e, ok := r.engines[name]
	if !ok {
		return nil, fmt.Errorf("unknown engine %q: want %s or %s", name, snippets.Native, snippets.Yaegi)
	}
	return e, nil
}

// Run runs one snippet with its engine (or the Runner's), or returns its
// cached result. The error is for failures of the runner itself (no go
// command, no temporary directory); a program that fails to compile,
// panics or times out yields a Result whose Problem says so.
func (r *Runner) Run(ctx context.Context, s *snippets.Snippet) (*Result, error) {
	return r.RunEngine(ctx, s, r.EngineFor(s))
}

// RunEngine is Run with the named engine, whatever the snippet's options
// and the Runner's Engine say.
func (r *Runner) RunEngine(ctx context.Context, s *snippets.Snippet, engine string) (*Result, error) {
	e, err := r.engine(engine)
	if err != nil {
		return nil, fmt.Errorf("snippet %s: %v", s.ID, err)
	}
	if err := r.setup(); err != nil {
		return nil, err
	}
	version, err := e.Version(ctx)
	if err != nil {
		return nil, err
	}
	key, err := cacheKey(s, engine, version, &moduleFiles{})
	if err != nil {
		return nil, err
	}
	var cached Result
	if r.Cache.Get(key, &cached) && cached.Key == key {
		cached.Cached = true
		return &cached, nil
	}
	res := &Result{ID: s.ID, Engine: engine, GoVersion: version, Key: key, Platform: runtime.GOOS + "/" + runtime.GOARCH}

	scratch, err := os.MkdirTemp(r.temp.dir, "notebook-prepare-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	prog, err := e.Prepare(ctx, s, scratch)
	var ce *CompileError
	switch {
	case errors.As(err, &ce):
		res.Problem, res.Exit, res.Finished = ce.Error(), -1, time.Now()
		return res, nil
	case err != nil:
		return nil, err
	}

	release, err := r.machine.acquire(ctx, s.Options.Alone, true)
	if err != nil {
		return nil, err
	}
	defer release()
	if err := r.execute(ctx, prog, s.Options, res); err != nil {
		return nil, err
	}
	if Verdict(s, res) == nil {
		r.Cache.Put(key, res)
	}
	return res, nil
}

// execute runs prog in a box in a fresh working directory and fills in res.
func (r *Runner) execute(ctx context.Context, prog *Program, opts snippets.Options, res *Result) error {
	work, err := os.MkdirTemp(r.temp.dir, "notebook-run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	for name, data := range prog.Files {
		if err := os.WriteFile(filepath.Join(work, name), data, 0o644); err != nil {
			return err
		}
	}
	env := append(runEnv(work), opts.Env...)
	out, err := r.sandbox().Run(ctx, &box.Cmd{
		Path:     prog.Path,
		Entry:    prog.Entry,
		Args:     append(slices.Clip(prog.Args), opts.Args...),
		Env:      env,
		Dir:      work,
		ReadOnly: prog.ReadOnly,
		Stdin:    opts.Stdin,
		Timeout:  time.Duration(opts.Timeout),
		Limits:   boxLimits(opts.Limits),
	})
	if err != nil {
		return err
	}
	res.Output, res.Cut, res.Truncated = out.Output, out.Cut, out.Cut > 0
	res.Exit, res.Problem, res.MaxRSS = out.Exit, out.Problem, out.MaxRSS
	res.Duration, res.Finished, res.Network, res.Sandboxed = out.Duration, out.Finished, out.Network, out.Sandboxed
	if out.Report != "" {
		// Like a native compile error: no output, no exit status.
		ce := &CompileError{Engine: res.Engine, Msg: out.Report}
		res.Problem = ce.Error()
		res.Output, res.Cut, res.Truncated, res.Exit = nil, 0, false, -1
	}
	return nil
}

// boxLimits are l for the box.
func boxLimits(l snippets.Limits) box.Limits {
	return box.Limits{Memory: int64(l.Memory), Processes: l.Processes, Files: l.Files, FileSize: int64(l.FileSize)}
}

// runEnv is the environment every run starts from.
func runEnv(work string) []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	return []string{"PATH=" + path, "HOME=" + work, "TMPDIR=" + work, "LANG=C.UTF-8"}
}

// cacheVersion changes whenever the meaning of a cached result changes, so
// that old entries are never misread.
const cacheVersion = "notebook-run-cache-v4"

// Key returns the key under which the result of running s with the named
// engine is cached: the key its Result carries. Computing it reads no
// file of the snippet's (see snippets.Snippet's Sum); for a native
// snippet it reads the go.mod and go.sum of the module around it.
func (r *Runner) Key(ctx context.Context, s *snippets.Snippet, engine string) (string, error) {
	keys, err := r.Keys(ctx, []*snippets.Snippet{s}, engine)
	if err != nil {
		return "", err
	}
	return keys[0], nil
}

// Keys returns the Key of each snippet run with the named engine, or, if
// engine is "", with the engine each runs with (EngineFor). The go.mod and
// go.sum of a module are read once for all.
func (r *Runner) Keys(ctx context.Context, list []*snippets.Snippet, engine string) ([]string, error) {
	var modules moduleFiles
	keys := make([]string, len(list))
	for i, s := range list {
		eng := engine
		if eng == "" {
			eng = r.EngineFor(s)
		}
		e, err := r.engine(eng)
		if err != nil {
			return nil, fmt.Errorf("snippet %s: %v", s.ID, err)
		}
		version, err := e.Version(ctx)
		if err != nil {
			return nil, err
		}
		if keys[i], err = cacheKey(s, eng, version, &modules); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// cacheKey hashes everything that can change a run of s; modules holds
// what it read of the modules around snippets, for the next call.
func cacheKey(s *snippets.Snippet, engine, version string, modules *moduleFiles) (string, error) {
	h := sha256.New()
	opts := s.Options
	opts.Engine = engine
	o, err := json.Marshal(opts)
	if err != nil {
		return "", err
	}
	sum := s.Sum
	if sum == "" {
		if sum, err = snippets.SumFiles(s); err != nil {
			return "", err
		}
	}
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s/%s\x00%s\x00%s\x00files %s\x00", cacheVersion, engine, version, runtime.GOOS, runtime.GOARCH, o, sourceHash(), sum)
	if engine == snippets.Native {
		for _, k := range buildEnv {
			fmt.Fprintf(h, "%s=%s\x00", k, os.Getenv(k))
		}
		mod, err := modules.of(s.Dir)
		if err != nil {
			return "", err
		}
		h.Write(mod)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// buildEnv are the variables of the go command's environment that change
// what go build makes of the same files.
var buildEnv = []string{"GOFLAGS", "CGO_ENABLED", "GOAMD64", "GOARM64", "GOEXPERIMENT", "CC", "CGO_CFLAGS", "CGO_LDFLAGS"}

// moduleFiles finds and reads, for the keys of native snippets, the go.mod
// and go.sum of the module that holds a folder, which change what go build
// makes of the same files. It remembers what it found for each folder.
type moduleFiles struct {
	byDir map[string][]byte
}

// of returns the go.mod and go.sum of the module that holds dir, as one
// byte string; nil if no module does.
func (m *moduleFiles) of(dir string) ([]byte, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if m.byDir == nil {
		m.byDir = map[string][]byte{}
	}
	var walked []string
	var found []byte
	for d := abs; ; d = filepath.Dir(d) {
		if mod, ok := m.byDir[d]; ok {
			found = mod
			break
		}
		walked = append(walked, d)
		mod, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			sum, _ := os.ReadFile(filepath.Join(d, "go.sum")) // a module may have none
			found = fmt.Appendf(nil, "go.mod\x00%d\x00%s\x00go.sum\x00%d\x00%s\x00", len(mod), mod, len(sum), sum)
			break
		}
		if filepath.Dir(d) == d {
			break // not in a module
		}
	}
	for _, d := range walked {
		m.byDir[d] = found
	}
	return found, nil
}

// A Job is one run RunAll is asked for: a snippet's, or its original's.
type Job struct {
	// Original, if set, is the block to run as written (see RunOriginal);
	// Snippet is then its snippet.
	Original *Original
	Snippet  *snippets.Snippet
	// Engine is the engine to run with; "" for the snippet's own (or the
	// Runner's).
	Engine string
}

// A Report is a finished job: its result, or why the runner itself could
// not run it.
type Report struct {
	Job    Job
	Result *Result // nil if Err is set
	Err    error
	// Done counts the jobs finished so far, this one included, of Total.
	Done, Total int
}

// RunAll runs every job, GOMAXPROCS of them at once (Runner.Jobs), and
// returns their reports in the order of jobs. progress, if not nil, is
// called with each report as its job finishes, from one goroutine at a
// time. If ctx ends, jobs not yet started are not run and RunAll returns
// ctx's error.
func (r *Runner) RunAll(ctx context.Context, jobs []Job, progress func(Report)) ([]Report, error) {
	n := r.Jobs
	if n <= 0 {
		n = max(2, runtime.GOMAXPROCS(0))
	}
	reports := make([]Report, len(jobs))
	next := make(chan int)
	done := make(chan int)
	var wg sync.WaitGroup
	for range min(n, max(1, len(jobs))) {
		wg.Go(func() {
			for i := range next {
				j := jobs[i]
				var res *Result
				var err error
				if j.Original != nil {
					res, err = r.RunOriginal(ctx, *j.Original)
				} else {
					engine := j.Engine
					if engine == "" {
						engine = r.EngineFor(j.Snippet)
					}
					res, err = r.RunEngine(ctx, j.Snippet, engine)
				}
				reports[i] = Report{Job: j, Result: res, Err: err, Total: len(jobs)}
				done <- i
			}
		})
	}
	go func() {
		defer close(next)
		for i := range jobs {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(done) }()
	count := 0
	for i := range done {
		count++
		reports[i].Done = count
		if progress != nil {
			progress(reports[i])
		}
	}
	return reports, ctx.Err()
}
