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

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/site"
	"github.com/gonotebook/notebook/site/play"
	"github.com/gonotebook/notebook/snippets"
)

// env is what every command shares: its flags, where to write, and the
// runners to close when it ends (removing their temporary folders).
type env struct {
	root, cacheDir, ceilings string
	noCache, noSandbox       bool
	stdout, stderr           io.Writer
	runners                  []*runner.Runner
}

// flags defines the flags that c shares with other commands.
func (e *env) flags(fs *flag.FlagSet, c *command) {
	fs.StringVar(&e.root, "root", ".", "the notebook's `folder` (holding notes/ and snippets/)")
	if c.runs {
		fs.StringVar(&e.ceilings, "ceilings", "", "the most any run may use, over notebook.yaml's ceilings: a `list` such as timeout=2m,memory=4GiB (keys: timeout, original_timeout, memory, processes, files, file_size, disk)")
		fs.BoolVar(&e.noSandbox, "no-sandbox", false, "run snippets without the sandbox, on purpose (as NOTEBOOK_NO_SANDBOX=1 does): needed under CI where the kernel refuses it")
	}
	if c.cached {
		fs.StringVar(&e.cacheDir, "cache", "", "cache run results in `dir` (default $NOTEBOOK_CACHE, or the user cache folder)")
		fs.BoolVar(&e.noCache, "no-cache", false, "make everything afresh and keep none of it (compiled programs and the in-browser interpreter are still cached, as Go keeps what it compiles)")
	}
}

// warn prints a warning of the runner or the store on standard error.
func (e *env) warn(msg string) {
	fmt.Fprintln(e.stderr, "notebook: warning:", msg)
}

// store opens the store -cache names, else the default one; nil, with a
// warning, if there is none.
func (e *env) store() *store.Store {
	dir, err := e.cacheDir, error(nil)
	if dir == "" {
		dir, err = store.DefaultDir()
	}
	var st *store.Store
	if err == nil {
		st, err = store.Open(dir)
	}
	if err != nil {
		e.warn(fmt.Sprintf("nothing is kept between builds: %v; pass -cache DIR", err))
		return nil
	}
	if err := st.Trim(); err != nil {
		e.warn(fmt.Sprintf("trimming %s: %v", dir, err))
	}
	return st
}

