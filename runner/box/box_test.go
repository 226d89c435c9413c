//go:build linux

package box_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
)

// entries are the box's entry points in this test binary: small programs
// that each try one thing and say how it went.
var entries = map[string]box.Entry{
	"echo": func(args []string, report io.WriteCloser) int {
		report.Close()
		fmt.Println(strings.Join(args, " "))
		return 0
	},
	// report says args[0] in the report, then tries to write to the
	// protocol's descriptor after closing it.
	"report": func(args []string, report io.WriteCloser) int {
		io.WriteString(report, args[0])
		report.Close()
		syscall.Write(3, []byte("forged report"))
		fmt.Println("ran")
		return 3
	},
	// env prints the environment.
	"env": func([]string, io.WriteCloser) int {
		fmt.Println(strings.Join(os.Environ(), "\n"))
		return 0
	},
	// crash panics on a goroutine of its own.
	"crash": func([]string, io.WriteCloser) int {
		go panic("crash")
		time.Sleep(time.Hour)
		return 0
	},
	// sleep sleeps for ever.
	"sleep": func([]string, io.WriteCloser) int {
		time.Sleep(time.Hour)
		return 0
	},
	// cat prints the files it is given.
	"cat": func(args []string, _ io.WriteCloser) int {
		for _, name := range args {
			data, err := os.ReadFile(name)
			if err != nil {
				fmt.Println(err)
				return 1
			}
			fmt.Printf("%s: %s\n", name, data)
		}
		return 0
	},
	// secret reads the file "secret" through descriptor args[0].
	"secret": func(args []string, _ io.WriteCloser) int {
		fd, _ := strconv.Atoi(args[0])
		f, err := syscall.Openat(fd, "secret", syscall.O_RDONLY, 0)
		if err != nil {
			fmt.Println("refused:", err)
			return 0
		}
		buf := make([]byte, 64)
		n, _ := syscall.Read(f, buf)
		fmt.Printf("leaked: %s\n", buf[:n])
		return 0
	},
	// shared maps 3 GiB of shared anonymous memory and touches it.
	"shared": func([]string, io.WriteCloser) int {
		b, err := syscall.Mmap(-1, 0, 3<<30, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_ANON)
		if err != nil {
			fmt.Println("mmap:", err)
			return 1
		}
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		fmt.Println("touched 3 GiB")
		return 0
	},
	// allocate touches args[0] MiB of memory, then fails.
	"allocate": func(args []string, _ io.WriteCloser) int {
		n, _ := strconv.Atoi(args[0])
		b := make([]byte, n<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		fmt.Printf("touched %d MiB, and fails\n", len(b)>>20)
		return 1
	},
	// disk writes 16 files of 255 MiB.
	"disk": func([]string, io.WriteCloser) int {
		chunk := make([]byte, 1<<20)
		for i := range 16 {
			f, err := os.Create(fmt.Sprintf("file-%d", i))
			for n := 0; err == nil && n < 255; n++ {
				_, err = f.Write(chunk)
			}
			if err != nil {
				fmt.Println(err)
				return 1
			}
			f.Close()
		}
		fmt.Println("wrote 16 files of 255 MiB")
		return 0
	},
	// lock makes folders in the working directory, then takes every
	// permission away from them and from the working directory itself.
	"lock": func([]string, io.WriteCloser) int {
		wd, _ := os.Getwd()
		for _, err := range []error{
			os.MkdirAll("sub/deeper", 0o755),
			os.WriteFile("sub/deeper/file", []byte("x"), 0o644),
			os.Chmod("sub/deeper", 0), os.Chmod("sub", 0), os.Chmod(wd, 0),
		} {
			if err != nil {
				fmt.Println(err)
				return 1
			}
		}
		fmt.Println("locked")
		return 0
	},
	// namespaces tries to start a process in a user and UTS namespace of
	// its own, and to make a keyring.
	"namespaces": func([]string, io.WriteCloser) int {
		created := 0
		var err error
		for range 50 {
			cmd := exec.Command("/bin/sh", "-c", "exec sleep 10")
			cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWUTS}
			if err = cmd.Start(); err != nil {
				break
			}
			defer cmd.Process.Kill()
			created++
		}
		fmt.Printf("created %d namespaces: %v\n", created, err)
		_, _, e := syscall.Syscall(syscall.SYS_KEYCTL, 1, 0, 0) // KEYCTL_JOIN_SESSION_KEYRING
		fmt.Println("keyring:", e)
		return 0
	},
}

