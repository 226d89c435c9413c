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
// the previous site as it was. A new or empty output folder gets the whole
// site at once, the temporary folder renamed into its place.
//
// Over a site an earlier build made, a build makes and writes only what
// changed. Every file is made from inputs that a key names: a note page
// from its note, the titles and dates of the notes before and after it,
// the results and programs its blocks show and the build's own key (the
// running program, the base URL, whether drafts are in, the feed's time
// and the assets' fingerprints); the index, the search page, search.json,
// the tags page and the sitemap from every published note; a tag's page
// from its notes; the feed from its notes and their results. The keys are
// kept in the file InputsFile, beside the mark and listed in it. A file
// whose key is the one the previous build recorded is kept without being
// made again; a file made again whose bytes are those already there is not
// written. The files that changed are written into the temporary folder,
// then moved into the output folder one at a time, each atomically; then
// the files the build no longer makes are removed, and folders left
// empty; the mark is written last. While this happens the mark lists both
// the old and the new SHA-256 of each file, so that a build killed halfway
// leaves a folder the next build accepts and repairs.
//
// With a results cache (Config.Runner's), note pages and the feed are also
// kept there, under the key of their inputs, so that a build into an empty
// folder renders only the notes that changed since any build that used
// the cache.
//
// A build also keeps in the results cache an index of the notebook's
// snippets and of their results, which the next build starts from: it
// takes from it every snippet whose files have not changed, with a look
// at the metadata of each file instead of a read (see package snippets,
// Index), and every result whose key is the one a run of the snippet
// would have now, as from the cache, without a look-up each, checking it
// against the expectation again. The cache signs the index as it signs
// its other entries; one that it did not write as it is, is not read.
//
// A build never destroys what it did not make. It writes a mark, the file
// .notebook-site (see MarkFile), into every site it makes, listing each
// file with its SHA-256, and replaces only an output folder that is
// missing, empty, or marked and holding nothing but the files its mark
// lists, unchanged. It refuses, before running anything and naming the
// folder and why, any other folder: the notebook's own, one that holds it,
// one inside its notes/ or snippets/, a symbolic link, a file, a folder
// holding notes/, snippets/, .git or go.mod, and one holding anything no
// build wrote. A build that ran a snippet, or took more than a second,
// checks the folder again before it writes; and just before it writes
// over or removes a file of the previous site, it looks at that file
// again: one changed since the check (edited by hand, say) is kept, and
// the build fails naming it.
//
// The temporary folder is named .OUT.notebook-build-PID-N beside the
// output folder OUT, and the previous site is moved aside to that name
// with .old added before it is removed. A build that was killed leaves at
// most these; the next build into the same folder removes those whose
// process is gone.
package site

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/gonotebook/notebook/notes"
	"github.com/gonotebook/notebook/render"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/runner/cache"
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
	// NoOriginals runs no block as written: the pages say that the
	// originals were not run in this build, and nothing checks that an
	// original declared the same as its snippet is.
	NoOriginals bool
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

// cache is the Runner's results cache, or nil.
func (c *Config) cache() *cache.Cache {
	if c.Runner == nil {
		return nil
	}
	return c.Runner.Cache
}

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
	// Entries lists, by note path and heading anchor
	// ("notes/2018-10-30.md#7-why-gil"), the snippets that answer an entry
	// with no block to link from (a snippet's entry option).
	Entries map[string][]*snippets.Snippet
	// Originals holds the runs of the blocks that were run as written,
	// beside their snippets (a snippet's original option).
	Originals map[*render.Block]*OriginalRun
	// Rendered lists the files of the site that the build made afresh, by
	// their paths from the site's root, sorted; the others it kept from
	// the previous build, whose inputs were the same (see Writing).
	Rendered []string
	// Written lists the files the build wrote, because they were new or
	// their bytes changed: a subset of Rendered, sorted.
	Written []string
	// Warnings are problems in the notes that do not stop a build, each
	// at its file (and line): Markdown files in notes/ that are not read,
	// empty notes, fence languages chroma does not know.
	Warnings []*fileline.Error

	md     *render.Markdown  // parsed the notes; renders them
	interp *play.Interpreter // the in-browser interpreter; nil if none
	index  *buildIndex       // what the next build starts from
	ran    int               // runs Run did, not served from the cache
	fresh  int               // notes parsed afresh: changed since the last build
	// freshLangs are the fence languages of the notes parsed afresh, and
	// Go if they show a snippet: those of the pages rendered again.
	freshLangs []string
	// search, if not nil, makes search.json, started while the snippets
	// run (see Build).
	search *searchJob
}

