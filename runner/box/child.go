package box

import (
	"encoding/json"
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

// probeEntry is the entry point of the probe's box: it prints probeSays,
// so that the probe knows that the box got as far as the program.
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
	if len(os.Args) != 2 || os.Args[0] != childArg0 {
		return 0, false
	}
	code, err := child(entries)
	if err != nil {
		send(message{Failed: err.Error()}, nil)
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
	var sp *spec
	if err := json.Unmarshal([]byte(os.Args[1]), &sp); err != nil {
		return 0, fmt.Errorf("reading the run's spec: %v", err)
	}
	syscall.Read(protoFD, make([]byte, 1)) // until the parent closes its side
	entry := entries[sp.Entry]
	if sp.Entry == probeEntry {
		entry = probe
	}
	if sp.Entry != "" && entry == nil {
		return 0, fmt.Errorf("no entry point %q", sp.Entry)
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
	if sandboxed {
		if err := confine(sp); err != nil {
			return 0, err
		}
	}
	if sp.Entry == "" {
		send(message{Started: true}, nil)
		return 0, fmt.Errorf("executing %s: %v", sp.Path, syscall.Exec(sp.Path, append([]string{sp.Path}, sp.Args...), os.Environ()))
	}
	if sp.Traceback {
		os.Unsetenv("GOTRACEBACK")
	}
	send(message{Started: true}, nil)
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

// closeInherited closes every descriptor this process inherited but the
// standard ones and the protocol's: those without close-on-exec, which
// os/exec passes on. The runtime's own are close-on-exec, and stay.
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

// A reportFile is an entry point's report, written as messages on the
// protocol's socket with plain system calls: no *os.File owns the
// descriptor, so that none closes it later, when it may be the
// program's. Closing it closes the socket.
type reportFile struct {
	closed bool
}

func (r *reportFile) Write(p []byte) (int, error) {
	if r.closed {
		return 0, os.ErrClosed
	}
	if err := send(message{Report: p}, nil); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (r *reportFile) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	return syscall.Close(protoFD)
}