// runner returns a snippet runner that keeps what it makes in st (nothing
// with -no-cache), under the notebook's ceilings with -ceilings over them.
func (e *env) runner(st *store.Store) (*runner.Runner, error) {
	c, err := snippets.ReadCeilings(e.root)
	if err != nil {
		return nil, err
	}
	if e.ceilings != "" {
		if err := c.Set(e.ceilings); err != nil {
			return nil, usagef("%v", err)
		}
	}
	r := &runner.Runner{Store: st, Fresh: e.noCache, Warn: e.warn, NoSandbox: e.noSandbox, Ceilings: c}
	e.runners = append(e.runners, r)
	return r, nil
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

// snippetList loads the snippets ids name (as "ID" or "snippets/ID/"),
// or all of them if there are none.
func (e *env) snippetList(ids []string) ([]*snippets.Snippet, error) {
	dir := filepath.Join(e.root, "snippets")
	if len(ids) == 0 {
		_, list, err := snippets.LoadAll(dir)
		if err == nil && len(list) == 0 {
			err = fmt.Errorf("%s holds no snippets: run notebook from the notebook's folder or pass -root", dir)
		}
		return list, err
	}
	var list []*snippets.Snippet
	for _, id := range ids {
		id = strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(id), "snippets/"), "/")
		if err := snippets.CheckID(id); err != nil {
			return nil, usageError{err}
		}
		s, err := snippets.Load(dir, id)
		if errors.As(err, new(*snippets.NotFoundError)) {
			ids, _ := snippets.Find(dir) // for the id it most likely misspells
			if near := snippets.Nearest(id, ids); near != "" {
				err = fmt.Errorf("%w; did you mean %s?", err, near)
			}
		}
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	return list, nil
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

With -no-originals, the build runs only the Go programs, not the originals
(the blocks as written, in Python): the pages say so, and a snippet
declared the same as its original is not checked against it.

With -v, the build lists each file of the site it rendered afresh rather
than took from the cache ("rendered FILE"), then each it wrote into the
output folder because it is new or changed ("wrote FILE").`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&out, "o", "", "write the site to `dir` (default ROOT/public)")
			fs.StringVar(&baseURL, "base-url", os.Getenv("URL"), "the site's absolute `address`, for the feed, sitemap and 404 page (default $URL, which Netlify sets; "+site.DefaultBaseURL+" if that is empty too)")
			fs.BoolVar(&drafts, "drafts", false, "include notes marked draft")
			fs.BoolVar(&noOriginals, "no-originals", false, "run no originals (the Python blocks beside the Go programs); their pages say so")
			fs.BoolVar(&verbose, "v", false, "list the files of the site rendered afresh and those written into the output folder")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			cfg, err := e.config()
			if err != nil {
				return err
			}
			cfg.Out, cfg.BaseURL, cfg.Drafts, cfg.NoOriginals = out, baseURL, drafts, noOriginals
			start := time.Now()
			b, err := site.Build(ctx, cfg)
			if b != nil {
				for _, w := range b.Warnings {
					fmt.Fprintf(e.stderr, "warning: %v\n", w)
				}
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

With -engines, check instead runs every snippet under yaegi and tells which
native snippets could switch to "engine: yaegi", and why the others cannot
(their engine_reason). It fails if a snippet that uses yaegi fails under it.

With -mutants, check instead tests the expectations themselves: for each
snippet (or the IDs given) it runs mutants of main.go, small wrong versions
of it (a statement deleted, a loop emptied, a condition negated, a number
changed...), prints each that its expectation did not catch (lived), and
the efficacy, killed / (killed + lived). It fails while a mutant lives
that snippet.yaml does not acknowledge under equivalent_mutants, by the
name check prints, with a reason. Outcomes are cached.`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&strict, "strict", false, "treat every warning about a note or a snippet as an error")
			fs.BoolVar(&engines, "engines", false, "report which snippets run correctly under yaegi")
			fs.BoolVar(&mutants, "mutants", false, "test each snippet's expectation against mutants of its program")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 && !mutants {
				return usagef("check takes snippet IDs only with -mutants")
			}
			if mutants || engines {
				r, err := e.runner(e.store())
				if err != nil {
					return err
				}
				list, err := e.snippetList(args)
				if err != nil {
					return err
				}
				if mutants {
					return checkMutants(ctx, e, r, list)
				}
				return checkEngines(ctx, e, r, list)
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
			problem := func(authored bool, err error) {
				if strict && authored {
					errs = append(errs, err)
				} else {
					fmt.Fprintf(e.stdout, "warning: %v\n", err)
				}
			}
			for _, w := range b.Warnings {
				// One about this machine (no python3, say) is never an error.
				p := filepath.ToSlash(w.Path)
				problem(strings.HasPrefix(p, "notes/") || strings.HasPrefix(p, "snippets/"), w)
			}
			for _, u := range b.Unlinked {
				problem(true, errors.New(u+": block has no snippet: add {snippet=ID} to its fence, or {snippet=none}"))
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

// checkEngines runs the snippets under yaegi and prints, for each, its
// engine and whether it meets its expectation under yaegi.
func checkEngines(ctx context.Context, e *env, r *runner.Runner, list []*snippets.Snippet) error {
	runs := make([]*runner.Run, len(list))
	for i, s := range list {
		runs[i] = r.NewRun(s, snippets.Yaegi)
	}
	failed := map[*runner.Run]error{} // the runs that could not run
	r.RunAll(ctx, runs, func(run *runner.Run, err error) { failed[run] = err })
	if ctx.Err() != nil {
		return ctx.Err()
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "snippet\tengine\tunder yaegi")
	var errs []error
	var fails, canSwitch int
	for i, s := range list {
		v := failed[runs[i]]
		if v == nil {
			v = runner.Verdict(runs[i].Snippet, runs[i].Result)
		}
		status := "ok"
		switch {
		case v != nil:
			fails++
			status = "fails: " + summary(v)
			if s.Options.Engine == snippets.Yaegi {
				errs = append(errs, fmt.Errorf("%s: engine is yaegi, but the snippet fails under yaegi: %v", filepath.Join(s.Dir, snippets.OptionsFile), v))
			}
		case s.Options.Engine == snippets.Native:
			canSwitch++
			status = "ok: can switch to yaegi"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", s.ID, s.Options.Engine, status)
		if s.Options.EngineReason != "" {
			fmt.Fprintf(tw, "\t\treason: %s\n", s.Options.EngineReason)
		}
	}
	tw.Flush()
	version, _ := r.Version(snippets.Yaegi)
	fmt.Fprintf(e.stdout, "%d of %d snippets run correctly under %s; %d of them use native and could switch.\n", len(list)-fails, len(list), version, canSwitch)
	if fails > 0 {
		fmt.Fprintln(e.stdout, "To see why one fails: notebook run -engine yaegi ID")
	}
	return errors.Join(errs...)
}

// checkMutants tests the expectations of the snippets against mutants of
// their programs (see runner.Mutants).
func checkMutants(ctx context.Context, e *env, r *runner.Runner, list []*snippets.Snippet) error {
	var all []*runner.MutantResult
	var errs []error
	start := time.Now()
	for _, s := range list {
		results, err := r.Mutants(ctx, s)
		if err != nil {
			errs = append(errs, err)
			fmt.Fprintf(e.stdout, "%s: %v\n", s.ID, summary(err))
			continue
		}
		rel := filepath.ToSlash(filepath.Join("snippets", s.ID))
		for _, m := range results {
			if m.Outcome == runner.Lived {
				fmt.Fprintf(e.stdout, "%s/%s:%d: lived: %s\n%s", rel, m.File, m.Line, m.Name(), m.Diff())
			}
		}
		for _, eq := range s.Options.EquivalentMutants {
			if !slices.ContainsFunc(results, func(m *runner.MutantResult) bool { return m.Outcome == runner.Equivalent && m.Name() == eq.Mutant }) {
				fmt.Fprintf(e.stdout, "warning: %s/%s: equivalent_mutants: %q names no mutant that lives: remove it\n", rel, snippets.OptionsFile, eq.Mutant)
			}
		}
		lived, t := tally(results)
		fmt.Fprintf(e.stdout, "%s: %s\n", s.ID, t)
		if lived > 0 {
			errs = append(errs, fmt.Errorf("%s: %s lived: tighten expected.txt or the program, or acknowledge an equivalent one in %s", s.ID, count(lived, "mutant"), snippets.OptionsFile))
		}
		all = append(all, results...)
	}
	_, t := tally(all)
	fmt.Fprintf(e.stdout, "all: %s, in %v\n", t, time.Since(start).Round(time.Second))
	return errors.Join(errs...)
}

// tally counts the mutants that lived, and says how many there are of
// each outcome: "40 mutants: 30 killed, 2 lived, 1 equivalent, 3 timed
// out, 4 did not compile (12 cached); efficacy 93.8%".
func tally(results []*runner.MutantResult) (lived int, s string) {
	n := map[string]int{}
	cached := 0
	for _, m := range results {
		n[m.Outcome]++
		if m.Cached {
			cached++
		}
	}
	eff := "no mutant ran"
	if k, l := n[runner.Killed], n[runner.Lived]; k+l > 0 {
		eff = fmt.Sprintf("efficacy %.1f%%", 100*float64(k)/float64(k+l))
	}
	return n[runner.Lived], fmt.Sprintf("%s: %d killed, %d lived, %d equivalent, %d timed out, %d did not compile (%d cached); %s",
		count(len(results), "mutant"), n[runner.Killed], n[runner.Lived], n[runner.Equivalent], n[runner.TimedOut], n[runner.NotCompiled], cached, eff)
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
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&engine, "engine", "", "run with this engine (native or yaegi) instead of the snippet's own")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) != 1 {
				return usagef("want one snippet id; got %d arguments", len(args))
			}
			if engine != "" && engine != snippets.Native && engine != snippets.Yaegi {
				return usagef("-engine %q: want %s or %s", engine, snippets.Native, snippets.Yaegi)
			}
			list, err := e.snippetList(args)
			if err != nil {
				return err
			}
			s := list[0]
			r, err := e.runner(nil)
			if err != nil {
				return err
			}
			res, err := r.Run(ctx, s, engine)
			if err != nil {
				return err
			}
			out := res.Output
			if f, ok := e.stdout.(*os.File); ok {
				if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
					out = visible(out) // a terminal
				}
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

// visible returns out with what a terminal would act on rather than show
// (every control character but newline and tab, and bytes that are not
// UTF-8) written as Go escapes, \x1b: a program's output cannot move the
// cursor, retitle the window or clear the screen of whoever runs it.
func visible(out []byte) []byte {
	var b []byte
	for len(out) > 0 {
		r, size := utf8.DecodeRune(out)
		if r == '\n' || r == '\t' || !unicode.IsControl(r) && (r != utf8.RuneError || size > 1) {
			b = append(b, out[:size]...)
		} else {
			q := strconv.QuoteToASCII(string(out[:size])) // "\x1b", with its quotes
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

// count says how many of a thing there are: "1 note", "2 notes".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