// Load reads every note and snippet and checks that every link resolves. It
// runs nothing.
func Load(cfg *Config) (*Notebook, error) {
	nb := &Notebook{Snippets: map[string]*snippets.Snippet{}}
	// The snippets load while the notes are read and parsed.
	var ids []string // every snippet folder's, loaded or not
	snippetsLoaded := make(chan error, 1)
	go func() {
		var err error
		ids, err = nb.loadSnippets(cfg)
		snippetsLoaded <- err
	}()
	var c *cache.Cache
	if cfg.Runner != nil {
		c = cfg.Runner.Cache
	}
	parsedRead := make(chan *parsedNotes, 1)
	go func() { parsedRead <- readParsed(c, cfg.Root) }()
	list, warnings, err := notes.Load(os.DirFS(cfg.Root), cfg.notesDir())
	parsed := <-parsedRead
	if err != nil {
		<-snippetsLoaded
		return nil, err
	}
	nb.md = render.New()
	docs := make([]*render.Doc, len(list))
	parseErrs := make([]error, len(list))
	// Notes that did not change since the last build are restored rather
	// than parsed. Each tree is dropped once read: the page's render
	// parses the note again, so that a notebook's trees are never all
	// alive at once.
	fresh := make([]bool, len(list))
	parallel(len(list), func(i int) {
		docs[i], fresh[i], parseErrs[i] = parsed.parse(nb.md, list[i])
	})
	nb.freshLangs = freshLanguages(docs, fresh)
	for _, f := range fresh {
		if f {
			nb.fresh++
		}
	}
	parsed.write(c, cfg.Root, list)
	var errs []error
	if err := <-snippetsLoaded; err != nil {
		errs = append(errs, err)
	}
	nb.Warnings = warnings
	// A snippet that exists but does not load (a bad snippet.yaml, say)
	// is reported once, by its own error, and not again as missing.
	var all []*snippets.Snippet
	broken := map[string]bool{}
	for _, id := range ids {
		if s := nb.Snippets[id]; s != nil {
			all = append(all, s)
		} else {
			broken[id] = true
		}
	}
	used := map[string]bool{}
	for i, n := range list {
		doc := docs[i]
		if parseErrs[i] != nil {
			errs = append(errs, parseErrs[i])
		}
		if doc == nil {
			continue
		}
		nb.Notes = append(nb.Notes, &Note{Note: n, Doc: doc})
		nb.Warnings = append(nb.Warnings, doc.Warnings...)
		for _, b := range doc.Blocks {
			switch {
			case b.Snippet == "":
				nb.Unlinked = append(nb.Unlinked, fmt.Sprintf("%s:%d", n.Path, b.Line))
			case b.Linked():
				used[b.Snippet] = true
				if nb.Snippets[b.Snippet] == nil && !broken[b.Snippet] {
					hint := ""
					if near := snippets.Nearest(b.Snippet, ids); near != "" {
						hint = fmt.Sprintf("; did you mean %s?", near)
					}
					errs = append(errs, fileline.Errorf(n.Path, b.Line, "block links to snippet %q, but %s has no %s%s",
						b.Snippet, filepath.Join("snippets", filepath.FromSlash(b.Snippet)), snippets.MainFile, hint))
				}
			}
		}
	}
	errs = append(errs, nb.linkEntries(all, used)...)
	errs = append(errs, nb.checkOriginals()...)
	for _, s := range all {
		if !used[s.ID] {
			nb.Orphans = append(nb.Orphans, s.ID)
		}
	}
	return nb, errors.Join(errs...)
}

// loadSnippets loads every snippet into nb.Snippets and returns the ids
// of every snippet folder, loaded or not. With a results cache, those
// that did not change since the last build are taken from the index it
// keeps (see buildIndex) rather than read again.
func (nb *Notebook) loadSnippets(cfg *Config) ([]string, error) {
	nb.index = &buildIndex{results: map[string]*runner.Result{}}
	var prev *snippets.Index
	if c := cfg.cache(); c != nil {
		nb.index = readIndex(c, cfg.snippetsDir())
		prev = nb.index.snippets
	}
	tree, err := snippets.LoadTree(cfg.snippetsDir(), prev)
	nb.index.snippets, nb.index.changed = tree.Index, tree.Changed
	for _, s := range tree.Snippets {
		nb.Snippets[s.ID] = s
	}
	return tree.IDs, err
}

