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
// native snippet the go command's build environment (with the user's go
// env file, which go env -w writes) and the go.mod and go.sum of the
// module around it. The snippet's files are hashed once,
// when it is loaded (its Sum), so that a key (Key) costs no read of them.
// Editing a note's prose re-runs nothing; editing a snippet re-runs that
// snippet only. A failure is never stored, so a flaky one is retried next
// time. A Result also has a binary encoding (AppendBinary), much quicker
// to read than the cache's JSON, for callers that keep many at once.
//
// # Many runs
//
// RunAll runs a list of jobs on every core, and reports each as it
// finishes through one callback. Originals run beside the programs, the
// runs that took longest last time (as the cache remembers) start first,
// and the jobs of snippets that run alone come last, one at a time. A
// snippet whose options say alone: true runs by itself, with no other run
// on the machine: every run takes a lock in the system's temporary folder
// that all notebook processes and test binaries share, shared for an
// ordinary run and exclusive for an alone one, and an alone run that waits
// for it holds back runs that would start after it. The notebook's build,
// check, check -engines and the tests all use it.
package runner

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gonotebook/notebook/internal/gotool"
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
	// Programs keeps the programs native snippets compile to, whether or
	// not results are cached; nil compiles every program that runs.
	Programs *Programs
	// Jobs bounds how many programs are compiled at once, GOMAXPROCS (at
	// least 2) if zero; RunAll runs twice as many programs at once, and as
	// many originals beside them (see RunAll).
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
	machine  machineLock   // "alone" across processes
	compile  chan struct{} // a token for each compile that may run at once
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
		r.compile = make(chan struct{}, r.jobs())
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
	rd, err := r.ready(ctx, s, engine)
	if err != nil {
		return nil, err
	}
	return r.runReady(ctx, rd)
}

// A readied run is a run of a snippet up to the start of its program: its
// result, final if prog is nil (taken from the cache, or a compile error),
// else the program, compiled into scratch, that is to fill it in.
type readied struct {
	s       *snippets.Snippet
	res     *Result
	prog    *Program
	scratch string
}

// ready does all of a run of s that comes before its program starts: it
// looks for the result in the cache and compiles the program.
func (r *Runner) ready(ctx context.Context, s *snippets.Snippet, engine string) (*readied, error) {
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
		return &readied{s: s, res: &cached}, nil
	}
	res := &Result{ID: s.ID, Engine: engine, GoVersion: version, Key: key, Platform: runtime.GOOS + "/" + runtime.GOARCH}

	scratch, err := os.MkdirTemp(r.temp.dir, "notebook-prepare-")
	if err != nil {
		return nil, err
	}
	prog := r.Programs.get(key)
	if prog == nil {
		prog, err = r.prepare(ctx, e, s, scratch)
		if err == nil {
			r.Programs.put(key, prog)
		}
	}
	var ce *CompileError
	switch {
	case errors.As(err, &ce):
		os.RemoveAll(scratch)
		res.Problem, res.Exit, res.Finished = ce.Error(), -1, time.Now()
		return &readied{s: s, res: res}, nil
	case err != nil:
		os.RemoveAll(scratch)
		return nil, err
	}
	return &readied{s: s, res: res, prog: prog, scratch: scratch}, nil
}

// runReady runs rd's program, if it has one, in its turn on the machine,
// and returns its result, which it caches if it meets its expectation.
func (r *Runner) runReady(ctx context.Context, rd *readied) (*Result, error) {
	if rd.prog == nil {
		return rd.res, nil
	}
	defer os.RemoveAll(rd.scratch)
	release, err := r.machine.acquire(ctx, rd.s.Options.Alone, true)
	if err != nil {
		return nil, err
	}
	defer release()
	if err := r.execute(ctx, rd.prog, rd.s.Options, rd.res); err != nil {
		return nil, err
	}
	if Verdict(rd.s, rd.res) == nil {
		r.Cache.Put(rd.res.Key, rd.res)
	}
	return rd.res, nil
}

// prepare readies s with e once fewer than Jobs other programs are being
// readied.
func (r *Runner) prepare(ctx context.Context, e Engine, s *snippets.Snippet, scratch string) (*Program, error) {
	select {
	case r.compile <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-r.compile }()
	return e.Prepare(ctx, s, scratch)
}

