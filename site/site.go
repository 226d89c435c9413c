// Package site builds a notebook's static web site.
//
// # Layout
//
// A notebook is a folder with notes/ (the dated notes, see package notes)
// and snippets/ (their Go equivalents, see package snippets). Build writes
// the site into an output folder, public/ by default:
//
//	index.html             the notes by date, newest first, with their entries
//	YYYY-MM-DD[-slug]/     one page per note
//	  explained/           its Go programs' explanations, whole, if any
//	                       says more than its first paragraph
//	tags/, tags/TAG/       every tag, and one page per tag
//	search/                search over notes, entries and code
//	search.json            the index that search reads
//	feed.xml, sitemap.xml  an Atom feed and a sitemap, with absolute addresses
//	robots.txt             where the sitemap is
//	404.html               the page for missing addresses
//	assets/                style sheet, scripts and icon, fingerprinted; the
//	                       in-browser Go interpreter, its loader and worker
//
// The feed holds the newest 20 published notes (feedSize), without the
// links headings carry on their pages.
//
// Only assets/ holds fingerprinted files: their names change whenever their
// contents do, so they may be cached for ever; nothing else may.
//
// # Pages
//
// A note page shows the note's prose as written, a table of contents of
// its entries (its headings below level one, each with a stable anchor and
// a link to itself), and for each block that links to a snippet a pair:
// the first paragraph of the Go program's explanation (its doc comment),
// with a link to the rest on the note's page of explanations; below it the
// original and the Go program side by side, starting level; below them,
// level again, the output the original printed, if it ran, and the output
// the Go program printed, each with its exit status, duration, engine and
// Go version. On narrow screens the pair is stacked: the explanation, the
// original and its output, then the Go program and its output, since a
// reader who sees one box at a time reads each program with what it
// printed, and a long Go program would otherwise part the original from
// its output. Then come links to the previous (older) and next (newer)
// note. Every page works without JavaScript. The scripts add
// what needs it: copy buttons on code, a theme toggle that persists (the
// system's colour scheme is followed until the reader chooses), arrow keys
// for the previous and next note, "/" to search, and search itself, which
// runs in the browser over search.json; without JavaScript the search page
// lists every entry; and "Read on", which shows the rest of an
// explanation in place. A Go program that can run in the browser (see
// package play) gets Run and Edit, which fetch the interpreter on the
// first Run; the reader's run is shown apart from the build's output,
// headed "Your run" with how it ended, in a box of bounded height that
// shows at most 1 MiB, and Stop or Escape end it at once; in the editor
// Tab indents, and Escape, then Tab, leaves it, as a hint there says. The
// others say
// in one line why they run only when the site is built.
// Pages load nothing from other hosts and use no inline scripts or styles,
// so a strict Content-Security-Policy holds (with 'wasm-unsafe-eval' for
// the interpreter).
//
// # Verified output
//
// Before anything is written, every snippet a note links to is run (or its
// result taken from the store) and checked against its expectation, and
// every original a snippet says runs is run too. A block that links to a
// missing snippet, a snippet that fails to compile, times out or prints
// something other than what it expects, fails the build with the note's
// file and line, the snippet's id and a diff, after every snippet has
// been run, so one build reports every failure, sorted by file and line.
//
// # How a build works
//
// Build loads the notebook (see Load), plans a graph of actions (package
// graph), runs it, and publishes the site. The actions run each linked
// snippet (package runner) and original, check each verdict, build the
// in-browser interpreter (package play), and make each file of the site.
// A file's action ID (package store) hashes everything the file shows and
// the build's settings, so a file whose inputs did not change since any
// build is taken from the store, not made again.
//
// # Writing
//
// The output folder is one room (outDir): the site is written into a
// temporary folder beside it, .OUT.notebook-build-PID-N, and put in place
// only when the whole build succeeded. A new or empty output folder gets
// the temporary folder renamed into its place; over an earlier site, a
// build moves into place, one at a time and atomically, only the files
// whose bytes changed, removes those the site no longer has, and writes
// its mark last, listing meanwhile both the old and the new SHA-256 of
// each file, so a build killed halfway leaves a folder the next build
// accepts, repairs and whose temporary folder it removes.
//
// A build never destroys what it did not make. Its mark, .notebook-site
// (see MarkFile), lists each file of the site with its SHA-256 and stamp.
// It writes only into an output folder that is missing, empty, or marked
// and holding nothing but the files its mark lists, and refuses, before
// running anything and saying why, the notebook's own folder, one that
// holds it, one inside its notes/ or snippets/, a symbolic link, a file,
// and a folder holding notes/, snippets/, .git, go.mod or anything no
// build wrote. A file it would keep is checked by its stamp, or hashed
// where that changed, so one removed by hand is written again; before it
// writes, it checks the folder again and hashes every file it would write
// over or remove: one edited by hand since is kept, and the build fails
// naming it.
package site

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gonotebook/notebook/internal/graph"
	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/render"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/site/play"
)

