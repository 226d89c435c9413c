package runner

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonotebook/notebook/runner/box"
	"github.com/gonotebook/notebook/runner/cache"
	"github.com/gonotebook/notebook/snippets"
)

// TestSandbox runs, under both engines, a fixture of testdata/isolation
// for each protection of the sandbox; each fails without its protection.
// Where the kernel refuses the sandbox the fixtures are skipped, but not
// in CI (CI set), where they fail.
func TestSandbox(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the sandbox is Linux's")
	}
	r := &Runner{Warn: func(msg string) { t.Log(msg) }}
	t.Cleanup(func() { r.Close() })
	tests := []struct {
		name string
		// limit marks a fixture of a limit, which holds without the
		// sandbox too (but for the process limit).
		limit bool
		// args returns the fixture's arguments, made by the test.
		args  func(t *testing.T, s *snippets.Snippet) []string
		check func(t *testing.T, s *snippets.Snippet, res *Result, args []string)
	}{
		{
			name: "daemon",
			args: func(t *testing.T, _ *snippets.Snippet) []string {
				m := mark(t)
				t.Cleanup(func() { // unsandboxed, the daemons escape
					for _, pid := range processesWith(m) {
						syscall.Kill(pid, syscall.SIGKILL)
					}
				})
				return []string{m}
			},
			check: func(t *testing.T, s *snippets.Snippet, res *Result, args []string) {
				checkMeets(t, s, res)
				if err := waitNoProcess(args[0], 10*time.Second); err != nil {
					t.Error(err)
				}
			},
		},
		{
			name: "signal-build",
			args: func(*testing.T, *snippets.Snippet) []string { return []string{strconv.Itoa(os.Getpid())} },
			check: func(t *testing.T, s *snippets.Snippet, res *Result, _ []string) {
				// This test still runs, and was not stopped: the signals
				// did not reach it.
				checkMeets(t, s, res)
			},
		},
		{
			name: "write-outside",
			args: func(t *testing.T, s *snippets.Snippet) []string {
				c := &cache.Cache{Dir: t.TempDir()}
				c.Put("abcdef", "an entry, so that the cache folder is real")
				return []string{t.TempDir(), c.Dir, s.Dir}
			},
			check: func(t *testing.T, s *snippets.Snippet, res *Result, args []string) {
				checkMeets(t, s, res)
				for _, dir := range args {
					if _, err := os.Stat(filepath.Join(dir, "forged.txt")); !errors.Is(err, os.ErrNotExist) {
						t.Errorf("the run wrote into %s: %v", dir, err)
					}
				}
			},
		},
		{
			name: "host-socket",
			args: func(t *testing.T, _ *snippets.Snippet) []string {
				dir, err := os.MkdirTemp("", "sock-") // short: a socket's path has at most 107 bytes
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.RemoveAll(dir) })
				sock := filepath.Join(dir, "s")
				ln, err := net.Listen("unix", sock)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { ln.Close() })
				return []string{sock}
			},
			check: func(t *testing.T, s *snippets.Snippet, res *Result, args []string) {
				checkMeets(t, s, res)
				// The listener is closed in cleanup; dialling it now
				// shows that it is still there to be reached.
				c, err := net.Dial("unix", args[0])
				if err != nil {
					t.Fatalf("the host's socket is gone: %v", err)
				}
				c.Close()
			},
		},
		{
			name: "tmp-folder",
			check: func(t *testing.T, s *snippets.Snippet, res *Result, _ []string) {
				checkMeets(t, s, res)
				if _, err := os.Stat("/tmp/notebook-tmp-folder-written.txt"); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("the run wrote into the host's /tmp: %v", err)
				}
			},
		},
		{name: "memory", limit: true, check: checkHitLimit("hit the memory limit (256 MiB)")},
		{name: "open-files", limit: true, check: checkHitLimit("hit the open-files limit (1024)")},
		{name: "big-file", limit: true, check: checkHitLimit("hit the file-size limit (1 MiB)")},
		{
			name: "fork-bomb",
			check: func(t *testing.T, s *snippets.Snippet, res *Result, _ []string) {
				checkHitLimit("hit the process limit (256 processes and threads)")(t, s, res, nil)
				if err := waitNoProcess("sleep\x001000\x00", 10*time.Second); err != nil {
					t.Error(err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, engine := range engines {
				t.Run(engine, func(t *testing.T) {
					s, args := fixture(t, tt.name, tt.args)
					res, err := r.RunEngine(context.Background(), s, engine)
					if err != nil {
						t.Fatalf("the runner failed: %v", err)
					}
					if !tt.limit {
						requireSandbox(t, res)
					}
					tt.check(t, s, res, args)
				})
			}
		})
	}
}

