package snippets_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/snippets"
)

// These tests check that a snippet proves what it claims: each changes a
// copy of it the way the claim could fail, runs the copy and requires that
// it fails its expectation. (The snippet's own run, in TestSnippets,
// passes.)

// copySnippet copies the snippet id into a new snippets folder and returns
// that folder and the copy's own.
func copySnippet(t *testing.T, id string) (root, dir string) {
	t.Helper()
	root = t.TempDir()
	dir = filepath.Join(root, filepath.FromSlash(id))
	if err := os.CopyFS(dir, os.DirFS(filepath.FromSlash(id))); err != nil {
		t.Fatal(err)
	}
	return root, dir
}

// writeFile writes a file of a snippet's copy.
func writeFile(t *testing.T, dir, name, text string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// editFile replaces old, which must be there, with new in a file of a
// snippet's copy.
func editFile(t *testing.T, dir, name, old, new string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q to replace", name, old)
	}
	writeFile(t, dir, name, strings.Replace(string(b), old, new, 1))
}

// runCopy loads the snippet id from root and runs it.
func runCopy(t *testing.T, root, id string) (*snippets.Snippet, *runner.Result) {
	t.Helper()
	s, err := snippets.Load(root, id)
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&runner.Runner{}).Run(context.Background(), s, "")
	if err != nil {
		t.Fatal(err)
	}
	return s, res
}

// mustFail requires that the changed program ran to its end, so that the
// test does not pass on a mistake in the change, and that its output fails
// s's expectation.
func mustFail(t *testing.T, s *snippets.Snippet, res *runner.Result, how string) {
	t.Helper()
	if res.Problem != "" {
		t.Fatalf("%s, %s did not run to its end: %s\n%s", how, s.ID, res.Problem, res.Output)
	}
	if runner.Verdict(s, res) == nil {
		t.Errorf("%s, %s still meets its expectation:\n%s", how, s.ID, res.Output)
	}
}

// need skips the test when the program it needs is missing, except under
// CI, where every claim must be checked and a missing program fails.
func need(t *testing.T, program string) {
	t.Helper()
	if _, err := exec.LookPath(program); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is needed to check this claim: %v", program, err)
		}
		t.Skipf("%s is needed to check this claim: %v", program, err)
	}
}

// TestParallelFailsOnOneCore checks gil/parallel held to one thread of Go
// code by a file added beside it.
func TestParallelFailsOnOneCore(t *testing.T) {
	root, dir := copySnippet(t, "gil/parallel")
	writeFile(t, dir, "onecore.go", "package main\n\nimport \"runtime\"\n\nfunc init() { runtime.GOMAXPROCS(1) }\n")
	s, res := runCopy(t, root, "gil/parallel")
	mustFail(t, s, res, "with GOMAXPROCS(1)")
}

// TestParallelFailsOnOneCPU checks gil/parallel confined to one CPU with
// GOMAXPROCS=2: two threads run Go code, but never at the same moment.
// The runner forks the program's box from the thread of the goroutine that
// runs it, so the test confines that thread to one CPU with taskset, and
// the box and the program inherit its affinity. The goroutine ends with
// its thread still locked, so that the thread ends with it and no other
// goroutine runs confined.
func TestParallelFailsOnOneCPU(t *testing.T) {
	need(t, "taskset")
	if _, err := os.Stat("/proc/thread-self"); err != nil {
		t.Skipf("no /proc/thread-self to name this thread to taskset: %v", err)
	}
	root, dir := copySnippet(t, "gil/parallel")
	editFile(t, dir, snippets.OptionsFile, "alone: true\n", "alone: true\nenv: [GOMAXPROCS=2]\n")
	s, err := snippets.Load(root, "gil/parallel")
	if err != nil {
		t.Fatal(err)
	}

	type outcome struct {
		res *runner.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		var o outcome
		defer func() { done <- o }()
		self, err := os.Readlink("/proc/thread-self") // "pid/task/tid"
		if err != nil {
			o.err = err
			return
		}
		tid := filepath.Base(self)
		cpu, err := firstCPU()
		if err != nil {
			o.err = err
			return
		}
		if out, err := exec.Command("taskset", "-p", "-c", cpu, tid).CombinedOutput(); err != nil {
			o.err = &taskset{err, out}
			return
		}
		o.res, o.err = (&runner.Runner{}).Run(context.Background(), s, "")
	}()
	o := <-done
	if o.err != nil {
		t.Fatal(o.err)
	}
	if !strings.Contains(string(o.res.Output), "CPUs this process may use: 1\n") {
		t.Fatalf("the program was not confined to one CPU:\n%s", o.res.Output)
	}
	mustFail(t, s, o.res, "on one CPU with GOMAXPROCS=2")
}

