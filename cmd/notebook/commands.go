package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/runner/cache"
	"github.com/gonotebook/notebook/site"
	"github.com/gonotebook/notebook/site/play"
	"github.com/gonotebook/notebook/snippets"
)

// runner returns the snippet runner the flags ask for.
func (e *env) runner() (*runner.Runner, error) {
	r := &runner.Runner{Warn: e.warnLine}
	e.runners = append(e.runners, r)
	// Compiled programs are kept beside the results, even with -no-cache:
	// they are build products, like what Go's build cache keeps, not
	// results; every run still runs.
	if dir := e.cacheFolder(); dir != "" {
		r.Programs = &runner.Programs{Dir: filepath.Join(dir, "programs")}
	}
	if e.noCache {
		return r, nil
	}
	dir := e.cacheFolder()
	if dir == "" {
		_, err := cache.DefaultDir()
		return nil, fmt.Errorf("no cache folder (%v); pass -cache DIR or -no-cache", err)
	}
	r.Cache = &cache.Cache{Dir: dir, Warn: e.warnLine}
	return r, nil
}

// cacheFolder returns the folder -cache names, else the default one, or
// "" if there is none.
func (e *env) cacheFolder() string {
	if e.cacheDir != "" {
		return e.cacheDir
	}
	dir, err := cache.DefaultDir()
	if err != nil {
		return ""
	}
	return dir
}

// warnLine prints a warning of the runner or its cache (runs are not
// sandboxed, results are not cached) on standard error.
func (e *env) warnLine(msg string) {
	fmt.Fprintln(e.stderr, "notebook: warning:", msg)
}

func (e *env) config() (*site.Config, error) {
	r, err := e.runner()
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(e.root, "notes")); err != nil {
		return nil, fmt.Errorf("%s has no notes/ folder: run notebook from the notebook's folder or pass -root", e.root)
	}
	// The in-browser interpreter is cached beside the results, even with
	// -no-cache: it is a build product, like what Go's build cache keeps,
	// not a result, and compiling it again costs a second of both cores.
	pb := &play.Builder{Dir: e.root}
	if dir := e.cacheFolder(); dir != "" {
		pb.Cache = filepath.Join(dir, "play")
	}
	return &site.Config{Root: e.root, Runner: r, Progress: e.stderr, Play: pb}, nil
}

