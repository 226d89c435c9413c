package site

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/gonotebook/notebook/internal/graph"
	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/render"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/site/play"
	"github.com/gonotebook/notebook/snippets"
)

// A build is one build's plan and what its actions found. The Notebook
// it builds from is read, never written.
type build struct {
	cfg     *Config
	nb      *Notebook
	r       *runner.Runner
	st      *store.Store
	out     *outDir // nil for a check, which writes nothing
	actions []*graph.Action

	runs      map[string]*runner.Run   // by snippet id
	checked   map[string]*graph.Action // by snippet id: its result checked
	originals map[*render.Block]*original
	reports   map[*graph.Action]report // the actions that end a run
	total     int                      // runs, for progress
	finished  int

	// What the pages are made with, once the actions that make it ran.
	base   *url.URL
	tmpl   *template.Template
	site   *siteData
	assets map[string]string // by plain name, the fingerprinted paths
	worker string            // the in-browser interpreter's worker; "" if none

	mu       sync.Mutex
	rendered []string
	warnings []*fileline.Error
}

// An original is one block run as written, beside its snippet.
type original struct {
	block  *render.Block
	note   *Note
	run    *OriginalRun
	action *graph.Action
}

// plan makes the graph of a build of nb: every linked snippet's run and
// check, every original's run, and, if out is not nil, every file of the
// site.
func plan(cfg *Config, nb *Notebook, out *outDir) (*build, error) {
	b := &build{
		cfg: cfg, nb: nb, r: cfg.runner(), st: cfg.notes(), out: out,
		runs:      map[string]*runner.Run{},
		checked:   map[string]*graph.Action{},
		originals: map[*render.Block]*original{},
		reports:   map[*graph.Action]report{},
	}
	for _, id := range nb.Linked() {
		b.planRun(nb.Snippets[id])
	}
	for _, n := range nb.Notes {
		for _, blk := range n.Doc.Blocks {
			if s := nb.Snippets[blk.Snippet]; blk.Linked() && s != nil && s.Options.Original.Runs() {
				b.planOriginal(n, blk, s)
			}
		}
	}
	if out == nil {
		return b, nil
	}
	var err error
	if b.base, err = cfg.baseURL(); err != nil {
		return nil, err
	}
	return b, b.planSite()
}

// planRun adds the actions that run s and check its result.
func (b *build) planRun(s *snippets.Snippet) {
	run := b.r.NewRun(s, "")
	prepare, exec := b.r.Actions(run)
	check := &graph.Action{Name: "check " + s.ID, Deps: []*graph.Action{exec}, Do: func(context.Context) error {
		if err := runner.Verdict(run.Snippet, run.Result); err != nil {
			return b.failure(s.ID, err)
		}
		return nil
	}}
	b.runs[s.ID], b.checked[s.ID] = run, check
	b.reports[check] = report{run: func() *runner.Result { return run.Result }, what: s.ID}
	// A run that could not be run ends at its step that failed.
	b.reports[prepare] = report{what: s.ID, failed: true}
	b.reports[exec] = report{what: s.ID, failed: true}
	b.total++
	b.actions = append(b.actions, check)
}

// planOriginal adds the action that runs blk, of note n, as written.
func (b *build) planOriginal(n *Note, blk *render.Block, s *snippets.Snippet) {
	o := &original{block: blk, note: n, run: &OriginalRun{}}
	b.originals[blk] = o
	if b.cfg.NoOriginals {
		o.run.Skipped = true
		return
	}
	where := fmt.Sprintf("%s:%d", n.Path, blk.Line)
	o.action = &graph.Action{Name: "original " + where, Waits: true, Alone: s.Options.Alone, Do: func(ctx context.Context) error {
		res, err := b.r.RunOriginal(ctx, s, blk.Code)
		switch {
		case errors.Is(err, runner.ErrNoPython):
			o.run.Missing = true
			b.warn(&fileline.Error{Path: "python3", Msg: "not installed: the originals were not run, and their pages say so"})
			return nil
		case err != nil:
			return fmt.Errorf("%s: snippet %s: running the original: %w", where, s.ID, err)
		}
		o.run.Result = res
		if err := runner.RelationVerdict(s, res); err != nil {
			return fmt.Errorf("%s: snippet %s: %v", where, s.ID, err)
		}
		return nil
	}}
	b.reports[o.action] = report{run: func() *runner.Result { return o.run.Result }, what: s.ID + " (original)"}
	b.total++
	b.actions = append(b.actions, o.action)
}

