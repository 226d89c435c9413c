//go:build linux

// Command compare measures the notebook against Hugo and against its own
// targets, in one run, on this machine:
//
//	go run ./bench/compare                 # from the repository's root
//	go run ./bench/compare -notes 500 -linked-notes 100 -runs 1   # a quick look
//
// It installs nothing. Hugo must be on PATH or in $(go env GOPATH)/bin, or
// named with -hugo; install it with
//
//	CGO_ENABLED=0 go install github.com/gohugoio/hugo@v0.165.0
//
// (a few minutes to compile). It builds the notebook command once (a
// snippet runs in a copy of it, re-executed), then, writing everything
// below -dir (a RAM disk, /dev/shm, by default), the notebook's store
// ($NOTEBOOK_CACHE) included, so that no build reuses what another run
// left:
//
//   - corpus: generates -notes notes (see bench/internal/corpus) and builds
//     them with notebook build -no-cache and with hugo, each from an empty
//     output folder ("cold"), then again over the previous output with
//     nothing changed ("rebuild");
//   - seed: the repository's own notebook rebuilt with nothing changed and
//     its results cached;
//   - linked: -linked-notes notes with -linked linked blocks each, built
//     once to fill the results cache (this first build runs every snippet
//     and takes minutes), then built in full from the cache, then rebuilt
//     after a prose edit in one note;
//   - cold-seed: the repository's notebook built with an empty results
//     cache (the Go build cache stays warm), in full and with
//     -no-originals (its Go programs only, which is what go run does),
//     against running each of its snippets with go run, one after
//     another.
//
// Each measurement is the median of -runs runs: the wall time and the peak
// resident memory of the process and its children (getrusage's maxrss).
// It prints a Markdown table for each part, the notebook/Hugo ratios and the
// targets of the project's performance work. -parts picks the parts.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/gonotebook/notebook/bench/internal/corpus"
	"github.com/gonotebook/notebook/snippets"
)

