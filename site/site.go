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
//	tags/, tags/TAG/       every tag, and one page per tag
//	search/                search over notes, entries and code
//	search.json            the index that search reads
//	feed.xml, sitemap.xml  an Atom feed and a sitemap, with absolute addresses
//	robots.txt             where the sitemap is
//	404.html               the page for missing addresses
//	assets/                style sheet, scripts and icon, fingerprinted; the
//	                       in-browser Go interpreter, its loader and worker
//
// Only assets/ holds fingerprinted files: their names change whenever their
// contents do, so they may be cached for ever; nothing else may.
//
// # Pages
//
// A note page shows the note's prose as written, a table of contents of
// its entries (its headings below level one, each with a stable anchor and
// a link to itself), and for each block that links to a snippet: the
// original, the Go program and the output it printed, with its exit status,
// duration, engine and Go version; then links to the previous (older) and
// next (newer) note. Every page works without JavaScript. The scripts add
// what needs it: copy buttons on code, a theme toggle that persists (the
// system's colour scheme is followed until the reader chooses), arrow keys
// for the previous and next note, "/" to search, and search itself, which
// runs in the browser over search.json; without JavaScript the search page
// lists every entry. A Go program that can run in the browser (see package
// play) gets Run and Edit, which fetch the interpreter on the first Run;
// the others say in one line why they run only when the site is built.
// Pages load nothing from other hosts and use no inline scripts or styles,
// so a strict Content-Security-Policy holds (with 'wasm-unsafe-eval' for
// the interpreter).
//
// # Verified output
//
// Before anything is written, every snippet a note links to is run (or its
// cached result taken) and checked against its expectation. A block that
// links to a missing snippet, a snippet that fails to compile, times out or
// prints something other than what it expects, fails the build with the
// note's file and line, the snippet's id and a diff, after every snippet has
// been run, so one build reports every failure.
//
// # Writing
//
// The site is written into a temporary folder beside the output folder and
// put in place only when the whole build succeeded: a failed build leaves
// the previous site as it was.
//
// A build never destroys what it did not make. It writes a mark, the file
// .notebook-site (see MarkFile), into every site it makes, listing each
// file with its SHA-256, and replaces only an output folder that is
// missing, empty, or marked and holding nothing but the files its mark
// lists, unchanged. It refuses, before running anything and naming the
// folder and why, any other folder: the notebook's own, one that holds it,
// one inside its notes/ or snippets/, a symbolic link, a file, a folder
// holding notes/, snippets/, .git or go.mod, and one holding anything no
// build wrote.
//
// The temporary folder is named .OUT.notebook-build-PID-N beside the
// output folder OUT, and the previous site is moved aside to that name
// with .old added before it is removed. A build that was killed leaves at
// most these; the next build into the same folder removes those whose
// process is gone.
package site

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/gonotebook/notebook/notes"
	"github.com/gonotebook/notebook/render"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/site/play"
	"github.com/gonotebook/notebook/snippets"
)

