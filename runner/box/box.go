// Package box runs one program in a closed box: the only thing a snippet's
// run ever executes in.
//
// # The box
//
// Run starts a child process, the box, and waits for it, its timeout or the
// caller's context, whichever comes first. The box is a copy of a program
// that calls Main first thing in its main function (the notebook command,
// or the TestMain of a test binary that runs snippets), started with an
// argv[0] that Main recognises. Importing this package never changes what a
// program does: only the explicit call to Main does, and only in a process
// that Run started.
//
// Every run has:
//
//   - a timeout, counted from the moment the box executes the program;
//   - its own working directory, made and removed by the caller;
//   - standard input from a file (empty unless given), so that nothing
//     waits on a program that never reads it;
//   - output (standard output and error as one stream) capped at MaxOutput
//     bytes, the rest counted, not kept;
//   - exactly the environment the caller gives;
//   - its own process group, killed when the run ends, and death with the
//     build: if the build dies, the kernel kills the box;
//   - limits on data memory, open files and the size of files written
//     (Cmd.Limits), and no core dumps.
//
// # The sandbox
//
// On Linux, where the kernel allows it, a run also has a sandbox: the box
// starts in new user, PID, mount, network, IPC and UTS namespaces, made
// through the user namespace so that no privilege is needed, and sets it
// up in a first stage before anything of the program runs:
//
//   - Processes. The program is the first process of its PID namespace: it
//     sees only its own descendants, cannot signal anything outside (its
//     parent's pid is 0, kill(-1) reaches only the run), and when it ends
//     the kernel kills every process it left, daemons included. The
//     process limit (Limits.Processes) counts the run's own processes.
//   - Files. The root is a fresh read-only tmpfs holding read-only binds of
//     the system's folders (/usr, /bin, /sbin, /lib*, /etc), of the program
//     or the box's own executable, and of Cmd.ReadOnly; a new /proc; a
//     /dev with only null, zero, full, random and urandom; and the working
//     directory, at its own path, the only place it can write. /tmp is a
//     read-only folder like the rest of the root (holding at most the
//     folders that lead to the working directory): a program writes its
//     temporary files where TMPDIR says, which package runner makes the
//     working directory. The rest of the host's file system, its unix
//     sockets included, is not there. Nothing bound can be a set-user-ID program or a device.
//   - Network: a loopback interface of its own, and nothing else.
//   - Privilege: none. The program runs as the build's user (as nobody if
//     the build runs as root), without capabilities; set-user-ID programs
//     and file capabilities have no effect (nosuid, and owners unknown in
//     the namespace), and no_new_privs is set on the program's process.
//
// If the kernel refuses the sandbox's namespaces (no user namespaces, as
// in some containers), or NOTEBOOK_NO_SANDBOX is set, runs go without it:
// Box.Warn says so once, and Outcome.Sandboxed is false. Any other failure
// to set the sandbox up (a bind, a limit above the hard one) fails that
// run alone, with a Problem that says why; the next run asks again.
//
// In the box, Main either executes the program (Cmd.Path), or runs one of
// the entry points it was given in-process (Cmd.Entry), so that an
// interpreter needs no compile step. In a sandbox it first drops its
// privileges on every thread: at once when the build runs as root (a
// change of user does it) or the program is not linked with cgo (capset
// on every thread); else by executing the box's program again.
package box

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// What network a run had.
const (
	NetworkLoopback = "loopback only"
	NetworkHost     = "host"
)

// DefaultMaxOutput is how many bytes of output are kept when Cmd.MaxOutput
// is zero.
const DefaultMaxOutput = 1 << 20

// A Cmd is one program to run in a box.
type Cmd struct {
	// Path is the program to execute, or "" when Entry is set.
	Path string
	// Entry names an entry point of the box (see Main) to run in-process
	// instead of executing Path.
	Entry string
	// Args are the program's arguments, without argv[0].
	Args []string
	// Env is the program's whole environment.
	Env []string
	// Dir is the working directory; the caller makes and removes it.
	Dir string
	// ReadOnly are further files and folders the program may read (a
	// snippet's folder, an interpreter's installation), each visible at
	// its own path. Path and the box's own program always are.
	ReadOnly []string
	// Stdin is the program's standard input; empty means end of file at once.
	Stdin string
	// Timeout bounds the program's run; it must be positive.
	Timeout time.Duration
	// MaxOutput is how many bytes of output are kept; DefaultMaxOutput if 0.
	MaxOutput int
	// Limits bound what the run may use.
	Limits Limits
}

