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
//   - its own process group, killed when the run ends;
//   - on Linux, where the kernel allows it, its own user and network
//     namespaces: the only network is a loopback interface of its own.
//
// In the box, Main either executes the program (Cmd.Path), or runs one of
// the entry points it was given in-process (Cmd.Entry), so that an
// interpreter needs no second process start.
package box

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
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
	// Stdin is the program's standard input; empty means end of file at once.
	Stdin string
	// Timeout bounds the program's run; it must be positive.
	Timeout time.Duration
	// MaxOutput is how many bytes of output are kept; DefaultMaxOutput if 0.
	MaxOutput int
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
	// Duration is the program's own time, from when the box executed it.
	Duration time.Duration
	// Finished is when the run ended.
	Finished time.Time
	// Network is NetworkLoopback or NetworkHost.
	Network string
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

	refused atomic.Bool // the kernel refused namespaces once: stop asking
}

// childArg0 is the argv[0] by which Main knows it was started by Run.
const childArg0 = "notebook-box"

// spec is what Run tells the box, as its only argument.
type spec struct {
	Path  string   `json:"path,omitempty"`
	Entry string   `json:"entry,omitempty"`
	Args  []string `json:"args,omitempty"`
	Net   bool     `json:"net,omitempty"` // bring up loopback in a new network namespace
}

// Run runs c in a box and returns how it ended. The error is for failures
// of the box itself (no executable, no pipe); a program that cannot start,
// fails or times out gives an Outcome whose Problem says so.
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

	out := &Outcome{Network: NetworkHost}
	command := func(isolate bool) (*exec.Cmd, error) {
		sp := spec{Path: c.Path, Entry: c.Entry, Args: c.Args, Net: isolate}
		arg, err := json.Marshal(sp)
		if err != nil {
			return nil, err
		}
		cmd := &exec.Cmd{Path: exe, Args: []string{childArg0, string(arg)}}
		cmd.Dir = c.Dir
		cmd.Env = c.Env
		if cmd.Env == nil {
			cmd.Env = []string{} // never the parent's
		}
		cmd.Stdin = stdin
		cmd.Stdout = pw
		cmd.Stderr = pw
		cmd.ExtraFiles = []*os.File{clock.w, rw} // file descriptors 3 and 4 in the box
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if isolate {
			isolateNetwork(cmd.SysProcAttr)
		}
		return cmd, nil
	}
	isolate := canIsolate() && !b.refused.Load()
	cmd, err := command(isolate)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	err = cmd.Start()
	if err != nil && isolate && refused(err) {
		b.refused.Store(true)
		isolate = false
		if cmd, err = command(false); err != nil {
			return nil, err
		}
		err = cmd.Start()
	}
	pw.Close()
	rw.Close()
	if err != nil {
		out.Exit, out.Problem, out.Finished = -1, fmt.Sprintf("could not start: %v", err), time.Now()
		return out, nil
	}
	if isolate {
		out.Network = NetworkLoopback
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

	// The program's time, and its timeout, start when the box executes it.
	if t, ok := clock.wait(c.Timeout); ok && t.After(start) && !t.After(time.Now()) {
		start = t
	}
	timer := time.NewTimer(c.Timeout - time.Since(start))
	defer timer.Stop()
	pgid := cmd.Process.Pid
	select {
	case <-waited:
	case <-timer.C:
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-waited
		out.Problem = fmt.Sprintf("timed out after %v and was killed", c.Timeout)
	case <-ctx.Done():
		syscall.Kill(-pgid, syscall.SIGKILL)
		<-waited
		return nil, ctx.Err()
	}
	out.Duration = time.Since(start)
	// Whatever the program started and left behind dies with it.
	syscall.Kill(-pgid, syscall.SIGKILL)
	select {
	case <-copied:
	case <-time.After(2 * time.Second):
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
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() && out.Problem == "" {
		out.Problem = fmt.Sprintf("killed by signal %v", ws.Signal())
	}
	return out, nil
}

// An Entry is a program the box runs in-process: it gets the Cmd's Args,
// and report, where it may say why it cannot run the program (at most
// maxReport bytes are kept) before running it; it returns the exit status.
type Entry func(args []string, report io.Writer) int

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
	if sp.Net {
		if err := enterNetwork(); err != nil {
			return fail("%v", err), true
		}
	}
	// Tell the runner when the program starts (see execClock), and leave
	// the program no trace of the pipe.
	var now [8]byte
	binary.BigEndian.PutUint64(now[:], uint64(time.Now().UnixNano()))
	syscall.Write(3, now[:])
	syscall.Close(3)
	if sp.Entry != "" {
		entry := entries[sp.Entry]
		if entry == nil {
			return fail("no entry point %q", sp.Entry), true
		}
		syscall.CloseOnExec(4) // not for the program's own children
		report := os.NewFile(4, "report")
		defer report.Close()
		os.Args = append([]string{os.Args[0]}, sp.Args...)
		return entry(sp.Args, report), true
	}
	syscall.Close(4)
	argv := append([]string{sp.Path}, sp.Args...)
	err := syscall.Exec(sp.Path, argv, os.Environ())
	return fail("executing %s: %v", sp.Path, err), true
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
// executed the program: eight bytes of Unix nanoseconds on a pipe that the
// box receives as file descriptor 3.
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

// started, called once the box has started, closes the runner's copy of
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

// wait returns the moment the box said it executed the program. It returns
// at once, with ok false, if the box ended first; it waits at most limit.
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