// firstCPU returns the first CPU this thread may use, as taskset -c names
// it.
func firstCPU() (string, error) {
	b, err := os.ReadFile("/proc/thread-self/status")
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(b)) {
		if list, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
			first, _, _ := strings.Cut(strings.TrimSpace(list), ",")
			first, _, _ = strings.Cut(first, "-")
			return first, nil
		}
	}
	return "", os.ErrNotExist
}

type taskset struct {
	err error
	out []byte
}

func (e *taskset) Error() string { return "taskset: " + e.err.Error() + ": " + string(e.out) }

// TestPreemptionFailsWithoutSpinning checks gil/preemption with its spin
// loop deleted: no goroutine announces itself, and Go finds main waiting
// for ever.
func TestPreemptionFailsWithoutSpinning(t *testing.T) {
	root, dir := copySnippet(t, "gil/preemption")
	editFile(t, dir, snippets.MainFile, `for !stop.Load() {
				if rounds[i].Add(1) == 1 {
					started <- struct{}{}
				}
			}`, "")
	s, res := runCopy(t, root, "gil/preemption")
	mustFail(t, s, res, "with no spin loop")
}

// TestPreemptionFailsWithoutAsyncPreemption checks gil/preemption with
// asynchronous preemption turned off: main never gets the thread back, and
// the run times out.
func TestPreemptionFailsWithoutAsyncPreemption(t *testing.T) {
	root, dir := copySnippet(t, "gil/preemption")
	editFile(t, dir, snippets.OptionsFile, "engine: native\n", "engine: native\nenv: [GODEBUG=asyncpreemptoff=1]\ntimeout: 2s\n")
	s, res := runCopy(t, root, "gil/preemption")
	if res.Problem == "" || runner.Verdict(s, res) == nil {
		t.Errorf("with GODEBUG=asyncpreemptoff=1, %s still ended (%q):\n%s", s.ID, res.Problem, res.Output)
	}
}

// TestStdinEnvFailsWithoutOpenSSL checks subprocess/stdin-env with cat in
// place of openssl enc: the output comes back as it went in, unencrypted.
func TestStdinEnvFailsWithoutOpenSSL(t *testing.T) {
	need(t, "cat")
	root, dir := copySnippet(t, "subprocess/stdin-env")
	editFile(t, dir, snippets.MainFile, `exec.Command("openssl", "enc", "-des3", "-pbkdf2", "-pass", "env:password")`, `exec.Command("cat")`)
	s, res := runCopy(t, root, "subprocess/stdin-env")
	mustFail(t, s, res, "with cat for openssl")
}

// TestBlockingIOFailsWithSpinningReader checks gil/blocking-io with a
// reader that polls the connection in a loop instead of waiting parked:
// it still reads nothing and ends with net.ErrClosed, but it is never in
// "IO wait" for long.
func TestBlockingIOFailsWithSpinningReader(t *testing.T) {
	root, dir := copySnippet(t, "gil/blocking-io")
	writeFile(t, dir, "spin.go", `package main

import (
	"errors"
	"net"
	"os"
	"time"
)

// spinRead reads conn with a deadline already past, again and again, until
// the read fails for another reason.
func spinRead(conn net.Conn, b []byte) (int, error) {
	for {
		conn.SetReadDeadline(time.Unix(1, 0))
		n, err := conn.Read(b)
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			return n, err
		}
	}
}
`)
	editFile(t, dir, snippets.MainFile, "conn.Read(make([]byte, 1))", "spinRead(conn, make([]byte, 1))")
	s, res := runCopy(t, root, "gil/blocking-io")
	mustFail(t, s, res, "with a spinning reader")
}

// TestPollFailsPollingOnce checks subprocess/poll with work that outlasts
// the child: the first poll finds it running, the next finds it exited,
// and the program never showed that it polled while the child ran on.
func TestPollFailsPollingOnce(t *testing.T) {
	root, dir := copySnippet(t, "subprocess/poll")
	editFile(t, dir, snippets.MainFile, "time.Sleep(50 * time.Millisecond)", "time.Sleep(time.Second)")
	s, res := runCopy(t, root, "subprocess/poll")
	mustFail(t, s, res, "polling once")
}
