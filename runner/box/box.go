// Package box runs one program in a closed box: the only thing a snippet's
// run, or a snippet's compile, ever executes in.
//
// # The box
//
// Box.Run starts a child process, the box, and waits for it, its timeout
// or the caller's context, whichever comes first. The box is a copy of a
// program that calls Main first thing in its main function (the notebook
// command, or the TestMain of a test binary that runs snippets), started
// with an argv[0] that Main recognises. Importing this package never
// changes what a program does: only the explicit call to Main does, and
// only in a process that Run started. The parent (parent.go), the child
// (child.go) and the one socket between them (protocol.go) make the box.
//
// Everywhere, every run has:
//
//   - a timeout, counted from the moment the box executes the program;
//   - a working directory (Cmd.Dir) that the box makes, fills with
//     Cmd.Files and removes when the run ends, whatever the program did
//     to it (a folder it made unreadable included);
//   - standard input from a file (empty unless given), so that nothing
//     waits on a program that never reads it;
//   - output (standard output and error as one stream) capped at
//     MaxOutput bytes, the rest counted, not kept;
//   - exactly the environment the caller gives;
//   - no descriptor of the build's but standard input, output and error:
//     the box closes every one it inherited before it does anything else;
//   - its own process group, killed when the run ends, and death with the
//     build: if the build dies, the kernel kills the box;
//   - limits on memory, open files and the size of any file written
//     (Limits), and no core dumps.
//
// # Memory
//
// Where a cgroup memory controller is usable, each run has a cgroup of its
// own, below the build's, whose limit counts every kind of memory the run
// uses: private and shared, anonymous and file-backed, its tmpfs working
// directory's files included, with no swap. A run that exceeds it has a
// process killed by the kernel, and its Outcome says so (Limit is
// LimitMemory) because the cgroup counted an OOM kill: never from a guess.
// The box tries cgroup v2 (a delegated subtree, or one that root may
// write), then cgroup v1's memory controller. Elsewhere the limit bounds
// each process's private data (RLIMIT_DATA), and its address space
// (RLIMIT_AS) with 2 GiB more, which runtimes reserve and never use (the
// Go runtime cannot start with less than some 700 MiB): shared memory
// (MAP_SHARED, memfd, System V) is bounded only by the latter, the page
// cache and the working directory's files by neither, and nothing tells
// that a limit was hit but the program's own failure (ENOMEM). Box.Warn
// says so before the first run.
//
// # The sandbox
//
// On Linux a run also has a sandbox: the box starts in new user, PID,
// mount, network, IPC and UTS namespaces, made through the user namespace
// so that no privilege is needed, and sets it up in a first stage before
// anything of the program runs:
//
//   - Processes. The program is the first process of its PID namespace: it
//     sees only its own descendants, cannot signal anything outside (its
//     parent's pid is 0, kill(-1) reaches only the run), and when it ends
//     the kernel kills every process it left, daemons included. The
//     process limit (Limits.Processes) counts the run's own processes
//     (Linux 5.14 and later; older kernels count all of the user's, and
//     the box sets none there).
//   - Files. The root is a fresh read-only tmpfs holding read-only binds of
//     the system's folders (Cmd.System, System if nil), of the program and
//     the box's own executable, and of Cmd.ReadOnly; binds of
//     Cmd.Writable, the only host folders it can write; a new /proc; a
//     /dev with only null, zero, full, random and urandom; and the working
//     directory, at its own path: a tmpfs of Limits.Disk bytes at most
//     (and one inode per 4 KiB of it), so that a run's files are capped in
//     all, vanish with the run and count as its memory. A run whose working
//     directory is full when it ends is said to have reached it (Limit is
//     LimitDisk): the parent holds a descriptor of the tmpfs, which the
//     box passes it, and asks the kernel. The rest of the
//     host's file system, its unix sockets included, is not there. /tmp
//     is read-only: a program writes temporary files where TMPDIR says.
//     Nothing bound can be a set-user-ID program or a device.
//   - Network: a loopback interface of its own, and nothing else.
//   - Privilege: none. The program runs as the build's user (as nobody if
//     the build runs as root), without capabilities; set-user-ID programs
//     and file capabilities have no effect (nosuid, and owners unknown in
//     the namespace), and no_new_privs is set.
//   - Kernel objects counted per user: a seccomp filter denies namespaces
//     (clone and unshare with CLONE_NEW* flags, setns; clone3, whose flags
//     it cannot read, is "not implemented", so that libraries fall back
//     to clone) and keyrings (add_key, request_key, keyctl), the kernel
//     quotas a run could otherwise fill for the build's user beyond its
//     own life. Everything else of a run's that the kernel counts per
//     user (processes, inotify and fanotify instances, pipes, message
//     queues, System V IPC) dies with its processes or its IPC namespace.
//
// In the box, Main either executes the program (Cmd.Path), or runs one of
// the entry points it was given in-process (Cmd.Entry), so that an
// interpreter needs no compile step. In a sandbox it first drops its
// privileges and sets the seccomp filter on every thread: at once when
// the build runs as root (a change of user does it) or the box's program
// is not linked with cgo (capset on every thread); else by executing the
// box's program again.
//
// # Failing closed
//
// The first use of a Box probes the sandbox: a box that sets everything
// up and runs nothing. Only if that fails may runs go without the
// sandbox: Box.Warn then says why, and which protections are off; with CI
// set in the environment every run fails instead, saying why, unless
// NOTEBOOK_NO_SANDBOX=1 is set or Box.NoSandbox is true, which turn the
// sandbox off on purpose. Once the probe has passed, the sandbox is never
// given up: a sandbox that fails (clone refused because a per-user quota
// of namespaces is full, say; a mount or a limit refused) fails that run
// alone, with a Problem that says why.
//
// Without the sandbox a run still has everything listed under "The box"
// and, where a cgroup is usable, its memory limit; it lacks Protections,
// its files are capped one by one (RLIMIT_FSIZE) but not in all, and it
// runs as the build's user.
//
// # Tests
//
// box_test.go checks each guarantee here on its own, with and without
// the sandbox, with entry points of its test binary: the protocol (files,
// a report the program cannot forge, an exit status, a crash, a failed
// setup, a timeout, a cancelled run), the inherited descriptor, each
// limit (3 GiB of shared memory under 256 MiB, a full disk, a failure
// that is not the memory limit's), the working directory locked by the
// program, and failing closed: a kernel that refuses the sandbox before
// the probe, with and without CI, a quota of namespaces filled after it,
// and a run that tries to take namespaces and a keyring, all in a user
// namespace of the test's own whose quotas the test lowers. Package
// runner's isolation fixtures run the same attacks as snippets, under
// both engines and as Python. Run as root, the tests take the cgroup
// path; run as another user (setpriv --reuid=65534 on a copy of the test
// binary), the rlimit path and the second stage. Cgroup v2 is taken only
// where the memory controller is not bound to v1.
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

