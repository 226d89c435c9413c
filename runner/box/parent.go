package box

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// drainLimit bounds how long a run waits, once it has killed the box, for
// the box to end and its pipes to close.
const drainLimit = 2 * time.Second

// run runs c once, in the sandbox if sandboxed, and returns how it ended.
func (b *Box) run(ctx context.Context, c *Cmd, sandboxed bool) (*Outcome, error) {
	// The box dies with the thread that started it (Pdeathsig), and a Go
	// thread ends when a goroutine locked to it exits: hold this thread
	// until the box has ended, so that no other goroutine can use it,
	// lock it and end it under a running box.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	out := &Outcome{Exit: -1, Network: NetworkHost}
	failed := func(format string, args ...any) (*Outcome, error) {
		out.Problem, out.Finished = fmt.Sprintf(format, args...), time.Now()
		return out, nil
	}
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return nil, err
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, err
	}
	defer removeAll(dir)
	sp := &spec{Path: c.Path, Entry: c.Entry, Args: c.Args, Dir: dir, Limits: c.Limits}
	if sandboxed {
		// The box mounts the working directory, a file system of its
		// own, at dir, which stays empty on the host.
		sp.Files, sp.Sandbox = c.Files, &sandbox{Exe: b.exe, System: c.System}
		err = sandboxFor(c, b.exe, sp.Sandbox)
	} else {
		err = writeFiles(dir, c.Files)
	}
	if err != nil {
		return nil, err
	}
	stdin, err := stdinFile(filepath.Dir(dir), c.Stdin)
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
	conn, theirs, err := socketPair()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	defer theirs.Close()
	cg, err := b.cgroups.make(c.Limits.Memory)
	if err != nil {
		return failed("could not limit its memory: %v", err)
	}
	if cg != nil {
		defer cg.remove()
		sp.Limits.Memory = 0 // the cgroup's, not the rlimits'
	}

	sys := &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(sys)
	cmd := &exec.Cmd{Path: b.exe, Args: []string{childArg0}, Env: append([]string{}, c.Env...), Stdin: stdin, Stdout: pw, Stderr: pw, ExtraFiles: []*os.File{theirs}, SysProcAttr: sys}
	if c.Entry != "" && !slices.ContainsFunc(c.Env, func(kv string) bool { return strings.HasPrefix(kv, "GOTRACEBACK=") }) {
		cmd.Env, sp.Traceback = append(cmd.Env, "GOTRACEBACK=none"), true // see Entry
	}
	if sandboxed {
		isolate(sys)
		out.Network, out.Sandboxed = NetworkLoopback, true
	} else {
		cmd.Dir = dir
	}
	start := time.Now()
	err = cmd.Start()
	pw.Close()
	theirs.Close()
	if err != nil {
		out.Network, out.Sandboxed = NetworkHost, false
		return failed("%s", startProblem(err, sandboxed))
	}
	waited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(waited)
	}()
	// kill ends the box and whatever it started, and waits a little for
	// it to end.
	kill := func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cg.kill()
		within(waited, drainLimit)
	}
	defer kill()
	if cg != nil {
		if err := cg.add(cmd.Process.Pid); err != nil {
			return failed("could not limit its memory: %v", err)
		}
	}
	data, err := json.Marshal(sp)
	if err != nil {
		return nil, err
	}
	conn.Write(data) // if the box is gone, its end says why
	conn.CloseWrite()
	l := listen(conn)
	defer func() {
		kill()
		if l.drain(conn); l.work >= 0 {
			syscall.Close(l.work)
		}
	}()
	kept := &capped{limit: cmp.Or(c.MaxOutput, DefaultMaxOutput)}
	copied := make(chan struct{})
	go func() {
		io.Copy(kept, pr)
		close(copied)
	}()

	// The program's time, and its timeout, start when the box executes it.
	setup := time.NewTimer(c.Timeout)
	defer setup.Stop()
	select {
	case <-l.started:
	case <-setup.C: // the timer below ends the box
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if l.failed != "" {
		return failed("could not set up the run: %s", l.failed)
	}
	if l.start.After(start) && !l.start.After(time.Now()) {
		start = l.start
	}
	timer := time.NewTimer(c.Timeout - time.Since(start))
	defer timer.Stop()
	select {
	case <-waited:
	case <-timer.C:
		out.Problem = fmt.Sprintf("timed out after %v and was killed", c.Timeout)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	out.Duration = time.Since(start)
	// Whatever the program started and left behind dies with it: in the
	// sandbox, with the namespace's first process; else with its group.
	kill()
	if !within(copied, drainLimit) {
		// A descendant escaped the process group and holds the pipe open.
		pr.Close()
		<-copied
	}
	l.drain(conn)
	out.Output, out.Cut, out.Report, out.Finished = kept.buf.Bytes(), kept.cut, string(l.report), time.Now()
	if st := cmd.ProcessState; st != nil {
		out.Exit, out.MaxRSS = st.ExitCode(), maxRSS(st)
		if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			out.Signal = ws.Signal()
			out.Problem = cmp.Or(out.Problem, fmt.Sprintf("killed by signal %v", ws.Signal()))
		}
	}
	switch {
	case l.late != "":
		out.Exit, out.Problem = -1, "could not start: "+l.late
	case cg.oomKilled():
		out.Limit = LimitMemory
	case l.work >= 0 && full(l.work):
		out.Limit = LimitDisk
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

// sandboxFor adds to sb what the sandbox shows c: the program, the box's
// own executable and c's other paths, each at its real path. The writable
// ones become the run's user's.
func sandboxFor(c *Cmd, exe string, sb *sandbox) error {
	if sb.System == nil {
		sb.System = System
	}
	paths := append([]string{exe, c.Path}, c.ReadOnly...)
	for i, p := range append(paths, c.Writable...) {
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			real, err = filepath.Abs(real)
		}
		write := i >= len(paths)
		if err == nil && write {
			err = giveToRunner(real)
		}
		if err != nil && p != "" {
			return err
		}
		if p != "" {
			sb.Binds = append(sb.Binds, bind{Path: real, Write: write})
		}
	}
	return nil
}

// writeFiles writes files into dir, by name.
func writeFiles(dir string, files map[string][]byte) error {
	for name, data := range files {
		if !filepath.IsLocal(name) {
			return fmt.Errorf("box: file name %q: want a path inside the working directory", name)
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// removeAll removes dir, whatever the program did to the permissions of
// what it made there: each folder is made the build's own again before
// it is read.
func removeAll(dir string) error {
	if os.RemoveAll(dir) == nil {
		return nil
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(dir)
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
	os.Remove(f.Name())
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return nil, err
	}
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