// freshLanguages returns the fence languages of the docs parsed afresh,
// and Go if they show a snippet, each once.
func freshLanguages(docs []*render.Doc, fresh []bool) []string {
	seen := map[string]bool{}
	var langs []string
	add := func(lang string) {
		if lang != "" && !seen[lang] {
			seen[lang] = true
			langs = append(langs, lang)
		}
	}
	for i, d := range docs {
		if d == nil || !fresh[i] {
			continue
		}
		for _, b := range d.Blocks {
			add(b.Lang)
			if b.Linked() {
				add("go")
			}
		}
	}
	return langs
}

// linkEntries reads the entry option of every snippet: the note must exist
// and have a heading with that anchor.
func (nb *Notebook) linkEntries(all []*snippets.Snippet, used map[string]bool) []error {
	var errs []error
	nb.Entries = map[string][]*snippets.Snippet{}
	for _, s := range all {
		if s.Options.Entry == "" {
			continue
		}
		path, anchor, _ := strings.Cut(s.Options.Entry, "#")
		var found bool
		for _, n := range nb.Notes {
			if n.Path != path {
				continue
			}
			for _, h := range n.Doc.Headings {
				found = found || h.ID == anchor
			}
		}
		if !found {
			errs = append(errs, fileline.Errorf(filepath.Join(s.Dir, snippets.OptionsFile), 0,
				"entry %s: no note %s with a heading whose anchor is %q", s.Options.Entry, path, anchor))
			continue
		}
		used[s.ID] = true
		nb.Entries[s.Options.Entry] = append(nb.Entries[s.Options.Entry], s)
	}
	return errs
}

// checkOriginals checks that every block whose snippet says its original
// runs is one the runner can run.
func (nb *Notebook) checkOriginals() []error {
	var errs []error
	for _, n := range nb.Notes {
		for _, b := range n.Doc.Blocks {
			s := nb.Snippets[b.Snippet]
			if !b.Linked() || s == nil || !s.Options.Original.Runs() || runner.Runnable(b.Lang) {
				continue
			}
			errs = append(errs, fileline.Errorf(n.Path, b.Line,
				"snippet %s says its original is %s, but the block is %s, which the build cannot run: say relation: not-run, with a reason, in %s",
				s.ID, s.Options.Original.Relation, b.Lang, filepath.Join(s.Dir, snippets.OptionsFile)))
		}
	}
	return errs
}