// Config says where a notebook is and how to build it.
type Config struct {
	// Root is the notebook's folder, holding notes/ and snippets/.
	Root string
	// Out is the output folder; Root/public if empty.
	Out string
	// Runner runs the snippets; a zero Runner (no cache) if nil.
	Runner *runner.Runner
	// Progress receives a line per snippet run; nothing is written if nil.
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

func (c *Config) notesDir() string    { return "notes" }
func (c *Config) snippetsDir() string { return filepath.Join(c.Root, "snippets") }

// OutDir returns the folder the site is written to.
func (c *Config) OutDir() string {
	if c.Out != "" {
		return c.Out
	}
	return filepath.Join(c.Root, "public")
}

// A Note is a note with its parsed body.
type Note struct {
	*notes.Note
	Doc *render.Doc
}

// A Notebook is every note, the snippets they link to, and the snippets'
// results.
type Notebook struct {
	Notes    []*Note
	Snippets map[string]*snippets.Snippet // by id, every snippet below snippets/
	Results  map[string]*runner.Result    // by id, for the snippets that ran
	// Unlinked lists the fenced blocks that name no snippet, as "file:line".
	Unlinked []string
	// Orphans lists the snippets no note links to.
	Orphans []string
	// Warnings are what notes.Load warns about: Markdown files in notes/
	// that are not read, empty notes.
	Warnings []*fileline.Error

	interp *play.Interpreter // the in-browser interpreter; nil if none
}

// Load reads every note and snippet and checks that every link resolves. It
// runs nothing.
func Load(cfg *Config) (*Notebook, error) {
	nb := &Notebook{Snippets: map[string]*snippets.Snippet{}}
	list, warnings, err := notes.Load(os.DirFS(cfg.Root), cfg.notesDir())
	if err != nil {
		return nil, err
	}
	nb.Warnings = warnings
	all, err := snippets.LoadAll(cfg.snippetsDir())
	var errs []error
	if err != nil {
		errs = append(errs, err)
	}
	for _, s := range all {
		nb.Snippets[s.ID] = s
	}
	used := map[string]bool{}
	for _, n := range list {
		doc, err := render.Parse(n.Path, n.Body, n.BodyLine)
		if err != nil {
			errs = append(errs, err)
		}
		if doc == nil {
			continue
		}
		nb.Notes = append(nb.Notes, &Note{Note: n, Doc: doc})
		for _, b := range doc.Blocks {
			switch {
			case b.Snippet == "":
				nb.Unlinked = append(nb.Unlinked, fmt.Sprintf("%s:%d", n.Path, b.Line))
			case b.Linked():
				used[b.Snippet] = true
				if nb.Snippets[b.Snippet] == nil {
					errs = append(errs, fmt.Errorf("%s:%d: block links to snippet %q, but %s has no %s",
						n.Path, b.Line, b.Snippet, filepath.Join("snippets", filepath.FromSlash(b.Snippet)), snippets.MainFile))
				}
			}
		}
	}
	for _, s := range all {
		if !used[s.ID] {
			nb.Orphans = append(nb.Orphans, s.ID)
		}
	}
	return nb, errors.Join(errs...)
}

// Linked returns the ids of the snippets the notes link to, sorted.
func (nb *Notebook) Linked() []string {
	var ids []string
	for _, n := range nb.Notes {
		for _, b := range n.Doc.Blocks {
			if b.Linked() && nb.Snippets[b.Snippet] != nil && !slices.Contains(ids, b.Snippet) {
				ids = append(ids, b.Snippet)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// Run runs the given snippets (in parallel, "alone" ones by themselves) and
// checks each result. It returns an error naming, for every failing snippet,
// each note file and line that links to it, with the reason and diff.
func (nb *Notebook) Run(ctx context.Context, cfg *Config, ids []string) error {
	r := cfg.Runner
	if r == nil {
		r = &runner.Runner{}
	}
	jobs := make([]runner.Job, len(ids))
	for i, id := range ids {
		jobs[i] = runner.Job{Snippet: nb.Snippets[id]}
	}
	nb.Results = map[string]*runner.Result{}
	var errs []error
	_, err := r.RunAll(ctx, jobs, func(rep runner.Report) {
		id := rep.Job.Snippet.ID
		status := "ok"
		switch {
		case rep.Err != nil:
			status = "error"
			errs = append(errs, fmt.Errorf("snippet %s: %w", id, rep.Err))
		default:
			nb.Results[id] = rep.Result
			if verdict := runner.Verdict(rep.Job.Snippet, rep.Result); verdict != nil {
				status = "FAIL"
				errs = append(errs, nb.failure(id, verdict))
			}
		}
		progress(cfg.Progress, rep, status)
	})
	if err != nil {
		return err
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// failure names every block that links to id, then why the snippet failed.
func (nb *Notebook) failure(id string, verdict error) error {
	var where string
	for _, n := range nb.Notes {
		for _, b := range n.Doc.Blocks {
			if b.Snippet == id {
				where += fmt.Sprintf("%s:%d: ", n.Path, b.Line)
			}
		}
	}
	if where == "" {
		where = "(linked from no note) "
	}
	return fmt.Errorf("%ssnippet %s: %v", where, id, verdict)
}

// progress writes one line for a finished run: "[3/20] ok   gil/connect
// native 12ms (cached)".
func progress(w io.Writer, rep runner.Report, status string) {
	if w == nil {
		return
	}
	detail := ""
	if res := rep.Result; res != nil {
		detail = fmt.Sprintf(" %s %v", res.Engine, res.Duration.Round(time.Millisecond))
		if res.Cached {
			detail += " (cached)"
		}
	}
	fmt.Fprintf(w, "[%d/%d] %-4s %s%s\n", rep.Done, rep.Total, status, rep.Job.Snippet.ID, detail)
}

// Build loads the notebook, runs every linked snippet, and writes the site.
// Nothing is written unless everything succeeded, and nothing is written
// to an output folder a build may not replace (see Writing, above).
func Build(ctx context.Context, cfg *Config) (*Notebook, error) {
	// Refuse an output folder before running anything; write checks again.
	out, err := checkOut(cfg)
	if err != nil {
		return nil, err
	}
	removeStale(out)
	nb, err := Load(cfg)
	if err != nil {
		return nil, err
	}
	playCtx, stopPlay := context.WithCancel(ctx)
	defer stopPlay()
	interp := startPlay(playCtx, cfg)
	if err := nb.Run(ctx, cfg, nb.Linked()); err != nil {
		stopPlay()
		interp()
		return nb, err
	}
	nb.interp = interp()
	return nb, write(cfg, nb)
}

// write renders the site into a fresh folder beside the output folder,
// marks it, and swaps it into place, if the output folder is one a build
// may replace.
func write(cfg *Config, nb *Notebook) error {
	out, err := checkOut(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), tempPattern(out))
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := renderSite(cfg, nb, tmp); err != nil {
		return err
	}
	if err := writeMark(tmp); err != nil {
		return err
	}
	return replace(tmp, out)
}
