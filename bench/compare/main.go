//go:build linux

// Command compare measures the notebook against Hugo, against its own
// targets and, with -baseline, against the notebook command of another
// revision, in one run, on this machine:
//
//	go run ./bench/compare                 # from the repository's root
//	go run ./bench/compare -notes 500 -linked-notes 100 -runs 1   # a quick look
//	go run ./bench/compare -baseline 06e4e1d -o bench/README.md
//
// It installs nothing. Hugo must be on PATH or in $(go env GOPATH)/bin, or
// named with -hugo; install it with
//
//	CGO_ENABLED=0 go install github.com/gohugoio/hugo@v0.165.0
//
// (a few minutes to compile). It builds the notebook command once (a
// snippet runs in a copy of it, re-executed). With -baseline REV it also
// checks REV out in a git worktree below -dir, builds its notebook command
// there (with notebook-box beside it, if REV has cmd/notebook-box, where
// the box was a command of its own), and removes the worktree at the end;
// every measured build then runs with the baseline, then with this tree's
// command, in turn, so that both see the same load. Then, writing
// everything below -dir (a RAM disk, /dev/shm, by default), each
// command's store ($NOTEBOOK_CACHE) included, so that no build reuses
// what another command or an earlier run left:
//
//   - corpus: generates -notes notes (see bench/internal/corpus) and builds
//     them with notebook build -no-cache and with hugo, each from an empty
//     output folder ("cold"), then again over the previous output with
//     nothing changed ("rebuild"). A first, unmeasured build puts the
//     compiled in-browser interpreter in the store, which -no-cache still
//     uses, as go run uses Go's build cache;
//   - seed: the repository's own notebook rebuilt with nothing changed and
//     its results cached;
//   - linked: -linked-notes notes with -linked linked blocks each, built
//     once to fill the results cache (this first build runs every snippet
//     and takes minutes), then built in full from the cache, then rebuilt
//     after a prose edit in one note;
//   - cold-seed: the repository's notebook built with an empty results
//     cache (the Go build cache and the store's compiled programs stay
//     warm), in full and with -no-originals (its Go programs only, which
//     is what go run does), against running each of its snippets with go
//     run, one after another;
//   - serve: notebook serve -addr 127.0.0.1:0 on a copy of the
//     repository's notebook (notes/, snippets/, go.mod and go.sum) and on
//     the generated corpus, each command on its own copy; once it prints
//     where it serves, an event stream is opened, and -runs times one
//     note's prose is edited: the time from the edit to the "reload" event
//     and to the GET of the note's page that shows the edit;
//   - tests, only when -parts names it: go test -count=1 ./... in each
//     command's source tree, once warm (after one unmeasured run, so that
//     Go's build cache, the test binaries and the store the tests use are
//     filled) and once cold (with an empty Go build cache and store), with
//     CI set, as .ci/run runs it. Each tree runs its own tests.
//
// Each measurement is the median of -runs runs: the wall time and the peak
// resident memory of the process and its children (getrusage's maxrss).
// It prints a Markdown table for each part, with the notebook/Hugo ratios
// and, with -baseline, the notebook/baseline ratios, and the targets of
// the project's performance work. -parts picks the parts. With -o FILE it
// also writes what it printed to FILE, after a short preamble that says
// how to make the file again and what each part measures, once the whole
// run has succeeded.
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
	var parts, report string
	flag.StringVar(&b.repo, "repo", ".", "the notebook repository's `folder`")
	flag.StringVar(&b.dir, "dir", "/dev/shm/notebook-bench", "work in `dir`, on a RAM disk; emptied first if an earlier run made it")
	flag.StringVar(&b.hugo, "hugo", "", "the hugo `command` (default: hugo on PATH or in GOPATH/bin)")
	flag.StringVar(&b.baseline, "baseline", "", "also measure the notebook command built at git revision `rev`, each build in turn with this one's")
	flag.IntVar(&b.runs, "runs", 3, "take the median of `n` runs")
	flag.IntVar(&b.notes, "notes", 2500, "notes in the corpus built by both tools")
	flag.Uint64Var(&b.seed, "seed", 1, "the corpus `seed`")
	flag.BoolVar(&b.tame, "tame", false, "generate no info strings the notebook's contract does not own")
	flag.IntVar(&b.linkedNotes, "linked-notes", 1000, "notes in the corpus with linked blocks")
	flag.IntVar(&b.linked, "linked", 10, "linked blocks per note in that corpus")
	flag.StringVar(&parts, "parts", strings.Join(defaultParts, ","), "which `parts` to run, comma-separated, of "+strings.Join(allParts, ", "))
	flag.StringVar(&report, "o", "", "also write the report, with how to make it again, to `file`")
	flag.Parse()
	if flag.NArg() > 0 || b.runs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	// Interrupted, it kills the build it is measuring.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	var printed bytes.Buffer
	if report != "" {
		b.stdout = io.MultiWriter(os.Stdout, &printed)
	}
	err := b.run(ctx, strings.Split(parts, ","))
	stop()
	if err == nil && report != "" {
		// Written only after a whole run, so that a failed one leaves
		// the last report in place.
		err = b.writeReport(report, os.Args[1:], printed.Bytes())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(1)
	}
}