// Config says where a notebook is and how to build it.
type Config struct {
	// Root is the notebook's folder, holding notes/ and snippets/.
	Root string
	// Out is the output folder; Root/public if empty.
	Out string
	// Store keeps what builds reuse (see package store); nil keeps
	// nothing.
	Store *store.Store
	// Fresh makes everything afresh: every note is parsed, every page
	// made and every snippet and original run again, and none of it is
	// kept. Compiled programs and the in-browser interpreter are still
	// taken from the store, as Go keeps what it compiles.
	Fresh bool
	// Runner runs the snippets; a zero Runner if nil.
	Runner *runner.Runner
	// Progress receives a line per snippet run, a few lines at a time;
	// nothing is written if nil.
	Progress io.Writer
	// Drafts includes notes marked draft in the site.
	Drafts bool
	// BaseURL is the site's absolute address ("https://example.org" or
	// "https://example.org/notes/"), for the feed, the sitemap and the
	// links of 404.html, which is served at any depth. Links between other
	// pages are relative and do not need it. If empty, DefaultBaseURL is
	// used: right for a local preview, wrong for a deployed site.
	BaseURL string
	// Play builds the interpreter that lets readers run eligible snippets
	// in their browser (see package play); nil builds a site without Run.
	Play *play.Builder
	// Now is the feed's time stamp; the newest note's date if zero, so
	// that building the same notes twice gives the same files.
	Now time.Time
	// NoOriginals runs no block as written: the pages say that the
	// originals were not run in this build, and nothing checks that an
	// original declared the same as its snippet is.
	NoOriginals bool

	parses    *parses    // see Load; set by NewServer
	published *published // see openOut; set by NewServer
}

// DefaultBaseURL is the site's address when Config.BaseURL is empty.
const DefaultBaseURL = "http://localhost:8080/"