// jobs is Jobs, or GOMAXPROCS (at least 2) if that is zero.
func (r *Runner) jobs() int {
	if r.Jobs > 0 {
		return r.Jobs
	}
	return max(2, runtime.GOMAXPROCS(0))
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
	sum := s.Sum
	if sum == "" {
		var err error
		if sum, err = snippets.SumFiles(s); err != nil {
			return "", err
		}
	}
	// Appended, not formatted: a build of ten thousand snippets makes
	// ten thousand keys.
	var buf [512]byte
	b := buf[:0]
	for _, part := range [...]string{cacheVersion, engine, version, runtime.GOOS + "/" + runtime.GOARCH, sourceHash(), "files " + sum} {
		b = append(append(b, part...), 0)
	}
	h.Write(snippets.AppendOptions(b, &opts))
	if engine == snippets.Native {
		for _, k := range buildEnv {
			fmt.Fprintf(h, "%s=%s\x00", k, os.Getenv(k))
		}
		h.Write(modules.settings())
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
// and go.sum of the module that holds a folder, and the user's go env
// file, which change what go build makes of the same files. It remembers
// what it found for each folder, and the go env file once read.
type moduleFiles struct {
	byDir map[string][]byte
	env   []byte
}

// settings returns the user's go env file (see gotool.EnvFile), which go
// env -w writes and which can set GOFLAGS, CGO_ENABLED, GOEXPERIMENT and
// every other variable of buildEnv, as one byte string.
func (m *moduleFiles) settings() []byte {
	if m.env == nil {
		data, _ := os.ReadFile(gotool.EnvFile()) // none is nothing set
		m.env = fmt.Appendf(nil, "go env\x00%d\x00%s\x00", len(data), data)
	}
	return m.env
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

// RunAll runs every job and returns their reports in the order of jobs.
// progress, if not nil, is called with each report as its job finishes,
// from one goroutine at a time. If ctx ends, jobs not yet started are not
// run and RunAll returns ctx's error.
//
// Jobs run in three lanes (see plan). Programs run twice Runner.Jobs at
// a time (GOMAXPROCS, at least 2, if zero), of which only Runner.Jobs
// compile at once: compiling is most of a build's work for the processor,
// and many programs, once started, mostly wait (on timers, children, the
// network). On the seed notebook, running twice as many as there are
// cores took a cold build from 6.3 s to 5.4 s on two busy cores. Originals
// run as many at a time again, in a lane of their own beside the
// programs: a Python block is mostly its interpreter starting, or
// sleeping (asyncio's examples wait seconds), and one that sleeps then
// holds back no program, and starts sooner. Within each lane the jobs
// known to take longest start first, so that a long one overlaps the rest
// rather than running on after them (see estimates).
//
// Jobs that run alone come last, once every other job has finished, one
// at a time, with nothing else of this RunAll running, not even a
// compile: an alone run started among others would wait for them anyway,
// holding back every run after it (see machineLock). Their programs are
// compiled earlier, while the other jobs run.
func (r *Runner) RunAll(ctx context.Context, jobs []Job, progress func(Report)) ([]Report, error) {
	n := r.jobs()
	known := r.estimates()
	p := plan(jobs, known)
	reports := make([]Report, len(jobs))
	done := make(chan int)
	finish := func(i int, rep Report) {
		rep.Total = len(jobs)
		reports[i] = rep
		done <- i
	}
	ordinary := func(i int) Report { return r.runJob(ctx, jobs[i]) }
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		wg.Go(func() { lane(ctx, p.programs, 2*n, ordinary, finish) })
		wg.Go(func() { lane(ctx, p.originals, 2*n, ordinary, finish) })
		// The programs that run alone are compiled while the others
		// run, and started once they have all finished.
		alone := &aloneRuns{r: r, jobs: jobs}
		wg.Go(func() { alone.ready(ctx, p.alone) })
		wg.Wait()
		lane(ctx, p.alone, 1, func(i int) Report { return alone.run(ctx, i) }, finish)
		alone.discard()
	}()
	count := 0
	for i := range done {
		count++
		reports[i].Done = count
		if progress != nil {
			progress(reports[i])
		}
	}
	r.remember(known, reports)
	return reports, ctx.Err()
}

// lane runs the jobs idx names, in that order, k at a time, and hands each
// report to finish; it returns once they have all finished, or once ctx
// has ended and the jobs already started have.
func lane(ctx context.Context, idx []int, k int, run func(int) Report, finish func(int, Report)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(k, len(idx)) {
		wg.Go(func() {
			for ctx.Err() == nil {
				at := int(next.Add(1)) - 1
				if at >= len(idx) {
					return
				}
				finish(idx[at], run(idx[at]))
			}
		})
	}
	wg.Wait()
}

// aloneRuns are the jobs of RunAll that run alone, their programs readied
// (see Runner.ready) ahead of their turn.
type aloneRuns struct {
	r    *Runner
	jobs []Job
	// By index in jobs: a readied program, or why it could not be.
	readied map[int]*readied
	failed  map[int]error
}

// ready readies the programs of the jobs idx names, one after another.
func (a *aloneRuns) ready(ctx context.Context, idx []int) {
	a.readied, a.failed = map[int]*readied{}, map[int]error{}
	for _, i := range idx {
		j := a.jobs[i]
		if j.Original != nil || ctx.Err() != nil {
			continue
		}
		if rd, err := a.r.ready(ctx, j.Snippet, a.r.jobEngine(j)); err != nil {
			a.failed[i] = err
		} else {
			a.readied[i] = rd
		}
	}
}

// run runs job i, from its readied program if it has one.
func (a *aloneRuns) run(ctx context.Context, i int) Report {
	j := a.jobs[i]
	if err, ok := a.failed[i]; ok {
		return Report{Job: j, Err: err}
	}
	rd, ok := a.readied[i]
	if !ok {
		return a.r.runJob(ctx, j)
	}
	delete(a.readied, i)
	res, err := a.r.runReady(ctx, rd)
	return Report{Job: j, Result: res, Err: err}
}

// discard removes the programs readied but not run, once ctx has ended.
func (a *aloneRuns) discard() {
	for _, rd := range a.readied {
		if rd.scratch != "" {
			os.RemoveAll(rd.scratch)
		}
	}
}

// runJob runs one job.
func (r *Runner) runJob(ctx context.Context, j Job) Report {
	var res *Result
	var err error
	if j.Original != nil {
		res, err = r.RunOriginal(ctx, *j.Original)
	} else {
		res, err = r.RunEngine(ctx, j.Snippet, r.jobEngine(j))
	}
	return Report{Job: j, Result: res, Err: err}
}

// jobEngine is the engine a program's job runs with: its own, or else the
// snippet's (or the Runner's).
func (r *Runner) jobEngine(j Job) string {
	if j.Engine != "" {
		return j.Engine
	}
	return r.EngineFor(j.Snippet)
}

// A schedule is the order in which RunAll starts jobs: indexes into its
// list, lane by lane.
type schedule struct {
	programs, originals, alone []int
}

// plan sorts jobs into RunAll's lanes: the jobs of snippets that run
// alone (their originals too), the other originals, the other programs.
// Within a lane, the jobs that took longest when last run come first;
// jobs of equal or unknown length keep their order.
func plan(jobs []Job, known map[string]time.Duration) schedule {
	var s schedule
	for i, j := range jobs {
		switch {
		case jobSnippet(j).Options.Alone:
			s.alone = append(s.alone, i)
		case j.Original != nil:
			s.originals = append(s.originals, i)
		default:
			s.programs = append(s.programs, i)
		}
	}
	longestFirst := func(a, b int) int { return cmp.Compare(known[jobName(jobs[b])], known[jobName(jobs[a])]) }
	slices.SortStableFunc(s.programs, longestFirst)
	slices.SortStableFunc(s.originals, longestFirst)
	return s
}

// jobSnippet is the snippet a job runs, or whose original it runs.
func jobSnippet(j Job) *snippets.Snippet {
	if j.Original != nil {
		return j.Original.Snippet
	}
	return j.Snippet
}

// jobName names a job in the durations RunAll remembers: the snippet's id,
// with "original" or the engine the job asks for, if any.
func jobName(j Job) string {
	switch {
	case j.Original != nil:
		return jobSnippet(j).ID + " original"
	case j.Engine != "":
		return j.Snippet.ID + " " + j.Engine
	}
	return j.Snippet.ID
}

// longJob is how long a run must take for RunAll to remember it: shorter
// ones are not worth starting early, and the record stays small however
// many snippets a notebook has.
const longJob = 100 * time.Millisecond

// durationsKey is the cache key under which RunAll keeps how long each job
// ran, by jobName, to order the next RunAll's jobs.
var durationsKey = func() string {
	h := sha256.Sum256([]byte(cacheVersion + "\x00durations"))
	return hex.EncodeToString(h[:])
}()

// estimates returns how long each job took when last run, as far as the
// Runner's cache remembers; nil without a cache.
func (r *Runner) estimates() map[string]time.Duration {
	var known map[string]time.Duration
	if r.Cache == nil || !r.Cache.Get(durationsKey, &known) {
		return nil
	}
	return known
}

// remember records in the Runner's cache how long each job of reports that
// ran (rather than coming from the cache) took, if it took at least
// longJob, and forgets those that now took less; known is the record as
// RunAll found it.
func (r *Runner) remember(known map[string]time.Duration, reports []Report) {
	if r.Cache == nil {
		return
	}
	if known == nil {
		known = map[string]time.Duration{}
	}
	changed := false
	for _, rep := range reports {
		res := rep.Result
		if res == nil || res.Cached || res.Problem != "" {
			continue
		}
		name := jobName(rep.Job)
		if old, ok := known[name]; res.Duration >= longJob && old != res.Duration {
			known[name], changed = res.Duration, true
		} else if ok && res.Duration < longJob {
			delete(known, name)
			changed = true
		}
	}
	if changed {
		r.Cache.Put(durationsKey, known)
	}
}