func main() {
	b := &bench{stdout: os.Stdout, log: os.Stderr}
	var parts string
	flag.StringVar(&b.repo, "repo", ".", "the notebook repository's `folder`")
	flag.StringVar(&b.dir, "dir", "/dev/shm/notebook-bench", "work in `dir`, on a RAM disk; emptied first if an earlier run made it")
	flag.StringVar(&b.hugo, "hugo", "", "the hugo `command` (default: hugo on PATH or in GOPATH/bin)")
	flag.IntVar(&b.runs, "runs", 3, "take the median of `n` runs")
	flag.IntVar(&b.notes, "notes", 2500, "notes in the corpus built by both tools")
	flag.Uint64Var(&b.seed, "seed", 1, "the corpus `seed`")
	flag.BoolVar(&b.tame, "tame", false, "generate no info strings the notebook's contract does not own")
	flag.IntVar(&b.linkedNotes, "linked-notes", 1000, "notes in the corpus with linked blocks")
	flag.IntVar(&b.linked, "linked", 10, "linked blocks per note in that corpus")
	flag.StringVar(&parts, "parts", "corpus,seed,linked,cold-seed", "which `parts` to run, comma-separated")
	flag.Parse()
	if flag.NArg() > 0 || b.runs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	// Interrupted, it kills the build it is measuring.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := b.run(ctx, strings.Split(parts, ","))
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// bench is one benchmark run: its settings and where it writes.
type bench struct {
	repo, dir, hugo          string
	runs, notes, linkedNotes int
	linked                   int
	seed                     uint64
	tame                     bool

	nb     string // the built notebook command
	stdout io.Writer
	log    io.Writer
}

// A sample is one measured process.
type sample struct {
	wall time.Duration
	rss  int64 // bytes
	err  error
	out  string // its standard error, for reports
}

// A result is the median of a measurement's samples, or its first error.
type result struct {
	wall time.Duration
	rss  int64
	err  error
}

func (b *bench) run(ctx context.Context, parts []string) error {
	for _, p := range parts {
		if !slices.Contains([]string{"corpus", "seed", "linked", "cold-seed"}, p) {
			return fmt.Errorf("unknown part %q: want corpus, seed, linked or cold-seed", p)
		}
	}
	if _, err := os.Stat(filepath.Join(b.repo, "cmd", "notebook")); err != nil {
		return fmt.Errorf("-repo %s is not the notebook repository: %v", b.repo, err)
	}
	if err := b.clean(); err != nil {
		return err
	}
	// The notebook command is its own box: a snippet runs in a copy of
	// it, re-executed.
	b.nb = filepath.Join(b.dir, "notebook")
	b.logf("building %s", b.nb)
	if s := b.measure(ctx, b.repo, nil, "go", "build", "-o", b.nb, "./cmd/notebook"); s.err != nil {
		return s.err
	}
	fmt.Fprintf(b.stdout, "On %s, %d runs each, medians; %s.\n\n", machine(), b.runs, goVersion(ctx))
	for _, p := range parts {
		var err error
		switch p {
		case "corpus":
			err = b.corpus(ctx)
		case "seed":
			err = b.seedRebuild(ctx)
		case "linked":
			err = b.linkedCorpus(ctx)
		case "cold-seed":
			err = b.coldSeed(ctx)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	return nil
}

// marker is the file that says a folder is this program's to empty.
const marker = ".notebook-bench"

// clean empties the work folder, which must be new, empty or one that
// an earlier run made.
func (b *bench) clean() error {
	entries, err := os.ReadDir(b.dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, err := os.Stat(filepath.Join(b.dir, marker)); len(entries) > 0 && err != nil {
		return fmt.Errorf("-dir %s holds files that an earlier run did not write; name another folder", b.dir)
	}
	if err := os.RemoveAll(b.dir); err != nil {
		return err
	}
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.dir, marker), nil, 0o644)
}

// corpus builds a generated corpus with both tools.
func (b *bench) corpus(ctx context.Context) error {
	hugo, err := b.findHugo()
	if err != nil {
		return err
	}
	src := filepath.Join(b.dir, "corpus")
	st, err := corpus.Generate(corpus.Options{Notes: b.notes, Seed: b.seed, Tame: b.tame}, corpus.Dir(src))
	if err != nil {
		return err
	}
	nbOut, hugoOut := filepath.Join(b.dir, "out-notebook"), filepath.Join(b.dir, "out-hugo")
	nbCache, hugoCache := filepath.Join(b.dir, "cache-corpus"), filepath.Join(b.dir, "cache-hugo")
	nbCold := func() sample {
		os.RemoveAll(nbOut)
		return b.notebook(ctx, nbCache, "build", "-root", src, "-no-cache", "-o", nbOut)
	}
	hugoCold := func() sample {
		os.RemoveAll(hugoOut)
		os.RemoveAll(hugoCache)
		return b.measure(ctx, b.repo, nil, hugo, "--quiet", "-s", filepath.Join(src, "hugo"), "-d", hugoOut, "--cacheDir", hugoCache)
	}
	nbAgain := func() sample {
		return b.notebook(ctx, nbCache, "build", "-root", src, "-cache", nbCache, "-o", nbOut)
	}
	hugoAgain := func() sample {
		return b.measure(ctx, b.repo, nil, hugo, "--quiet", "-s", filepath.Join(src, "hugo"), "-d", hugoOut, "--cacheDir", hugoCache)
	}

	// -no-cache still takes compiled programs and the in-browser
	// interpreter from the store, as go run takes packages from Go's
	// build cache: a first build puts them there.
	b.logf("corpus: a first build fills the store with the compiled interpreter")
	nbCold()
	var nbc, hc, nba, ha []sample
	for range b.runs { // alternate, so that both see the same machine
		nbc, hc = append(nbc, nbCold()), append(hc, hugoCold())
	}
	nbAgain() // fill the results cache
	for range b.runs {
		nba, ha = append(nba, nbAgain()), append(ha, hugoAgain())
	}
	cold, hcold, again, hagain := median(nbc), median(hc), median(nba), median(ha)

	version, _ := exec.CommandContext(ctx, hugo, "version").Output()
	w := b.stdout
	fmt.Fprintf(w, "%s\n\n", bytes.TrimSpace(version))
	fmt.Fprintf(w, "### %d generated notes (seed %d%s): %d drafts, %d KB, %d blocks in %d languages, %d odd info strings\n\n",
		st.Notes, b.seed, map[bool]string{true: ", tame"}[b.tame], st.Drafts, st.Bytes/1024, st.Blocks, st.Languages, st.OddInfo)
	fmt.Fprintln(w, "| build | notebook wall | notebook peak | Hugo wall | Hugo peak | wall notebook/Hugo | peak notebook/Hugo |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	row := func(name string, nb, h result) {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", name, wall(nb), peak(nb), wall(h), peak(h),
			ratio(float64(nb.wall), float64(h.wall), nb.err, h.err), ratio(float64(nb.rss), float64(h.rss), nb.err, h.err))
	}
	row("cold (`build -no-cache`, empty output)", cold, hcold)
	row("rebuild, nothing changed", again, hagain)
	fmt.Fprintln(w)
	b.targets(
		target{"cold: at least 1.5x faster than Hugo", cold.err == nil && hcold.err == nil, float64(cold.wall)*1.5 <= float64(hcold.wall)},
		target{"cold: at most a fifth of Hugo's peak memory", cold.err == nil && hcold.err == nil, cold.rss*5 <= hcold.rss},
		target{"nothing changed: at least 4x faster than Hugo's rebuild", again.err == nil && hagain.err == nil, float64(again.wall)*4 <= float64(hagain.wall)},
	)
	b.failures(cold, again, hcold, hagain)
	return nil
}

// seedRebuild rebuilds the repository's notebook with nothing changed.
func (b *bench) seedRebuild(ctx context.Context) error {
	out, cache := filepath.Join(b.dir, "out-seed"), filepath.Join(b.dir, "cache-seed")
	build := func() sample {
		return b.notebook(ctx, cache, "build", "-root", b.repo, "-cache", cache, "-o", out)
	}
	b.logf("seed: first build, filling the results cache")
	first := build()
	// The next build changes every page once: each output is now reused
	// from the cache, and its page says so. Nothing changes after it.
	build()
	var s []sample
	for range b.runs {
		s = append(s, build())
	}
	r := median(s)
	w := b.stdout
	fmt.Fprintln(w, "### The seed notebook, built binary")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| build | wall | peak |")
	fmt.Fprintln(w, "|---|---|---|")
	fmt.Fprintf(w, "| first build, results cache empty (fills it) | %s | %s |\n", wall(first.result()), peak(first.result()))
	fmt.Fprintf(w, "| nothing changed | %s | %s |\n\n", wall(r), peak(r))
	b.targets(target{"nothing changed: under 100 ms, process start included", r.err == nil, r.wall < 100*time.Millisecond})
	b.failures(first.result(), r)
	return nil
}

// linkedCorpus measures a notebook with many linked blocks whose results
// are cached.
func (b *bench) linkedCorpus(ctx context.Context) error {
	src := filepath.Join(b.dir, "linked")
	st, err := corpus.Generate(corpus.Options{Notes: b.linkedNotes, Seed: b.seed, Snippets: b.linked, Tame: b.tame}, corpus.Dir(src))
	if err != nil {
		return err
	}
	out, cache := filepath.Join(b.dir, "out-linked"), filepath.Join(b.dir, "cache-linked")
	build := func() sample {
		return b.notebook(ctx, cache, "build", "-root", src, "-cache", cache, "-o", out)
	}
	b.logf("linked: first build runs %d snippets to fill the results cache", st.Linked)
	first := build()
	// As for the seed: the build after the one that filled the cache
	// renders every page once more, to say that its outputs were reused.
	build()
	var full, edit []sample
	for range b.runs {
		os.RemoveAll(out)
		full = append(full, build())
	}
	notes, err := filepath.Glob(filepath.Join(src, "notes", "*.md"))
	if err != nil || len(notes) == 0 {
		return fmt.Errorf("no notes in %s", src)
	}
	slices.Sort(notes)
	note := notes[len(notes)/2]
	for i := range b.runs {
		if err := appendLine(note, fmt.Sprintf("\nAn edit to the prose, number %d.\n", i+1)); err != nil {
			return err
		}
		edit = append(edit, build())
	}
	f, e := median(full), median(edit)
	w := b.stdout
	fmt.Fprintf(w, "### %d notes x %d linked blocks (%d snippets, engine yaegi)\n\n", st.Notes, b.linked, st.Linked)
	fmt.Fprintln(w, "| build | wall | peak |")
	fmt.Fprintln(w, "|---|---|---|")
	fmt.Fprintf(w, "| first build, every snippet run (fills the cache) | %s | %s |\n", wall(first.result()), peak(first.result()))
	fmt.Fprintf(w, "| full build, results cached, empty output | %s | %s |\n", wall(f), peak(f))
	fmt.Fprintf(w, "| a prose edit in one note | %s | %s |\n\n", wall(e), peak(e))
	b.targets(
		target{"results cached: full build under 1 s", f.err == nil, f.wall < time.Second},
		target{"results cached: full build under 300 MB", f.err == nil, f.rss < 300<<20},
		target{"a prose edit in one note: under 0.5 s", e.err == nil, e.wall < 500*time.Millisecond},
	)
	b.failures(first.result(), f, e)
	return nil
}

// coldSeed builds the repository's notebook with no results cache, in
// full and with -no-originals, and runs each of its snippets with go run,
// one after another. The full build also runs the notebook's Python
// blocks (the originals), work that go run does not do; the build of the
// programs alone does what go run does, so its ratio is like for like.
func (b *bench) coldSeed(ctx context.Context) error {
	_, list, err := snippets.LoadAll(filepath.Join(b.repo, "snippets"))
	if err != nil {
		return err
	}
	out, cache := filepath.Join(b.dir, "out-seed-cold"), filepath.Join(b.dir, "cache-seed-cold")
	// As go run takes packages from Go's build cache, -no-cache takes
	// compiled programs and the interpreter from the store: a first build
	// puts them there.
	b.logf("cold-seed: a first build fills the store with compiled programs")
	b.notebook(ctx, cache, "build", "-root", b.repo, "-no-cache", "-o", out)
	var full, programs, gorun []sample
	for range b.runs { // in turn, so that all three see the same machine
		os.RemoveAll(out)
		full = append(full, b.notebook(ctx, cache, "build", "-root", b.repo, "-no-cache", "-o", out))
		os.RemoveAll(out)
		programs = append(programs, b.notebook(ctx, cache, "build", "-root", b.repo, "-no-cache", "-no-originals", "-o", out))
		gorun = append(gorun, b.goRunAll(ctx, list))
	}
	f, p, g := median(full), median(programs), median(gorun)
	w := b.stdout
	fmt.Fprintf(w, "### The seed notebook, results cache empty, Go build cache warm (%d snippets)\n\n", len(list))
	fmt.Fprintln(w, "| | wall | peak | go run / notebook |")
	fmt.Fprintln(w, "|---|---|---|---|")
	fmt.Fprintf(w, "| `notebook build -no-cache` (programs and originals) | %s | %s | %s |\n", wall(f), peak(f), ratio(float64(g.wall), float64(f.wall), g.err, f.err))
	fmt.Fprintf(w, "| `notebook build -no-cache -no-originals` (programs only) | %s | %s | %s |\n", wall(p), peak(p), ratio(float64(g.wall), float64(p.wall), g.err, p.err))
	fmt.Fprintf(w, "| `go run` each snippet, one after another | %s | %s | |\n\n", wall(g), peak(g))
	b.targets(
		target{"cold seed build, programs only: at least 2x faster than go run one after another", p.err == nil && g.err == nil, float64(p.wall)*2 <= float64(g.wall)},
		target{"cold seed build with its originals: at least 2x faster than go run one after another", f.err == nil && g.err == nil, float64(f.wall)*2 <= float64(g.wall)},
	)
	b.failures(f, p, g)
	return nil
}

// goRunAll runs each snippet with go run, with its arguments and standard
// input, one after another, as one sample. A snippet's own exit status is
// part of what it shows, so it is not an error.
func (b *bench) goRunAll(ctx context.Context, list []*snippets.Snippet) sample {
	var total sample
	for _, s := range list {
		rel, err := filepath.Rel(b.repo, s.Dir)
		if err != nil {
			return sample{err: err}
		}
		args := append([]string{"run", "./" + filepath.ToSlash(rel)}, s.Options.Args...)
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = b.repo
		cmd.Stdin = strings.NewReader(s.Options.Stdin)
		one := b.measureCmd(cmd)
		// go run ends with "exit status N" when the program, not the
		// build, failed.
		if one.err != nil && !strings.Contains(lastLines(one.out, 1), "exit status ") {
			return one
		}
		total.wall += one.wall
		total.rss = max(total.rss, one.rss)
	}
	b.logf("ok     %8s %7s  go run, %d snippets one after another", total.wall.Round(time.Millisecond), mb(total.rss), len(list))
	return total
}

// A target is one of the project's performance targets: known says whether
// it could be measured, met whether it was met.
type target struct {
	name       string
	known, met bool
}

func (b *bench) targets(ts ...target) {
	for _, t := range ts {
		verdict := "not met"
		switch {
		case !t.known:
			verdict = "not measured (a build failed)"
		case t.met:
			verdict = "met"
		}
		fmt.Fprintf(b.stdout, "- target %s: **%s**\n", t.name, verdict)
	}
	fmt.Fprintln(b.stdout)
}

// failures prints the errors of failed measurements.
func (b *bench) failures(rs ...result) {
	seen := map[string]bool{}
	for _, r := range rs {
		if r.err == nil || seen[r.err.Error()] {
			continue
		}
		seen[r.err.Error()] = true
		fmt.Fprintf(b.stdout, "A build failed:\n\n```text\n%s\n```\n\n", r.err)
	}
}

// notebook runs the notebook command with args and measures it. Its store
// (NOTEBOOK_CACHE) is cache, below -dir, so that what it reuses is what
// this run put there.
func (b *bench) notebook(ctx context.Context, cache string, args ...string) sample {
	return b.measure(ctx, b.repo, []string{"NOTEBOOK_CACHE=" + cache}, b.nb, args...)
}

// measure runs name with args in dir, with env added to this program's
// environment, and measures it.
func (b *bench) measure(ctx context.Context, dir string, env []string, name string, args ...string) sample {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	s := b.measureCmd(cmd)
	b.logf("%-6s %8s %7s  %s %s", status(s.err), s.wall.Round(time.Millisecond), mb(s.rss), filepath.Base(name), strings.Join(args, " "))
	return s
}

// measureCmd runs cmd and measures its wall time and the peak memory of
// it and its children. A failure's error holds the end of its standard
// error.
func (b *bench) measureCmd(cmd *exec.Cmd) sample {
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	s := sample{wall: time.Since(start), out: stderr.String()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			s.rss = ru.Maxrss * 1024 // kilobytes on Linux
		}
	}
	if err != nil {
		s.err = fmt.Errorf("%s: %w\n%s", strings.Join(cmd.Args, " "), err, lastLines(s.out, 8))
	}
	return s
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.log, format+"\n", args...)
}