// Limits bound what a run may use; a zero field sets no limit.
type Limits struct {
	Memory    int64 // bytes of data memory (RLIMIT_DATA)
	Processes int   // processes and threads at once (RLIMIT_NPROC, sandbox only)
	Files     int   // open files per process (RLIMIT_NOFILE)
	FileSize  int64 // bytes of any file written (RLIMIT_FSIZE)
}

// An Outcome is how a run ended.
type Outcome struct {
	// Output is standard output and error as one stream, as written.
	Output []byte
	// Cut counts the bytes of output beyond MaxOutput, not kept.
	Cut int64
	// Exit is the exit status; -1 if the program was killed or never started.
	Exit int
	// Problem says why the run did not end by itself, or "".
	Problem string
	// Signal is the signal that ended the program, or 0.
	Signal syscall.Signal
	// Duration is the program's own time, from when the box executed it.
	Duration time.Duration
	// MaxRSS is the most memory the box's process (the program, or the
	// interpreter of an entry point) had resident at once, in bytes; 0
	// where the system does not say.
	MaxRSS int64
	// Finished is when the run ended.
	Finished time.Time
	// Network is NetworkLoopback or NetworkHost.
	Network string
	// Sandboxed says that the run had the box's namespaces: its own
	// processes, file system and network.
	Sandboxed bool
	// Report is what an entry point said about the program before running
	// it (an interpreter's compile errors), or "".
	Report string
}

// A Box starts runs. Its zero value uses the running program as the box.
// A Box is safe for concurrent use.
type Box struct {
	// Exe is the program started as the box; it must call Main. The running
	// program if empty.
	Exe string
	// Warn, if set, is called once, with one line, if the kernel refuses
	// the sandbox: it says which protections are off.
	Warn func(string)

	refused atomic.Bool // the sandbox was refused once: stop asking
	warn    sync.Once
}

// Protections names what a sandboxed run has and an unsandboxed one lacks.
const Protections = "its own processes (PID namespace), file system (read-only but for its working directory), network (loopback only) and process limit"

// Sandboxed reports whether runs ask for the sandbox: false once the
// kernel refused it, or if NOTEBOOK_NO_SANDBOX is set, or off Linux.
func (b *Box) Sandboxed() bool { return canIsolate() && !b.refused.Load() }

// refuse stops asking for the sandbox and says so, once.
func (b *Box) refuse(why string) {
	b.refused.Store(true)
	b.warnOff(why)
}

func (b *Box) warnOff(why string) {
	b.warn.Do(func() {
		if b.Warn != nil {
			b.Warn(fmt.Sprintf("runs are not sandboxed (%s): a run lacks %s; its timeout, output cap, working directory, own process group and limits on memory, open files and file size still hold", why, Protections))
		}
	})
}

// childArg0 is the argv[0] by which Main knows it was started by Run.
const childArg0 = "notebook-box"

// spec is what Run tells the box, as its only argument.
type spec struct {
	Path    string   `json:"path,omitempty"`
	Entry   string   `json:"entry,omitempty"`
	Args    []string `json:"args,omitempty"`
	Limits  *Limits  `json:"limits,omitempty"`  // to set before the program runs
	Sandbox *sandbox `json:"sandbox,omitempty"` // to enter before the program runs
}

// sandbox is what the box's first stage sets up.
type sandbox struct {
	Dir   string `json:"dir"`   // the working directory, bound writable at its own path
	Stage string `json:"stage"` // an empty folder on which to build the new root
	Exe   string `json:"exe"`   // the box's program, bound at its own path, for the second stage
	Binds []bind `json:"binds"` // what else the run sees
}

// A bind is a file or folder of the host the box makes visible at the
// same path.
type bind struct {
	Path  string `json:"path"`
	Write bool   `json:"write,omitempty"`
}

// errRefused says that the kernel refused the sandbox's namespaces, so
// that nothing ran. It is the only failure that turns the sandbox off: any
// other failure of the sandbox's setup fails that one run.
type errRefused struct{ msg string }

func (e *errRefused) Error() string { return "sandbox refused: " + e.msg }

// drainLimit bounds how long a run waits, once it has killed the box, for
// the box to end and its pipes to close.
const drainLimit = 2 * time.Second