// baseURL parses BaseURL into an absolute http(s) address ending in "/".
func (c *Config) baseURL() (*url.URL, error) {
	s := c.BaseURL
	if s == "" {
		s = DefaultBaseURL
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q: want an absolute http or https address such as https://example.org/", c.BaseURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawPath = ""
	return u, nil
}

func (c *Config) snippetsDir() string { return filepath.Join(c.Root, "snippets") }

// OutDir returns the folder the site is written to.
func (c *Config) OutDir() string {
	if c.Out != "" {
		return c.Out
	}
	return filepath.Join(c.Root, "public")
}

func (c *Config) runner() *runner.Runner {
	if c.Runner == nil {
		return &runner.Runner{Store: c.Store, Fresh: c.Fresh}
	}
	return c.Runner
}

// notes is the store that keeps parsed notes and the site's files: none if
// the build is Fresh.
func (c *Config) notes() *store.Store {
	if c.Fresh {
		return nil
	}
	return c.Store
}

// A Built is what a build or a check did: the notebook, and the results of
// the runs it made or took from the store.
type Built struct {
	*Notebook
	// Results are the results of the snippets the notes link to, by id.
	Results map[string]*runner.Result
	// Originals are the runs of the blocks a snippet says run as written.
	Originals map[*render.Block]*OriginalRun
	// Rendered lists the files of the site made afresh, not taken from
	// the store, sorted.
	Rendered []string
	// Written lists the files written into the output folder, new or
	// changed, sorted.
	Written []string
}

// An OriginalRun is how a block that a snippet answers ran as written.
type OriginalRun struct {
	// Result is the run's; nil when Missing or Skipped.
	Result *runner.Result
	// Missing says that no python3 was installed to run it.
	Missing bool
	// Skipped says that the build was asked not to run originals
	// (Config.NoOriginals).
	Skipped bool
}

// Build loads the notebook, runs every linked snippet and original, and
// writes the site. Nothing is written unless everything succeeded, and
// nothing is written to an output folder a build may not write into (see
// Writing, above). The Built is returned whenever the notebook loaded, so
// that the caller can show its warnings.
func Build(ctx context.Context, cfg *Config) (*Built, error) {
	// The output folder is checked while the notebook loads, which runs
	// nothing; one it refuses is refused before anything runs.
	type opened struct {
		out *outDir
		err error
	}
	open := make(chan opened, 1)
	go func() {
		out, err := openOut(cfg)
		open <- opened{out, err}
	}()
	nb, err := Load(ctx, cfg)
	o := <-open
	if o.err != nil {
		return nil, o.err
	}
	defer o.out.Abort()
	return run(ctx, cfg, o.out, nb, err)
}

// Check loads the notebook, runs every linked snippet and original and
// checks each result, as Build does, but writes nothing.
func Check(ctx context.Context, cfg *Config) (*Built, error) {
	nb, err := Load(ctx, cfg)
	return run(ctx, cfg, nil, nb, err)
}

// run plans the build's graph of nb, which Load returned with err, runs
// it and, if out is not nil, publishes the site there.
func run(ctx context.Context, cfg *Config, out *outDir, nb *Notebook, err error) (*Built, error) {
	if nb == nil {
		return nil, err
	}
	if err != nil {
		return &Built{Notebook: nb}, err
	}
	b, err := plan(cfg, nb, out)
	if err != nil {
		return &Built{Notebook: nb}, err
	}
	err = graph.Run(ctx, b.actions, graph.Options{Done: b.done})
	if b.progress != nil {
		b.progress.Flush()
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return b.built(), err
	}
	if err != nil {
		return b.built(), sorted(err)
	}
	b.keepResults()
	built := b.built()
	if out != nil {
		if err := out.Commit(); err != nil {
			return built, err
		}
		built.Written = out.Written()
	}
	return built, nil
}

// sorted returns the errors that err joins, sorted by the file and line
// each starts with, one per line; ErrDepFailed, which repeats another
// error, left out.
func sorted(err error) error {
	var errs []error
	var flatten func(error)
	flatten = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				flatten(e)
			}
		} else if err != nil && !errors.Is(err, graph.ErrDepFailed) {
			errs = append(errs, err)
		}
	}
	flatten(err)
	slices.SortStableFunc(errs, func(a, b error) int {
		fa, la, ta := where(a)
		fb, lb, tb := where(b)
		return cmp.Or(strings.Compare(fa, fb), cmp.Compare(la, lb), strings.Compare(ta, tb))
	})
	return errors.Join(errs...)
}

// fileLine is the "file:line: " that starts an error's text.
var fileLine = regexp.MustCompile(`^([^:\s]+):(\d+): `)

// where returns the file and line err's text starts with, if it does, and
// its text.
func where(err error) (file string, line int, text string) {
	text = err.Error()
	if m := fileLine.FindStringSubmatch(text); m != nil {
		line, _ = strconv.Atoi(m[2])
		return m[1], line, text
	}
	return text, 0, text
}