// allParts are the parts a run may have, in order; defaultParts those it
// has unless -parts says otherwise.
var (
	allParts     = []string{"corpus", "seed", "linked", "cold-seed", "serve", "tests"}
	defaultParts = allParts[:5]
)

// bench is one benchmark run: its settings and where it writes.
type bench struct {
	repo, dir, hugo string
	baseline        string // -baseline, or ""
	// seedRoot holds the seed notebook the seed parts build: the
	// repository's, or with -baseline the baseline's, which both
	// commands can read (a newer snippet.yaml may use keys an older
	// command does not know).
	seedRoot                 string
	runs, notes, linkedNotes int
	linked                   int
	seed                     uint64
	tame                     bool

	// tools are the notebook commands measured, each build in turn: the
	// baseline's first, if there is one, then this tree's, which is last.
	tools  []*tool
	stdout io.Writer
	log    io.Writer
}

// A tool is one notebook command under measure.
type tool struct {
	name string // "notebook", or "baseline"
	rev  string // the baseline's commit
	bin  string // the command
	dir  string // its own folder below -dir: its outputs and stores
	src  string // the source tree it was built from
}

// path returns the file name in t's folder.
func (t *tool) path(name string) string { return filepath.Join(t.dir, name) }

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
		if !slices.Contains(allParts, p) {
			return fmt.Errorf("unknown part %q: want one of %s", p, strings.Join(allParts, ", "))
		}
	}
	var err error
	if b.repo, err = filepath.Abs(b.repo); err != nil {
		return err
	}
	b.seedRoot = b.repo
	if b.dir, err = filepath.Abs(b.dir); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(b.repo, "cmd", "notebook")); err != nil {
		return fmt.Errorf("-repo %s is not the notebook repository: %v", b.repo, err)
	}
	if err := b.clean(); err != nil {
		return err
	}
	if b.baseline != "" {
		base, remove, err := b.buildBaseline(ctx)
		if remove != nil {
			defer remove()
		}
		if err != nil {
			return fmt.Errorf("-baseline %s: %w", b.baseline, err)
		}
		b.tools = append(b.tools, base)
	}
	// The notebook command is its own box: a snippet runs in a copy of
	// it, re-executed.
	nb := &tool{name: "notebook", dir: filepath.Join(b.dir, "notebook"), src: b.repo}
	nb.bin = nb.path("bin/notebook")
	b.logf("building %s", nb.bin)
	if s := b.measure(ctx, b.repo, nil, "go", "build", "-o", nb.bin, "./cmd/notebook"); s.err != nil {
		return s.err
	}
	b.tools = append(b.tools, nb)
	fmt.Fprintf(b.stdout, "On %s, %d runs each, medians; %s.\n\n", machine(), b.runs, goVersion(ctx))
	if base := b.base(); base != nil {
		fmt.Fprintf(b.stdout, "notebook is this tree's command, baseline the one built at %s; each build runs with one, then the other, so that both see the same machine.\n\n", base.rev)
	}
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
		case "serve":
			err = b.serve(ctx)
		case "tests":
			err = b.tests(ctx)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	return nil
}

