package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/site"
	"github.com/gonotebook/notebook/site/play"
	"github.com/gonotebook/notebook/snippets"
)

// store opens the store the flags name: -cache DIR, else the default one;
// nil if there is none, with a warning.
func (e *env) store() *store.Store {
	dir := e.cacheDir
	if dir == "" {
		var err error
		if dir, err = store.DefaultDir(); err != nil {
			e.warnLine(fmt.Sprintf("nothing is kept between builds: no cache folder (%v); pass -cache DIR", err))
			return nil
		}
	}
	st, err := store.Open(dir)
	if err != nil {
		e.warnLine(fmt.Sprintf("nothing is kept between builds: %v", err))
		return nil
	}
	if err := st.Trim(); err != nil {
		e.warnLine(fmt.Sprintf("trimming %s: %v", dir, err))
	}
	return st
}

// runner returns a snippet runner that keeps what it makes in st; with
// -no-cache it takes no result from there and keeps none. Its ceilings are
// the notebook's (see snippets.CeilingsFile), with -ceilings over them.
func (e *env) runner(st *store.Store) (*runner.Runner, error) {
	c, err := snippets.ReadCeilings(e.root)
	if err != nil {
		return nil, err
	}
	if e.ceilings != "" {
		if err := c.Set(e.ceilings); err != nil {
			return nil, usagef("-ceilings: %v", err)
		}
	}
	r := &runner.Runner{Store: st, Fresh: e.noCache, Warn: e.warnLine, NoSandbox: e.noSandbox, Ceilings: c}
	e.runners = append(e.runners, r)
	return r, nil
}

// ceilingKeys are the keys of -ceilings.
var ceilingKeys = []string{"timeout", "original_timeout", "memory", "processes", "files", "file_size", "disk"}

// warnLine prints a warning of the runner or the store (runs are not
// sandboxed, nothing is kept) on standard error.
func (e *env) warnLine(msg string) {
	fmt.Fprintln(e.stderr, "notebook: warning:", msg)
}

func (e *env) config() (*site.Config, error) {
	if _, err := os.Stat(filepath.Join(e.root, "notes")); err != nil {
		return nil, fmt.Errorf("%s has no notes/ folder: run notebook from the notebook's folder or pass -root", e.root)
	}
	st := e.store()
	r, err := e.runner(st)
	if err != nil {
		return nil, err
	}
	return &site.Config{Root: e.root, Store: st, Fresh: e.noCache, Runner: r, Progress: e.stderr, Play: &play.Builder{}}, nil
}