func buildCmd() *command {
	var out, baseURL string
	var drafts, noOriginals bool
	return &command{
		name:    "build",
		cached:  true,
		summary: "build the site into public/",
		detail: `Build runs every snippet a note links to (or takes its cached result), checks
each against its expected output, and writes the site. If any snippet fails,
the build names the note file and line, the snippet and a diff, writes
nothing, and leaves the previous site in place.

With -no-originals, the build runs the Go programs only, not the blocks
that snippets say run as written (their originals, in Python): the pages
say that the originals were not run in this build, and a snippet declared
the same as its original is not checked against it.`,
		flags: func(fs *flag.FlagSet, e *env) {
			fs.StringVar(&out, "o", "", "write the site to `dir` (default ROOT/public)")
			fs.StringVar(&baseURL, "base-url", os.Getenv("URL"), "the site's absolute `address`, for the feed, sitemap and 404 page (default $URL, which Netlify sets; "+site.DefaultBaseURL+" if that is empty too)")
			fs.BoolVar(&drafts, "drafts", false, "include notes marked draft")
			fs.BoolVar(&noOriginals, "no-originals", false, "run no originals (the Python blocks beside the Go programs); their pages say so")
		},
		run: func(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
			cfg, err := e.config()
			if err != nil {
				return err
			}
			cfg.Out, cfg.BaseURL, cfg.Drafts, cfg.NoOriginals = out, baseURL, drafts, noOriginals
			start := time.Now()
			nb, err := site.Build(ctx, cfg)
			if nb != nil {
				warn(e.stderr, nb.Warnings)
			}
			if err != nil {
				return fmt.Errorf("%v\nbuild failed: nothing was written; %s is unchanged", err, cfg.OutDir())
			}
			fmt.Fprintf(e.stderr, "built %d notes, %d snippets into %s in %v\n",
				len(nb.Notes), len(nb.Results), cfg.OutDir(), time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
}

func checkCmd() *command {
	var strict, engines bool
	return &command{
		name:    "check",
		cached:  true,
		summary: "check links, snippets and expected output",
		detail: `Check reads every note and snippet, reports fences that link to a missing
snippet, runs every linked snippet and compares its output with what it
expects. It also lists blocks with no snippet attribute (unlinked) and
snippets no note links to. With -strict, unlinked blocks are errors.

With -engines, check instead runs every snippet under the yaegi interpreter
and tells, for each, whether it meets its expectation there: which native
snippets could switch to "engine: yaegi" in their snippet.yaml, and why the
others cannot (their engine_reason). It fails if a snippet that uses yaegi
does not run correctly under it.`,
		flags: func(fs *flag.FlagSet, e *env) {
			fs.BoolVar(&strict, "strict", false, "treat unlinked blocks as errors")
			fs.BoolVar(&engines, "engines", false, "report which snippets run correctly under yaegi")
		},
		run: func(ctx context.Context, e *env, fs *flag.FlagSet, args []string) error {
			if engines {
				return checkEngines(ctx, e)
			}
			cfg, err := e.config()
			if err != nil {
				return err
			}
			nb, err := site.Load(cfg)
			if nb != nil {
				warn(e.stdout, nb.Warnings)
			}
			if err != nil {
				return err
			}
			var errs []error
			for _, u := range nb.Unlinked {
				msg := u + ": block has no snippet: add {snippet=ID} to its fence, or {snippet=none}"
				if strict {
					errs = append(errs, errors.New(msg))
				} else {
					fmt.Fprintln(e.stdout, "warning: "+msg)
				}
			}
			for _, id := range nb.Orphans {
				fmt.Fprintf(e.stdout, "note: snippet %s is linked from no note\n", id)
			}
			if err := nb.Run(ctx, cfg, nb.Linked()); err != nil {
				errs = append(errs, err)
			}
			if len(errs) > 0 {
				return errors.Join(errs...)
			}
			fmt.Fprintf(e.stdout, "ok: %d notes, %d snippets checked, %d unlinked blocks\n", len(nb.Notes), len(nb.Results), len(nb.Unlinked))
			return nil
		},
	}
}

// checkEngines runs every snippet under yaegi and prints, for each, its
// engine and whether it meets its expectation under yaegi.
func checkEngines(ctx context.Context, e *env) error {
	r, err := e.runner()
	if err != nil {
		return err
	}
	dir := filepath.Join(e.root, "snippets")
	list, err := snippets.LoadAll(dir)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return fmt.Errorf("%s holds no snippets: run notebook from the notebook's folder or pass -root", dir)
	}
	jobs := make([]runner.Job, len(list))
	for i, s := range list {
		jobs[i] = runner.Job{Snippet: s, Engine: snippets.Yaegi}
	}
	reports, err := r.RunAll(ctx, jobs, nil)
	if err != nil {
		return err
	}
	verdicts := make([]error, len(list))
	for i, rep := range reports {
		verdicts[i] = rep.Err
		if rep.Err == nil {
			verdicts[i] = runner.Verdict(rep.Job.Snippet, rep.Result)
		}
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
	version, _ := r.Version(ctx, snippets.Yaegi)
	fmt.Fprintf(e.stdout, "%d of %d snippets run correctly under %s; %d of them use native and could switch.\n", ok, len(list), version, canSwitch)
	if ok < len(list) {
		fmt.Fprintln(e.stdout, "To see why one fails: notebook run -engine yaegi ID")
	}
	return errors.Join(errs...)
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
			r := &runner.Runner{Engine: engine, Warn: e.warnLine}
			e.runners = append(e.runners, r)
			reports, err := r.RunAll(ctx, []runner.Job{{Snippet: s}}, nil)
			if err != nil {
				return err
			}
			res := reports[0].Result
			if err := reports[0].Err; err != nil {
				return err
			}
			e.stdout.Write(res.Output)
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
