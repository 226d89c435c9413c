package snippets

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// What network a run had: only a loopback interface of its own, or, where
// the system allows no network namespace, the host's.
const (
	NetworkLoopback = "loopback only"
	NetworkHost     = "host"
)

// MaxOutput is how many bytes of a run's output are kept; the rest is
// counted and reported, not stored.
const MaxOutput = 1 << 20

// A Result is what one run of a snippet printed and how it ended.
type Result struct {
	ID        string        `json:"id"`
	Engine    string        `json:"engine"`
	GoVersion string        `json:"go_version"`
	Output    []byte        `json:"output"`    // stdout and stderr as one stream, at most MaxOutput bytes
	Cut       int64         `json:"cut"`       // bytes of output not kept
	Exit      int           `json:"exit"`      // exit status; -1 when killed by a signal or never started
	Problem   string        `json:"problem"`   // why the run did not end normally: compile error, timeout, signal; "" if it did
	Duration  time.Duration `json:"duration"`  // wall-clock time of the program, without go build (under yaegi, with the interpreter's start)
	Finished  time.Time     `json:"finished"`  // when the run ended
	Cached    bool          `json:"-"`         // the result came from the cache
	Key       string        `json:"key"`       // the cache key of the run
	Platform  string        `json:"platform"`  // GOOS/GOARCH
	Truncated bool          `json:"truncated"` // Cut > 0
	Network   string        `json:"network"`   // NetworkLoopback or NetworkHost
}

