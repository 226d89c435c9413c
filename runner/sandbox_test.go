package runner

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonotebook/notebook/internal/store"
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
	// Without a cgroup, memory is bounded by rlimits, which the kernel
	// does not say were hit, and under which a Go program may crash
	// without saying why: the run must fail, but need not name the limit.
	var rlimits bool
	r := &Runner{Warn: func(msg string) {
		t.Log(msg)
		rlimits = rlimits || strings.Contains(msg, "no usable cgroup")
	}}
	hitMemory := func(want string) func(*testing.T, *snippets.Snippet, *Result, []string) {
		return func(t *testing.T, s *snippets.Snippet, res *Result, args []string) {
			if err := Verdict(s, res); rlimits && err != nil && !strings.Contains(err.Error(), "hit the") {
				t.Logf("the memory limit held, unnamed: %v", err)
				return
			}
			checkHitLimit(want)(t, s, res, args)
		}
	}
	tests := []struct {
		name string
		// limit marks a fixture whose check holds without the sandbox
		// too.
		limit bool
		// args returns the fixture's arguments, made by the test.
		args  func(t *testing.T, s *snippets.Snippet) []string
		check func(t *testing.T, s *snippets.Snippet, res *Result, args []string)
	}{
		{
			name:  "daemon",
			limit: true,
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
				var pids []int
				for _, m := range regexp.MustCompile(`pid (\d+)`).FindAllSubmatch(res.Output, -1) {
					pid, _ := strconv.Atoi(string(m[1]))
					pids = append(pids, pid)
				}
				if len(pids) != 3 {
					t.Fatalf("pids %v in output:\n%s", pids, res.Output)
				}
				if !res.Sandboxed {
					// Only the child in the run's process group dies with it.
					if err := waitGone(pids[0], 5*time.Second); err != nil {
						t.Error(err)
					}
					return
				}
				// The pids are of the run's PID namespace, whose first
				// process is the program: 2 or a little more.
				if pids[0] < 2 || pids[2] > 64 {
					t.Errorf("pids %v are not those of a fresh PID namespace", pids)
				}
				if err := waitNoProcess(args[0], 10*time.Second); err != nil {
					t.Error(err)
				}
			},
		},
		{
			name: "write-outside",
			args: func(t *testing.T, s *snippets.Snippet) []string {
				st, err := store.Open(t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				st.Put(store.NewHash("test").Sum(), []byte("an entry, so that the store's folder is real"))
				t.Cleanup(func() { os.Remove("/tmp/notebook-forged.txt") }) // unsandboxed, this is the host's /tmp
				return []string{t.TempDir(), st.Dir(), s.Dir}
			},
			check: func(t *testing.T, s *snippets.Snippet, res *Result, args []string) {
				checkMeets(t, s, res)
				for _, dir := range append(args, "/tmp") {
					if _, err := os.Stat(filepath.Join(dir, "notebook-forged.txt")); !errors.Is(err, os.ErrNotExist) {
						t.Errorf("the run wrote into %s: %v", dir, err)
					}
				}
			},
		},
		{
			name: "network",
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
		{name: "memory", limit: true, check: hitMemory("hit the memory limit (256 MiB)")},
		{name: "open-files", limit: true, check: checkHitLimit("hit the open-files limit (1024)")},
		{name: "big-file", limit: true, check: checkHitLimit("hit the file-size limit (1 MiB)")},
		{
			name: "inherited-fd",
			args: func(t *testing.T, _ *snippets.Snippet) []string {
				dir := t.TempDir()
				if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("host secret\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				// Not close-on-exec, as a descriptor the build inherited;
				// numbered high, so that no descriptor of the box's own
				// takes its number once the box has closed it.
				fd, err := syscall.Open(dir, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer syscall.Close(fd)
				const high = 77
				if err := syscall.Dup2(fd, high); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { syscall.Close(high) })
				return []string{strconv.Itoa(high), dir}
			},
			limit: true,
			check: func(t *testing.T, s *snippets.Snippet, res *Result, args []string) {
				checkMeets(t, s, res)
				if _, err := os.Stat(filepath.Join(args[1], "forged.txt")); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("the run wrote through the inherited descriptor: %v", err)
				}
			},
		},
		{name: "shared-memory", limit: true, check: hitMemory("hit the memory limit (256 MiB)")},
		{
			name:  "memory-other",
			limit: true,
			check: func(t *testing.T, s *snippets.Snippet, res *Result, _ []string) {
				err := Verdict(s, res)
				if err == nil || strings.HasPrefix(err.Error(), "hit the memory limit") || !strings.Contains(err.Error(), "exit status 1") {
					t.Errorf("verdict %v; want a failure of exit status 1 that names no limit\n\noutput:\n%s", err, res.Output)
				}
			},
		},
		{name: "disk", check: checkHitLimit("hit the disk limit (256 MiB)")},
		{name: "namespaces", check: func(t *testing.T, s *snippets.Snippet, res *Result, _ []string) { checkMeets(t, s, res) }},
		{name: "working-directory", limit: true, check: checkWorkingDirectory},
		{
			name: "fork-bomb",
			args: func(*testing.T, *snippets.Snippet) []string { return []string{strconv.Itoa(os.Getpid())} },
			check: func(t *testing.T, s *snippets.Snippet, res *Result, _ []string) {
				// This test still runs, and was not stopped: the signals
				// did not reach it.
				want, err := os.ReadFile(filepath.Join(s.Dir, snippets.ExpectFile))
				if signals, _, _ := strings.Cut(string(want), "started"); err != nil || !strings.HasPrefix(string(res.Output), signals) {
					t.Errorf("output:\n%s\nwant it to start with:\n%s", res.Output, signals)
				}
				checkHitLimit("hit the process limit (256 processes and threads)")(t, s, res, nil)
				if err := waitNoProcess("sleep\x001000\x00", 10*time.Second); err != nil {
					t.Error(err)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, engine := range fixtureEngines(tt.name) {
				t.Run(engine, func(t *testing.T) {
					s, args := fixture(t, tt.name, tt.args)
					res := runFixture(t, r, s, engine, args)
					if !tt.limit {
						requireSandbox(t, res)
					}
					tt.check(t, s, res, args)
				})
			}
		})
	}
}

// fixtureEngines are the engines the fixture name runs with: both, and
// Python where it has a main.py, its original.
func fixtureEngines(name string) []string {
	if _, err := os.Stat(filepath.Join("testdata", "isolation", name, "main.py")); err == nil {
		return append(slices.Clip(engines), Python)
	}
	return engines
}

// runFixture runs s with engine, or its main.py as its original, with
// args: the original's line ARGS = [] becomes the list of args.
func runFixture(t *testing.T, r *Runner, s *snippets.Snippet, engine string, args []string) *Result {
	t.Helper()
	var res *Result
	var err error
	if engine != Python {
		res, err = r.Run(context.Background(), s, engine)
	} else {
		var code []byte
		if code, err = os.ReadFile(filepath.Join(s.Dir, "main.py")); err != nil {
			t.Fatal(err)
		}
		quoted := make([]string, len(args))
		for i, a := range args {
			quoted[i] = strconv.Quote(a)
		}
		text := strings.Replace(string(code), "ARGS = []", "ARGS = ["+strings.Join(quoted, ", ")+"]", 1)
		res, err = r.RunOriginal(context.Background(), s, text)
		if errors.Is(err, ErrNoPython) && os.Getenv("CI") == "" {
			t.Skip(err)
		}
	}
	if err != nil {
		t.Fatalf("the runner failed: %v", err)
	}
	return res
}

// checkWorkingDirectory checks that the run met its expectation, that it
// wrote only into its working directory, printed first, below the
// system's temporary folder, and that this is gone.
func checkWorkingDirectory(t *testing.T, s *snippets.Snippet, res *Result, _ []string) {
	t.Helper()
	checkMeets(t, s, res)
	wd, ok := strings.CutPrefix(firstLine(res.Output), "working directory: ")
	if !ok {
		t.Fatalf("no working directory in output:\n%s", res.Output)
	}
	if !strings.HasPrefix(wd, filepath.Clean(os.TempDir())+string(filepath.Separator)) {
		t.Errorf("working directory %s is not in %s", wd, os.TempDir())
	}
	if _, err := os.Lstat(wd); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the working directory %s outlived the run: %v", wd, err)
	}
	for _, dir := range []string{".", s.Dir} {
		if _, err := os.Stat(filepath.Join(dir, "written.txt")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the program wrote into %s: %v", dir, err)
		}
	}
	if got := fileNames(t, s.Dir); !slices.Equal(got, s.Files) {
		t.Errorf("the snippet's folder changed: it holds %v, it held %v", got, s.Files)
	}
}