func buildCmd() *command {
	var out, baseURL string
	var drafts, noOriginals, verbose bool
	return &command{
		name:    "build",
		cached:  true,
		runs:    true,
		summary: "build the site into public/",
		detail: `Build runs every snippet a note links to (or takes its cached result), checks
each against its expected output, and writes the site. If any snippet fails,
the build names the note file and line, the snippet and a diff, writes
nothing, and leaves the previous site in place.

With -no-originals, the build runs the Go programs only, not the blocks
that snippets say run as written (their originals, in Python): the pages
say that the originals were not run in this build, and a snippet declared
the same as its original is not checked against it.

With -v, the build lists the files of the site it made afresh, one
"rendered FILE" line each (a file whose inputs did not change since any
build is taken from the cache instead), then those it wrote into the output
folder, one "wrote FILE" line each (new files, and files whose bytes
changed). Built again with nothing changed, it lists none.`,
		flags: func(fs *flag.FlagSet, e *env) {
			fs.StringVar(&out, "o", "", "write the site to `dir` (default ROOT/public)")
			fs.StringVar(&baseURL, "base-url", os.Getenv("URL"), "the site's absolute `address`, for the feed, sitemap and 404 page (default $URL, which Netlify sets; "+site.DefaultBaseURL+" if that is empty too)")
			fs.BoolVar(&drafts, "drafts", false, "include notes marked draft")
			fs.BoolVar(&noOriginals, "no-originals", false, "run no originals (the Python blocks beside the Go programs); their pages say so")
			fs.BoolVar(&verbose, "v", false, "list the files of the site rendered afresh and those written into the output folder")
		},
		run: func(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
			cfg, err := e.config()
			if err != nil {
				return err
			}
			cfg.Out, cfg.BaseURL, cfg.Drafts, cfg.NoOriginals = out, baseURL, drafts, noOriginals
			start := time.Now()
			b, err := site.Build(ctx, cfg)
			if b != nil {
				warn(e.stderr, b.Warnings)
			}
			if err != nil {
				return fmt.Errorf("%v\nbuild failed: nothing was written; %s is unchanged", err, cfg.OutDir())
			}
			if verbose {
				for _, f := range b.Rendered {
					fmt.Fprintln(e.stderr, "rendered", f)
				}
				for _, f := range b.Written {
					fmt.Fprintln(e.stderr, "wrote", f)
				}
			}
			fmt.Fprintf(e.stderr, "built %s, %s into %s in %v\n",
				count(len(b.Notes), "note"), count(len(b.Results), "snippet"), cfg.OutDir(), time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}

func checkCmd() *command {
	var strict, engines, mutants bool
	return &command{
		name:    "check",
		args:    "[ID...]",
		cached:  true,
		runs:    true,
		summary: "check links, snippets and expected output",
		detail: `Check reads every note and snippet, reports fences that link to a missing
snippet, runs every linked snippet and compares its output with what it
expects. It also lists blocks with no snippet attribute (unlinked) and
snippets no note links to. With -strict, every warning about a note or a
snippet is an error: unlinked blocks, fences never closed, Python blocks
whose snippet does not say how the two relate, languages with no
highlighting, Markdown files in notes/ that are not read.

With -engines, check instead runs every snippet under the yaegi interpreter
and tells, for each, whether it meets its expectation there: which native
snippets could switch to "engine: yaegi" in their snippet.yaml, and why the
others cannot (their engine_reason). It fails if a snippet that uses yaegi
does not run correctly under it.

With -mutants, check instead tests the expectations themselves: for each
snippet (or the IDs given), it makes small wrong versions of main.go, its
mutants (a statement deleted, a loop emptied, a goroutine's work run in
place, a condition negated or its boundary moved, a number changed, a
call's result replaced by its zero value), runs each as the snippet runs,
and says whether the expectation caught it: killed, lived, timed out, or
did not compile. It prints each mutant that lived, with its change, and
the efficacy, killed / (killed + lived), per snippet and in all. A mutant
that changes nothing the program shows can be acknowledged in
snippet.yaml under equivalent_mutants, by the name check prints, with a
reason; check fails while any other lives. Outcomes are cached: a second
check runs only the mutants of snippets that changed.`,
		flags: func(fs *flag.FlagSet, e *env) {
			fs.BoolVar(&strict, "strict", false, "treat every warning about a note or a snippet as an error")
			fs.BoolVar(&engines, "engines", false, "report which snippets run correctly under yaegi")
			fs.BoolVar(&mutants, "mutants", false, "test each snippet's expectation against mutants of its program")
		},
		run: func(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
			if mutants {
				return checkMutants(ctx, e, args)
			}
			if len(args) > 0 {
				return usagef("check takes snippet IDs only with -mutants")
			}
			if engines {
				return checkEngines(ctx, e)
			}
			cfg, err := e.config()
			if err != nil {
				return err
			}
			b, err := site.Check(ctx, cfg)
			if b == nil {
				return err
			}
			errs := []error{err}
			for _, w := range b.Warnings {
				if strict && authored(w) {
					errs = append(errs, w)
				} else {
					warn(e.stdout, []*fileline.Error{w})
				}
			}
			for _, u := range b.Unlinked {
				msg := u + ": block has no snippet: add {snippet=ID} to its fence, or {snippet=none}"
				if strict {
					errs = append(errs, errors.New(msg))
				} else {
					fmt.Fprintln(e.stdout, "warning: "+msg)
				}
			}
			for _, id := range b.Orphans {
				fmt.Fprintf(e.stdout, "note: snippet %s is linked from no note\n", id)
			}
			if err := errors.Join(errs...); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "ok: %s, %s checked, %s\n", count(len(b.Notes), "note"), count(len(b.Results), "snippet"), count(len(b.Unlinked), "unlinked block"))
			return nil
		},
	}
}

// checkEngines runs every snippet under yaegi and prints, for each, its
// engine and whether it meets its expectation under yaegi.
func checkEngines(ctx context.Context, e *env) error {
	r, err := e.runner(e.store())
	if err != nil {
		return err
	}
	dir := filepath.Join(e.root, "snippets")
	_, list, err := snippets.LoadAll(dir)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return fmt.Errorf("%s holds no snippets: run notebook from the notebook's folder or pass -root", dir)
	}
	runs := make([]*runner.Run, len(list))
	verdicts := make([]error, len(list))
	index := map[*runner.Run]int{}
	for i, s := range list {
		runs[i] = r.NewRun(s, snippets.Yaegi)
		index[runs[i]] = i
	}
	// RunAll's error joins the runs' own, which verdicts holds.
	r.RunAll(ctx, runs, func(run *runner.Run, err error) {
		if err == nil {
			err = runner.Verdict(run.Snippet, run.Result)
		}
		verdicts[index[run]] = err
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}

	tw := tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "snippet\tengine\tunder yaegi")
	var errs []error
	var ok, canSwitch int
	for i, s := range list {
		status := "ok"
		switch v := verdicts[i]; {
		case v != nil:
			status = "fails: " + summary(v)
			if s.Options.Engine == snippets.Yaegi {
				errs = append(errs, fmt.Errorf("%s: engine is yaegi, but the snippet fails under yaegi: %v", filepath.Join(s.Dir, snippets.OptionsFile), v))
			}
		case s.Options.Engine == snippets.Native:
			ok++
			canSwitch++
			status = "ok: can switch to yaegi"
		default:
			ok++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.ID, s.Options.Engine, status)
		if s.Options.EngineReason != "" {
			fmt.Fprintf(tw, "\t\treason: %s\n", s.Options.EngineReason)
		}
	}
	tw.Flush()
	version, _ := r.Version(snippets.Yaegi)
	fmt.Fprintf(e.stdout, "%d of %d snippets run correctly under %s; %d of them use native and could switch.\n", ok, len(list), version, canSwitch)
	if ok < len(list) {
		fmt.Fprintln(e.stdout, "To see why one fails: notebook run -engine yaegi ID")
	}
	return errors.Join(errs...)
}

// checkMutants tests the expectations of the snippets ids name (all if
// none) against mutants of their programs (see runner.Mutants).
func checkMutants(ctx context.Context, e *env, ids []string) error {
	r, err := e.runner(e.store())
	if err != nil {
		return err
	}
	dir := filepath.Join(e.root, "snippets")
	var list []*snippets.Snippet
	if len(ids) == 0 {
		if _, list, err = snippets.LoadAll(dir); err != nil {
			return err
		}
	}
	for _, id := range ids {
		id = strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(id), "snippets/"), "/")
		s, err := snippets.Load(dir, id)
		if err != nil {
			return suggest(dir, err)
		}
		list = append(list, s)
	}
	if len(list) == 0 {
		return fmt.Errorf("%s holds no snippets: run notebook from the notebook's folder or pass -root", dir)
	}
	var all tally
	var errs []error
	start := time.Now()
	for _, s := range list {
		rel := filepath.ToSlash(filepath.Join("snippets", s.ID))
		var t tally
		results, err := r.Mutants(ctx, s)
		if err != nil {
			errs = append(errs, err)
			fmt.Fprintf(e.stdout, "%s: %v\n", s.ID, summary(err))
			continue
		}
		for _, m := range results {
			t.add(m)
			if m.Outcome == runner.Lived {
				fmt.Fprintf(e.stdout, "%s/%s:%d: lived: %s\n%s", rel, m.File, m.Line, m.Name(), m.Diff())
			}
		}
		for _, eq := range s.Options.EquivalentMutants {
			if !slices.ContainsFunc(results, func(m *runner.MutantResult) bool { return m.Outcome == runner.Equivalent && m.Name() == eq.Mutant }) {
				fmt.Fprintf(e.stdout, "warning: %s/%s: equivalent_mutants: %q names no mutant that lives: remove it\n", rel, snippets.OptionsFile, eq.Mutant)
			}
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", s.ID, t)
		all.merge(t)
		if t.lived > 0 {
			errs = append(errs, fmt.Errorf("%s: %s lived: tighten expected.txt or the program, or acknowledge an equivalent one in %s", s.ID, count(t.lived, "mutant"), snippets.OptionsFile))
		}
	}
	fmt.Fprintf(e.stdout, "all: %s, in %v\n", all, time.Since(start).Round(time.Second))
	return errors.Join(errs...)
}

