package snippets

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// engines are the engines a test runs its programs under.
var engines = []string{Native, Yaegi}

// TestEngines runs each program in testdata/engines under both engines.
// Those that both engines run must behave the same; the others show how a
// difference is reported.
func TestEngines(t *testing.T) {
	r := &Runner{}
	load := func(t *testing.T, name string) *Snippet {
		t.Helper()
		s, err := Load(filepath.Join("testdata", "engines"), name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	run := func(t *testing.T, s *Snippet, engine string) *Result {
		t.Helper()
		res, err := r.RunEngine(context.Background(), s, engine)
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
			native, yaegi := run(t, s, Native), run(t, s, Yaegi)
			if err := engineVerdict(s, native, yaegi); err != nil {
				t.Error(err)
			}
			if err := engineVerdict(s, yaegi, native); err != nil {
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
		native, yaegi := run(t, s, Native), run(t, s, Yaegi)
		if err := s.Verdict(native); err != nil {
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
		native, yaegi := run(t, s, Native), run(t, s, Yaegi)
		if err := engineVerdict(s, native, yaegi); err != nil {
			t.Errorf("native engine: %v", err)
		}
		err := engineVerdict(s, yaegi, native)
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
	v, err := r.YaegiVersion()
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("yaegi v0.16.1 (%s host)", runtime.Version()); v != want {
		t.Errorf("YaegiVersion() = %q, want %q", v, want)
	}
	if _, err := (&Runner{Yaegi: filepath.Join(t.TempDir(), "missing")}).YaegiVersion(); err == nil {
		t.Error("YaegiVersion with a missing interpreter program: no error")
	}
}

// TestYaegiRelease checks that yaegiRelease is the version go.mod requires.
func TestYaegiRelease(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	// A requirement is "path version", alone or inside require ( ... ).
	for line := range strings.Lines(string(data)) {
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require "))
		if len(fields) >= 2 && fields[0] == yaegiModule {
			if fields[1] != yaegiRelease {
				t.Errorf("go.mod requires %s %s; yaegiRelease says %s", yaegiModule, fields[1], yaegiRelease)
			}
			return
		}
	}
	t.Errorf("go.mod does not require %s", yaegiModule)
}

func TestYaegiGaps(t *testing.T) {
	src := `package main

import "fmt"

const three = 3

func each(yield func(int) bool) {}

func main() {
	for range 3 {
	}
	for i := range three {
		fmt.Println(i)
	}
	for range int64(2) {
	}
	n := 4
	for range n - 1 {
	}
	for range each {
	}
	for range []int{1} {
	}
	for range "text" {
	}
	for range map[int]int{} {
	}
	for range make(chan int) {
	}
	for range fmt.Sprint(1) { // of unknown type: not reported
	}
}
`
	fsys := fstest.MapFS{
		"main.go":      {Data: []byte(src)},
		"main_test.go": {Data: []byte("package main\n\nfunc f() {\n\tfor range 1 {\n\t}\n}\n")},
	}
	got := yaegiGaps(fsys)
	var want []string
	for _, w := range []struct {
		pos  string
		what string
	}{
		{"main.go:10:2", "an integer (Go 1.22)"},
		{"main.go:12:2", "an integer (Go 1.22)"},
		{"main.go:15:2", "an integer (Go 1.22)"},
		{"main.go:18:2", "an integer (Go 1.22)"},
		{"main.go:20:2", "a function (Go 1.23)"},
	} {
		want = append(want, w.pos+": range over "+w.what+", which yaegi v0.16.1 cannot compile")
	}
	if !slices.Equal(got, want) {
		t.Errorf("yaegiGaps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestPanicValue(t *testing.T) {
	type celsius float64
	tests := []struct {
		v    any
		want string
	}{
		{"boom", "boom"},
		{"two\nlines", "two\n\tlines"},
		{fmt.Errorf("wrapped: %w", context.Canceled), "wrapped: context canceled"},
		{42, "42"},
		{uint8(7), "7"},
		{true, "true"},
		{1.5, "+1.500000e+000"},
		{-0.000123, "-1.230000e-004"},
		{math.Inf(1), "+Inf"},
		{math.NaN(), "NaN"},
		{complex(1, -2), "(+1.000000e+000-2.000000e+000i)"},
		{nil, "nil"},
		{celsius(3), "snippets.celsius(+3.000000e+000)"},
		{struct{ X int }{1}, "(struct { X int }) {1}"},
	}
	for _, tt := range tests {
		if got := panicValue(tt.v); got != tt.want {
			t.Errorf("panicValue(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestFrameFilter(t *testing.T) {
	var out strings.Builder
	f := &frameFilter{w: &out}
	for _, line := range []string{
		"main.go:8:8: panic: ./.fail(...)\n",
		"a line of the program's own\n",
		"main.go:12:8: panic: ./.main(...)\n",
	} {
		if n, err := f.Write([]byte(line)); n != len(line) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", line, n, err)
		}
	}
	if want := "a line of the program's own\n"; out.String() != want {
		t.Errorf("passed on %q, want %q", out.String(), want)
	}
	if got, want := f.trace(), "goroutine 1 [running]:\nmain.fail(...)\nmain.main(...)\n"; got != want {
		t.Errorf("trace() = %q, want %q", got, want)
	}
	for range maxFrames {
		f.Write([]byte("main.go:3:1: panic: ./.recurse(...)\n"))
	}
	if got := f.trace(); strings.Count(got, "(...)") != maxFrames || !strings.HasSuffix(got, "...additional frames elided...\n") {
		t.Errorf("after %d more frames, trace() = %q", maxFrames, got)
	}
}