// helperEnv names, in the environment of this test binary started again,
// the helper it is to be (see helper).
const helperEnv = "BOX_TEST_HELPER"

func TestMain(m *testing.M) {
	if code, ok := box.Main(entries); ok {
		os.Exit(code)
	}
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(helper(mode))
	}
	os.Exit(m.Run())
}

// run runs c in b with a working directory of its own and a timeout.
func run(t *testing.T, b *box.Box, c box.Cmd) *box.Outcome {
	t.Helper()
	if c.Dir == "" {
		c.Dir = filepath.Join(t.TempDir(), "work")
	}
	if c.Timeout == 0 {
		c.Timeout = time.Minute
	}
	out, err := b.Run(context.Background(), &c)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sandbox returns a Box that sandboxes its runs, or skips the test where
// the kernel refuses the sandbox (but fails it with CI set).
func sandbox(t *testing.T) *box.Box {
	t.Helper()
	var warnings []string
	b := &box.Box{Warn: func(s string) { warnings = append(warnings, s) }}
	if !b.Sandboxed() {
		if os.Getenv("CI") != "" && os.Getenv("NOTEBOOK_NO_SANDBOX") == "" {
			t.Fatalf("the sandbox is off with CI set: %q", warnings)
		}
		t.Skipf("the sandbox is off: %q", warnings)
	}
	return b
}

// boxes are a sandboxing Box and one without the sandbox, for the
// guarantees that hold either way.
func boxes(t *testing.T) map[string]*box.Box {
	return map[string]*box.Box{"sandbox": sandbox(t), "no-sandbox": {NoSandbox: true}}
}

// TestProtocol checks what passes between the box and its parent: the
// spec (arguments, files), an entry point's report, which the program
// cannot write to, the exit status, a failed setup, a timeout.
func TestProtocol(t *testing.T) {
	for name, b := range boxes(t) {
		t.Run(name, func(t *testing.T) {
			out := run(t, b, box.Cmd{Entry: "report", Args: []string{"main.go:1: broken\n"}})
			if out.Report != "main.go:1: broken\n" || string(out.Output) != "ran\n" || out.Exit != 3 || out.Problem != "" {
				t.Errorf("report %q, output %q, exit %d, problem %q; want the report, ran, 3 and no problem", out.Report, out.Output, out.Exit, out.Problem)
			}
			out = run(t, b, box.Cmd{Entry: "cat", Args: []string{"a", "b/c"}, Files: map[string][]byte{"a": []byte("A"), "b/c": []byte("C")}})
			if string(out.Output) != "a: A\nb/c: C\n" || out.Exit != 0 {
				t.Errorf("output %q, exit %d; want the files given", out.Output, out.Exit)
			}
			out = run(t, b, box.Cmd{Path: "/bin/sh", Args: []string{"-c", "echo $0 $X; exit 4", "sh"}, Env: []string{"X=1"}, Stdin: "in"})
			if string(out.Output) != "sh 1\n" || out.Exit != 4 {
				t.Errorf("output %q, exit %d; want sh 1 and 4", out.Output, out.Exit)
			}
			out = run(t, b, box.Cmd{Entry: "env", Env: []string{"X=1"}})
			if string(out.Output) != "X=1\n" {
				t.Errorf("environment %q, want X=1 alone", out.Output)
			}
			out = run(t, b, box.Cmd{Entry: "crash"})
			if !strings.HasPrefix(string(out.Output), "panic: crash") || strings.Contains(string(out.Output), "goroutine ") || out.Exit != 2 {
				t.Errorf("a crash: exit %d, output %q; want exit 2, a panic and no traceback of the box's", out.Exit, out.Output)
			}
			out = run(t, b, box.Cmd{Entry: "sleep", Timeout: 200 * time.Millisecond})
			if out.Problem != "timed out after 200ms and was killed" || out.Exit != -1 {
				t.Errorf("problem %q, exit %d; want a timeout", out.Problem, out.Exit)
			}
			out = run(t, b, box.Cmd{Entry: "echo", Limits: box.Limits{Files: 1 << 40}}) // beyond any hard limit
			if !strings.HasPrefix(out.Problem, "could not set up the run: ") || !strings.Contains(out.Problem, "open files") || out.Exit != -1 || len(out.Output) != 0 {
				t.Errorf("problem %q, exit %d, output %q; want a failed setup of the open-files limit", out.Problem, out.Exit, out.Output)
			}
			if out := run(t, b, box.Cmd{Entry: "echo", Args: []string{"again"}}); string(out.Output) != "again\n" || out.Sandboxed != (name == "sandbox") {
				t.Errorf("after a failed setup: output %q, sandboxed %v", out.Output, out.Sandboxed)
			}
		})
	}
}

// TestCancel cancels a run whose box never says that it started the
// program: the run ends at once with the context's error.
func TestCancel(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "stuck-box")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\nexec sleep 3600\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	b := &box.Box{Exe: exe, NoSandbox: true}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() {
		_, err := b.Run(ctx, &box.Cmd{Path: exe, Dir: filepath.Join(t.TempDir(), "work"), Timeout: time.Hour})
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

// TestInheritedDescriptor opens a folder without close-on-exec, as the
// build's own caller may have (exec 7</tmp), and checks that neither an
// entry point nor a program can read through it.
func TestInheritedDescriptor(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret"), []byte("host secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY, 0) // no O_CLOEXEC
	if err != nil {
		t.Fatal(err)
	}
	const high = 77
	if err := syscall.Dup2(fd, high); err != nil {
		t.Fatal(err)
	}
	syscall.Close(fd)
	t.Cleanup(func() { syscall.Close(high) })
	for name, b := range boxes(t) {
		t.Run(name, func(t *testing.T) {
			out := run(t, b, box.Cmd{Entry: "secret", Args: []string{strconv.Itoa(high)}})
			if !strings.HasPrefix(string(out.Output), "refused: bad file descriptor") {
				t.Errorf("an entry point through an inherited descriptor: %q", out.Output)
			}
			out = run(t, b, box.Cmd{Path: "/bin/sh", Args: []string{"-c", "cat /proc/self/fd/77/secret 2>&1 || echo refused"}})
			if strings.Contains(string(out.Output), "host secret") || !strings.Contains(string(out.Output), "refused") {
				t.Errorf("a program through an inherited descriptor: %q", out.Output)
			}
		})
	}
}

// memoryByCgroup reports whether b's runs have a memory cgroup, as its
// warnings tell.
func memoryByCgroup(t *testing.T) (*box.Box, bool) {
	t.Helper()
	var warnings []string
	b := &box.Box{Warn: func(s string) { warnings = append(warnings, s) }, NoSandbox: true}
	b.Sandboxed()
	for _, w := range warnings {
		if strings.Contains(w, "memory limit bounds its private data") {
			t.Log(w)
			return sandbox(t), false
		}
	}
	return sandbox(t), true
}

// TestMemory maps and touches 3 GiB of shared memory, which RLIMIT_DATA
// does not count, under a limit of 256 MiB: the run fails, and says so
// where a cgroup counts it (else the address space, 2 GiB more, is too
// small). A run that fails having used less than its
// limit is not said to have hit it.
func TestMemory(t *testing.T) {
	b, cgroup := memoryByCgroup(t)
	limits := box.Limits{Memory: 256 << 20}
	out := run(t, b, box.Cmd{Entry: "shared", Limits: limits})
	if out.Exit == 0 || strings.Contains(string(out.Output), "touched") {
		t.Errorf("3 GiB of shared memory under a limit of 256 MiB: exit %d, output %q", out.Exit, out.Output)
	}
	if want := map[bool]string{true: box.LimitMemory}[cgroup]; out.Limit != want {
		t.Errorf("limit %q, want %q (a cgroup: %v)", out.Limit, want, cgroup)
	}
	out = run(t, b, box.Cmd{Entry: "allocate", Args: []string{"100"}, Limits: limits})
	if out.Exit != 1 || out.Limit != "" || out.Problem != "" {
		t.Errorf("a run that fails by itself under its limit: exit %d, limit %q, problem %q, output %q", out.Exit, out.Limit, out.Problem, out.Output)
	}
}

// TestDisk writes 16 files of 255 MiB, each under the limit on a file's
// size, in a working directory of at most 64 MiB: the run fails, and says
// that it filled its disk.
func TestDisk(t *testing.T) {
	b := sandbox(t)
	out := run(t, b, box.Cmd{Entry: "disk", Limits: box.Limits{FileSize: 255 << 20, Disk: 64 << 20}})
	if out.Exit != 1 || !strings.Contains(string(out.Output), "no space left on device") || out.Limit != box.LimitDisk {
		t.Errorf("exit %d, limit %q, output %q; want a full disk", out.Exit, out.Limit, out.Output)
	}
}

// TestWorkingDirectoryRemoved takes every permission away from the
// working directory and the folders the program made there: the box
// removes it all the same.
func TestWorkingDirectoryRemoved(t *testing.T) {
	for name, b := range boxes(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "work")
			out := run(t, b, box.Cmd{Entry: "lock", Dir: dir})
			if string(out.Output) != "locked\n" {
				t.Fatalf("output %q", out.Output)
			}
			if _, err := os.Lstat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the working directory is still there: %v", err)
			}
		})
	}
}