// base is the baseline command, or nil.
func (b *bench) base() *tool {
	if len(b.tools) < 2 {
		return nil
	}
	return b.tools[0]
}

// buildBaseline checks out -baseline in a worktree below -dir and builds
// its notebook command there, with notebook-box beside it if that
// revision has one (the box was once a command of its own, found beside
// the notebook). remove, if not nil, removes the worktree.
func (b *bench) buildBaseline(ctx context.Context) (t *tool, remove func(), err error) {
	out, err := exec.CommandContext(ctx, "git", "-C", b.repo, "rev-parse", "--short=12", b.baseline+"^{commit}").Output()
	if err != nil {
		return nil, nil, fmt.Errorf("git rev-parse: %v", err)
	}
	src := filepath.Join(b.dir, "baseline-src")
	t = &tool{name: "baseline", rev: strings.TrimSpace(string(out)), dir: filepath.Join(b.dir, "baseline"), src: src}
	b.seedRoot = src
	// A worktree that an earlier run left is gone with -dir's files:
	// prune forgets it.
	exec.CommandContext(ctx, "git", "-C", b.repo, "worktree", "prune").Run()
	if s := b.measure(ctx, b.repo, nil, "git", "-C", b.repo, "worktree", "add", "--detach", src, t.rev); s.err != nil {
		return nil, nil, s.err
	}
	remove = func() {
		if s := b.measure(context.Background(), b.repo, nil, "git", "-C", b.repo, "worktree", "remove", "--force", src); s.err != nil {
			b.logf("%v", s.err)
		}
	}
	pkgs := []string{"./cmd/notebook"}
	if _, err := os.Stat(filepath.Join(src, "cmd", "notebook-box")); err == nil {
		pkgs = append(pkgs, "./cmd/notebook-box")
	}
	b.logf("building the baseline, %s: %s", t.rev, strings.Join(pkgs, " "))
	bin := t.path("bin") + string(filepath.Separator)
	if s := b.measure(ctx, src, nil, "go", append([]string{"build", "-o", bin}, pkgs...)...); s.err != nil {
		return nil, remove, s.err
	}
	t.bin = t.path("bin/notebook")
	return t, remove, nil
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
	hugoOut, hugoCache := filepath.Join(b.dir, "out-hugo"), filepath.Join(b.dir, "cache-hugo")
	nbCold := func(t *tool) sample {
		os.RemoveAll(t.path("out-corpus"))
		return b.notebook(ctx, t, "cache-corpus", "build", "-root", src, "-no-cache", "-o", t.path("out-corpus"))
	}
	hugoCold := func() sample {
		os.RemoveAll(hugoOut)
		os.RemoveAll(hugoCache)
		return b.measure(ctx, b.repo, nil, hugo, "--quiet", "-s", filepath.Join(src, "hugo"), "-d", hugoOut, "--cacheDir", hugoCache)
	}
	nbAgain := func(t *tool) sample {
		return b.notebook(ctx, t, "cache-corpus", "build", "-root", src, "-o", t.path("out-corpus"))
	}
	hugoAgain := func() sample {
		return b.measure(ctx, b.repo, nil, hugo, "--quiet", "-s", filepath.Join(src, "hugo"), "-d", hugoOut, "--cacheDir", hugoCache)
	}

	// -no-cache still takes compiled programs and the in-browser
	// interpreter from the store, as go run takes packages from Go's
	// build cache: a first build puts them there.
	b.logf("corpus: a first build fills the store with the compiled interpreter")
	b.each(nbCold)
	nbc, nba := b.samples(), b.samples()
	var hc, ha []sample
	for range b.runs { // in turn, so that all see the same machine
		b.add(nbc, nbCold)
		hc = append(hc, hugoCold())
	}
	b.each(nbAgain) // fill the results cache
	for range b.runs {
		b.add(nba, nbAgain)
		ha = append(ha, hugoAgain())
	}
	cold, hcold, again, hagain := medians(nbc), median(hc), medians(nba), median(ha)

	version, _ := exec.CommandContext(ctx, hugo, "version").Output()
	w := b.stdout
	fmt.Fprintf(w, "%s\n\n", bytes.TrimSpace(version))
	fmt.Fprintf(w, "### %d generated notes (seed %d%s): %d drafts, %d KB, %d blocks in %d languages, %d odd info strings\n\n",
		st.Notes, b.seed, map[bool]string{true: ", tame"}[b.tame], st.Drafts, st.Bytes/1024, st.Blocks, st.Languages, st.OddInfo)
	row := func(name string, nb []result, h result) []string {
		n := nb[len(nb)-1]
		r := append([]string{name}, b.cells(nb)...)
		r = append(r, wall(h), peak(h),
			ratio(float64(n.wall), float64(h.wall), n.err, h.err), ratio(float64(n.rss), float64(h.rss), n.err, h.err))
		return append(r, b.ratios(nb)...)
	}
	heads := append([]string{"build"}, b.heads()...)
	heads = append(heads, "Hugo wall", "Hugo peak", "wall notebook/Hugo", "peak notebook/Hugo")
	table(w, append(heads, b.ratioHeads()...),
		row("cold (`build -no-cache`, empty output)", cold, hcold),
		row("rebuild, nothing changed", again, hagain))
	c, a := cold[len(cold)-1], again[len(again)-1]
	b.targets(
		target{"cold: at least 1.5x faster than Hugo", c.err == nil && hcold.err == nil, float64(c.wall)*1.5 <= float64(hcold.wall)},
		target{"cold: at most a fifth of Hugo's peak memory", c.err == nil && hcold.err == nil, c.rss*5 <= hcold.rss},
		target{"nothing changed: at least 4x faster than Hugo's rebuild", a.err == nil && hagain.err == nil, float64(a.wall)*4 <= float64(hagain.wall)},
	)
	b.failures(append(append(cold, again...), hcold, hagain)...)
	return nil
}

