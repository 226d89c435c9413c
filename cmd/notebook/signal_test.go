package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptedBuild sends SIGTERM to a build while a snippet runs:
// the build stops at once, its run with it, and the site built before
// is left as it was, with nothing half-written beside it.
func TestInterruptedBuild(t *testing.T) {
	root, cache := helloNotebook(t)
	notebook := func(args ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], append([]string{"build", "-root", root, "-cache", cache}, args...)...)
		cmd.Env = append(os.Environ(), mainEnv+"=1")
		return cmd
	}
	if out, err := notebook().CombinedOutput(); err != nil {
		t.Fatalf("the first build: %v\n%s", err, out)
	}
	page := filepath.Join(root, "public", "2020-01-02", "index.html")
	before, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	list := func() string {
		var names []string
		filepath.WalkDir(filepath.Join(root, "public"), func(p string, d os.DirEntry, err error) error {
			names = append(names, p)
			return nil
		})
		return strings.Join(names, "\n")
	}
	files := list()

	// A snippet that sleeps, and a note that changed: a new site is on
	// its way when the signal comes.
	sleeper := "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() {\n\tfmt.Println(\"hi\")\n\ttime.Sleep(time.Hour)\n}\n"
	if err := os.WriteFile(filepath.Join(root, "snippets", "hello", "main.go"), []byte(sleeper), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "snippets", "hello", "snippet.yaml"), []byte("engine: yaegi\ntimeout: 1m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "notes", "2020-01-02.md"), []byte("# Day two\n\n```python {snippet=hello}\nprint('hi')\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := notebook("-v")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Wait for the snippet's box, the build's child.
	deadline := time.Now().Add(time.Minute)
	for childOf(cmd.Process.Pid) == 0 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the build started no run:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	box := childOf(cmd.Process.Pid)
	signalled := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-done:
		// Within a second, give or take a busy machine's delays.
		if took := time.Since(signalled); took > 5*time.Second {
			t.Errorf("the build took %v to stop", took)
		}
		if err == nil {
			t.Errorf("the interrupted build exited with status 0:\n%s", stderr.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the build did not stop within 30s of SIGTERM:\n%s", stderr.String())
	}
	if err := syscall.Kill(box, 0); err == nil {
		// It may take the kernel a moment to reap it.
		time.Sleep(2 * time.Second)
		if syscall.Kill(box, 0) == nil {
			syscall.Kill(box, syscall.SIGKILL)
			t.Errorf("the run's box (pid %d) outlived the build", box)
		}
	}
	after, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("the interrupted build changed %s", page)
	}
	if got := list(); got != files {
		t.Errorf("the interrupted build left the site's files\n%s\nwant\n%s", got, files)
	}
}

// childOf returns the pid of a child of the process pid, or 0.
func childOf(pid int) int {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces.
		_, rest, ok := strings.Cut(string(stat), ") ")
		fields := strings.Fields(rest)
		if ok && len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			n, _ := strconv.Atoi(e.Name())
			return n
		}
	}
	return 0
}