// failure names every block that links to id and every entry heading it
// answers (its entry option), then why the snippet failed.
func (b *build) failure(id string, verdict error) error {
	var where string
	for _, n := range b.nb.Notes {
		for _, blk := range n.Doc.Blocks {
			if blk.Snippet == id {
				where += fmt.Sprintf("%s:%d: ", n.Path, blk.Line)
			}
		}
		for _, h := range n.Doc.Headings {
			if slices.ContainsFunc(b.nb.Entries[n.Path+"#"+h.ID], func(s *snippets.Snippet) bool { return s.ID == id }) {
				where += fmt.Sprintf("%s:%d: ", n.Path, h.Line)
			}
		}
	}
	if where == "" {
		where = "(linked from no note) "
	}
	return fmt.Errorf("%ssnippet %s: %v", where, id, verdict)
}

func (b *build) warn(w *fileline.Error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !slices.ContainsFunc(b.warnings, func(x *fileline.Error) bool { return x.Error() == w.Error() }) {
		b.warnings = append(b.warnings, w)
	}
}

// A report is how a progress line tells of an action that ends a run.
type report struct {
	run    func() *runner.Result // the run's result; nil for a step of it
	what   string                // the snippet, or its original
	failed bool                  // told of only if it failed: a step of a run
}

// done is told of every finished action; it writes a progress line for
// each run that ended: "[3/20] ok   gil/connect native 12ms (cached)".
func (b *build) done(a *graph.Action) {
	rep, ok := b.reports[a]
	if !ok || b.cfg.Progress == nil || rep.failed && a.Err() == nil {
		return
	}
	b.finished++
	status := "ok"
	switch {
	case rep.failed:
		status = "error"
	case a.Err() != nil:
		status = "FAIL"
	}
	var res *runner.Result
	if rep.run != nil {
		res = rep.run()
	}
	io.WriteString(b.cfg.Progress, progressLine(b.finished, b.total, status, rep.what, res))
}

// progressLine is the line that tells of a finished run: "[3/20] ok
// gil/connect native 12ms (cached)".
func progressLine(done, total int, status, what string, res *runner.Result) string {
	line := fmt.Sprintf("[%d/%d] %-4s %s", done, total, status, what)
	if res != nil {
		line += " " + res.Engine + " " + res.Duration.Round(time.Millisecond).String()
		if res.Cached {
			line += " (cached)"
		}
	}
	return line + "\n"
}

// built returns what the build did.
func (b *build) built() *Built {
	bt := &Built{Notebook: b.nb, Results: map[string]*runner.Result{}, Originals: map[*render.Block]*OriginalRun{}}
	for id, run := range b.runs {
		if run.Result != nil {
			bt.Results[id] = run.Result
		}
	}
	for blk, o := range b.originals {
		bt.Originals[blk] = o.run
	}
	b.mu.Lock()
	bt.Rendered = slices.Sorted(slices.Values(b.rendered))
	b.nb.Warnings = append(b.nb.Warnings, b.warnings...)
	b.warnings = nil
	b.mu.Unlock()
	return bt
}

// planSite adds the actions that make every file of the site.
func (b *build) planSite() error {
	var err error
	b.tmpl, err = newTemplates(b.nb.md)
	if err != nil {
		return err
	}
	b.site = newSiteData(b.nb.published(b.cfg.Drafts))
	assets := &graph.Action{Name: "assets", Do: func(context.Context) error { return b.writeAssets() }}
	interp := &graph.Action{Name: "interpreter", Do: b.writePlay}
	ready := []*graph.Action{assets, interp}
	notes := b.site.Notes
	for i, n := range notes {
		b.actions = append(b.actions, &graph.Action{Name: "page " + n.Path, Deps: append(b.shows(n), ready...),
			Do: func(context.Context) error { return b.writeNote(i) }})
	}
	feed := reversed(notes)[:min(feedSize, len(notes))]
	var feedDeps []*graph.Action
	for _, n := range feed {
		feedDeps = append(feedDeps, b.shows(n)...)
	}
	b.actions = append(b.actions,
		&graph.Action{Name: "feed.xml", Deps: append(feedDeps, ready...), Do: func(context.Context) error { return b.writeFeed(feed) }},
		&graph.Action{Name: "lists", Deps: ready, Do: func(context.Context) error { return b.writeLists() }},
		&graph.Action{Name: "search.json", Deps: ready, Do: func(context.Context) error { return b.writeSearchIndex() }},
		&graph.Action{Name: "sitemap.xml", Deps: ready, Do: func(context.Context) error { return b.writeSitemap() }},
	)
	return nil
}