// A helperResult is what the helper says of one run.
type helperResult struct {
	Output, Problem string
	Sandboxed       bool
	Warnings        []string
}

// helper runs, in this test binary started again in a user namespace of
// its own (see inUserNamespace), the runs of a test that lowers the
// namespace's quotas, and prints what each gave, as JSON.
func helper(mode string) int {
	var warnings []string
	b := &box.Box{Warn: func(s string) { warnings = append(warnings, s) }}
	enc := json.NewEncoder(os.Stdout)
	runs := 0
	report := func(c box.Cmd) {
		tmp, err := os.MkdirTemp("", "box-test-")
		if err != nil {
			panic(err)
		}
		defer os.RemoveAll(tmp)
		runs++
		c.Dir, c.Timeout = filepath.Join(tmp, strconv.Itoa(runs)), time.Minute
		out, err := b.Run(context.Background(), &c)
		if err != nil {
			panic(err)
		}
		enc.Encode(helperResult{string(out.Output), out.Problem, out.Sandboxed, warnings})
	}
	echo := box.Cmd{Entry: "echo", Args: []string{"hello"}}
	switch mode {
	case "refused":
		setQuota("max_user_namespaces", "0")
		report(echo)
	case "filled":
		report(echo)
		old := setQuota("max_user_namespaces", "0")
		report(echo)
		setQuota("max_user_namespaces", old)
		report(echo)
		setQuota("max_uts_namespaces", "40")
		report(box.Cmd{Entry: "namespaces"})
		report(echo)
	}
	return 0
}