// A tally counts mutants by outcome.
type tally struct {
	mutants, killed, lived, equivalent, timedOut, notCompiled, cached int
}

func (t *tally) add(m *runner.MutantResult) {
	t.mutants++
	if m.Cached {
		t.cached++
	}
	switch m.Outcome {
	case runner.Killed:
		t.killed++
	case runner.Lived:
		t.lived++
	case runner.Equivalent:
		t.equivalent++
	case runner.TimedOut:
		t.timedOut++
	case runner.NotCompiled:
		t.notCompiled++
	}
}

func (t *tally) merge(o tally) {
	t.mutants += o.mutants
	t.killed += o.killed
	t.lived += o.lived
	t.equivalent += o.equivalent
	t.timedOut += o.timedOut
	t.notCompiled += o.notCompiled
	t.cached += o.cached
}

// String reads "40 mutants: 30 killed, 2 lived, 1 equivalent, 3 timed
// out, 4 did not compile (12 cached); efficacy 93.8%".
func (t tally) String() string {
	eff := "no mutant ran"
	if t.killed+t.lived > 0 {
		eff = fmt.Sprintf("efficacy %.1f%%", 100*float64(t.killed)/float64(t.killed+t.lived))
	}
	return fmt.Sprintf("%s: %d killed, %d lived, %d equivalent, %d timed out, %d did not compile (%d cached); %s",
		count(t.mutants, "mutant"), t.killed, t.lived, t.equivalent, t.timedOut, t.notCompiled, t.cached, eff)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// visible returns out with what a terminal would act on rather than show
// (escape sequences and every other control character but newline and
// tab, and bytes that are not UTF-8) written as Go escapes, \x1b: a
// program's output cannot move the cursor, retitle the window or clear
// the screen of whoever runs it.
func visible(out []byte) []byte {
	var b []byte
	for len(out) > 0 {
		r, size := utf8.DecodeRune(out)
		switch {
		case r == utf8.RuneError && size <= 1:
			b = fmt.Appendf(b, "\\x%02x", out[0])
		case r == '\n' || r == '\t' || !unicode.IsControl(r):
			b = append(b, out[:size]...)
		default:
			q := strconv.QuoteRuneToASCII(r) // '\x1b', with its quotes
			b = append(b, q[1:len(q)-1]...)
		}
		out = out[size:]
	}
	return b
}

// summary returns the first line of err, with the line after it if the
// first only introduces it ("compile error:").
func summary(err error) string {
	first, rest, _ := strings.Cut(err.Error(), "\n")
	next, _, _ := strings.Cut(rest, "\n")
	if strings.HasSuffix(first, ":") && next != "" && !strings.HasPrefix(next, "--- ") {
		return first + " " + next
	}
	return strings.TrimSuffix(first, ":")
}

func runCmd() *command {
	var engine string
	return &command{
		name:    "run",
		args:    "ID",
		runs:    true,
		summary: "run one snippet and show its output",
		detail: `Run runs the snippet snippets/ID (afresh, without the cache), prints what it
printed, then how it ended and whether that meets its expected output.`,
		flags: func(fs *flag.FlagSet, e *env) {
			fs.StringVar(&engine, "engine", "", "run with this engine (native or yaegi) instead of the snippet's own")
		},
		run: func(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
			if len(args) != 1 {
				return usagef("want one snippet id; got %d arguments", len(args))
			}
			if engine != "" && engine != snippets.Native && engine != snippets.Yaegi {
				return usagef("-engine %q: want %s or %s", engine, snippets.Native, snippets.Yaegi)
			}
			id := strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(args[0]), "snippets/"), "/")
			if err := snippets.CheckID(id); err != nil {
				return &usageError{err}
			}
			dir := filepath.Join(e.root, "snippets")
			s, err := snippets.Load(dir, id)
			if err != nil {
				return suggest(dir, err)
			}
			r, err := e.runner(nil)
			if err != nil {
				return err
			}
			res, err := r.Run(ctx, s, engine)
			if err != nil {
				return err
			}
			out := res.Output
			if isTerminal(e.stdout) {
				out = visible(out)
			}
			e.stdout.Write(out)
			if res.Cut > 0 {
				fmt.Fprintf(e.stdout, "\n[%d more bytes of output were cut]\n", res.Cut)
			}
			status := fmt.Sprintf("exit %d", res.Exit)
			if res.Problem != "" {
				status = res.Problem
			}
			fmt.Fprintf(e.stderr, "--- %s: %s, %v, %s engine, %s\n", s.ID, status, res.Duration.Round(time.Millisecond), res.Engine, res.GoVersion)
			if err := runner.Verdict(s, res); err != nil {
				return fmt.Errorf("%s: %v", s.ID, err)
			}
			fmt.Fprintf(e.stderr, "--- meets %s\n", s.ExpectPath())
			return nil
		},
	}
}

// count says how many of a thing there are: "1 note", "2 notes".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// authored reports whether w is about a file the author wrote, a note or a
// snippet, rather than about this machine (python3 missing, say).
func authored(w *fileline.Error) bool {
	return strings.HasPrefix(w.Path, "notes/") || strings.HasPrefix(w.Path, "snippets/") || strings.HasPrefix(w.Path, "snippets"+string(filepath.Separator))
}