// seedRebuild rebuilds the repository's notebook with nothing changed.
func (b *bench) seedRebuild(ctx context.Context) error {
	build := func(t *tool) sample {
		return b.notebook(ctx, t, "cache-seed", "build", "-root", b.seedRoot, "-o", t.path("out-seed"))
	}
	b.logf("seed: first build, filling the results cache")
	first := b.samples()
	b.add(first, build)
	// The next build changes every page once: each output is now reused
	// from the cache, and its page says so. Nothing changes after it.
	b.each(build)
	again := b.samples()
	for range b.runs {
		b.add(again, build)
	}
	f, r := medians(first), medians(again)
	w := b.stdout
	fmt.Fprintln(w, "### The seed notebook, built binary")
	fmt.Fprintln(w)
	table(w, append(append([]string{"build"}, b.heads()...), b.ratioHeads()...),
		b.row("first build, results cache empty (fills it)", f),
		b.row("nothing changed", r))
	n := r[len(r)-1]
	b.targets(target{"nothing changed: under 100 ms, process start included", n.err == nil, n.wall < 100*time.Millisecond})
	b.failures(append(f, r...)...)
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
	build := func(t *tool) sample {
		return b.notebook(ctx, t, "cache-linked", "build", "-root", src, "-o", t.path("out-linked"))
	}
	b.logf("linked: first build runs %d snippets to fill the results cache", st.Linked)
	first := b.samples()
	b.add(first, build)
	// As for the seed: the build after the one that filled the cache
	// renders every page once more, to say that its outputs were reused.
	b.each(build)
	full, edit := b.samples(), b.samples()
	for range b.runs {
		b.add(full, func(t *tool) sample {
			os.RemoveAll(t.path("out-linked"))
			return build(t)
		})
	}
	notes, err := filepath.Glob(filepath.Join(src, "notes", "*.md"))
	if err != nil || len(notes) == 0 {
		return fmt.Errorf("no notes in %s", src)
	}
	slices.Sort(notes)
	note := notes[len(notes)/2]
	for i := range b.runs {
		// Both commands build from src: each edit is new to each.
		b.add(edit, func(t *tool) sample {
			if err := appendLine(note, fmt.Sprintf("\nAn edit to the prose, number %d, for %s.\n", i+1, t.name)); err != nil {
				return sample{err: err}
			}
			return build(t)
		})
	}
	fr, f, e := medians(first), medians(full), medians(edit)
	w := b.stdout
	fmt.Fprintf(w, "### %d notes x %d linked blocks (%d snippets, engine yaegi)\n\n", st.Notes, b.linked, st.Linked)
	table(w, append(append([]string{"build"}, b.heads()...), b.ratioHeads()...),
		b.row("first build, every snippet run (fills the cache)", fr),
		b.row("full build, results cached, empty output", f),
		b.row("a prose edit in one note", e))
	nf, ne := f[len(f)-1], e[len(e)-1]
	b.targets(
		target{"results cached: full build under 1 s", nf.err == nil, nf.wall < time.Second},
		target{"results cached: full build under 300 MB", nf.err == nil, nf.rss < 300<<20},
		target{"a prose edit in one note: under 0.5 s", ne.err == nil, ne.wall < 500*time.Millisecond},
	)
	b.failures(append(append(fr, f...), e...)...)
	return nil
}