// TestSetupErrorFailsOneRun asks the sandbox for a limit the kernel will
// not set: that run fails and says why, and the sandbox stays on for the
// next run, which has it.
func TestSetupErrorFailsOneRun(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the sandbox is Linux's")
	}
	b := &box.Box{}
	if !b.Sandboxed() {
		t.Skip("NOTEBOOK_NO_SANDBOX is set")
	}
	prog, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true program to run: ", err)
	}
	cmd := func(l box.Limits) *box.Cmd {
		return &box.Cmd{Path: prog, Dir: t.TempDir(), Timeout: time.Minute, Limits: l}
	}
	ctx := context.Background()
	out, err := b.Run(ctx, cmd(box.Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	requireSandbox(t, &Result{Sandboxed: out.Sandboxed, Output: out.Output})
	out, err = b.Run(ctx, cmd(box.Limits{Files: 1 << 40})) // beyond any hard limit
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.Problem, "could not set up the sandbox: ") || !strings.Contains(out.Problem, "open files") || out.Exit != -1 {
		t.Errorf("problem %q, exit %d; want a failed setup of the open-files limit, exit -1", out.Problem, out.Exit)
	}
	if !b.Sandboxed() {
		t.Fatal("a failed setup turned the sandbox off")
	}
	out, err = b.Run(ctx, cmd(box.Limits{}))
	if err != nil {
		t.Fatal(err)
	}
	if out.Problem != "" || out.Exit != 0 || !out.Sandboxed {
		t.Errorf("the next run: problem %q, exit %d, sandboxed %v; want a sandboxed run that ends well", out.Problem, out.Exit, out.Sandboxed)
	}
}

// TestCancelBeforeTheProgram cancels a run whose box has started but not
// yet said that it executed the program (here a box that never will): the
// run ends at once with the context's error, not at its timeout.
func TestCancelBeforeTheProgram(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "stuck-box")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\nexec sleep 3600\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := exec.LookPath("sleep"); err != nil {
		t.Skip("no sleep program to stand for a stuck box: ", err)
	}
	b := &box.Box{Exe: exe}
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() {
		_, err := b.Run(ctx, &box.Cmd{Path: exe, Dir: work, Timeout: time.Hour})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("the cancelled run: %v, want %v", err, context.Canceled)
		}
	case <-time.After(time.Minute):
		t.Fatal("a cancelled run waited for its box to start the program")
	}
}

// requireSandbox skips the test if res was not sandboxed, or fails it in
// CI.
func requireSandbox(t *testing.T, res *Result) {
	t.Helper()
	if res.Sandboxed {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("the run was not sandboxed; CI must check the sandbox\n\noutput:\n%s", res.Output)
	}
	t.Skip("this system refuses the sandbox (or NOTEBOOK_NO_SANDBOX is set), so this protection is off")
}