// DefaultMaxOutput is how many bytes of output are kept when Cmd.MaxOutput
// is zero.
const DefaultMaxOutput = 1 << 20

// System are the host's folders a sandboxed run reads unless Cmd.System
// says otherwise: what programs need to start and find their libraries
// and configuration. Those the host lacks are left out.
var System = []string{"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"}

// Protections names what a sandboxed run has and an unsandboxed one lacks.
const Protections = "its own processes (PID namespace), file system (read-only but for its working directory), network (loopback only), process limit and total disk limit, and the denial of namespaces and keyrings"

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
	// Dir is the working directory. Its parent must exist; if it exists
	// itself, it must be empty. The box makes it, writes Files into it
	// and removes it when the run ends.
	Dir string
	// Files are written into the working directory before the run, by
	// path relative to it.
	Files map[string][]byte
	// ReadOnly are further files and folders the program may read (a
	// snippet's folder, an interpreter's installation), each visible at
	// its own path. Path and the box's own program always are.
	ReadOnly []string
	// Writable are host folders the program may write, each at its own
	// path (a compile's output folder, its build cache). When the build
	// runs as root, the box makes them nobody's. What is written there
	// counts against no disk limit, and stays.
	Writable []string
	// System are the host's system folders the program may read; System
	// if nil.
	System []string
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
	// Signal is the signal that ended the program, or 0.
	Signal syscall.Signal
	// Limit is LimitMemory or LimitDisk if the kernel says the run
	// reached that limit, or "".
	Limit string
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
	// Sandboxed says that the run had the sandbox.
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
	// Warn, if set, is called before the first run with one line for each
	// protection that runs lack: the sandbox, or a memory limit that counts
	// all memory.
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
		switch {
		case b.NoSandbox || os.Getenv("NOTEBOOK_NO_SANDBOX") != "":
			b.off = "NOTEBOOK_NO_SANDBOX is set"
		default:
			if b.off = b.probe(); b.off != "" && os.Getenv("CI") != "" {
				b.refusal = fmt.Sprintf("not run: the sandbox is unavailable (%s), and with CI set runs go without it only if NOTEBOOK_NO_SANDBOX=1", b.off)
				warn("%s", b.refusal)
				return
			}
		}
		if b.off != "" {
			warn("runs are not sandboxed (%s): a run lacks %s, and runs as the build's user; its timeout, output cap, working directory, process group and limits on memory, open files and file size still hold", b.off, Protections)
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