// shows returns the actions whose results n's page shows: its snippets'
// checks and its originals' runs.
func (b *build) shows(n *Note) []*graph.Action {
	var deps []*graph.Action
	for _, blk := range n.Doc.Blocks {
		if c := b.checked[blk.Snippet]; blk.Linked() && c != nil {
			deps = append(deps, c)
		}
		if o := b.originals[blk]; o != nil && o.action != nil {
			deps = append(deps, o.action)
		}
	}
	for _, h := range n.Doc.Headings {
		for _, s := range b.nb.Entries[n.Path+"#"+h.ID] {
			deps = append(deps, b.checked[s.ID])
		}
	}
	return deps
}

// key starts the ID of a file of the site of the given kind: the build's
// settings, and the interpreter's worker, which every page names.
func (b *build) key(kind string) *store.Hash {
	return store.NewHash("site " + kind).String(b.base.String()).
		String(strconv.FormatBool(b.cfg.Drafts)).String(strconv.FormatBool(b.cfg.NoOriginals)).
		String(b.cfg.Now.UTC().Format(time.RFC3339Nano)).String(b.worker)
}

// emit puts the file at rel, whose inputs id names, in the site: kept as
// the output folder holds it, or taken from the store, or else made by
// make and kept in the store. A file that make makes empty is no file of
// the site: the store keeps that too.
func (b *build) emit(rel string, id store.ID, make func() ([]byte, error)) error {
	if e, ok := b.st.Get(id); ok && (e.Size == 0 || b.out.Keep(rel, e.Output)) {
		return nil
	}
	if data, _, ok := b.st.Bytes(id); ok {
		return b.out.Write(rel, data)
	}
	data, err := make()
	if err != nil {
		return fmt.Errorf("%s: %v", rel, err)
	}
	b.st.Put(id, data)
	if len(data) == 0 {
		return nil
	}
	b.mu.Lock()
	b.rendered = append(b.rendered, rel)
	b.mu.Unlock()
	return b.out.Write(rel, data)
}

// showsKey adds to h what n's page shows of its snippets and originals:
// each snippet's files and result, and each original's run.
func (b *build) showsKey(h *store.Hash, n *Note) {
	add := func(s *snippets.Snippet) {
		h.String(s.ID).String(s.Sum)
		if run := b.runs[s.ID]; run != nil && run.Result != nil {
			h.ID(run.Result.Sum).String(strconv.FormatBool(run.Result.Cached))
		}
	}
	for _, blk := range n.Doc.Blocks {
		if s := b.nb.Snippets[blk.Snippet]; blk.Linked() && s != nil {
			add(s)
		}
		if o := b.originals[blk]; o != nil {
			h.String(fmt.Sprint(o.run.Missing, o.run.Skipped))
			if res := o.run.Result; res != nil {
				h.ID(res.Sum).String(strconv.FormatBool(res.Cached))
			}
		}
	}
	for _, hd := range n.Doc.Headings {
		for _, s := range b.nb.Entries[n.Path+"#"+hd.ID] {
			h.String("entry " + hd.ID)
			add(s)
		}
	}
}

// writeNote makes the page of the i-th published note.
func (b *build) writeNote(i int) error {
	notes := b.site.Notes
	n := notes[i]
	var prev, next *Note
	if i > 0 {
		prev = notes[i-1]
	}
	if i+1 < len(notes) {
		next = notes[i+1]
	}
	h := b.key("note").String(n.Path).Bytes(n.Source).String(neighbour(prev)).String(neighbour(next))
	b.showsKey(h, n)
	id := h.Sum()
	if err := b.writeExplained(n, id); err != nil {
		return err
	}
	return b.emit(n.URL()+"index.html", id, func() ([]byte, error) {
		var body strings.Builder
		opts := render.Options{Figure: b.figure(n, "figure"), SectionEnd: b.entryFigures(n, "figure"), NoTitle: n.titleHeading() != nil}
		if err := n.Doc.Render(&body, opts); err != nil {
			return nil, err
		}
		return b.execute(n.URL()+"index.html", "note", page{Title: n.Title, Note: n, Prev: prev, Next: next,
			Description: describe(n), Content: template.HTML(body.String())})
	})
}

