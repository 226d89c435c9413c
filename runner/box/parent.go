package box

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	// until the box has ended, so that no other goroutine can end it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	out := &Outcome{Exit: -1}
	failed := func(problem string) (*Outcome, error) {
		out.Problem, out.Finished = problem, time.Now()
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
	if err := writeFiles(dir, c.Files); err != nil {
		return nil, err
	}
	sp := &spec{Path: c.Path, Entry: c.Entry, Args: c.Args, Dir: dir, Limits: c.Limits}
	if sandboxed {
		sp.Sandbox = &sandbox{Exe: b.exe, System: c.System}
		if sp.Sandbox.System == nil {
			sp.Sandbox.System = System
		}
		if sp.Sandbox.Binds, err = binds(b.exe, c); err != nil {
			return nil, err
		}
	}
	conn, theirs, err := socketPair()
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	defer theirs.Close()
	cg, err := b.cgroups.make(c.Limits.Memory)
	if err != nil {
		return failed(fmt.Sprintf("could not limit its memory: %v", err))
	}
	if cg != nil {
		defer cg.remove()
		sp.Limits.Memory = 0 // the cgroup's, not the rlimits'
	}

	sys := &syscall.SysProcAttr{Setpgid: true}
	isolate(sys, sandboxed)
	// Wait waits for the output and the input at most drainLimit after the
	// box ends: a descendant that escaped the process group may hold them
	// open.
	kept := &capped{limit: MaxOutput}
	cmd := &exec.Cmd{Path: b.exe, Args: []string{childArg0}, Env: slices.Clone(c.Env), Stdout: kept, Stderr: kept,
		ExtraFiles: []*os.File{theirs}, SysProcAttr: sys, WaitDelay: drainLimit}
	if c.Stdin != "" {
		cmd.Stdin = strings.NewReader(c.Stdin) // else /dev/null
	}
	if c.Entry != "" && !slices.ContainsFunc(c.Env, func(kv string) bool { return strings.HasPrefix(kv, "GOTRACEBACK=") }) {
		cmd.Env, sp.Traceback = append(cmd.Env, "GOTRACEBACK=none"), true // see Entry
	}
	if !sandboxed {
		cmd.Dir = dir
	}
	data, err := json.Marshal(sp)
	if err != nil {
		return nil, err
	}
	cmd.Args = append(cmd.Args, string(data))
	start := time.Now()
	err = cmd.Start()
	theirs.Close()
	if err != nil {
		return failed(startProblem(err, sandboxed))
	}
	out.Sandboxed = sandboxed
	waited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(waited)
	}()
	// kill ends the box and whatever it started, and waits a little for
	// it to end and its output to close: in the sandbox, with the
	// namespace's first process; else with its process group, or its cgroup.
	kill := func() bool {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cg.kill()
		return within(waited, 2*drainLimit)
	}
	defer kill()
	if err := cg.add(cmd.Process.Pid); err != nil {
		return failed(fmt.Sprintf("could not limit its memory: %v", err))
	}
	conn.CloseWrite()
	l := listen(conn)
	defer func() {
		kill()
		if l.drain(); l.work >= 0 {
			syscall.Close(l.work)
		}
	}()
	// The program's time, and its timeout, start when the box executes it.
	select {
	case <-l.started:
		start = l.start
	case <-waited: // it failed, or ended, before it said so
	case <-time.After(c.Timeout): // the timeout below ends the box
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case <-waited:
	case <-time.After(c.Timeout - time.Since(start)):
		out.Problem = fmt.Sprintf("timed out after %v and was killed", c.Timeout)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	out.Duration = time.Since(start)
	if !kill() {
		return failed("could not be killed")
	}
	l.drain()
	out.Output, out.Cut, out.Report, out.Finished = kept.buf.Bytes(), kept.cut, string(l.report), time.Now()
	if st := cmd.ProcessState; st != nil {
		out.Exit, out.MaxRSS = st.ExitCode(), maxRSS(st)
		if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			out.Problem = cmp.Or(out.Problem, fmt.Sprintf("killed by signal %v", ws.Signal()))
		}
	}
	switch {
	case l.failed != "" && l.start.IsZero():
		out.Output, out.Cut, out.Exit, out.Problem = nil, 0, -1, "could not set up the run: "+l.failed
	case l.failed != "":
		out.Exit, out.Problem = -1, "could not start: "+l.failed
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
	select {
	case <-ch:
		return true
	case <-time.After(d):
		return false
	}
}

// binds are what the sandbox shows of the host besides its system
// folders, each at its real path: the box's own program, c's program and
// c.ReadOnly, read-only, and c.Writable, which become the run's user's.
func binds(exe string, c *Cmd) ([]bind, error) {
	var bs []bind
	read := append([]string{exe, c.Path}, c.ReadOnly...)
	for i, p := range append(read, c.Writable...) {
		if p == "" {
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err == nil {
			real, err = filepath.Abs(real)
		}
		write := i >= len(read)
		if uid, gid := runAs(); err == nil && write && uid != os.Getuid() {
			err = os.Chown(real, uid, gid)
		}
		if err != nil {
			return nil, err
		}
		bs = append(bs, bind{Path: real, Write: write})
	}
	return bs, nil
}

// runAs returns the user and group a sandboxed program is, inside its
// namespace and on the host: the build's own, or nobody's if the build
// runs as root, so that the program holds no privilege on the host's
// files and the kernel counts its processes against its limit.
func runAs() (uid, gid int) {
	if os.Getuid() == 0 {
		return 65534, 65534
	}
	return os.Getuid(), os.Getgid()
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
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o700)
		}
		return nil
	})
	return os.RemoveAll(dir)
}

// capped keeps the first limit bytes written to it and counts the rest.
type capped struct {
	buf   bytes.Buffer
	limit int
	cut   int64
}

func (c *capped) Write(p []byte) (int, error) {
	n := min(max(c.limit-c.buf.Len(), 0), len(p))
	c.buf.Write(p[:n])
	c.cut += int64(len(p) - n)
	return len(p), nil
}