// fixture loads testdata/isolation/name. If args is not nil, it loads a
// copy instead, in a temporary folder readable by every user (a sandboxed
// run of a build by root is nobody), whose snippet.yaml gives the program
// the arguments args returns.
func fixture(t *testing.T, name string, args func(*testing.T, *snippets.Snippet) []string) (*snippets.Snippet, []string) {
	t.Helper()
	src := filepath.Join("testdata", "isolation")
	if args == nil {
		s, err := snippets.Load(src, name)
		if err != nil {
			t.Fatal(err)
		}
		return s, nil
	}
	root := t.TempDir()
	dir := filepath.Join(root, name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(src, name))); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{root, dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s, err := snippets.Load(root, name)
	if err != nil {
		t.Fatal(err)
	}
	a := args(t, s)
	yaml := "args:\n"
	for _, arg := range a {
		yaml += "  - " + strconv.Quote(arg) + "\n"
	}
	f, err := os.OpenFile(filepath.Join(dir, snippets.OptionsFile), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(yaml); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if s, err = snippets.Load(root, name); err != nil {
		t.Fatal(err)
	}
	return s, a
}

// checkHitLimit checks that the run failed and that its verdict names the
// limit it hit, first.
func checkHitLimit(want string) func(*testing.T, *snippets.Snippet, *Result, []string) {
	return func(t *testing.T, s *snippets.Snippet, res *Result, _ []string) {
		t.Helper()
		t.Logf("max rss %d MiB", res.MaxRSS>>20)
		err := Verdict(s, res)
		if err == nil || !strings.HasPrefix(err.Error(), want+"\n") {
			t.Errorf("verdict %v\nwant one that starts with %q\n\noutput:\n%s", err, want, res.Output)
		}
	}
}

// mark returns a word no other process has in its command line.
func mark(t *testing.T) string {
	b := make([]byte, 8)
	rand.Read(b)
	return "notebook-test-" + hex.EncodeToString(b)
}

// waitNoProcess waits until no process runs whose command line contains
// word, other than zombies.
func waitNoProcess(word string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		pids := processesWith(word)
		if len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			for _, pid := range pids {
				syscall.Kill(pid, syscall.SIGKILL)
			}
			return fmt.Errorf("processes %v (%q) still run after the run ended", pids, word)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processesWith lists the living processes whose command line contains
// word.
func processesWith(word string) []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !strings.Contains(string(cmdline), word) {
			continue
		}
		stat, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if _, after, ok := strings.Cut(string(stat), ") "); ok && strings.HasPrefix(after, "Z") {
			continue
		}
		pids = append(pids, pid)
	}
	return pids
}

// The test binary's helper modes, run by tests in a process of their own:
// NOTEBOOK_RUNNER_TEST_HELPER names the mode, the arguments follow.
const helperEnv = "NOTEBOOK_RUNNER_TEST_HELPER"

// testHelper runs the helper mode that helperEnv names, if any.
func testHelper() (code int, ok bool) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		return 0, false
	}
	args := flagArgs()
	switch mode {
	case "run":
		// Start a run of the snippet in args[0] and say where the
		// Runner keeps its folders; the test kills this process.
		s, err := snippets.Load(filepath.Dir(args[0]), filepath.Base(args[0]))
		if err != nil {
			fmt.Println(err)
			return 1, true
		}
		r := &Runner{}
		if err := r.setup(); err != nil {
			fmt.Println(err)
			return 1, true
		}
		fmt.Println(r.temp.dir)
		r.RunEngine(context.Background(), s, snippets.Yaegi)
		return 0, true
	case "alone":
		// Take the machine lock in args[0] for an alone run, say so,
		// and hold it until standard input ends.
		release, err := lockIn(args[0]).acquire(context.Background(), true, true)
		if err != nil {
			fmt.Println(err)
			return 1, true
		}
		fmt.Println("held")
		io.Copy(io.Discard, os.Stdin)
		release()
		return 0, true
	}
	fmt.Println("unknown helper mode", mode)
	return 2, true
}

// flagArgs are the helper's arguments: those after "--".
func flagArgs() []string {
	for i, a := range os.Args {
		if a == "--" {
			return os.Args[i+1:]
		}
	}
	return nil
}

// helper starts this test binary in a helper mode and returns it with its
// standard input and the first line it printed.
func helper(t *testing.T, mode string, args ...string) (*exec.Cmd, io.WriteCloser, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"="+mode)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("helper %s: %v", mode, err)
	}
	return cmd, stdin, strings.TrimSpace(line)
}

