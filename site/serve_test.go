package site

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/runner/cache"
)

// writeFiles writes a notebook into a fresh folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestServerRebuildsAndReloads(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"notes/2020-01-02.md":          "# Day\n\nfirst words\n\n```go {snippet=hi}\n```\n",
		"snippets/hi/main.go":          "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n",
		"snippets/hi/expected.txt":     "hi\n",
		"snippets/unused/main.go":      "package main\n\nfunc main() {}\n",
		"snippets/unused/expected.txt": "",
	})
	cfg := &Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Runner: &runner.Runner{Cache: &cache.Cache{Dir: t.TempDir()}}}
	srv := NewServer(cfg)
	if err := srv.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	code, page := get(t, ts.URL+"/2020-01-02/")
	if code != http.StatusOK || !strings.Contains(page, "first words") || !strings.Contains(page, `src="/_notebook/reload.js"`) {
		t.Fatalf("note page: status %d, page:\n%s", code, page)
	}
	if code, _ := get(t, ts.URL+"/no/such/page"); code != http.StatusNotFound {
		t.Errorf("missing page: status %d, want 404", code)
	}

	// Listen for events, then change the note.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/_notebook/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewReader(resp.Body)
	if l, err := events.ReadString('\n'); err != nil || l != ": connected\n" {
		t.Fatalf("first event line %q, %v", l, err)
	}
	watchCtx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	rebuilt := make(chan error, 4)
	go srv.Watch(watchCtx, 20*time.Millisecond, func(err error) { rebuilt <- err })

	note := filepath.Join(root, "notes", "2020-01-02.md")
	if err := writeAtomically(note, "# Day\n\nsecond words\n\n```go {snippet=hi}\n```\n"); err != nil {
		t.Fatal(err)
	}
	if err := <-rebuilt; err != nil {
		t.Fatalf("rebuild: %v", err)
	}
	if l := readEvent(t, events); l != "event: reload" {
		t.Errorf("after a good rebuild the event is %q, want reload", l)
	}
	if _, page := get(t, ts.URL+"/2020-01-02/"); !strings.Contains(page, "second words") {
		t.Errorf("the page was not rebuilt:\n%s", page)
	}

	// A broken link fails the rebuild: pages are told, the last good site stays.
	if err := writeAtomically(note, "# Day\n\nthird words\n\n```go {snippet=gone}\n```\n"); err != nil {
		t.Fatal(err)
	}
	if err := <-rebuilt; err == nil {
		t.Fatal("a rebuild with a broken link succeeded")
	}
	if l := readEvent(t, events); l != "event: failed" {
		t.Errorf("after a failed rebuild the event is %q, want failed", l)
	}
	if l, _ := events.ReadString('\n'); !strings.Contains(l, `notes/2020-01-02.md:5: block links to snippet "gone"`) {
		t.Errorf("the failure event says %q", l)
	}
	if _, page := get(t, ts.URL+"/2020-01-02/"); !strings.Contains(page, "second words") {
		t.Error("a failed rebuild replaced the last good page")
	}
}

// writeAtomically replaces a note in one step, from a file written beside
// notes/, where the watcher does not look. os.WriteFile truncates first,
// and a watcher that looks between the two steps rebuilds twice, once from
// an empty file; the test counts rebuilds, so it must not.
func writeAtomically(name, text string) error {
	tmp := filepath.Join(filepath.Dir(filepath.Dir(name)), ".note.tmp")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// readEvent returns the next "event:" line of a server-sent event stream.
func readEvent(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading events: %v", err)
		}
		if strings.HasPrefix(l, "event:") {
			return strings.TrimSpace(l)
		}
	}
}