// Linked returns the ids of the snippets the notes link to, sorted.
func (nb *Notebook) Linked() []string {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, n := range nb.Notes {
		for _, b := range n.Doc.Blocks {
			if b.Linked() && nb.Snippets[b.Snippet] != nil {
				add(b.Snippet)
			}
		}
	}
	for _, list := range nb.Entries {
		for _, s := range list {
			add(s.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// An OriginalRun is how a block that a snippet answers ran as written.
type OriginalRun struct {
	// Result is the run's; nil when Missing.
	Result *runner.Result
	// Missing says that no python3 was installed to run it.
	Missing bool
	// Skipped says that the build was asked not to run originals
	// (Config.NoOriginals).
	Skipped bool `json:",omitempty"`
}

// Run runs the given snippets (in parallel, "alone" ones by themselves) and
// checks each result. It returns an error naming, for every failing snippet,
// each note file and line that links to it, with the reason and diff.
func (nb *Notebook) Run(ctx context.Context, cfg *Config, ids []string) error {
	r := cfg.Runner
	if r == nil {
		r = &runner.Runner{}
	}
	if nb.index == nil {
		nb.index = &buildIndex{results: map[string]*runner.Result{}}
	}
	// A result the build index holds under the key a run would have now
	// is taken from it, as from the cache, without a look-up of its own.
	known := nb.knownResults(ctx, r, ids)
	var jobs []runner.Job
	for _, id := range ids {
		if known[id] == nil {
			jobs = append(jobs, runner.Job{Snippet: nb.Snippets[id]})
		}
	}
	// The originals of the blocks that link to those snippets, where they
	// say so, run too.
	blocks := map[*runner.Original]*render.Block{}
	where := map[*render.Block]string{}
	var skipped []*render.Block
	running := make(map[string]bool, len(ids))
	for _, id := range ids {
		running[id] = true
	}
	for _, n := range nb.Notes {
		for _, b := range n.Doc.Blocks {
			s := nb.Snippets[b.Snippet]
			if !b.Linked() || s == nil || !running[s.ID] || !s.Options.Original.Runs() {
				continue
			}
			if cfg.NoOriginals {
				skipped = append(skipped, b)
				continue
			}
			o := &runner.Original{Snippet: s, Lang: b.Lang, Code: b.Code}
			blocks[o] = b
			where[b] = fmt.Sprintf("%s:%d", n.Path, b.Line)
			jobs = append(jobs, runner.Job{Original: o, Snippet: s})
		}
	}
	nb.Results = make(map[string]*runner.Result, len(ids))
	nb.Originals = map[*render.Block]*OriginalRun{}
	for _, b := range skipped {
		nb.Originals[b] = &OriginalRun{Skipped: true}
	}
	var errs []error
	noPython := false
	progress := cfg.Progress
	// record keeps a snippet's result, or its run's error, and the
	// verdict on the result, and returns its status.
	record := func(rep runner.Report, verdict error) string {
		id := rep.Job.Snippet.ID
		switch {
		case rep.Err != nil:
			errs = append(errs, fmt.Errorf("snippet %s: %w", id, rep.Err))
		default:
			nb.Results[id] = rep.Result
			if verdict != nil {
				errs = append(errs, nb.failure(id, verdict))
			}
		}
		status := statusOf(rep.Err, verdict)
		nb.index.keep(id, rep.Result, status == "ok", known[id] != nil)
		return status
	}
	report := func(rep runner.Report) {
		if rep.Result == nil || !rep.Result.Cached {
			nb.ran++
		}
		id := rep.Job.Snippet.ID
		status := "ok"
		if o := rep.Job.Original; o != nil {
			b := blocks[o]
			id += " (original)"
			switch {
			case errors.Is(rep.Err, runner.ErrNoPython):
				nb.Originals[b] = &OriginalRun{Missing: true}
				status = "skip"
				noPython = true
			case rep.Err != nil:
				status = "error"
				errs = append(errs, fmt.Errorf("%s: snippet %s: running the original: %w", where[b], o.Snippet.ID, rep.Err))
			default:
				nb.Originals[b] = &OriginalRun{Result: rep.Result}
				if o.Snippet.Options.Original.Relation == snippets.Same {
					if verdict := runner.Verdict(o.Snippet, rep.Result); verdict != nil {
						status = "FAIL"
						errs = append(errs, fmt.Errorf("%s: snippet %s is declared the same as its original, but the original's run does not meet %s either:\n%v",
							where[b], o.Snippet.ID, o.Snippet.ExpectPath(), verdict))
					}
				}
			}
			progressLine(progress, rep, status, id)
			return
		}
		var verdict error
		if rep.Err == nil {
			verdict = runner.Verdict(rep.Job.Snippet, rep.Result)
		}
		status = record(rep, verdict)
		progressLine(progress, rep, status, id)
	}
	// The known results are checked against their expectations on every
	// core, then recorded in order and reported at once, in one write.
	total := len(known) + len(jobs)
	var reps []runner.Report
	for _, id := range ids {
		if res := known[id]; res != nil {
			reps = append(reps, runner.Report{Job: runner.Job{Snippet: nb.Snippets[id]}, Result: res, Done: len(reps) + 1, Total: total})
		}
	}
	done := len(reps)
	verdicts := make([]error, len(reps))
	chunks := runtime.GOMAXPROCS(0)
	lines := make([]bytes.Buffer, chunks)
	size := (len(reps) + chunks - 1) / chunks
	parallel(chunks, func(c int) {
		for i := c * size; i < min((c+1)*size, len(reps)); i++ {
			rep := reps[i]
			verdicts[i] = runner.Verdict(rep.Job.Snippet, rep.Result)
			if progress != nil {
				progressLine(&lines[c], rep, statusOf(nil, verdicts[i]), rep.Job.Snippet.ID)
			}
		}
	})
	for i, rep := range reps {
		record(rep, verdicts[i])
	}
	if progress != nil {
		for _, l := range lines {
			progress.Write(l.Bytes())
		}
	}
	_, err := r.RunAll(ctx, jobs, func(rep runner.Report) {
		rep.Done, rep.Total = rep.Done+done, total
		report(rep)
	})
	if err != nil {
		return err
	}
	nb.index.prune(nb.Snippets)
	nb.index.write(cfg.cache(), cfg.snippetsDir())
	if noPython {
		nb.Warnings = append(nb.Warnings, &fileline.Error{Path: "python3", Msg: "not installed: the originals were not run, and their pages say so"})
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errors.Join(errs...)
}

// failure names every block that links to id and every entry heading it
// answers (its entry option), then why the snippet failed.
func (nb *Notebook) failure(id string, verdict error) error {
	var where string
	for _, n := range nb.Notes {
		for _, b := range n.Doc.Blocks {
			if b.Snippet == id {
				where += fmt.Sprintf("%s:%d: ", n.Path, b.Line)
			}
		}
		for _, h := range n.Doc.Headings {
			for _, s := range nb.Entries[n.Path+"#"+h.ID] {
				if s.ID == id {
					where += fmt.Sprintf("%s:%d: ", n.Path, h.Line)
				}
			}
		}
	}
	if where == "" {
		where = "(linked from no note) "
	}
	return fmt.Errorf("%ssnippet %s: %v", where, id, verdict)
}

// statusOf is the status a progress line gives a run that ended in err,
// or whose result the verdict was on.
func statusOf(err, verdict error) string {
	switch {
	case err != nil:
		return "error"
	case verdict != nil:
		return "FAIL"
	}
	return "ok"
}

// progressLine writes one line for a finished run: "[3/20] ok   gil/connect
// native 12ms (cached)".
func progressLine(w io.Writer, rep runner.Report, status, id string) {
	if w == nil {
		return
	}
	// Appended, not formatted: a build of ten thousand cached results
	// writes ten thousand lines.
	b := make([]byte, 0, 128)
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(rep.Done), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(rep.Total), 10)
	b = append(b, "] "...)
	b = append(b, status...)
	for range 4 - len(status) {
		b = append(b, ' ')
	}
	b = append(append(b, ' '), id...)
	if res := rep.Result; res != nil {
		b = append(append(append(b, ' '), res.Engine...), ' ')
		b = append(b, res.Duration.Round(time.Millisecond).String()...)
		if res.Cached {
			b = append(b, " (cached)"...)
		}
	}
	w.Write(append(b, '\n'))
}

// Build loads the notebook, runs every linked snippet, and writes the site.
// Nothing is written unless everything succeeded, and nothing is written
// to an output folder a build may not replace (see Writing, above).
func Build(ctx context.Context, cfg *Config) (*Notebook, error) {
	// Refuse an output folder before running anything; write checks
	// again if anything ran. Loading runs nothing: the notebook loads
	// meanwhile.
	type loaded struct {
		nb  *Notebook
		err error
	}
	loading := make(chan loaded, 1)
	go func() {
		nb, err := Load(cfg)
		loading <- loaded{nb, err}
	}()
	out, err := checkOut(cfg)
	if err == nil {
		removeStale(out)
	}
	checked := time.Now()
	l := <-loading
	if err != nil {
		return nil, err
	}
	nb, err := l.nb, l.err
	if err != nil {
		return nil, err
	}
	// A note that changed changes search.json, which shows no result:
	// it is made while the snippets run.
	// A build that fails waits for it too, so that nothing it started
	// outlives it.
	if nb.fresh > 0 {
		nb.search = startSearchIndex(nb, published(cfg, nb))
		defer nb.search.wait()
	}
	// The pages of the notes that changed are rendered again: the lexers
	// of their languages compile while the snippets run, rather than
	// when the pages render, at the end of the build.
	if len(nb.freshLangs) > 0 {
		prepared := make(chan struct{})
		go func() {
			defer close(prepared)
			nb.md.Prepare(nb.freshLangs...)
		}()
		defer func() { <-prepared }()
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
	// Runs, and building the interpreter, take as long as they take, and
	// the output folder may have changed meanwhile: a build that ran
	// anything, or took more than a moment, checks it again.
	if nb.ran > 0 || time.Since(checked) > time.Second {
		out = ""
	}
	return nb, write(cfg, nb, out)
}

// write renders the site and puts it in place, if the output folder is
// one a build may replace. A new or empty output folder gets the whole
// site, rendered into a fresh folder beside it and swapped into place.
// Over the previous build's site, only what changed is rendered and
// written, into a fresh folder beside it, then moved into place file by
// file (see update); a build that fails before then leaves the folder as
// it was.
//
// checked is the output folder as checkOut returned it moments ago, or ""
// to check it now.
func write(cfg *Config, nb *Notebook, checked string) error {
	out := checked
	if out == "" {
		var err error
		if out, err = checkOut(cfg); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	prev := readPrevious(out)
	tmp, err := makeTemp(out)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	b, err := renderSite(cfg, nb, tmp, prev)
	if err != nil {
		return err
	}
	if err := b.writeFile(InputsFile, inputs(b.files)); err != nil {
		return err
	}
	slices.Sort(b.rendered)
	slices.Sort(b.written)
	nb.Rendered, nb.Written = b.rendered, b.written
	if prev.mark == nil {
		if err := os.WriteFile(filepath.Join(tmp, MarkFile), markOf(b.files), 0o644); err != nil {
			return err
		}
		return replace(tmp, out)
	}
	return updateInPlace(tmp, out, prev, b.files, b.written)
}