// Verdict compares a result with what the snippet expects and returns nil if
// the run met it: it ended normally, with the expected exit status, and its
// output meets expected.txt.
func (s *Snippet) Verdict(r *Result) error {
	var errs []error
	if r.Problem != "" {
		errs = append(errs, errors.New(r.Problem))
	}
	if r.Problem == "" && r.Exit != s.Options.Exit {
		errs = append(errs, fmt.Errorf("exit status %d, want %d", r.Exit, s.Options.Exit))
	}
	switch {
	case r.Problem != "" && len(r.Output) == 0:
		// Nothing ran, or nothing was printed: a diff would only repeat
		// the expectation.
	case s.Expect == nil:
		errs = append(errs, fmt.Errorf("%s is missing: write it, or run go test ./snippets/... -run 'TestSnippets/%s$' -update", s.ExpectPath(), s.ID))
	case r.Cut > 0:
		errs = append(errs, fmt.Errorf("output exceeded %d bytes (%d more were cut)", MaxOutput, r.Cut))
	default:
		if err := s.Expect.Check(r.Output, s.Options.Unordered); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// A Runner runs snippets. Its zero value runs natively with the go command
// on PATH, without a cache.
type Runner struct {
	// Go is the go command; "go" if empty.
	Go string
	// Cache stores results; nil runs everything afresh.
	Cache *Cache
	// Jobs bounds how many snippets run at once; GOMAXPROCS if zero.
	Jobs int
	// Engine, if set, overrides every snippet's engine.
	Engine string
	// Yaegi is the program that interprets yaegi snippets, a copy of which
	// runs each: any program that imports this package. If empty, it is
	// the running program.
	Yaegi string

	once      sync.Once
	goVersion string
	goErr     error

	yaegiOnce    sync.Once
	yaegiVersion string
	yaegiErr     error

	alone sync.RWMutex // held for reading by every run, for writing by an "alone" one
}

// GoVersion returns the version of the go command that compiles snippets.
func (r *Runner) GoVersion() (string, error) {
	r.once.Do(func() {
		out, err := exec.Command(r.goCmd(), "env", "GOVERSION").Output()
		if err != nil {
			r.goErr = fmt.Errorf("running %s env GOVERSION: %v", r.goCmd(), err)
			return
		}
		r.goVersion = strings.TrimSpace(string(out))
	})
	return r.goVersion, r.goErr
}

func (r *Runner) goCmd() string {
	if r.Go != "" {
		return r.Go
	}
	return "go"
}

// engineFor returns the engine a run of s uses.
func (r *Runner) engineFor(s *Snippet) string {
	if r.Engine != "" {
		return r.Engine
	}
	return s.Options.Engine
}

// version returns what compiles or interprets snippets with the given
// engine, for Result.GoVersion and the cache key.
func (r *Runner) version(engine string) (string, error) {
	if engine == Yaegi {
		return r.YaegiVersion()
	}
	return r.GoVersion()
}

// Run runs one snippet with its engine (or the Runner's), or returns its
// cached result. The error is for failures of the runner itself (no go
// command, no temporary directory); a program that fails to compile, panics
// or times out yields a Result whose Problem says so.
func (r *Runner) Run(ctx context.Context, s *Snippet) (*Result, error) {
	return r.RunEngine(ctx, s, r.engineFor(s))
}

// RunEngine is Run with the given engine, whatever the snippet's options
// and the Runner's Engine say.
func (r *Runner) RunEngine(ctx context.Context, s *Snippet, engine string) (*Result, error) {
	if engine != Native && engine != Yaegi {
		return nil, fmt.Errorf("snippet %s: unknown engine %q: want native or yaegi", s.ID, engine)
	}
	gov, err := r.version(engine)
	if err != nil {
		return nil, err
	}
	key, err := cacheKey(s, engine, gov)
	if err != nil {
		return nil, err
	}
	if res, ok := r.Cache.Get(key); ok {
		res.Cached = true
		return res, nil
	}
	res := &Result{ID: s.ID, Engine: engine, GoVersion: gov, Key: key, Platform: runtime.GOOS + "/" + runtime.GOARCH}
	prog, cleanup, problem, err := r.prepare(ctx, s, engine)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	if problem != "" {
		res.Problem, res.Exit, res.Finished = problem, -1, time.Now()
		return res, nil
	}
	if s.Options.Alone {
		r.alone.Lock()
		defer r.alone.Unlock()
	} else {
		r.alone.RLock()
		defer r.alone.RUnlock()
	}
	if err := execute(ctx, prog, s.Options, res); err != nil {
		return nil, err
	}
	if prog.finish != nil {
		prog.finish(res)
	}
	if s.Verdict(res) == nil {
		r.Cache.Put(res)
	}
	return res, nil
}

// A program is a command ready to run: what execute needs from an engine.
type program struct {
	path string   // the executable
	args []string // its arguments after argv[0]
	env  []string // added to the run's environment
	// finish, if set, completes the result once the program has ended.
	finish func(*Result)
}

// prepare readies s to run with the given engine. A compile error is not an
// error of the runner: it comes back as problem, with the compiler's
// messages.
func (r *Runner) prepare(ctx context.Context, s *Snippet, engine string) (prog program, cleanup func(), problem string, err error) {
	switch engine {
	case Native:
		return r.build(ctx, s)
	case Yaegi:
		return r.yaegiProgram(s)
	}
	return program{}, nil, "", fmt.Errorf("snippet %s: unknown engine %q", s.ID, engine)
}

// build compiles s with the go command into a temporary directory.
func (r *Runner) build(ctx context.Context, s *Snippet) (program, func(), string, error) {
	tmp, err := os.MkdirTemp("", "notebook-build-")
	if err != nil {
		return program{}, nil, "", err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	bin := filepath.Join(tmp, "prog")
	// Naming the files rather than the package builds a snippet alike inside
	// a module and in a notebook that is not one.
	args := []string{"build", "-o", bin}
	for _, name := range s.Files {
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			args = append(args, name)
		}
	}
	cmd := exec.CommandContext(ctx, r.goCmd(), args...)
	cmd.Dir = s.Dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		if ctx.Err() != nil {
			cleanup()
			return program{}, nil, "", ctx.Err()
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			cleanup()
			return program{}, nil, "", fmt.Errorf("snippet %s: running %s build: %v", s.ID, r.goCmd(), err)
		}
		return program{}, cleanup, "compile error:\n" + strings.TrimSpace(string(out)), nil
	}
	return program{path: bin}, cleanup, "", nil
}

// execute runs prog in isolation and fills in res: a fresh working
// directory, its own process group, capped output, the snippet's timeout.
func execute(ctx context.Context, prog program, opts Options, res *Result) error {
	work, err := os.MkdirTemp("", "notebook-run-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	stdin, err := stdinFile(work, opts.Stdin)
	if err != nil {
		return err
	}
	defer stdin.Close()

	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	defer pr.Close()

	// The sandbox child writes, on the way, when it executes the program,
	// so that the duration is the program's alone.
	clock, err := newExecClock()
	if err != nil {
		return err
	}
	defer clock.Close()
	command := func(sandbox bool) *exec.Cmd {
		cmd := exec.Command(prog.path, append(prog.args, opts.Args...)...)
		cmd.Dir = work
		cmd.Env = append(runEnv(work), prog.env...)
		cmd.Env = append(cmd.Env, opts.Env...)
		cmd.Stdin = stdin
		cmd.Stdout = pw
		cmd.Stderr = pw
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		res.Network = NetworkHost
		if sandbox && sandboxed(cmd) {
			res.Network = NetworkLoopback
			cmd.ExtraFiles = []*os.File{clock.w} // file descriptor 3 in the sandbox child
		}
		return cmd
	}

	out := &capped{limit: MaxOutput}
	copied := make(chan struct{})
	start := time.Now()
	cmd := command(true)
	err = cmd.Start()
	if err != nil && res.Network == NetworkLoopback && sandboxRefused(err) {
		cmd = command(false)
		err = cmd.Start()
	}
	if err != nil {
		pw.Close()
		res.Exit, res.Problem, res.Finished = -1, fmt.Sprintf("could not start: %v", err), time.Now()
		return nil
	}
	pw.Close()
	clock.started()
	go func() {
		io.Copy(out, pr)
		close(copied)
	}()

	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	// The program's time, and its timeout, start when the sandbox child
	// executes it.
	timeout := time.Duration(opts.Timeout)
	if t, ok := clock.wait(timeout); ok && t.After(start) && !t.After(time.Now()) {
		start = t
	}
	timer := time.NewTimer(timeout - time.Since(start))
	defer timer.Stop()
	pgid := cmd.Process.Pid
	select {
	case <-waited:
	case <-timer.C:
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-waited
		res.Problem = fmt.Sprintf("timed out after %v and was killed", timeout)
	case <-ctx.Done():
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-waited
		return ctx.Err()
	}
	res.Duration = time.Since(start)
	// Whatever the program started and left behind dies with it.
	syscall.Kill(-pgid, syscall.SIGKILL)
	select {
	case <-copied:
	case <-time.After(2 * time.Second):
		// A descendant escaped the process group and holds the pipe open.
		pr.Close()
		<-copied
	}
	res.Output, res.Cut = out.buf.Bytes(), out.cut
	res.Truncated = out.cut > 0
	res.Finished = time.Now()
	st := cmd.ProcessState
	res.Exit = st.ExitCode()
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() && res.Problem == "" {
		res.Problem = fmt.Sprintf("killed by signal %v", ws.Signal())
	}
	return nil
}

// stdinFile returns a file holding text, for a child's standard input: a
// file rather than a pipe, so that nothing waits on a child that never
// reads it.
func stdinFile(dir, text string) (*os.File, error) {
	if text == "" {
		return os.Open(os.DevNull)
	}
	f, err := os.CreateTemp(dir, ".stdin-")
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return nil, err
	}
	os.Remove(f.Name())
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// runEnv is the environment every run starts from.
func runEnv(work string) []string {
	path := os.Getenv("PATH")
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	return []string{"PATH=" + path, "HOME=" + work, "TMPDIR=" + work, "LANG=C.UTF-8"}
}

// capped keeps the first limit bytes written to it and counts the rest.
type capped struct {
	buf   bytes.Buffer
	limit int
	cut   int64
}

func (c *capped) Write(p []byte) (int, error) {
	room := c.limit - c.buf.Len()
	if room >= len(p) {
		return c.buf.Write(p)
	}
	if room > 0 {
		c.buf.Write(p[:room])
	}
	c.cut += int64(len(p) - max(room, 0))
	return len(p), nil
}

// An execClock carries, from the sandbox child to the runner, the moment
// the child executed the snippet's program: eight bytes of Unix
// nanoseconds on a pipe that the child receives as file descriptor 3.
type execClock struct {
	r, w *os.File
	when chan time.Time
}

func newExecClock() (*execClock, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	return &execClock{r: r, w: w, when: make(chan time.Time, 1)}, nil
}

// started, called once the child has started, closes the runner's copy of
// the write end and starts reading.
func (c *execClock) started() {
	c.w.Close()
	go func() {
		var b [8]byte
		if _, err := io.ReadFull(c.r, b[:]); err == nil {
			c.when <- time.Unix(0, int64(binary.BigEndian.Uint64(b[:])))
		}
		close(c.when)
	}()
}

// wait returns the moment the child said it executed the program. It
// returns at once, with ok false, when there is no sandbox child (nothing
// holds the write end), or when the child ended first; it waits at most
// limit.
func (c *execClock) wait(limit time.Duration) (t time.Time, ok bool) {
	select {
	case t, ok = <-c.when:
		return t, ok
	case <-time.After(limit):
		return time.Time{}, false
	}
}

func (c *execClock) Close() {
	c.w.Close()
	c.r.Close()
}