// Run runs c in a box and returns how it ended. The error is for failures
// of the box itself (no executable, no pipe) and ctx's error if ctx ends
// the run; a program that cannot start, whose sandbox cannot be set up,
// that fails or times out gives an Outcome whose Problem says so.
func (b *Box) Run(ctx context.Context, c *Cmd) (*Outcome, error) {
	if c.Timeout <= 0 {
		return nil, fmt.Errorf("box: timeout %v: want a positive duration", c.Timeout)
	}
	exe := b.Exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, err
		}
	}
	if b.Sandboxed() {
		out, err := b.run(ctx, c, exe, true)
		var r *errRefused
		if !errors.As(err, &r) {
			return out, err
		}
		b.refuse(r.msg)
	} else if !canIsolate() {
		b.warnOff("NOTEBOOK_NO_SANDBOX is set")
	}
	return b.run(ctx, c, exe, false)
}

// run runs c once, in the sandbox if sandboxed. An *errRefused says that
// the kernel refused the sandbox, and nothing ran.
func (b *Box) run(ctx context.Context, c *Cmd, exe string, sandboxed bool) (*Outcome, error) {
	// The box dies with the thread that started it (Pdeathsig), and a Go
	// thread ends when a goroutine locked to it exits: hold this thread
	// until the box has ended, so that no other goroutine can use it,
	// lock it and end it under a running box.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	stdin, err := stdinFile(c.Dir, c.Stdin)
	if err != nil {
		return nil, err
	}
	defer stdin.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer pr.Close()
	defer pw.Close()
	clock, err := newExecClock()
	if err != nil {
		return nil, err
	}
	defer clock.Close()
	rr, rw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	defer rw.Close()

	sp := spec{Path: c.Path, Entry: c.Entry, Args: c.Args, Limits: &c.Limits}
	extra := []*os.File{clock.w, rw} // file descriptors 3 and 4 in the box
	sys := &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(sys)
	dir := c.Dir
	if sandboxed {
		sb, err := sandboxFor(c, exe)
		if err != nil {
			return nil, err // the caller's mistake, not the kernel's refusal
		}
		// Beside the working directory, so that it hides none of what
		// the box binds.
		sb.Stage = filepath.Clean(c.Dir) + ".root"
		if err := os.Mkdir(sb.Stage, 0o700); err != nil {
			return nil, err
		}
		defer os.Remove(sb.Stage)
		sp.Sandbox = sb
		isolate(sys)
		dir = "" // the box enters it once inside
	}
	arg, err := json.Marshal(sp)
	if err != nil {
		return nil, err
	}
	cmd := &exec.Cmd{Path: exe, Args: []string{childArg0, string(arg)}}
	cmd.Dir = dir
	cmd.Env = c.Env
	if cmd.Env == nil {
		cmd.Env = []string{} // never the parent's
	}
	cmd.Stdin = stdin
	cmd.Stdout = pw
	cmd.Stderr = pw
	cmd.ExtraFiles = extra
	cmd.SysProcAttr = sys

	out := &Outcome{Network: NetworkHost}
	start := time.Now()
	err = cmd.Start()
	pw.Close()
	rw.Close()
	if err != nil {
		if sandboxed && refused(err) {
			return nil, &errRefused{fmt.Sprintf("the kernel refused the namespaces: %v", err)}
		}
		out.Exit, out.Problem, out.Finished = -1, fmt.Sprintf("could not start: %v", err), time.Now()
		return out, nil
	}
	if sandboxed {
		out.Network, out.Sandboxed = NetworkLoopback, true
	}
	clock.started()

	limit := c.MaxOutput
	if limit <= 0 {
		limit = DefaultMaxOutput
	}
	kept := &capped{limit: limit}
	copied := make(chan struct{})
	go func() {
		io.Copy(kept, pr)
		close(copied)
	}()
	report := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(io.LimitReader(rr, maxReport))
		io.Copy(io.Discard, rr)
		report <- b
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()

	pgid := cmd.Process.Pid
	// kill ends the box and whatever it started, and waits a little for
	// it to end; it reports whether it did.
	kill := func() bool {
		syscall.Kill(-pgid, syscall.SIGKILL)
		return within(waited, drainLimit)
	}
	// The program's time, and its timeout, start when the box executes it.
	t, setupErr, ok := clock.wait(ctx, c.Timeout)
	if ctx.Err() != nil {
		kill()
		return nil, ctx.Err()
	}
	if setupErr != "" {
		// Nothing of the program ran: this run fails, and the sandbox
		// stays on for the next.
		kill()
		within(copied, drainLimit)
		out.Exit, out.Problem, out.Finished = -1, "could not set up the sandbox: "+setupErr, time.Now()
		return out, nil
	}
	if ok && t.After(start) && !t.After(time.Now()) {
		start = t
	}
	timer := time.NewTimer(c.Timeout - time.Since(start))
	defer timer.Stop()
	select {
	case <-waited:
	case <-timer.C:
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-waited // a killed process ends; only its exit status is awaited
		out.Problem = fmt.Sprintf("timed out after %v and was killed", c.Timeout)
	case <-ctx.Done():
		kill()
		return nil, ctx.Err()
	}
	out.Duration = time.Since(start)
	// Whatever the program started and left behind dies with it: in the
	// sandbox, with the namespace's first process; else with its group.
	syscall.Kill(-pgid, syscall.SIGKILL)
	if !within(copied, drainLimit) {
		// A descendant escaped the process group and holds the pipe open.
		pr.Close()
		<-copied
	}
	out.Output, out.Cut = kept.buf.Bytes(), kept.cut
	select {
	case b := <-report:
		out.Report = string(b)
	case <-time.After(time.Second):
		rr.Close() // held open by an escaped descendant: what it said so far is lost
	}
	out.Finished = time.Now()
	st := cmd.ProcessState
	out.Exit = st.ExitCode()
	out.MaxRSS = maxRSS(st)
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		out.Signal = ws.Signal()
		if out.Problem == "" {
			out.Problem = fmt.Sprintf("killed by signal %v", ws.Signal())
		}
	}
	return out, nil
}

