// Package box runs one program in a closed box: the only thing a snippet's
// run, or a snippet's compile, ever executes in. The README's Isolation
// section lists what a run may and may not do; this is how.
//
// Box.Run starts a child process, the box, and waits for it, its timeout
// or the caller's context. The box is a copy of a program that calls Main
// first thing (the notebook command, or a test binary's TestMain), started
// with an argv[0] that Main recognises: importing this package changes
// nothing. The parent (parent.go) and the child (child.go) speak over one
// socket (protocol.go).
//
// Memory: where a cgroup memory controller is usable (cgroup.go; v2, then
// v1), each run has a cgroup that counts all its memory, with no swap,
// and Outcome.Limit says when it killed the run. Elsewhere rlimits bound
// it less completely (see setLimits), and Box.Warn says so.
//
// The sandbox (sandbox_linux.go): on Linux the box starts in new user,
// PID, mount, network, IPC and UTS namespaces, made through the user
// namespace so that no privilege is needed. It builds the run's file
// system, brings loopback up, then confines itself for good (the run's
// user, no capabilities, no_new_privs, a seccomp filter) before it
// executes the program (Cmd.Path) or runs an entry point in-process
// (Cmd.Entry), so that an interpreter needs no compile step.
//
// Failing closed: the first use of a Box probes the sandbox with a box
// that sets everything up and runs nothing. Only if that fails may runs go
// without it, Box.Warn saying why; with CI set in the environment every
// run fails instead, unless NOTEBOOK_NO_SANDBOX=1 or Box.NoSandbox turns
// the sandbox off on purpose. Once the probe has passed, a sandbox that
// fails to set up fails that run.
//
// box_test.go checks each guarantee, with and without the sandbox; run as
// root it takes the cgroup path, as another user (setpriv) the rlimit path
// and the second stage (see confine).
package box

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// MaxOutput is how many bytes of a run's output are kept.
const MaxOutput = 1 << 20

// System are the host's folders a sandboxed run reads unless Cmd.System
// says otherwise; those the host lacks are left out.
var System = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"}

// A Cmd is one program to run in a box.
type Cmd struct {
	Path  string   // the program to execute, or "" when Entry is set
	Entry string   // an entry point of the box (see Main) to run in-process
	Args  []string // the program's arguments, without argv[0]
	Env   []string // the program's whole environment
	// Dir is the working directory: its parent must exist, and it must
	// not, or be empty. The box makes it and removes it when the run ends.
	Dir   string
	Files map[string][]byte // written into Dir before the run, by relative path
	// ReadOnly are further files and folders the program may read, each
	// at its own path. Path and the box's own program always are.
	ReadOnly []string
	// Writable are host folders the program may write, each at its own
	// path; the box makes them nobody's when the build runs as root. What
	// is written there counts against no disk limit, and stays.
	Writable []string
	System   []string      // the host's folders the program may read; System if nil
	Stdin    string        // the program's standard input; empty means end of file
	Timeout  time.Duration // bounds the program's run; it must be positive
	Limits   Limits
}

// Limits bound what a run may use; a zero field sets no limit.
type Limits struct {
	Memory    int64 // bytes of memory (see the package doc)
	Processes int   // processes and threads at once (RLIMIT_NPROC, sandbox only)
	Files     int   // open files per process (RLIMIT_NOFILE)
	FileSize  int64 // bytes of any file written (RLIMIT_FSIZE)
	Disk      int64 // bytes the working directory holds in all (sandbox only)
}

// The limits a run can be known to have reached (Outcome.Limit).
const (
	LimitMemory = "memory" // its cgroup counted an OOM kill
	LimitDisk   = "disk"   // its working directory is full
)

// An Outcome is how a run ended.
type Outcome struct {
	Output   []byte        // standard output and error as one stream, as written
	Cut      int64         // bytes of output beyond MaxOutput, not kept
	Exit     int           // the exit status; -1 if the program was killed or never started
	Problem  string        // why the run did not end by itself, or ""
	Limit    string        // LimitMemory or LimitDisk if the kernel says the run reached it
	Duration time.Duration // the program's own time, from when the box started it
	MaxRSS   int64         // the box's peak resident memory in bytes; 0 if unknown
	Finished time.Time     // when the run ended
	// Sandboxed says that the run had the sandbox.
	Sandboxed bool
	// Report is what an entry point said about the program before running
	// it (an interpreter's compile errors), or "".
	Report string
}