// coldSeed builds the repository's notebook with no results cache, in
// full and with -no-originals, and runs each of its snippets with go run,
// one after another. The full build also runs the notebook's Python
// blocks (the originals), work that go run does not do; the build of the
// programs alone does what go run does, so its ratio is like for like.
func (b *bench) coldSeed(ctx context.Context) error {
	_, list, err := snippets.LoadAll(filepath.Join(b.seedRoot, "snippets"))
	if err != nil {
		return err
	}
	cold := func(flags ...string) func(t *tool) sample {
		return func(t *tool) sample {
			out := t.path("out-seed-cold")
			os.RemoveAll(out)
			args := append([]string{"build", "-root", b.seedRoot, "-no-cache", "-o", out}, flags...)
			return b.notebook(ctx, t, "cache-seed-cold", args...)
		}
	}
	// As go run takes packages from Go's build cache, -no-cache takes
	// compiled programs and the interpreter from the store: a first build
	// puts them there.
	b.logf("cold-seed: a first build fills the store with compiled programs")
	b.each(cold())
	full, programs := b.samples(), b.samples()
	var gorun []sample
	for range b.runs { // in turn, so that all see the same machine
		b.add(full, cold())
		b.add(programs, cold("-no-originals"))
		gorun = append(gorun, b.goRunAll(ctx, list))
	}
	f, p, g := medians(full), medians(programs), median(gorun)
	w := b.stdout
	fmt.Fprintf(w, "### The seed notebook, results cache empty, Go build cache warm (%d snippets)\n\n", len(list))
	row := func(name string, rs []result) []string {
		n := rs[len(rs)-1]
		r := append([]string{name}, b.cells(rs)...)
		r = append(r, ratio(float64(g.wall), float64(n.wall), g.err, n.err))
		return append(r, b.ratios(rs)...)
	}
	heads := append(append([]string{""}, b.heads()...), "go run / notebook")
	table(w, append(heads, b.ratioHeads()...),
		row("`notebook build -no-cache` (programs and originals)", f),
		row("`notebook build -no-cache -no-originals` (programs only)", p))
	fmt.Fprintf(w, "`go run` each snippet, one after another: %s, peak %s.\n\n", wall(g), peak(g))
	nf, np := f[len(f)-1], p[len(p)-1]
	b.targets(
		target{"cold seed build, programs only: at least 2x faster than go run one after another", np.err == nil && g.err == nil, float64(np.wall)*2 <= float64(g.wall)},
		target{"cold seed build with its originals: at least 2x faster than go run one after another", nf.err == nil && g.err == nil, float64(nf.wall)*2 <= float64(g.wall)},
	)
	b.failures(append(append(f, p...), g)...)
	return nil
}

// each runs measure once with each tool, in turn.
func (b *bench) each(measure func(t *tool) sample) []sample {
	s := make([]sample, len(b.tools))
	for i, t := range b.tools {
		s[i] = measure(t)
	}
	return s
}