// setQuota sets /proc/sys/user/name, in this process's user namespace, and
// returns what it was.
func setQuota(name, value string) string {
	p := filepath.Join("/proc/sys/user", name)
	old, err := os.ReadFile(p)
	if err == nil {
		err = os.WriteFile(p, []byte(value), 0)
	}
	if err != nil {
		panic(err)
	}
	return strings.TrimSpace(string(old))
}

// inUserNamespace starts this test binary again as the helper mode names,
// with env, in a user namespace of its own, in which it may lower its
// quotas of namespaces without touching the machine's; it returns what
// the helper said of each run.
func inUserNamespace(t *testing.T, mode string, env ...string) []helperResult {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("user namespaces are Linux's")
	}
	sandbox(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "CI" && k != "NOTEBOOK_NO_SANDBOX" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(append(cmd.Env, helperEnv+"="+mode), env...)
	cmd.Stderr = os.Stderr
	sys := &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWUSER}
	if uid, gid := os.Getuid(), os.Getgid(); uid == 0 {
		// Root maps the users a box needs: root and nobody.
		sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}}
		sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}}
		sys.GidMappingsEnableSetgroups = true
	} else {
		sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
		sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
		sys.AmbientCaps = []uintptr{24} // CAP_SYS_RESOURCE, to set the quotas
	}
	cmd.SysProcAttr = sys
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the helper: %v\n%s", err, out)
	}
	var results []helperResult
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var r helperResult
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		results = append(results, r)
	}
	return results
}