// A Box starts runs. Its zero value uses the running program as the box.
// A Box is safe for concurrent use.
type Box struct {
	// Exe is the program started as the box; it must call Main. The
	// running program if empty.
	Exe string
	// Warn, if set, is called before the first run with one line for each
	// protection that runs lack: the sandbox, or a memory limit that
	// counts all memory.
	Warn func(string)
	// NoSandbox turns the sandbox off on purpose, as NOTEBOOK_NO_SANDBOX=1
	// in the environment does.
	NoSandbox bool

	once    sync.Once
	exe     string
	err     error    // no executable
	off     string   // why runs go without the sandbox; "" if they have it
	refusal string   // why every run fails; "" if none does
	cgroups *cgroups // nil if no cgroup is usable
}

// Sandboxed reports whether runs have the sandbox, probing it on first use.
func (b *Box) Sandboxed() bool { return b.setup() == nil && b.off == "" }

// Run runs c in a box and returns how it ended. The error is for failures
// of the box itself (no executable, no pipe) and ctx's error if ctx ends
// the run; a program that cannot start, whose sandbox cannot be set up,
// that fails or times out gives an Outcome whose Problem says so.
func (b *Box) Run(ctx context.Context, c *Cmd) (*Outcome, error) {
	if c.Timeout <= 0 {
		return nil, fmt.Errorf("box: timeout %v: want a positive duration", c.Timeout)
	}
	if err := b.setup(); err != nil {
		return nil, err
	}
	if b.refusal != "" {
		return &Outcome{Exit: -1, Problem: b.refusal, Finished: time.Now()}, nil
	}
	return b.run(ctx, c, b.off == "")
}

// setup finds the box's program and the cgroups, and probes the sandbox,
// once.
func (b *Box) setup() error {
	b.once.Do(func() {
		if b.exe = b.Exe; b.exe == "" {
			if b.exe, b.err = os.Executable(); b.err != nil {
				return
			}
		}
		warn := func(format string, args ...any) {
			if b.Warn != nil {
				b.Warn(fmt.Sprintf(format, args...))
			}
		}
		var why string
		if b.cgroups, why = findCgroups(); b.cgroups == nil {
			warn("a run's memory limit bounds its private data, and its address space with 2 GiB more, not all its memory (no usable cgroup memory controller: %s)", why)
		}
		if b.NoSandbox || os.Getenv("NOTEBOOK_NO_SANDBOX") != "" {
			b.off = "NOTEBOOK_NO_SANDBOX is set"
		} else if b.off = b.probe(); b.off != "" && os.Getenv("CI") != "" {
			b.refusal = fmt.Sprintf("not run: the sandbox is unavailable (%s), and with CI set runs go without it only if NOTEBOOK_NO_SANDBOX=1", b.off)
			warn("%s", b.refusal)
			return
		}
		if b.off != "" {
			warn("runs are not sandboxed (%s): a run lacks its own processes (PID namespace), file system (read-only but for its working directory), network (loopback only), process limit and total disk limit, and the denial of namespaces and keyrings, and runs as the build's user; its timeout, output cap, working directory, process group and limits on memory, open files and file size still hold", b.off)
		}
	})
	return b.err
}

// probe runs a box that sets the sandbox up and runs nothing, and says
// why that failed, or "".
func (b *Box) probe() string {
	tmp, err := os.MkdirTemp("", "notebook-probe-")
	if err != nil {
		return err.Error()
	}
	defer os.RemoveAll(tmp)
	c := &Cmd{Entry: probeEntry, Dir: filepath.Join(tmp, "work"), Timeout: time.Minute,
		Limits: Limits{Memory: 256 << 20, Processes: 64, Files: 64, FileSize: 1 << 20, Disk: 1 << 20}}
	out, err := b.run(context.Background(), c, true)
	switch {
	case err != nil:
		return err.Error()
	case out.Problem != "":
		return out.Problem
	case out.Exit != 0 || string(out.Output) != probeSays:
		return fmt.Sprintf("the probe exited with status %d, saying %q", out.Exit, out.Output)
	}
	return ""
}

// startProblem says why the box could not start.
func startProblem(err error, sandboxed bool) string {
	if !sandboxed {
		return fmt.Sprintf("could not start: %v", err)
	}
	msg := fmt.Sprintf("could not start the sandbox: %v", err)
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EUSERS) {
		msg += " (a per-user quota of namespaces, /proc/sys/user/max_*_namespaces, is full)"
	}
	return msg
}
