package box

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"syscall"
)

// childArg0 is the argv[0] by which Main knows it was started by Run.
const childArg0 = "notebook-box"

// An Entry is a program the box runs in-process: it gets the Cmd's Args,
// and report, where it may say why it cannot run the program (at most
// maxReport bytes are kept); it returns the exit status. It must close
// report before it runs any of the program, so that nothing the program
// does reaches the report. A crash it does not catch prints no traceback
// (the box's runtime starts with GOTRACEBACK=none, which the program
// does not see, unless Cmd.Env sets GOTRACEBACK): its frames would be
// the box's, named by this machine's paths, not the program's.
type Entry func(args []string, report io.WriteCloser) int

// maxReport bounds what an entry point's report keeps.
const maxReport = 64 << 10

// probeEntry is the entry point of every box that the probe runs: it
// prints probeSays, so that the probe tries the sandbox alone, and knows
// that the box got as far as the program.
const (
	probeEntry = "notebook-box-probe"
	probeSays  = "sandboxed\n"
)

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
	if len(os.Args) == 0 || os.Args[0] != childArg0 {
		return 0, false
	}
	code, err := child(entries)
	if err != nil {
		// Tell the parent why the box could not set the run up or
		// start the program.
		send(msgFailed, []byte(err.Error()))
		return 125, true
	}
	return code, true
}

// child is Main in a box: it returns the exit status of an entry point,
// or why the program did not start.
func child(entries map[string]Entry) (int, error) {
	if err := closeInherited(); err != nil {
		return 0, fmt.Errorf("closing the descriptors it inherited: %v", err)
	}
	sp, err := readSpec()
	if err != nil {
		return 0, fmt.Errorf("reading the run's spec: %v", err)
	}
	sandboxed := sp.Sandbox != nil
	if sandboxed {
		if err := enterSandbox(sp); err != nil {
			return 0, err
		}
	}
	if err := setLimits(sp.Limits, sandboxed); err != nil {
		return 0, err
	}
	if sp.Entry == "" {
		argv := append([]string{sp.Path}, sp.Args...)
		if !sandboxed {
			started()
			return 0, fmt.Errorf("executing %s: %v", sp.Path, syscall.Exec(sp.Path, argv, os.Environ()))
		}
		if err := becomeRunner(); err != nil {
			return 0, err
		}
		return 0, execConfined(sp.Path, argv, true)
	}
	entry := entries[sp.Entry]
	if sp.Entry == probeEntry {
		entry = probe
	}
	if entry == nil {
		return 0, fmt.Errorf("no entry point %q", sp.Entry)
	}
	if sandboxed {
		// Run the entry point here if every thread can lose its
		// privileges at once; else in this program executed again,
		// which speaks on the same socket.
		dropped, err := dropPrivileges()
		switch {
		case err != nil:
			return 0, err
		case !dropped:
			next, _ := json.Marshal(spec{Entry: sp.Entry, Args: sp.Args, Traceback: sp.Traceback}) // cannot fail
			syscall.Syscall(syscall.SYS_FCNTL, protoFD, syscall.F_SETFD, 0)
			return 0, execConfined(sp.Sandbox.Exe, []string{childArg0, string(next)}, false)
		}
		if err := confine(); err != nil {
			return 0, err
		}
	}
	if sp.Traceback {
		os.Unsetenv("GOTRACEBACK")
	}
	started()
	os.Args = append([]string{os.Args[0]}, sp.Args...)
	report := &reportFile{}
	defer report.Close()
	return entry(sp.Args, report), nil
}

// probe is the probe's entry point.
func probe([]string, io.WriteCloser) int {
	fmt.Print(probeSays)
	return 0
}

// closeInherited closes every file descriptor this process inherited
// but the standard ones and the protocol's: Go's os/exec passes on every
// descriptor its caller had without close-on-exec. It closes only those
// without close-on-exec, which are exactly the inherited ones: the Go
// runtime opens its own (such as the cgroup files it reads its CPU limit
// from) close-on-exec, and needs them, so close_range cannot be used.
func closeInherited() error {
	fds, err := os.ReadDir(fdDir)
	for _, e := range fds {
		fd, _ := strconv.Atoi(e.Name())
		flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFD, 0)
		if fd > 2 && fd != protoFD && errno == 0 && flags&syscall.FD_CLOEXEC == 0 {
			syscall.Close(fd)
		}
	}
	syscall.CloseOnExec(protoFD)
	return err
}

// A reportFile is an entry point's report, written as frames on the
// protocol's socket with plain system calls: no *os.File owns the
// descriptor, so that none closes it later, when it may be the
// program's. Closing it puts /dev/null in the socket's place, so that a
// program that writes to that descriptor afterwards reaches nothing.
type reportFile struct {
	closed bool
}

func (r *reportFile) Write(p []byte) (int, error) {
	if r.closed {
		return 0, os.ErrClosed
	}
	for n := 0; n < len(p); n += maxFrame {
		if err := send(msgReport, p[n:min(n+maxFrame, len(p))]); err != nil {
			return n, err
		}
	}
	return len(p), nil
}

// Close replaces the report's descriptor with /dev/null, close-on-exec.
func (r *reportFile) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return errors.Join(err, syscall.Close(protoFD))
	}
	defer null.Close()
	if err := dupOver(int(null.Fd()), protoFD); err != nil {
		return errors.Join(err, syscall.Close(protoFD))
	}
	return nil
}
