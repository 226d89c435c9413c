package runner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gonotebook/notebook/runner/box"
	"github.com/gonotebook/notebook/snippets"
)

// TestIsolation runs each program in testdata/isolation under both engines
// and checks that it ends with a clear result: what it printed so far, its
// exit status and, if it did not end by itself, why.
func TestIsolation(t *testing.T) {
	r := &Runner{}
	t.Cleanup(func() { r.Close() })
	tests := []struct {
		name string
		// serial runs the fixture with nothing else running in this
		// process, for the check of its memory.
		serial bool
		check  func(t *testing.T, s *snippets.Snippet, res *Result)
	}{
		{name: "goroutine-loops", check: checkTimedOut},
		{name: "os-exit", check: checkMeets},
		{name: "panic", check: checkMeets},
		{name: "report-pipe", check: checkMeets},
		{name: "goroutine-panic", check: func(t *testing.T, s *snippets.Snippet, res *Result) {
			if !strings.HasPrefix(string(res.Output), "panic: boom") || res.Exit != 2 {
				t.Errorf("exit %d, output:\n%s\nwant exit 2 and a panic", res.Exit, res.Output)
			}
			if path := regexp.MustCompile(`(?m)^\s*/\S+\.go:\d+`).Find(res.Output); path != nil {
				t.Errorf("the output names %s, a file of this machine:\n%s", path, res.Output)
			}
		}},
		{name: "flood", serial: true, check: func(t *testing.T, s *snippets.Snippet, res *Result) {
			const printed = 100 << 20
			if len(res.Output) != box.MaxOutput || res.Cut != printed-box.MaxOutput {
				t.Errorf("kept %d bytes and cut %d, want %d kept and %d cut", len(res.Output), res.Cut, box.MaxOutput, printed-box.MaxOutput)
			}
			if res.Problem != "" || res.Exit != 0 {
				t.Errorf("problem %q, exit %d; want a normal end", res.Problem, res.Exit)
			}
			if err := s.Expect.CheckAs(res.Output, false, "output"); err != nil {
				t.Errorf("the kept output is not what the program printed first: %v", err)
			}
			err := Verdict(s, res)
			if err == nil || !strings.Contains(err.Error(), "more were cut") {
				t.Errorf("verdict %v, want a failure that says output was cut", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := snippets.Load(filepath.Join("testdata", "isolation"), tt.name)
			if err != nil {
				t.Fatal(err)
			}
			for _, engine := range engines {
				t.Run(engine, func(t *testing.T) {
					if !tt.serial {
						t.Parallel()
					}
					var before runtime.MemStats
					runtime.ReadMemStats(&before)
					res, err := r.Run(context.Background(), s, engine)
					if err != nil {
						t.Fatalf("the runner failed: %v", err)
					}
					if tt.serial {
						var after runtime.MemStats
						runtime.ReadMemStats(&after)
						if n := after.TotalAlloc - before.TotalAlloc; n > 16<<20 {
							t.Errorf("the run allocated %d MiB: output is not bounded", n>>20)
						}
					}
					if res.Engine != engine {
						t.Errorf("result says engine %q, want %q", res.Engine, engine)
					}
					tt.check(t, s, res)
				})
			}
		})
	}
}

// checkMeets checks that the program ended by itself and met its
// expectation, exit status included.
func checkMeets(t *testing.T, s *snippets.Snippet, res *Result) {
	t.Helper()
	if err := Verdict(s, res); err != nil {
		t.Errorf("%v\n\noutput:\n%s", err, res.Output)
	}
}

// checkTimedOut checks that the program was killed at its timeout, and
// that what it printed before is kept.
func checkTimedOut(t *testing.T, s *snippets.Snippet, res *Result) {
	t.Helper()
	limit := time.Duration(s.Options.Timeout)
	want := "timed out after " + limit.String() + " and was killed"
	if res.Problem != want || res.Exit != -1 {
		t.Errorf("problem %q, exit %d; want %q, exit -1", res.Problem, res.Exit, want)
	}
	if res.Duration < limit || res.Duration > limit+5*time.Second {
		t.Errorf("the run took %v; the timeout is %v", res.Duration, limit)
	}
	if err := s.Expect.CheckAs(res.Output, false, "output"); err != nil {
		t.Errorf("the output before the timeout is lost: %v", err)
	}
}

func firstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b), "\n")
	return line
}

func fileNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// waitGone waits until no process pid runs any more: it does not exist, or
// is a zombie waiting to be reaped by its new parent.
func waitGone(pid int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil && errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			// No /proc: ask the kernel whether it can signal pid.
			if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
				return nil
			}
		} else if _, after, ok := strings.Cut(string(stat), ") "); ok && strings.HasPrefix(after, "Z") {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("process " + strconv.Itoa(pid) + " still runs after the snippet ended")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRunnerReportsEveryResult runs snippets that time out, crash, exit
// early and fail to compile alongside good ones, at the same time, with one
// runner: each gets a result of its own, and the good ones still pass.
func TestRunnerReportsEveryResult(t *testing.T) {
	type run struct {
		dir, name, engine string
		problem           string // a prefix of the result's problem; "" for none
		exit              int
		meets             bool
	}
	runs := []run{
		{"isolation", "goroutine-loops", snippets.Native, "timed out", -1, false},
		{"isolation", "goroutine-loops", snippets.Yaegi, "timed out", -1, false},
		{"isolation", "panic", snippets.Yaegi, "", 2, true},
		{"isolation", "os-exit", snippets.Native, "", 3, true},
		{"engines", "compile-error", snippets.Native, "compile error", -1, false},
		{"engines", "compile-error", snippets.Yaegi, "compile error", -1, false},
		{"engines", "recover", snippets.Native, "", 0, true},
		{"engines", "recover", snippets.Yaegi, "", 0, true},
	}
	r := &Runner{}
	t.Cleanup(func() { r.Close() })
	results := make([]*Result, len(runs))
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	for i, x := range runs {
		s, err := snippets.Load(filepath.Join("testdata", x.dir), x.name)
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() { results[i], errs[i] = r.Run(context.Background(), s, x.engine) })
	}
	wg.Wait()
	for i, x := range runs {
		res, err := results[i], errs[i]
		if err != nil {
			t.Errorf("%s (%s): the runner failed: %v", x.name, x.engine, err)
			continue
		}
		s, _ := snippets.Load(filepath.Join("testdata", x.dir), x.name)
		switch {
		case res.ID != x.name || res.Engine != x.engine:
			t.Errorf("%s (%s): got the result of %s (%s)", x.name, x.engine, res.ID, res.Engine)
		case x.problem == "" && res.Problem != "", !strings.HasPrefix(res.Problem, x.problem):
			t.Errorf("%s (%s): problem %q, want %q", x.name, x.engine, res.Problem, x.problem)
		case res.Exit != x.exit:
			t.Errorf("%s (%s): exit %d, want %d", x.name, x.engine, res.Exit, x.exit)
		case (Verdict(s, res) == nil) != x.meets:
			t.Errorf("%s (%s): verdict %v, want meets=%v", x.name, x.engine, Verdict(s, res), x.meets)
		}
	}
}
