package runner

import (
	"context"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gonotebook/notebook/snippets"
)

// BenchmarkEngines measures what one run of a snippet costs under each
// engine, from the start of Runner.RunEngine to its result, for a trivial
// program and for a seed snippet, cold and warm. Run it with
//
//	go test ./runner -run '^$' -bench Engines -benchtime 1x [-baseline REV]
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
// run, how many times longer native takes than yaegi. notebook-exec-ms is
// a run of the notebook command that does nothing (notebook help: starting
// the process and initialising its packages), which a yaegi run pays once,
// for its box. With -baseline REV it also compares a warm yaegi run with
// that of the notebook command built from the git revision REV (see
// compareBaseline).
func BenchmarkEngines(b *testing.B) {
	const warmRuns = 5
	programs := []struct {
		name, dir, id string
	}{
		{"trivial", filepath.Join("testdata", "bench"), "hello"},
		{"seed", filepath.Join("..", "snippets"), "decorators/function"},
	}
	native := &Runner{}
	if _, err := native.Version(context.Background(), snippets.Native); err != nil { // once per build, not per snippet
		b.Fatal(err)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

	for b.Loop() {
		notebook := filepath.Join(b.TempDir(), "notebook")
		buildNotebook(b, ".", notebook)

		for _, p := range programs {
			s, err := snippets.Load(p.dir, p.id)
			if err != nil {
				b.Fatal(err)
			}
			run := func(r *Runner, engine string) time.Duration {
				start := time.Now()
				res, err := r.RunEngine(context.Background(), s, engine)
				if err != nil {
					b.Fatal(err)
				}
				if err := Verdict(s, res); err != nil {
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
			nativeCold := run(&Runner{}, snippets.Native) // a new Runner: nothing built before
			restore()
			nativeWarm := warm(native, snippets.Native)

			// The box of yaegi runs, as the notebook command starts it.
			boxExe := filepath.Join(filepath.Dir(notebook), BoxCommand)
			fresh := &Runner{Exe: copyExecutable(b, boxExe)}
			interp := &Runner{Exe: boxExe}
			for _, r := range []*Runner{fresh, interp} {
				if _, err := r.Version(context.Background(), snippets.Yaegi); err != nil {
					b.Fatal(err)
				}
			}
			yaegiCold := run(fresh, snippets.Yaegi)
			yaegiWarm := warm(interp, snippets.Yaegi)

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

		if *baseline != "" {
			compareBaseline(b, notebook, *baseline)
		}
	}
	b.ReportMetric(0, "ns/op") // the sum of everything above means nothing
}

var baseline = flag.String("baseline", "", "also measure the notebook command of this git `revision`, for BenchmarkEngines")

// compareBaseline measures a warm yaegi run of a seed snippet with the
// notebook command built from this tree (notebook) and from the git
// revision rev, in the same run: the time of "notebook run -engine yaegi"
// less that of "notebook help" (the command's own start), the mean of
// warm runs after one untimed. It reports both and their ratio.
func compareBaseline(b *testing.B, notebook, rev string) {
	b.Helper()
	src := b.TempDir()
	archive := exec.Command("sh", "-c", "git archive "+rev+" | tar -x -C "+src)
	archive.Dir = ".."
	if out, err := archive.CombinedOutput(); err != nil {
		b.Fatalf("extracting %s: %v\n%s", rev, err, out)
	}
	old := filepath.Join(b.TempDir(), "notebook")
	buildNotebook(b, src, old)
	// A notebook holding the seed snippet's program and expectation alone:
	// its snippet.yaml may use keys the older command does not know.
	root := b.TempDir()
	dir := filepath.Join(root, "snippets", "decorators", "function")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"main.go", "expected.txt"} {
		data, err := os.ReadFile(filepath.Join("..", "snippets", "decorators", "function", name))
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	const runs = 20
	cost := func(exe string) time.Duration {
		mean := func(args ...string) time.Duration {
			exec.Command(exe, args...).Run() // the first run is not warm
			var total time.Duration
			for range runs {
				start := time.Now()
				if out, err := exec.Command(exe, args...).CombinedOutput(); err != nil {
					b.Fatalf("%s %v: %v\n%s", exe, args, err, out)
				}
				total += time.Since(start)
			}
			return total / runs
		}
		return mean("run", "-root", root, "-engine", "yaegi", "decorators/function") - mean("help")
	}
	now, then := cost(notebook), cost(old)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(now), "yaegi-run-ms")
	b.ReportMetric(ms(then), "baseline-yaegi-run-ms")
	b.ReportMetric(float64(now)/float64(then), "yaegi-run/baseline")
}

// buildNotebook builds the notebook command of the module in dir into exe,
// with its box command beside it where the module has one.
func buildNotebook(b *testing.B, dir, exe string) {
	b.Helper()
	pkgs := []string{"./cmd/notebook"}
	root := dir
	if dir == "." {
		root = ".."
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", BoxCommand)); err == nil {
		pkgs = append(pkgs, "./cmd/"+BoxCommand)
	}
	build := exec.Command("go", append([]string{"build", "-o", filepath.Dir(exe) + "/"}, pkgs...)...)
	build.Dir = dir
	if dir == "." {
		build.Dir = ".."
	}
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("building the notebook command in %s: %v\n%s", dir, err, out)
	}
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