// within waits at most d for ch to deliver or close, and reports whether
// it did.
func within[T any](ch <-chan T, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
		return false
	}
}

// sandboxFor says what the sandbox binds for c: the working directory,
// the program, the box's own executable and c's read-only paths, each at
// its real path.
func sandboxFor(c *Cmd, exe string) (*sandbox, error) {
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return nil, err
	}
	if err := prepareDir(dir); err != nil {
		return nil, err
	}
	sb := &sandbox{}
	add := func(p string, write bool) (string, error) {
		real, err := filepath.EvalSymlinks(p)
		if err != nil {
			return "", err
		}
		if real, err = filepath.Abs(real); err != nil {
			return "", err
		}
		sb.Binds = append(sb.Binds, bind{Path: real, Write: write})
		return real, nil
	}
	if sb.Dir, err = add(dir, true); err != nil {
		return nil, err
	}
	if sb.Exe, err = add(exe, false); err != nil {
		return nil, err
	}
	paths := c.ReadOnly
	if c.Path != "" {
		paths = append([]string{c.Path}, paths...)
	}
	for _, p := range paths {
		if _, err := add(p, false); err != nil {
			return nil, err
		}
	}
	return sb, nil
}

// An Entry is a program the box runs in-process: it gets the Cmd's Args,
// and report, where it may say why it cannot run the program (at most
// maxReport bytes are kept); it returns the exit status. It must close
// report before it runs any of the program, so that nothing the program
// does reaches the report: once closed, the report's file descriptor
// leads to /dev/null.
type Entry func(args []string, report io.WriteCloser) int

// maxReport bounds what an entry point's report keeps.
const maxReport = 64 << 10

// Main makes this process a box if Run started it as one: it confines the
// process, then executes the program or runs the named entry point, and
// returns its exit status and true; the caller exits with that status.
// In any other process it returns 0 and false at once, having done
// nothing. Call it first thing in main:
//
//	if code, ok := box.Main(entries); ok {
//		os.Exit(code)
//	}
func Main(entries map[string]Entry) (code int, ok bool) {
	if len(os.Args) != 2 || os.Args[0] != childArg0 {
		return 0, false
	}
	var sp spec
	if err := json.Unmarshal([]byte(os.Args[1]), &sp); err != nil {
		return fail("reading the run's spec: %v", err), true
	}
	if sb := sp.Sandbox; sb != nil {
		// The first stage: enter the sandbox, then execute the program,
		// or this program again for the entry point, without privilege.
		if err := enterSandbox(sb); err != nil {
			return setupFailed(err), true
		}
		if err := setLimits(*sp.Limits, true); err != nil {
			return setupFailed(err), true
		}
		if sp.Entry != "" {
			// Run the entry point here if every thread can lose its
			// privileges at once; else in this program executed again.
			dropped, err := dropPrivileges()
			if err != nil {
				return setupFailed(err), true
			}
			if dropped {
				return runEntry(entries, &sp), true
			}
			next := spec{Entry: sp.Entry, Args: sp.Args}
			arg, err := json.Marshal(next)
			if err != nil {
				return fail("%v", err), true
			}
			err = execDropping(sb.Exe, []string{childArg0, string(arg)})
			return fail("executing the box's second stage: %v", err), true
		}
		if err := becomeRunner(); err != nil {
			return setupFailed(err), true
		}
		startClock()
		syscall.Close(4)
		err := execDropping(sp.Path, append([]string{sp.Path}, sp.Args...))
		return fail("executing %s: %v", sp.Path, err), true
	}
	if sp.Limits != nil {
		if err := setLimits(*sp.Limits, false); err != nil {
			return fail("%v", err), true
		}
	}
	if sp.Entry != "" {
		return runEntry(entries, &sp), true
	}
	startClock()
	syscall.Close(4)
	argv := append([]string{sp.Path}, sp.Args...)
	err := syscall.Exec(sp.Path, argv, os.Environ())
	return fail("executing %s: %v", sp.Path, err), true
}