// samples returns an empty list of samples for each tool.
func (b *bench) samples() [][]sample { return make([][]sample, len(b.tools)) }

// add measures once with each tool, in turn, adding to s.
func (b *bench) add(s [][]sample, measure func(t *tool) sample) {
	for i, x := range b.each(measure) {
		s[i] = append(s[i], x)
	}
}

// medians returns the median of each tool's samples.
func medians(s [][]sample) []result {
	r := make([]result, len(s))
	for i, x := range s {
		r[i] = median(x)
	}
	return r
}

// heads are the headings of each tool's wall time and peak memory.
func (b *bench) heads() []string {
	var h []string
	for _, t := range b.tools {
		h = append(h, t.name+" wall", t.name+" peak")
	}
	return h
}

// cells are each tool's wall time and peak memory.
func (b *bench) cells(rs []result) []string {
	var c []string
	for _, r := range rs {
		c = append(c, wall(r), peak(r))
	}
	return c
}

// ratioHeads are the headings of the notebook/baseline ratios, if there
// is a baseline.
func (b *bench) ratioHeads() []string {
	if b.base() == nil {
		return nil
	}
	return []string{"wall notebook/baseline", "peak notebook/baseline"}
}

// ratios are the notebook/baseline ratios of wall time and peak memory,
// if there is a baseline.
func (b *bench) ratios(rs []result) []string {
	if b.base() == nil {
		return nil
	}
	base, nb := rs[0], rs[len(rs)-1]
	return []string{
		ratio(float64(nb.wall), float64(base.wall), nb.err, base.err),
		ratio(float64(nb.rss), float64(base.rss), nb.err, base.err),
	}
}

// row is a table row: its name, each tool's figures and the ratios.
func (b *bench) row(name string, rs []result) []string {
	return append(append([]string{name}, b.cells(rs)...), b.ratios(rs)...)
}

// table writes a Markdown table and a blank line.
func table(w io.Writer, heads []string, rows ...[]string) {
	fmt.Fprintf(w, "| %s |\n", strings.Join(heads, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(heads)))
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
	fmt.Fprintln(w)
}

// goRunAll runs each snippet with go run, with its arguments and standard
// input, one after another, as one sample. A snippet's own exit status is
// part of what it shows, so it is not an error.
func (b *bench) goRunAll(ctx context.Context, list []*snippets.Snippet) sample {
	var total sample
	for _, s := range list {
		rel, err := filepath.Rel(b.seedRoot, s.Dir)
		if err != nil {
			return sample{err: err}
		}
		args := append([]string{"run", "./" + filepath.ToSlash(rel)}, s.Options.Args...)
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = b.seedRoot
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

// notebook runs t with args and measures it. Its store (NOTEBOOK_CACHE)
// is the folder cache in t's own, so that what it reuses is what this run
// put there with this command; its temporary files go in t's folder too.
func (b *bench) notebook(ctx context.Context, t *tool, cache string, args ...string) sample {
	return b.measure(ctx, b.repo, t.env(cache), t.bin, args...)
}

// env is the environment t runs with, added to this program's: its store
// is the folder cache in t's own, and so is its TMPDIR.
func (t *tool) env(cache string) []string {
	tmp := t.path("tmp")
	os.MkdirAll(tmp, 0o755)
	return []string{"NOTEBOOK_CACHE=" + t.path(cache), "TMPDIR=" + tmp}
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
	b.logf("%-6s %8s %7s  %s %s", status(s.err), s.wall.Round(time.Millisecond), mb(s.rss), b.shortName(name), strings.Join(args, " "))
	return s
}

// measureCmd runs cmd and measures its wall time and the peak memory of
// it and its children. A failure's error holds the end of its standard
// error.
func (b *bench) measureCmd(cmd *exec.Cmd) sample {
	var stderr bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = io.Discard
	}
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

// shortName names a command for the log: a tool by its name.
func (b *bench) shortName(name string) string {
	for _, t := range b.tools {
		if name == t.bin {
			return t.name
		}
	}
	return filepath.Base(name)
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
