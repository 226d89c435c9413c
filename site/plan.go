package site

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
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
	"github.com/gonotebook/notebook/snippets"
)

// A build is one build's plan and what its actions found; it never
// writes to its Notebook but for warnings, when done.
type build struct {
	cfg      *Config
	nb       *Notebook
	r        *runner.Runner
	progress *progress // nil if the build reports no progress
	st       *store.Store
	out      *outDir // nil for a check, which writes nothing
	actions  []*graph.Action

	runs      map[string]*runner.Run   // by snippet id
	resultsID store.ID                 // the ID of every run's result, if not taken at once
	checked   map[string]*graph.Action // by snippet id: its result checked
	originals map[*render.Block]*original
	reports   map[*graph.Action]report // for progress: the actions that end a run or a step of one
	total     int                      // runs
	finished  int

	// What the pages are made with, once the actions that make it ran.
	base   *url.URL
	tmpl   *template.Template
	notes  []*Note            // published, oldest first
	tags   []tagInfo          // theirs, sorted
	card   map[*Note]store.ID // each one's card (see cardID)
	assets map[string]string  // by plain name, the fingerprinted paths
	worker string             // the in-browser interpreter's worker; "" if none

	mu       sync.Mutex
	rendered []string
	warnings []*fileline.Error
}

// An original is one block run as written, beside its snippet.
type original struct {
	run    *OriginalRun
	action *graph.Action // nil if the build runs no originals
}