// runEntry runs the entry point sp names, in this process, and returns
// its exit status.
func runEntry(entries map[string]Entry, sp *spec) int {
	entry := entries[sp.Entry]
	if entry == nil {
		return fail("no entry point %q", sp.Entry)
	}
	startClock()
	syscall.CloseOnExec(4) // not for the program's own children
	report := &reportFile{fd: 4}
	defer report.Close()
	os.Args = append([]string{os.Args[0]}, sp.Args...)
	return entry(sp.Args, report)
}

// A reportFile is an entry point's report, on file descriptor 4, written
// with plain system calls: no *os.File owns the descriptor, so that none
// closes it later, when it may be the program's. Closing it puts
// /dev/null in the pipe's place, so that a program that writes to file
// descriptor 4 afterwards cannot reach the runner's report.
type reportFile struct {
	fd   int
	once sync.Once
	err  error
}

func (r *reportFile) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := syscall.Write(r.fd, p[n:])
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}

// Close replaces the report's file descriptor with /dev/null, which also
// closes the report's pipe there.
func (r *reportFile) Close() error {
	r.once.Do(func() {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			r.err = errors.Join(err, syscall.Close(r.fd))
			return
		}
		defer null.Close()
		if r.err = dupOver(int(null.Fd()), r.fd); r.err != nil {
			r.err = errors.Join(r.err, syscall.Close(r.fd))
		}
	})
	return r.err
}

// startClock tells the runner that the program starts now (see
// execClock), and leaves the program no trace of the pipe.
func startClock() {
	var msg [9]byte
	msg[0] = clockStarted
	binary.BigEndian.PutUint64(msg[1:], uint64(time.Now().UnixNano()))
	syscall.Write(3, msg[:])
	syscall.Close(3)
}

// setupFailed tells the runner why the sandbox could not be set up, so
// that it fails the run, and returns the box's failure status.
func setupFailed(err error) int {
	syscall.Write(3, append([]byte{clockFailed}, err.Error()...))
	syscall.Close(3)
	return 125
}

// fail reports a failure of the box itself, which happens before the
// program runs, and returns the status that says so.
func fail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "notebook: box: "+format+"\n", args...)
	return 125
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

// An execClock carries, from the box to the runner, the moment the box
// executed the program, on a pipe that the box receives as file
// descriptor 3: clockStarted and eight bytes of Unix nanoseconds; or
// clockFailed and why the sandbox could not be set up.
type execClock struct {
	r, w *os.File
	when chan clockMsg
}

// The first byte of what the box writes on the clock's pipe.
const (
	clockStarted = 'T'
	clockFailed  = 'E'
)

// maxSetupMsg bounds what a box says about a failed setup.
const maxSetupMsg = 4 << 10

type clockMsg struct {
	t        time.Time
	setupErr string
}

func newExecClock() (*execClock, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	return &execClock{r: r, w: w, when: make(chan clockMsg, 1)}, nil
}

// started, called once the box has started, closes the runner's copy of
// the write end and starts reading.
func (c *execClock) started() {
	c.w.Close()
	go func() {
		defer close(c.when)
		b, _ := io.ReadAll(io.LimitReader(c.r, maxSetupMsg))
		switch {
		case len(b) == 9 && b[0] == clockStarted:
			c.when <- clockMsg{t: time.Unix(0, int64(binary.BigEndian.Uint64(b[1:])))}
		case len(b) > 0 && b[0] == clockFailed:
			c.when <- clockMsg{setupErr: string(b[1:])}
		}
	}()
}

// wait returns the moment the box said it executed the program, or why
// its sandbox failed. It returns at once, with ok false, if the box ended
// first or ctx is done; it waits at most limit.
func (c *execClock) wait(ctx context.Context, limit time.Duration) (t time.Time, setupErr string, ok bool) {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case m, ok := <-c.when:
		return m.t, m.setupErr, ok && m.setupErr == ""
	case <-timer.C:
		return time.Time{}, "", false
	case <-ctx.Done():
		return time.Time{}, "", false
	}
}

func (c *execClock) Close() {
	c.w.Close()
	c.r.Close()
}
