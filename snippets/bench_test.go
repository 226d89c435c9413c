package snippets

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkEngines measures what one run of a snippet costs under each
// engine, from the start of Runner.RunEngine to its result, for a trivial
// program and for a seed snippet, cold and warm. Run it with
//
//	go test ./snippets -run '^$' -bench Engines -benchtime 1x
//
// yaegi snippets are interpreted by the notebook command, as in a build;
// the benchmark builds it first, untimed.
//
// Cold means nothing is reused from an earlier run. Native: go build with
// an empty build cache (GOCACHE in a new temporary folder), so the
// standard library is compiled too, as on a machine or CI job with no
// cache. yaegi: the first run of a freshly written notebook executable.
// Warm means the build cache is hot and the notebook executable has run
// before; warm figures are the mean of warmRuns runs.
//
// It reports each time in milliseconds and, as ratios measured in the same
// run, how many times longer native takes than yaegi. Two more figures
// break yaegi's cost down: notebook-exec-ms is a run of the notebook
// command that does nothing (notebook help: starting the process and
// initialising its packages), yaegi-start-ms the interpreter's own start
// (interp.New and loading the standard library's symbols), measured in
// this process.
func BenchmarkEngines(b *testing.B) {
	const warmRuns = 5
	programs := []struct {
		name, dir, id string
	}{
		{"trivial", filepath.Join("testdata", "bench"), "hello"},
		{"seed", ".", "decorators/function"},
	}
	native := &Runner{}
	if _, err := native.GoVersion(); err != nil { // once per build, not per snippet
		b.Fatal(err)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

	for b.Loop() {
		notebook := filepath.Join(b.TempDir(), "notebook")
		build := exec.Command(native.goCmd(), "build", "-o", notebook, "github.com/gonotebook/notebook/cmd/notebook")
		if out, err := build.CombinedOutput(); err != nil {
			b.Fatalf("building the notebook command: %v\n%s", err, out)
		}

		for _, p := range programs {
			s, err := Load(p.dir, p.id)
			if err != nil {
				b.Fatal(err)
			}
			run := func(r *Runner, engine string) time.Duration {
				start := time.Now()
				res, err := r.RunEngine(context.Background(), s, engine)
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Verdict(res); err != nil {
					b.Fatalf("%s (%s): %v", p.id, engine, err)
				}
				return time.Since(start)
			}
			warm := func(r *Runner, engine string) time.Duration {
				run(r, engine) // the first run is not warm
				var total time.Duration
				for range warmRuns {
					total += run(r, engine)
				}
				return total / warmRuns
			}

			restore := setenv(b, "GOCACHE", b.TempDir())
			nativeCold := run(native, Native)
			restore()
			nativeWarm := warm(native, Native)

			fresh := &Runner{Yaegi: copyExecutable(b, notebook)}
			yaegi := &Runner{Yaegi: notebook}
			for _, r := range []*Runner{fresh, yaegi} {
				if _, err := r.YaegiVersion(); err != nil {
					b.Fatal(err)
				}
			}
			yaegiCold := run(fresh, Yaegi)
			yaegiWarm := warm(yaegi, Yaegi)

			b.ReportMetric(ms(nativeCold), p.name+"-native-cold-ms")
			b.ReportMetric(ms(yaegiCold), p.name+"-yaegi-cold-ms")
			b.ReportMetric(ms(nativeWarm), p.name+"-native-warm-ms")
			b.ReportMetric(ms(yaegiWarm), p.name+"-yaegi-warm-ms")
			b.ReportMetric(float64(nativeCold)/float64(yaegiCold), p.name+"-cold-native/yaegi")
			b.ReportMetric(float64(nativeWarm)/float64(yaegiWarm), p.name+"-warm-native/yaegi")
		}

		var idle time.Duration
		for range warmRuns {
			start := time.Now()
			if out, err := exec.Command(notebook, "help").CombinedOutput(); err != nil {
				b.Fatalf("notebook help: %v\n%s", err, out)
			}
			idle += time.Since(start)
		}
		b.ReportMetric(ms(idle/warmRuns), "notebook-exec-ms")

		const starts = 20
		start := time.Now()
		for range starts {
			if _, err := newInterpreter(os.DirFS("."), io.Discard); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(ms(time.Since(start)/starts), "yaegi-start-ms")
	}
	b.ReportMetric(0, "ns/op") // the sum of everything above means nothing
}

// setenv sets the environment variable key to value and returns a function
// that puts back what it was.
func setenv(b *testing.B, key, value string) (restore func()) {
	b.Helper()
	old, had := os.LookupEnv(key)
	b.Setenv(key, value) // and restore it at the end, whatever happens
	return func() {
		if had {
			os.Setenv(key, old)
		} else {
			os.Unsetenv(key)
		}
	}
}

// copyExecutable copies the executable at path into a new file.
func copyExecutable(b *testing.B, path string) string {
	b.Helper()
	src, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	dst := filepath.Join(b.TempDir(), filepath.Base(path))
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(f, src); err != nil {
		f.Close()
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return dst
}
