// Package box runs one program in a closed box: the only thing a snippet's
// run, or a snippet's compile, ever executes in.
//
// # The box
//
// Box.Run starts a child process, the box, and waits for it, its timeout
// or the caller's context, whichever comes first. The box is a copy of a
// program that calls Main first thing in its main function (the notebook
// command, or the TestMain of a test binary), started with an argv[0]
// that Main recognises: importing this package changes nothing. The
// parent (parent.go), the child (child.go) and the one socket between
// them (protocol.go) make the box. Everywhere, a run has:
//
//   - a timeout, counted from the moment the box executes the program;
//   - a working directory (Cmd.Dir) that the box makes, fills with
//     Cmd.Files and removes when the run ends, even if the program locked it;
//   - standard input from a file (empty unless given), never a pipe;
//   - output (standard output and error as one stream) capped at
//     MaxOutput bytes, the rest counted, not kept;
//   - exactly the environment the caller gives;
//   - no descriptor of the build's but standard input, output and error;
//   - its own process group, killed when the run ends, and death with the
//     build;
//   - limits on memory, open files and the size of any file written
//     (Limits), and no core dumps.
//
// # Memory
//
// Where a cgroup memory controller is usable (v2, then v1), each run has a
// cgroup of its own whose limit counts every kind of memory, its tmpfs
// working directory included, with no swap; Outcome.Limit is LimitMemory
// if the cgroup counted an OOM kill. Elsewhere the limit bounds each
// process's private data (RLIMIT_DATA), and its address space with 2 GiB
// more, which runtimes reserve and never use; shared memory is bounded by
// the latter alone, and only the program's own failure tells. Box.Warn
// says so.
//
// # The sandbox
//
// On Linux the box starts in new user, PID, mount, network, IPC and UTS
// namespaces, made through the user namespace so that no privilege is
// needed, and sets them up before anything of the program runs:
//
//   - processes: the program is PID 1 of its namespace; it signals nothing
//     outside, and every process it leaves dies with it; at most
//     Limits.Processes (Linux 5.14 and later, which count them per
//     namespace);
//   - files: a read-only root holding read-only binds of Cmd.System, the
//     program, the box's own executable and Cmd.ReadOnly, binds of
//     Cmd.Writable, a new /proc, a /dev with only null, zero, full, random
//     and urandom, a read-only /tmp, and the working directory at its own
//     path, a tmpfs of Limits.Disk bytes (Outcome.Limit is LimitDisk if it
//     is full at the end); nothing else of the host, and no set-user-ID
//     program or device;
//   - network: its own loopback interface only;
//   - privilege: the build's user (nobody under root), no capabilities,
//     no_new_privs;
//   - a seccomp filter denies new namespaces and keyrings, per-user quotas
//     a run could fill beyond its own life.
//
// In the box, Main executes the program (Cmd.Path) or runs one of the
// entry points it was given in-process (Cmd.Entry), so that an interpreter
// needs no compile step.
//
// # Failing closed
//
// The first use of a Box probes the sandbox with a box that sets
// everything up and runs nothing. Only if that fails may runs go without
// it: Box.Warn says why and what is off, and with CI set in the
// environment every run fails instead, unless NOTEBOOK_NO_SANDBOX=1 or
// Box.NoSandbox turns the sandbox off on purpose. Once the probe has
// passed, a sandbox that fails to set up fails that run, saying why.
//
// box_test.go checks each guarantee, with and without the sandbox, with
// entry points of its test binary; run as root, it takes the cgroup path,
// as another user (setpriv --reuid=65534 on a copy of the test binary),
// the rlimit path and the second stage (see confine).
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

// What network a run had.
const (
	NetworkLoopback = "loopback only"
	NetworkHost     = "host"
)

// MaxOutput is how many bytes of a run's output are kept.
const MaxOutput = 1 << 20

// System are the host's folders a sandboxed run reads unless Cmd.System
// says otherwise; those the host lacks are left out.
var System = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"}

// A Cmd is one program to run in a box.
type Cmd struct {
	// Path is the program to execute, or "" when Entry is set.
	Path string
	// Entry names an entry point of the box (see Main) to run in-process.
	Entry string
	// Args are the program's arguments, without argv[0].
	Args []string
	// Env is the program's whole environment.
	Env []string
	// Dir is the working directory: its parent must exist, and it must
	// not, or be empty. The box makes it and removes it when the run ends.
	Dir string
	// Files are written into the working directory before the run, by
	// path relative to it.
	Files map[string][]byte
	// ReadOnly are further files and folders the program may read, each
	// at its own path. Path and the box's own program always are.
	ReadOnly []string
	// Writable are host folders the program may write, each at its own
	// path; the box makes them nobody's when the build runs as root. What
	// is written there counts against no disk limit, and stays.
	Writable []string
	// System are the host's system folders the program may read; System
	// if nil.
	System []string
	// Stdin is the program's standard input; empty means end of file.
	Stdin string
	// Timeout bounds the program's run; it must be positive.
	Timeout time.Duration
	// Limits bound what the run may use.
	Limits Limits
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
	// Output is standard output and error as one stream, as written.
	Output []byte
	// Cut counts the bytes of output beyond MaxOutput, not kept.
	Cut int64
	// Exit is the exit status; -1 if the program was killed or never started.
	Exit int
	// Problem says why the run did not end by itself, or "".
	Problem string
	// Limit is LimitMemory or LimitDisk if the kernel says the run
	// reached that limit, or "".
	Limit string
	// Duration is the program's own time, from when the box executed it.
	Duration time.Duration
	// MaxRSS is the most memory the box's process had resident at once,
	// in bytes; 0 where the system does not say.
	MaxRSS int64
	// Finished is when the run ended.
	Finished time.Time
	// Network is NetworkLoopback or NetworkHost.
	Network string
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
		return &Outcome{Exit: -1, Problem: b.refusal, Network: NetworkHost, Finished: time.Now()}, nil
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