// A report names the run an action ends (the snippet, or its original)
// and gives its result; run is nil for a step of a run, told of only if it
// failed.
type report struct {
	what string
	run  func() *runner.Result
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
	if cfg.Progress != nil {
		b.progress = &progress{w: cfg.Progress}
	}
	for _, n := range nb.Notes {
		for _, f := range n.programs {
			if b.runs[f.Snippet.ID] == nil {
				b.planRun(f.Snippet)
			}
			if f.Block != nil && f.Snippet.Options.Original.Runs() {
				b.planOriginal(f)
			}
		}
	}
	// With nothing changed since the build that kept them, every result
	// is taken from the store at once, and no run needs an action of its
	// own: only its check.
	if id, ok := b.r.CachedAll(b.sortedRuns()); !ok {
		b.resultsID = id
	}
	for id, run := range b.runs {
		if run.Result == nil {
			prepare, exec := b.r.Actions(run)
			b.checked[id].Deps = []*graph.Action{exec}
			b.reports[prepare] = report{what: id}
			b.reports[exec] = report{what: id}
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

// planRun adds the action that checks the result of s's run; plan adds
// those that run it, if its result is not in the store.
func (b *build) planRun(s *snippets.Snippet) {
	id := s.ID
	run := b.r.NewRun(s, "")
	check := &graph.Action{Name: "check " + id, Do: func(context.Context) error {
		if err := runner.Verdict(run.Snippet, run.Result); err != nil {
			return b.failure(id, err)
		}
		return nil
	}}
	b.runs[id], b.checked[id] = run, check
	b.reports[check] = report{what: id, run: func() *runner.Result { return run.Result }}
	b.total++
	b.actions = append(b.actions, check)
}

// sortedRuns returns the build's runs, by snippet id.
func (b *build) sortedRuns() []*runner.Run {
	var runs []*runner.Run
	for _, id := range slices.Sorted(maps.Keys(b.runs)) {
		runs = append(runs, b.runs[id])
	}
	return runs
}

// keepResults keeps every run's result at once, for the next build's
// plan, unless they were taken at once.
func (b *build) keepResults() {
	if b.resultsID != (store.ID{}) {
		b.r.KeepAll(b.resultsID, b.sortedRuns())
	}
}

// planOriginal adds the action that runs f's block as written.
func (b *build) planOriginal(f figure) {
	o := &original{run: &OriginalRun{Skipped: b.cfg.NoOriginals}}
	b.originals[f.Block] = o
	if b.cfg.NoOriginals {
		return
	}
	s, where := f.Snippet, f.where()
	o.action = &graph.Action{Name: "original " + where, Waits: true, Alone: s.Options.Alone, Do: func(ctx context.Context) error {
		res, err := b.r.RunOriginal(ctx, s, f.Block.Code)
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
	b.reports[o.action] = report{what: s.ID + " (original)", run: func() *runner.Result { return o.run.Result }}
	b.total++
	b.actions = append(b.actions, o.action)
}

// failure names every block that links to id and every entry heading it
// answers (its entry option), then why the snippet failed.
func (b *build) failure(id string, verdict error) error {
	var where string
	for _, n := range b.nb.Notes {
		for _, f := range n.programs {
			if f.Snippet.ID == id {
				where += f.where() + ": "
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

// done writes a progress line for each run that ended.
func (b *build) done(a *graph.Action) {
	rep, ok := b.reports[a]
	if !ok || b.progress == nil || rep.run == nil && a.Err() == nil {
		return
	}
	b.finished++
	status, res := "error", (*runner.Result)(nil)
	if rep.run != nil {
		status, res = "ok", rep.run()
		if a.Err() != nil {
			status = "FAIL"
		}
	}
	io.WriteString(b.progress, progressLine(b.finished, b.total, status, rep.what, res))
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

// progressEvery is how often a build writes its lines of progress, at
// most.
const progressEvery = 100 * time.Millisecond

// A progress passes a build's lines of progress on to w: a line at once
// if none was written within progressEvery, else with those that follow
// it within progressEvery, and every one left when the build ends
// (Flush). A build that takes thousands of results from the store checks
// thousands of runs at once, and writing each line on its own took longer
// than checking them.
type progress struct {
	w     io.Writer
	mu    sync.Mutex // guards buf and timer
	buf   []byte
	timer *time.Timer // while running, lines wait for it
}

func (p *progress) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	if p.timer == nil {
		p.flush()
		p.timer = time.AfterFunc(progressEvery, p.tick)
	}
	return len(b), nil
}

// tick writes the lines that waited, if any, and else stops the wait.
func (p *progress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.buf) == 0 {
		p.timer = nil
		return
	}
	p.flush()
	p.timer.Reset(progressEvery)
}

// Flush writes every line not yet written.
func (p *progress) Flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.flush()
}

func (p *progress) flush() {
	if len(p.buf) > 0 {
		p.w.Write(p.buf)
		p.buf = p.buf[:0]
	}
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
	if b.tmpl, err = newTemplates(b.nb.md); err != nil {
		return err
	}
	for _, n := range b.nb.Notes {
		if !n.Draft || b.cfg.Drafts {
			b.notes = append(b.notes, n)
		}
	}
	b.tags = tagsOf(b.notes)
	b.card = map[*Note]store.ID{}
	for _, n := range b.notes {
		b.card[n] = cardID(n)
	}
	ready := []*graph.Action{
		{Name: "assets", Do: func(context.Context) error { return b.writeAssets() }},
		{Name: "interpreter", Do: b.writePlay},
	}
	// The files made from every note come before the pages, so that they
	// start first: each is one action as long as many pages, which would
	// otherwise keep one core busy after the others are done, with its
	// memory (search.json's is the largest of the build) on top of theirs.
	b.actions = append(b.actions,
		&graph.Action{Name: "search.json", Deps: ready, Do: func(context.Context) error { return b.writeSearchIndex() }},
		&graph.Action{Name: "lists", Deps: ready, Do: func(context.Context) error { return b.writeLists() }},
		&graph.Action{Name: "sitemap.xml", Deps: ready, Do: func(context.Context) error { return b.writeSitemap() }},
	)
	for i, n := range b.notes {
		b.actions = append(b.actions, &graph.Action{Name: "page " + n.Path, Deps: append(b.shows(n), ready...),
			Do: func(context.Context) error { return b.writeNote(i) }})
	}
	feed := reversed(b.notes)[:min(feedSize, len(b.notes))]
	feedDeps := slices.Clone(ready)
	for _, n := range feed {
		feedDeps = append(feedDeps, b.shows(n)...)
	}
	b.actions = append(b.actions, &graph.Action{Name: "feed.xml", Deps: feedDeps, Do: func(context.Context) error { return b.writeFeed(feed) }})
	return nil
}

// shows returns the actions whose results n's page shows.
func (b *build) shows(n *Note) []*graph.Action {
	var deps []*graph.Action
	for _, f := range n.programs {
		deps = append(deps, b.checked[f.Snippet.ID])
		if o := b.originals[f.Block]; o != nil && o.action != nil {
			deps = append(deps, o.action)
		}
	}
	return deps
}

// key starts the ID of a file of the site of the given kind: the build's
// settings and the interpreter's worker, which every page names.
func (b *build) key(kind string) *store.Hash {
	return store.NewHash("site " + kind).String(b.base.String()).
		String(strconv.FormatBool(b.cfg.Drafts)).String(strconv.FormatBool(b.cfg.NoOriginals)).
		String(b.cfg.Now.UTC().Format(time.RFC3339Nano)).String(b.worker)
}

// noteKey adds to h n's text and what its page shows of its programs:
// each snippet's files and result, and each original's run.
func (b *build) noteKey(h *store.Hash, n *Note) *store.Hash {
	h.String(n.Path).Bytes(n.Source)
	result := func(res *runner.Result) {
		if res != nil {
			h.ID(res.Sum).String(strconv.FormatBool(res.Cached))
		}
	}
	for _, f := range n.programs {
		h.String(f.ID).String(f.Snippet.ID).String(f.Snippet.Sum)
		result(b.result(f.Snippet.ID))
		if o := b.originals[f.Block]; o != nil {
			h.String(fmt.Sprint(o.run.Missing, o.run.Skipped))
			result(o.run.Result)
		}
	}
	return h
}

// emit puts the file at rel, whose inputs id names, in the site: kept as
// the output folder holds it, or taken from the store, or else made by
// make and kept in the store. A file made empty is no file of the site.
func (b *build) emit(rel string, id store.ID, make func() ([]byte, error)) (err error) {
	if b.out.Made(rel, id) {
		return nil
	}
	defer func() {
		if err == nil {
			b.out.madeBy(rel, id)
		}
	}()
	if e, ok := b.st.Get(id); ok {
		if e.Size == 0 || b.out.Keep(rel, e.Output) {
			return nil
		}
		if data, ok := b.st.Output(e.Output); ok {
			return b.out.Write(rel, data, e.Output)
		}
	}
	data, err := make()
	if err != nil {
		return fmt.Errorf("%s: %v", rel, err)
	}
	e, _ := b.st.Put(id, data) // a file not kept is made again
	if len(data) == 0 {
		return nil
	}
	b.mu.Lock()
	b.rendered = append(b.rendered, rel)
	b.mu.Unlock()
	return b.out.Write(rel, data, e.Output)
}

// writeNote makes the page of the i-th published note, and its page of
// explanations.
func (b *build) writeNote(i int) error {
	n := b.notes[i]
	var prev, next *Note
	if i > 0 {
		prev = b.notes[i-1]
	}
	if i+1 < len(b.notes) {
		next = b.notes[i+1]
	}
	id := b.noteKey(b.key("note").String(neighbour(prev)).String(neighbour(next)), n).Sum()
	if err := b.writeExplained(n, id); err != nil {
		return err
	}
	rel := n.URL() + "index.html"
	return b.emit(rel, id, func() ([]byte, error) {
		var body strings.Builder
		opts := b.renderOptions(n, "figure")
		opts.NoTitle = n.titleHeading() != nil
		if err := n.Doc.Render(&body, opts); err != nil {
			return nil, err
		}
		return b.execute(rel, "note", page{Title: n.Title, Note: n, Prev: prev, Next: next,
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

// cards adds to h what a list shows of each note (see cardID).
func (b *build) cards(h *store.Hash, ns []*Note) *store.Hash {
	for _, n := range ns {
		h.ID(b.card[n])
	}
	return h
}

// cardID is the ID of what a list shows of n: its address, title, date,
// tags, how many Go programs it has and its entries. A list's ID covers
// its notes' cards, not their text, so that an edit to a note's prose does
// not make every list again. A list template that shows more of a note
// must have it here.
func cardID(n *Note) store.ID {
	h := store.NewHash("card").String(n.URL()).String(n.Title).String(n.DateString()).String(fmt.Sprint(n.Programs(), n.Tags))
	for _, e := range n.Entries() {
		h.String(e.ID).String(e.Text)
	}
	return h.Sum()
}

// writeLists makes the index, the search page, the tags and each tag's
// page, and the 404 page.
func (b *build) writeLists() error {
	all, newest := b.notes, reversed(b.notes)
	type list struct {
		rel, tmpl string
		id        *store.Hash
		p         page
	}
	lists := []list{
		{"index.html", "index", b.cards(b.key("index"), all), page{Section: "notes", Notes: newest,
			Description: "Dated notes; beside each code block, a Go program that does the same and the output it printed."}},
		{"404.html", "404", b.key("404"), page{Title: "Not found"}},
		{"search/index.html", "search", b.cards(b.key("search"), all), page{Title: "Search", Section: "search", Notes: newest}},
		{"tags/index.html", "tags", b.cards(b.key("tags"), all), page{Title: "Tags", Section: "tags", Tags: b.tags}},
	}
	for _, t := range b.tags {
		lists = append(lists, list{tagDir(t.Name) + "index.html", "tag", b.cards(b.key("tag").String(t.Name), t.Notes),
			page{Title: "Tagged " + t.Name, Section: "tags", Tag: t.Name, Notes: t.Notes}})
	}
	var errs []error
	for _, l := range lists {
		errs = append(errs, b.emit(l.rel, l.id.Sum(), func() ([]byte, error) { return b.execute(l.rel, l.tmpl, l.p) }))
	}
	return errors.Join(errs...)
}

// writePlay builds the in-browser interpreter, if asked to, and writes its
// files into assets/. One that cannot be built leaves the site without
// Run, and a warning says why.
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
	case !in.Cached && b.progress != nil:
		fmt.Fprintf(b.progress, "built the in-browser Go interpreter (%d bytes) in %v\n", in.Size, time.Since(start).Round(time.Millisecond))
	}
	files := in.Files(func(plain string, sum store.ID) string { return fingerprintSum("assets/"+plain, sum) })
	for _, f := range files {
		if err := b.out.WriteWith(f.Name, f.Sum, f.CopyTo); err != nil {
			return err
		}
	}
	b.worker = files[len(files)-1].Name
	return nil
}
