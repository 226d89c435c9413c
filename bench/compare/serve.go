//go:build linux

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gonotebook/notebook/bench/internal/corpus"
)

// serveTimeout bounds the wait for a server to start, and for a reload.
const serveTimeout = 5 * time.Minute

// serve measures notebook serve: on a copy of the seed notebook and on the
// generated corpus, the time from an edit to one note's prose to the
// reload event that open pages get, and to the reloaded page showing the
// edit. Each tool serves its own copy; both servers run at once, and the
// edits go to one, then the other.
func (b *bench) serve(ctx context.Context) error {
	w := b.stdout
	fmt.Fprintln(w, "### notebook serve: an edit to one note's prose, until the page is told to reload and until it shows the edit")
	fmt.Fprintln(w)
	heads := []string{"notebook", "measure"}
	for _, t := range b.tools {
		heads = append(heads, t.name)
	}
	if b.base() != nil {
		heads = append(heads, "notebook/baseline")
	}
	var rows [][]string
	var errs []error
	for _, c := range []struct {
		name string
		make func(dir string) (int, error)
	}{
		{"seed", b.copySeed},
		{"corpus", func(dir string) (int, error) {
			st, err := corpus.Generate(corpus.Options{Notes: b.notes, Seed: b.seed, Tame: b.tame}, corpus.Dir(dir))
			return st.Notes, err
		}},
	} {
		start, reload, page, notes, err := b.serveEdits(ctx, c.name, c.make)
		if err != nil {
			return err
		}
		label := fmt.Sprintf("the seed notebook (%d %s)", notes, map[bool]string{true: "note", false: "notes"}[notes == 1])
		if c.name == "corpus" {
			label = fmt.Sprintf("%d generated notes", notes)
		}
		row := func(measure string, rs []result) {
			r := []string{label, measure}
			for _, x := range rs {
				r = append(r, wall(x))
				errs = append(errs, x.err)
			}
			if base := b.base(); base != nil {
				n, o := rs[len(rs)-1], rs[0]
				r = append(r, ratio(float64(n.wall), float64(o.wall), n.err, o.err))
			}
			rows = append(rows, r)
		}
		row("start: first build until serving", start)
		row("edit to the reload event", reload)
		row("edit to the reloaded page with the edit", page)
	}
	table(w, heads, rows...)
	var rs []result
	for _, err := range errs {
		rs = append(rs, result{err: err})
	}
	b.failures(rs...)
	return nil
}

// serveEdits starts a server with each tool on its own copy of the notebook
// that write writes, then edits a note -runs times in each copy in turn.
// It returns the medians of each tool's start, of the time to the reload
// event and of the time to the reloaded page, and the number of notes.
func (b *bench) serveEdits(ctx context.Context, name string, write func(dir string) (int, error)) (start, reload, page []result, notes int, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	servers := make([]*server, len(b.tools))
	starts, reloads, pages := b.samples(), b.samples(), b.samples()
	defer func() {
		cancel()
		for _, s := range servers {
			if s != nil {
				s.wait()
			}
		}
	}()
	for i, t := range b.tools {
		root := t.path("serve-" + name)
		if notes, err = write(root); err != nil {
			return nil, nil, nil, 0, err
		}
		// One store for both notebooks: the seed's start compiles the
		// in-browser interpreter, the corpus's reuses it.
		s, smp := b.startServer(ctx, t, root, "cache-serve")
		starts[i] = append(starts[i], smp)
		if smp.err != nil {
			continue
		}
		servers[i] = s
	}
	for run := range b.runs {
		for i, s := range servers {
			if s == nil {
				continue
			}
			r, p := s.edit(ctx, run+1)
			reloads[i], pages[i] = append(reloads[i], r), append(pages[i], p)
			b.logf("%-6s %8s %8s  %s serve %s: edit %d to reload, to the page", status(p.err), r.wall.Round(time.Millisecond), p.wall.Round(time.Millisecond), s.tool.name, name, run+1)
		}
	}
	for i, s := range servers {
		if s == nil { // failed to start: its start sample holds the error
			reloads[i], pages[i] = starts[i], starts[i]
		}
	}
	return medians(starts), medians(reloads), medians(pages), notes, nil
}

// copySeed copies the repository's notebook into dir: its notes, its
// snippets (not the Go package beside them), go.mod and go.sum, and the
// rules it is served by. It returns the number of notes.
func (b *bench) copySeed(dir string) (int, error) {
	notes := 0
	for _, sub := range []string{"notes", "snippets"} {
		src := filepath.Join(b.seedRoot, sub)
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, p)
			if d.IsDir() || (!strings.Contains(rel, string(filepath.Separator)) && strings.HasSuffix(rel, ".go")) {
				return nil
			}
			if sub == "notes" && strings.HasSuffix(rel, ".md") {
				notes++
			}
			return copyFile(p, filepath.Join(dir, sub, rel))
		})
		if err != nil {
			return 0, err
		}
	}
	for _, f := range []string{"go.mod", "go.sum", "netlify.toml", "notebook.yaml"} {
		if _, err := os.Stat(filepath.Join(b.seedRoot, f)); err == nil {
			if err := copyFile(filepath.Join(b.seedRoot, f), filepath.Join(dir, f)); err != nil {
				return 0, err
			}
		}
	}
	return notes, nil
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