// TestProbeRefused makes the kernel refuse the sandbox before the Box's
// first use, with a quota of user namespaces of 0: runs go without it,
// saying so, unless CI is set, when they fail, unless NOTEBOOK_NO_SANDBOX
// is set too.
func TestProbeRefused(t *testing.T) {
	tests := []struct {
		env                      []string
		output, problem, warning string
	}{
		{nil, "hello\n", "", "runs are not sandboxed (could not start the sandbox: "},
		{[]string{"CI=true"}, "", "not run: the sandbox is unavailable (could not start the sandbox: ", "not run"},
		{[]string{"CI=true", "NOTEBOOK_NO_SANDBOX=1"}, "hello\n", "", "runs are not sandboxed (NOTEBOOK_NO_SANDBOX is set)"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.env, ","), func(t *testing.T) {
			r := inUserNamespace(t, "refused", tt.env...)
			if len(r) != 1 {
				t.Fatalf("%d results, want 1", len(r))
			}
			got := r[0]
			if got.Output != tt.output || !strings.HasPrefix(got.Problem, tt.problem) || got.Sandboxed {
				t.Errorf("output %q, problem %q, sandboxed %v; want %q, %q…, not sandboxed", got.Output, got.Problem, got.Sandboxed, tt.output, tt.problem)
			}
			var warned bool
			for _, w := range got.Warnings {
				warned = warned || strings.HasPrefix(w, tt.warning)
			}
			if !warned {
				t.Errorf("warnings %q; want one that starts with %q", got.Warnings, tt.warning)
			}
		})
	}
}

// TestQuotaFilled lowers the quotas of namespaces in a user namespace of
// the test's own once the sandbox has passed its probe. A run whose
// sandbox the kernel then refuses fails, saying why; the next run, once
// there is room again, has the sandbox; a run cannot take namespaces (or
// keyrings) from the quota.
func TestQuotaFilled(t *testing.T) {
	r := inUserNamespace(t, "filled")
	if len(r) != 5 {
		t.Fatalf("%d results, want 5: %+v", len(r), r)
	}
	if !r[0].Sandboxed || r[0].Output != "hello\n" {
		t.Errorf("before: %+v, want a sandboxed run", r[0])
	}
	if r[1].Sandboxed || r[1].Output != "" || !strings.HasPrefix(r[1].Problem, "could not start the sandbox: ") || !strings.Contains(r[1].Problem, "max_*_namespaces") {
		t.Errorf("with the quota full: %+v, want a run that fails, saying why", r[1])
	}
	if !r[2].Sandboxed || r[2].Output != "hello\n" {
		t.Errorf("after: %+v, want a sandboxed run", r[2])
	}
	if want := "created 0 namespaces: fork/exec /bin/sh: operation not permitted\nkeyring: operation not permitted\n"; r[3].Output != want {
		t.Errorf("the run's own namespaces and keyring: %q, want %q", r[3].Output, want)
	}
	if !r[4].Sandboxed || strings.Contains(strings.Join(r[4].Warnings, "\n"), "not sandboxed") {
		t.Errorf("the run after: %+v, want a sandboxed run, and no warning of it", r[4])
	}
}