// TestLockedFolderAsUser runs the fixture working-directory as an ordinary
// user, who cannot remove what has no permissions, unlike root: a test
// run by root runs itself again as nobody, from a copy of its binary that
// nobody can read. The native engine is left out there, whose compiles'
// build cache nobody would fill from nothing.
func TestLockedFolderAsUser(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the user nobody is Linux's")
	}
	if os.Getuid() != 0 {
		r := &Runner{}
		for _, engine := range fixtureEngines("working-directory")[1:] {
			t.Run(engine, func(t *testing.T) {
				s, _ := fixture(t, "working-directory", nil)
				checkWorkingDirectory(t, s, runFixture(t, r, s, engine, nil), nil)
			})
		}
		return
	}
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o777|os.ModeSticky); err != nil {
			t.Fatal(err)
		}
	}
	exe := filepath.Join(dir, "runner.test")
	data, err := os.ReadFile(os.Args[0])
	if err == nil {
		err = os.WriteFile(exe, data, 0o755)
	}
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestLockedFolderAsUser$", "-test.v")
	cmd.Env = append(os.Environ(), "TMPDIR="+dir, "HOME="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	t.Logf("as nobody:\n%s", out)
	if err != nil {
		t.Errorf("as nobody: %v", err)
	}
}

// TestQuota runs snippets in a user namespace of the test's own, in
// which the quotas of namespaces can be lowered without touching the
// machine's: once the sandbox has passed its probe, a run that the
// kernel refuses the sandbox for a full quota fails, saying why, rather
// than running without it, and so does a compile; the next run, once
// there is room, has the sandbox; and a run cannot take from the quota
// (see the fixture namespaces). Mapping the user nobody into the
// namespace takes root; package box's TestQuotaFilled does the same as
// any user.
func TestQuota(t *testing.T) {
	if runtime.GOOS != "linux" || os.Getuid() != 0 {
		t.Skip("lowering a quota in a user namespace that maps nobody takes root on Linux; see package box's TestQuotaFilled")
	}
	var dirs []string
	for _, name := range []string{"os-exit", "namespaces"} {
		dir, err := filepath.Abs(filepath.Join("testdata", "isolation", name))
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, dirs...)...)
	cmd.Env = append(os.Environ(), helperEnv+"=quota")
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}},
		// The box maps groups too.
		GidMappingsEnableSetgroups: true,
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the helper: %v\n%s", err, out)
	}
	var res []Result
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var r Result
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		res = append(res, r)
	}
	if len(res) != 5 {
		t.Fatalf("%d results, want 5:\n%s", len(res), out)
	}
	for i, want := range []bool{true, false, false, true, true} {
		if res[i].Sandboxed != want {
			t.Errorf("run %d: sandboxed %v, want %v (problem %q)", i, res[i].Sandboxed, want, res[i].Problem)
		}
	}
	for _, r := range res[1:3] {
		if !strings.Contains(r.Problem, "could not start the sandbox") || !strings.Contains(r.Problem, "max_*_namespaces") || len(r.Output) != 0 {
			t.Errorf("a run with the quota full: problem %q, output %q; want a failure that says why", r.Problem, r.Output)
		}
	}
	if got := firstLine(res[4].Output); got != "a user and UTS namespace: refused" {
		t.Errorf("the run's own namespaces: %q", got)
	}
}