// neighbour is what a note page shows of the note before or after it.
func neighbour(n *Note) string {
	if n == nil {
		return ""
	}
	return n.URL() + "\x00" + n.Title + "\x00" + n.DateString()
}

// cards adds to h what a list shows of each note: its address, title,
// date, tags, how many Go programs it has and its entries. A list's ID
// covers its notes' cards, not their text, so that an edit to a note's
// prose does not make every list again. A list template that shows more
// of a note must have it here.
func cards(h *store.Hash, ns []*Note) *store.Hash {
	for _, n := range ns {
		h.String(n.URL()).String(n.Title).String(n.DateString()).String(fmt.Sprint(n.Programs(), n.Tags))
		for _, e := range n.Entries() {
			h.String(e.ID).String(e.Text)
		}
	}
	return h
}

// writeLists makes the pages that list notes: the index, the search page,
// the tags and each tag's page, and the 404 page.
func (b *build) writeLists() error {
	all := b.site.Notes
	newest := reversed(all)
	lists := []struct {
		rel, tmpl string
		id        *store.Hash
		p         page
	}{
		{"index.html", "index", cards(b.key("index"), all), page{Section: "notes", Notes: newest,
			Description: "Dated notes; beside each code block, a Go program that does the same and the output it printed."}},
		{"404.html", "404", b.key("404"), page{Title: "Not found"}},
		{"search/index.html", "search", cards(b.key("search"), all), page{Title: "Search", Section: "search", Notes: newest}},
		{"tags/index.html", "tags", cards(b.key("tags"), all), page{Title: "Tags", Section: "tags"}},
	}
	for _, t := range b.site.Tags {
		lists = append(lists, struct {
			rel, tmpl string
			id        *store.Hash
			p         page
		}{tagDir(t.Name) + "index.html", "tag", cards(b.key("tag").String(t.Name), t.Notes), page{Title: "Tagged " + t.Name, Section: "tags", Tag: t.Name, Notes: t.Notes}})
	}
	var errs []error
	for _, l := range lists {
		errs = append(errs, b.emit(l.rel, l.id.Sum(), func() ([]byte, error) { return b.execute(l.rel, l.tmpl, l.p) }))
	}
	return errors.Join(errs...)
}

// progressWriter returns where build messages go, or io.Discard.
func (b *build) progress() io.Writer {
	if b.cfg.Progress == nil {
		return io.Discard
	}
	return b.cfg.Progress
}

// writePlay builds the in-browser interpreter, if the build asks for it,
// and writes its files into assets/. An interpreter that cannot be built
// is no error: the site is written without Run, and a warning says why.
func (b *build) writePlay(ctx context.Context) error {
	if b.cfg.Play == nil {
		return nil
	}
	start := time.Now()
	in, err := b.cfg.Play.Build(ctx, b.cfg.Store)
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		b.warn(&fileline.Error{Path: "site/play", Msg: fmt.Sprintf("the in-browser Go interpreter could not be built, so no page has Run: %v", err)})
		return nil
	case !in.Cached:
		fmt.Fprintf(b.progress(), "built the in-browser Go interpreter (%d bytes) in %v\n", in.Size, time.Since(start).Round(time.Millisecond))
	}
	files := in.Files(func(plain string, sum store.ID) string { return fingerprintSum("assets/"+plain, sum) })
	for _, f := range files {
		if b.out.Keep(f.Name, f.Sum) {
			continue
		}
		data, err := f.Data()
		if err != nil {
			return err
		}
		if err := b.out.Write(f.Name, data); err != nil {
			return err
		}
	}
	b.worker = files[len(files)-1].Name
	return nil
}

// A playInfo is what a figure shows about running its snippet in the
// browser: the controls' worker and time limit, or why it cannot run.
type playInfo struct {
	Worker  string // the worker's path from the page; "" if not eligible
	Timeout int64  // the snippet's time limit, in milliseconds
	Why     string // why it is not eligible
}

// playFor returns what n's page shows about running s in the browser, or
// nil when the site has no interpreter.
func (b *build) playFor(n *Note, s *snippets.Snippet) *playInfo {
	if b.worker == "" || s == nil {
		return nil
	}
	if ok, why := play.Eligible(s); !ok {
		return &playInfo{Why: why}
	}
	root := strings.Repeat("../", strings.Count(n.URL()+"index.html", "/"))
	return &playInfo{Worker: root + b.worker, Timeout: time.Duration(s.Options.Timeout).Milliseconds()}
}