// A server is a running notebook serve.
type server struct {
	tool   *tool
	root   string
	addr   string // host:port
	note   string // the note it edits
	cmd    *exec.Cmd
	done   chan struct{} // closed when its standard error ends
	events chan string   // the names of the events it sends, "failed: ..." for a failure

	mu   sync.Mutex
	tail []string // the last lines of its standard error
}

// startServer starts t's notebook serve on root, with its store in cache,
// and waits until it serves and an event stream is open. The sample is the
// time until it said where it serves.
func (b *bench) startServer(ctx context.Context, t *tool, root, cache string) (*server, sample) {
	notes, err := filepath.Glob(filepath.Join(root, "notes", "*.md"))
	if err != nil || len(notes) == 0 {
		return nil, sample{err: fmt.Errorf("no notes in %s", root)}
	}
	slices.Sort(notes)
	s := &server{tool: t, root: root, note: notes[len(notes)/2], done: make(chan struct{}), events: make(chan string, 16)}
	s.cmd = exec.CommandContext(ctx, t.bin, "serve", "-root", root, "-addr", "127.0.0.1:0")
	s.cmd.Env = append(os.Environ(), t.env(cache)...)
	s.cmd.Cancel = func() error { return s.cmd.Process.Signal(syscall.SIGTERM) }
	s.cmd.WaitDelay = 10 * time.Second
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		return nil, sample{err: err}
	}
	begin := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, sample{err: err}
	}
	addr := make(chan string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.tail = append(s.tail, line)
			if len(s.tail) > 8 {
				s.tail = s.tail[1:]
			}
			s.mu.Unlock()
			if a, ok := strings.CutPrefix(line, "serving http://"); ok {
				a, _, _ = strings.Cut(a, "/")
				addr <- a
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	fail := func(err error) (*server, sample) {
		s.cmd.Cancel()
		s.wait()
		return nil, sample{err: fmt.Errorf("%s serve -root %s: %w\n%s", t.name, root, err, s.lastLines())}
	}
	select {
	case s.addr = <-addr:
	case <-s.done:
		return fail(errors.New("ended before serving"))
	case <-time.After(serveTimeout):
		return fail(errors.New("did not serve in time"))
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	smp := sample{wall: time.Since(begin)}
	b.logf("ok     %8s          %s serve -root %s: serving http://%s/", smp.wall.Round(time.Millisecond), t.name, root, s.addr)
	if err := s.listen(ctx); err != nil {
		return fail(err)
	}
	return s, smp
}

// listen opens the server's event stream and passes on its events.
func (s *server) listen(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+s.addr+"/_notebook/events", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	r := bufio.NewReader(resp.Body)
	if line, err := r.ReadString('\n'); err != nil || line != ": connected\n" {
		resp.Body.Close()
		return fmt.Errorf("event stream: %q, %v", line, err)
	}
	go func() {
		defer resp.Body.Close()
		var event string
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				close(s.events)
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "failed":
				event += ": " + strings.TrimPrefix(line, "data: ")
			case line == "" && event != "":
				s.events <- event
				event = ""
			}
		}
	}()
	return nil
}

// edit appends a sentence to the note's prose, then waits for the reload
// event and gets the note's page until it shows the sentence. It returns
// the time from the edit to each.
func (s *server) edit(ctx context.Context, n int) (reload, page sample) {
	word := fmt.Sprintf("benchedit%d%s", n, s.tool.name)
	fail := func(err error) (sample, sample) {
		err = fmt.Errorf("%s serve -root %s, edit %d: %w\n%s", s.tool.name, s.root, n, err, s.lastLines())
		return sample{err: err}, sample{err: err}
	}
	begin := time.Now()
	if err := appendLine(s.note, fmt.Sprintf("\nAn edit to the prose, %s.\n", word)); err != nil {
		return fail(err)
	}
	select {
	case e, ok := <-s.events:
		switch {
		case !ok:
			return fail(errors.New("the event stream ended"))
		case e != "reload":
			return fail(fmt.Errorf("event %q, want reload", e))
		}
	case <-time.After(serveTimeout):
		return fail(errors.New("no reload event"))
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	reload = sample{wall: time.Since(begin)}
	url := "http://" + s.addr + "/" + strings.TrimSuffix(filepath.Base(s.note), ".md") + "/"
	body, err := get(ctx, url)
	if err != nil {
		return reload, sample{err: err}
	}
	if !strings.Contains(body, word) {
		return reload, sample{err: fmt.Errorf("%s after the reload event does not show the edit %q", url, word)}
	}
	return reload, sample{wall: time.Since(begin)}
}

func get(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return string(data), err
}

// wait waits for the server to end, once its context is done.
func (s *server) wait() {
	<-s.done
	s.cmd.Wait()
}

func (s *server) lastLines() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.tail, "\n")
}