// findHugo returns the hugo command to run.
func (b *bench) findHugo() (string, error) {
	if b.hugo != "" {
		return b.hugo, nil
	}
	if p, err := exec.LookPath("hugo"); err == nil {
		return p, nil
	}
	if gopath, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(gopath)), "bin", "hugo")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no hugo: install it with\n\tCGO_ENABLED=0 go install github.com/gohugoio/hugo@v0.165.0\n(a few minutes to compile), or name it with -hugo, or leave out the corpus part (-parts seed,linked,cold-seed)")
}

// median is the sample with the median wall time (and the median peak
// memory), or the first failure.
func median(s []sample) result {
	for _, x := range s {
		if x.err != nil {
			return result{err: x.err}
		}
	}
	walls, rss := make([]time.Duration, len(s)), make([]int64, len(s))
	for i, x := range s {
		walls[i], rss[i] = x.wall, x.rss
	}
	slices.Sort(walls)
	slices.Sort(rss)
	return result{wall: walls[len(walls)/2], rss: rss[len(rss)/2]}
}

// result turns one sample into a result.
func (s sample) result() result { return result{wall: s.wall, rss: s.rss, err: s.err} }

func appendLine(name, text string) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func wall(r result) string {
	switch {
	case r.err != nil:
		return "failed"
	case r.wall < time.Second:
		return fmt.Sprintf("%d ms", r.wall.Milliseconds())
	default:
		return fmt.Sprintf("%.2f s", r.wall.Seconds())
	}
}

func peak(r result) string {
	if r.err != nil {
		return "failed"
	}
	return mb(r.rss)
}

func mb(n int64) string { return fmt.Sprintf("%d MB", (n+500_000)/1_000_000) }

func ratio(a, b float64, errs ...error) string {
	for _, err := range errs {
		if err != nil {
			return "n/a"
		}
	}
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

func status(err error) string {
	if err != nil {
		return "FAILED"
	}
	return "ok"
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// machine describes the processor and the number of cores.
func machine() string {
	model := "an unknown processor"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for l := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	n, _ := exec.Command("nproc").Output()
	return fmt.Sprintf("%s, %s cores", model, strings.TrimSpace(string(n)))
}

func goVersion(ctx context.Context) string {
	v, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return "Go version unknown"
	}
	return strings.TrimSpace(string(v))
}