// TestKilledBuild kills a process while a run it started is going on:
// the run's box dies with it, and the next Runner removes the folders it
// left.
func TestKilledBuild(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("death with the parent is Linux's")
	}
	dir := filepath.Join(t.TempDir(), "sleeper")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, snippets.MainFile), []byte("package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(time.Hour) }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, snippets.OptionsFile), []byte("timeout: 1h\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// The Runners here keep their folders in a temporary folder of this
	// test's own: a Runner that another test binary starts meanwhile
	// removes the dead roots it finds in the system's, this one's included.
	tmp := t.TempDir()
	if err := os.Chmod(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TMPDIR", tmp)

	cmd, _, temp := helper(t, "run", dir)
	if filepath.Dir(temp) != tmp {
		t.Fatalf("the helper keeps its folders in %s, not in the test's %s", filepath.Dir(temp), tmp)
	}
	if _, err := os.Stat(temp); err != nil {
		t.Fatalf("the helper's folder: %v", err)
	}
	// Wait for the box: the helper's child.
	var box int
	deadline := time.Now().Add(60 * time.Second)
	for box == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the helper started no box")
		}
		box = childOf(cmd.Process.Pid)
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if err := waitGone(box, 10*time.Second); err != nil {
		syscall.Kill(box, syscall.SIGKILL)
		t.Errorf("the box outlived the build: %v", err)
	}
	if _, err := os.Stat(temp); err != nil {
		t.Fatalf("the dead helper's folder should still be there until a Runner starts: %v", err)
	}
	r := &Runner{}
	if err := r.setup(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if _, err := os.Stat(temp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a new Runner left the dead one's folder %s: %v", temp, err)
	}
	if _, err := os.Stat(r.temp.dir); err != nil {
		t.Errorf("the new Runner's own folder: %v", err)
	}
	// A living Runner's folder is left alone.
	r2 := &Runner{}
	if err := r2.setup(); err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	if _, err := os.Stat(r.temp.dir); err != nil {
		t.Errorf("a new Runner removed a living one's folder: %v", err)
	}
}

// childOf returns the pid of a child of pid, or 0.
func childOf(pid int) int {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if v, ok := strings.CutPrefix(line, "PPid:"); ok && strings.TrimSpace(v) == strconv.Itoa(pid) {
				n, _ := strconv.Atoi(e.Name())
				return n
			}
		}
	}
	return 0
}

// TestAloneAcrossProcesses takes the machine lock in this process and in
// another: an alone run in one excludes every run in the other, and an
// alone run that waits keeps new runs from starting.
func TestAloneAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	m := lockIn(dir)

	// Another process holds the lock for an alone run: no run here.
	cmd, stdin, line := helper(t, "alone", dir)
	if line != "held" {
		t.Fatalf("helper: %s", line)
	}
	if _, err := m.acquire(context.Background(), false, false); !errors.Is(err, errBusy) {
		t.Fatalf("an ordinary run got the lock while another process ran alone: %v", err)
	}
	// A run that waits for the lock stops waiting when its build is
	// cancelled.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.acquire(ctx, false, true); !errors.Is(err, context.Canceled) {
		t.Fatalf("waiting for the lock with a cancelled context: %v, want %v", err, context.Canceled)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	release, err := m.acquire(context.Background(), false, false)
	if err != nil {
		t.Fatalf("the lock is still held after the alone run ended: %v", err)
	}
	other, err := m.acquire(context.Background(), false, false)
	if err != nil {
		t.Fatalf("two ordinary runs exclude each other: %v", err)
	}
	other()

	// An ordinary run holds the lock here; an alone run in another
	// process waits for it, and meanwhile no new run starts.
	cmd, stdin = startAloneWaiting(t, dir)
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := m.acquire(context.Background(), false, false)
		if errors.Is(err, errBusy) {
			break // the waiting alone run holds the turnstile
		}
		if err != nil {
			t.Fatal(err)
		}
		r()
		if time.Now().After(deadline) {
			t.Fatal("the alone run never reached the turnstile")
		}
		time.Sleep(10 * time.Millisecond)
	}
	release() // the alone run may now go
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// startAloneWaiting starts a helper that takes the lock for an alone run,
// without waiting for it to have done so.
func startAloneWaiting(t *testing.T, dir string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "--", dir)
	cmd.Env = append(os.Environ(), helperEnv+"=alone")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd, stdin
}
