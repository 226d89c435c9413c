package runner

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/snippets"
)

// engines are the engines a test runs its programs under.
var engines = []string{snippets.Native, snippets.Yaegi}

// TestEngines runs each program in testdata/engines under both engines.
// Those that both engines run must behave the same; the others show how a
// difference is reported.
func TestEngines(t *testing.T) {
	r := &Runner{}
	t.Cleanup(func() { r.Close() })
	load := func(t *testing.T, name string) *snippets.Snippet {
		t.Helper()
		s, err := snippets.Load(filepath.Join("testdata", "engines"), name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	run := func(t *testing.T, s *snippets.Snippet, engine string) *Result {
		t.Helper()
		res, err := r.Run(context.Background(), s, engine)
		if err != nil {
			t.Fatalf("%s engine: the runner failed: %v", engine, err)
		}
		return res
	}

	// Programs both engines must run alike.
	for _, name := range []string{"recover", "log", "process"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := load(t, name)
			native, yaegi := run(t, s, snippets.Native), run(t, s, snippets.Yaegi)
			if err := EngineVerdict(s, native, yaegi); err != nil {
				t.Error(err)
			}
			if err := EngineVerdict(s, yaegi, native); err != nil {
				t.Error(err)
			}
		})
	}

	t.Run("compile-error", func(t *testing.T) {
		t.Parallel()
		s := load(t, "compile-error")
		for _, engine := range engines {
			res := run(t, s, engine)
			if !strings.HasPrefix(res.Problem, "compile error") || !strings.Contains(res.Problem, "main.go:8:14: undefined: undefinedName") {
				t.Errorf("%s engine: problem %q, want a compile error at main.go:8:14", engine, res.Problem)
			}
			if res.Exit != -1 || len(res.Output) != 0 {
				t.Errorf("%s engine: exit %d, output %q; want -1 and nothing", engine, res.Exit, res.Output)
			}
		}
	})

	t.Run("range-over-func", func(t *testing.T) {
		t.Parallel()
		s := load(t, "range-over-func")
		native, yaegi := run(t, s, snippets.Native), run(t, s, snippets.Yaegi)
		if err := Verdict(s, native); err != nil {
			t.Errorf("native engine: %v", err)
		}
		want := "compile error (yaegi):\nmain.go:19:2: range over a function (Go 1.23), which yaegi v0.16.1 cannot compile\n"
		if !strings.HasPrefix(yaegi.Problem, want) {
			t.Errorf("yaegi engine: problem %q, want it to start %q", yaegi.Problem, want)
		}
	})

	// A difference between the engines fails the yaegi run, and the
	// failure shows both outputs.
	t.Run("type-name", func(t *testing.T) {
		t.Parallel()
		s := load(t, "type-name")
		native, yaegi := run(t, s, snippets.Native), run(t, s, snippets.Yaegi)
		if err := EngineVerdict(s, native, yaegi); err != nil {
			t.Errorf("native engine: %v", err)
		}
		err := EngineVerdict(s, yaegi, native)
		if err == nil {
			t.Fatalf("yaegi printed %q and met the expectation; this test needs a difference between the engines", yaegi.Output)
		}
		for _, want := range []string{"yaegi output:\n" + string(yaegi.Output), "native output:\nmain.point\n", "the engines differ"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the failure does not show %q:\n%v", want, err)
			}
		}
	})
}

// TestYaegiVersion checks what a yaegi result says about its engine.
func TestYaegiVersion(t *testing.T) {
	r := &Runner{}
	t.Cleanup(func() { r.Close() })
	v, err := r.Version(snippets.Yaegi)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("yaegi v0.16.1 (%s host)", runtime.Version()); v != want {
		t.Errorf("Version(yaegi) = %q, want %q", v, want)
	}
}