// TestCgoInclude compiles snippets that ask for cgo and include, in their
// preamble, a file of the host outside the notebook, and /dev/zero: the
// C compiler sees neither the file nor, for long, the zeros.
func TestCgoInclude(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no C compiler: ", err)
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(dir, "secret.h")
	if err := os.WriteFile(secret, []byte("notebook_host_secret is here\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &Runner{}
	t.Cleanup(func() { r.Close() })
	for _, tt := range []struct{ include, want string }{{secret, "No such file or directory"}, {"/dev/zero", "memory"}} {
		t.Run(filepath.Base(tt.include), func(t *testing.T) {
			s, _ := fixture(t, "cgo-include", func(*testing.T, *snippets.Snippet) []string { return nil })
			main := filepath.Join(s.Dir, snippets.MainFile)
			src, err := os.ReadFile(main)
			if err == nil {
				err = os.WriteFile(main, bytes.Replace(src, []byte(`"INCLUDED"`), []byte(strconv.Quote(tt.include)), 1), 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			s, err = snippets.Load(filepath.Dir(s.Dir), "cgo-include")
			if err != nil {
				t.Fatal(err)
			}
			res, err := r.Run(context.Background(), s, snippets.Native)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s", res.Problem)
			if !strings.HasPrefix(res.Problem, "compile error") || !strings.Contains(res.Problem, tt.want) || strings.Contains(res.Problem, "notebook_host_secret") {
				t.Errorf("problem %q; want a compile error that says %q, and nothing of the host's file", res.Problem, tt.want)
			}
		})
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
		fmt.Println(r.temp)
		r.Run(context.Background(), s, snippets.Yaegi)
		return 0, true
	case "quota":
		// In a user namespace of the test's own (see TestQuota), run
		// the snippets args name, lowering the quotas of namespaces
		// between the runs, and print each result as JSON.
		r := &Runner{}
		enc := json.NewEncoder(os.Stdout)
		report := func(engine, id string) {
			s, err := snippets.Load(filepath.Dir(id), filepath.Base(id))
			var res *Result
			if err == nil {
				res, err = r.Run(context.Background(), s, engine)
			}
			if err != nil {
				res = &Result{Problem: err.Error()}
			}
			enc.Encode(res)
		}
		quota := func(name, value string) string {
			p := filepath.Join("/proc/sys/user", name)
			old, _ := os.ReadFile(p)
			if err := os.WriteFile(p, []byte(value), 0); err != nil {
				panic(err)
			}
			return strings.TrimSpace(string(old))
		}
		report(snippets.Yaegi, args[0])
		old := quota("max_user_namespaces", "0")
		report(snippets.Yaegi, args[0])
		report(snippets.Native, args[0])
		quota("max_user_namespaces", old)
		report(snippets.Yaegi, args[0])
		quota("max_uts_namespaces", "40")
		report(snippets.Native, args[1])
		return 0, true
	case "alone":
		// Take the machine lock in args[0] for an alone run, say so,
		// and hold it until standard input ends.
		release, err := machineLock(args[0]).acquire(context.Background(), true)
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
	if err := os.WriteFile(filepath.Join(dir, snippets.OptionsFile), []byte("timeout: 1m\n"), 0o644); err != nil {
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
	t.Cleanup(func() { r.Close() })
	if err := r.setup(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(temp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a new Runner left the dead one's folder %s: %v", temp, err)
	}
	if _, err := os.Stat(r.temp); err != nil {
		t.Errorf("the new Runner's own folder: %v", err)
	}
	// A living Runner's folder is left alone.
	r2 := &Runner{}
	t.Cleanup(func() { r2.Close() })
	if err := r2.setup(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(r.temp); err != nil {
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
	m := machineLock(dir)

	// Another process holds the lock for an alone run: no run here.
	cmd, stdin, line := helper(t, "alone", dir)
	if line != "held" {
		t.Fatalf("helper: %s", line)
	}
	if _, err := try(m); !errors.Is(err, context.Canceled) {
		t.Fatalf("an ordinary run got the lock while another process ran alone: %v", err)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	release, err := try(m)
	if err != nil {
		t.Fatalf("the lock is still held after the alone run ended: %v", err)
	}
	other, err := try(m)
	if err != nil {
		t.Fatalf("two ordinary runs exclude each other: %v", err)
	}
	other()

	// An ordinary run holds the lock here; an alone run in another
	// process waits for it, and meanwhile no new run starts.
	cmd, stdin = startAloneWaiting(t, dir)
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := try(m)
		if errors.Is(err, context.Canceled) {
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

// try takes m for an ordinary run if it is free at once, and returns
// context.Canceled if it is held: a cancelled context stops the wait
// before it starts.
func try(m machineLock) (func(), error) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return m.acquire(ctx, false)
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
