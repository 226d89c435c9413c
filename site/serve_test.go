package site

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/site/internal/netlify"
)

// writeFiles writes a notebook into a fresh folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	return testfiles.Dir(t, files)
}

// patience bounds every wait in these tests: generous, since a loaded
// machine may take long to build a snippet, but finite, so that a server
// that never answers fails the test instead of hanging it.
const patience = 2 * time.Minute

var client = &http.Client{Timeout: patience}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := client.Get(url)
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
		"notes/2020-01-02.md":          "# Day\n\nfirst words\n\n```go {snippet=hi}\n```\n\n```python {snippet=none}\nfirst_name\n```\n",
		"snippets/hi/main.go":          "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n",
		"snippets/hi/expected.txt":     "hi\n",
		"snippets/unused/main.go":      "package main\n\nfunc main() {}\n",
		"snippets/unused/expected.txt": "",
		RulesFile:                      "[[headers]]\n  for = \"/2020-01-02/*\"\n  [headers.values]\n    X-Rule = \"from netlify.toml\"\n",
	})
	cfg := &Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Store: openStore(t)}
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
	// The notebook's netlify.toml says how its pages are served.
	for p, want := range map[string]string{"/2020-01-02/": "from netlify.toml", "/": ""} {
		resp, err := client.Get(ts.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Rule"); got != want {
			t.Errorf("%s: X-Rule %q, want %q", p, got, want)
		}
	}

	// Listen for events, then change the note.
	ctx, cancel := context.WithTimeout(context.Background(), patience)
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
	rebuilt := watch(t, srv)
	if l := readEvent(t, events); l != "event: reload" {
		t.Errorf("after the first build the event is %q, want reload", l)
	}

	note := filepath.Join(root, "notes", "2020-01-02.md")
	if err := writeAtomically(note, "# Day\n\nsecond words\n\n```go {snippet=hi}\n```\n\n```python {snippet=none}\nsecond_name\n```\n"); err != nil {
		t.Fatal(err)
	}
	if err := receive(t, rebuilt); err != nil {
		t.Fatalf("rebuild: %v", err)
	}
	if l := readEvent(t, events); l != "event: reload" {
		t.Errorf("after a good rebuild the event is %q, want reload", l)
	}
	if _, page := get(t, ts.URL+"/2020-01-02/"); !strings.Contains(page, "second words") || !strings.Contains(page, "second_name") || strings.Contains(page, "first_name") {
		t.Errorf("the page was not rebuilt, its code included:\n%s", page)
	}

	// A broken link fails the rebuild: pages are told, the last good site stays.
	if err := writeAtomically(note, "# Day\n\nthird words\n\n```go {snippet=gone}\n```\n"); err != nil {
		t.Fatal(err)
	}
	if err := receive(t, rebuilt); err == nil {
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

// watch starts srv's Watch until the test ends, and returns what each of
// its builds after the first returned; the first, which Watch makes as it
// starts, must succeed.
func watch(t *testing.T, srv *Server) <-chan error {
	ctx, stop := context.WithCancel(context.Background())
	rebuilt := make(chan error, 4)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Watch(ctx, func(err error) {
			select {
			case rebuilt <- err:
			case <-ctx.Done():
			}
		}); err != nil {
			t.Error(err)
		}
	}()
	t.Cleanup(func() { stop(); <-done })
	if err := receive(t, rebuilt); err != nil {
		t.Fatalf("first build: %v", err)
	}
	return rebuilt
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

// receive returns the next value from c, or fails the test if none comes
// within patience.
func receive[T any](t *testing.T, c <-chan T) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(patience):
		t.Fatalf("nothing received in %v", patience)
		var zero T
		return zero
	}
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

// TestServerServesOnlyItsFolder sends requests, as raw as a client can
// write them, for files outside the output folder: none is served.
func TestServerServesOnlyItsFolder(t *testing.T) {
	root := writeFiles(t, map[string]string{
		"notes/2020-01-02.md": "# Day\n\nfirst words\n",
		"secret.txt":          "SECRET in the notebook\n",
	})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("SECRET beside the site\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Root: root, Out: filepath.Join(dir, "public"), Store: openStore(t)}
	srv := NewServer(cfg)
	if err := srv.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Links inside the folder that lead out of it.
	for name, target := range map[string]string{
		"leak.txt":            filepath.Join(dir, "secret.txt"),
		"up.txt":              filepath.Join("..", "secret.txt"),
		"leak":                root,
		"2020-01-02/leak.txt": filepath.Join(root, "secret.txt"),
	} {
		if err := os.Symlink(target, filepath.Join(cfg.OutDir(), filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	addr := ts.Listener.Addr().String()

	for _, target := range []string{
		"/../secret.txt",
		"/%2e%2e/secret.txt",
		"/%2E%2E/secret.txt",
		"/..%2fsecret.txt",
		"/%2e%2e%2fsecret.txt",
		"/./../secret.txt",
		"/2020-01-02/../../secret.txt",
		"/2020-01-02/%2e%2e/%2e%2e/secret.txt",
		"/../public/../secret.txt",
		"//" + strings.TrimPrefix(filepath.ToSlash(dir), "/") + "/secret.txt",
		"/leak.txt",
		"/up.txt",
		"/leak/secret.txt",
		"/leak/notes/2020-01-02.md",
		"/2020-01-02/leak.txt",
	} {
		code, body := rawGet(t, addr, target)
		if code != http.StatusNotFound && code != http.StatusBadRequest {
			t.Errorf("GET %s: status %d, want 404 or 400", target, code)
		}
		if strings.Contains(body, "SECRET") || strings.Contains(body, "first words") {
			t.Errorf("GET %s served a file from outside the site:\n%s", target, body)
		}
	}

	// The site itself is still served, and so is the live reload.
	for _, c := range []struct {
		target string
		code   int
		shows  string
	}{
		{"/", http.StatusOK, "Day"},
		{"/2020-01-02/", http.StatusOK, "first words"},
		{"/2020-01-02/index.html", http.StatusOK, "first words"},
		{"/index.html/", http.StatusNotFound, "Not found"},
		{"/2020-01-02", http.StatusMovedPermanently, ""},
		{"/no/such/page", http.StatusNotFound, "Not found"},
		{"/_notebook/reload.js", http.StatusOK, "EventSource"},
	} {
		code, body := rawGet(t, addr, c.target)
		if code != c.code || !strings.Contains(body, c.shows) {
			t.Errorf("GET %s: status %d, want %d showing %q; body:\n%s", c.target, code, c.code, c.shows, body)
		}
	}
	resp, err := client.Get(ts.URL + "/2020-01-02")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/2020-01-02/" || resp.StatusCode != http.StatusOK {
		t.Errorf("a folder without its slash led to %s, status %d", resp.Request.URL.Path, resp.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/_notebook/events", nil)
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if l, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil || l != ": connected\n" {
		t.Errorf("events: first line %q, %v", l, err)
	}
}

// rawGet sends a GET request for target exactly as written, with no
// cleaning or escaping, and returns the status and body of the answer.
func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(patience)); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return resp.StatusCode, string(body)
}

// TestHandlerServesAsProduction serves a site as netlify.toml says and
// checks each kind of file: its type, its headers (the policy on every
// page, long caching only for the fingerprinted assets) and compression,
// and that the build's own files are never served.
func TestHandlerServesAsProduction(t *testing.T) {
	rules, err := netlify.Load("../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	wasm := append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("interpreter "), 1000)...)
	dir := testfiles.Dir(t, map[string]string{
		"index.html":                     "<!doctype html><title>index</title><body>the index</body>",
		"2020-01-02/index.html":          "<!doctype html><title>day</title><body>a day</body>",
		"404.html":                       "<!doctype html><title>Not found</title><body>Not found</body>",
		"feed.xml":                       "<feed/>",
		"search.json":                    "{}",
		"robots.txt":                     "User-agent: *\n",
		"site.webmanifest":               "{}",
		"assets/style.0123456789.css":    "body{}",
		"assets/site.0123456789.js":      "1",
		"assets/icon.0123456789.svg":     "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
		"assets/play.0123456789.wasm":    string(wasm),
		"assets/data.0123456789.bin":     "\x00\x01",
		MarkFile:                         "MARK of the build\n",
		".notebook-other/x":              "OTHER bookkeeping\n",
		"2020-01-02/.notebook-site-copy": "COPY of the mark\n",
	})
	ts := httptest.NewServer(NewHandler(dir, rules))
	defer ts.Close()
	csp := rules.HeadersFor("/").Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") {
		t.Fatalf("netlify.toml's policy for / is %q", csp)
	}
	const revalidate = "public, max-age=0, must-revalidate"
	for _, c := range []struct {
		path, typ, cache string
		gzip             bool
	}{
		{"/", "text/html; charset=utf-8", revalidate, true},
		{"/2020-01-02/", "text/html; charset=utf-8", revalidate, true},
		{"/feed.xml", "application/xml", revalidate, true},
		{"/search.json", "application/json", revalidate, true},
		{"/robots.txt", "text/plain; charset=utf-8", revalidate, true},
		{"/site.webmanifest", "application/manifest+json", revalidate, true},
		{"/assets/style.0123456789.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable", true},
		{"/assets/site.0123456789.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", true},
		{"/assets/icon.0123456789.svg", "image/svg+xml", "public, max-age=31536000, immutable", true},
		{"/assets/play.0123456789.wasm", "application/wasm", "public, max-age=31536000, immutable", true},
		{"/assets/data.0123456789.bin", "application/octet-stream", "public, max-age=31536000, immutable", false},
	} {
		for _, method := range []string{http.MethodHead, http.MethodGet} {
			req, _ := http.NewRequest(method, ts.URL+c.path, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			resp, err := noDecompression.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			h := resp.Header
			if resp.StatusCode != http.StatusOK || h.Get("Content-Type") != c.typ || h.Get("Cache-Control") != c.cache || h.Get("Content-Security-Policy") != csp || h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("%s %s: status %d, type %q, Cache-Control %q, policy %q, X-Content-Type-Options %q; want 200, %q, %q, netlify.toml's, nosniff",
					method, c.path, resp.StatusCode, h.Get("Content-Type"), h.Get("Cache-Control"), h.Get("Content-Security-Policy"), h.Get("X-Content-Type-Options"), c.typ, c.cache)
			}
			if got := h.Get("Content-Encoding") == "gzip"; got != c.gzip {
				t.Errorf("%s %s: Content-Encoding %q, want gzip: %v", method, c.path, h.Get("Content-Encoding"), c.gzip)
			}
			if method == http.MethodHead {
				if len(body) != 0 {
					t.Errorf("HEAD %s: %d bytes of body", c.path, len(body))
				}
				continue
			}
			if c.gzip {
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("GET %s: %v", c.path, err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatalf("GET %s: %v", c.path, err)
				}
			}
			if c.path == "/assets/play.0123456789.wasm" && !bytes.Equal(body, wasm) {
				t.Errorf("GET %s: %d bytes, not the interpreter's %d", c.path, len(body), len(wasm))
			}
		}
	}

	// A client that does not take gzip, or refuses it, gets the bytes.
	for _, accept := range []string{"", "gzip;q=0", "br", "*;q=0"} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/assets/play.0123456789.wasm", nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := noDecompression.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, wasm) || resp.Header.Get("Content-Length") != strconv.Itoa(len(wasm)) {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, %d bytes, Content-Length %s; want the file as it is", accept, resp.Header.Get("Content-Encoding"), len(body), resp.Header.Get("Content-Length"))
		}
	}

	// The build's own files are not the site's.
	addr := ts.Listener.Addr().String()
	for _, target := range []string{"/" + MarkFile, "/.notebook-other/x", "/.notebook-other/", "/2020-01-02/.notebook-site-copy", "/assets/../" + MarkFile, "/%2enotebook-site"} {
		code, body := rawGet(t, addr, target)
		if code != http.StatusNotFound || strings.Contains(body, "of the build") || strings.Contains(body, "bookkeeping") || strings.Contains(body, "COPY") {
			t.Errorf("GET %s: status %d, body %q; want 404 and the 404 page", target, code, body)
		}
	}
	resp, err := client.Post(ts.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: status %d, want 405", resp.StatusCode)
	}
}

// noDecompression is a client that leaves a compressed body as it came.
var noDecompression = &http.Client{Timeout: patience, Transport: &http.Transport{DisableCompression: true}}

// TestServerChecksItsFolder adds a file to the output folder between two
// of a server's builds: the second, which takes the first's output as it
// left it, still checks the folder before writing, refuses it and keeps
// the file.
func TestServerChecksItsFolder(t *testing.T) {
	root := writeFiles(t, map[string]string{"notes/2020-01-02.md": "# Day\n\nfirst words\n"})
	out := filepath.Join(t.TempDir(), "public")
	srv := NewServer(&Config{Root: root, Out: out, Store: openStore(t)})
	if err := srv.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "mine.txt"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "notes", "2020-01-02.md"), []byte("# Day\n\nsecond words\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	refusedMine(t, srv.Rebuild(context.Background()), out, "2020-01-02/index.html", "second words")
}

// TestWatchSeesNewFolders makes a folder in snippets/ while a server
// watches, then, once that was built, changes only a file inside it: that
// too is built.
func TestWatchSeesNewFolders(t *testing.T) {
	root := writeFiles(t, map[string]string{"notes/2020-01-02.md": "# Day\n\nwords\n"})
	srv := NewServer(&Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Store: openStore(t)})
	rebuilt := watch(t, srv)
	dir := filepath.Join(root, "snippets", "new", "deeper")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	receive(t, rebuilt) // a folder without main.go may fail the build
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	receive(t, rebuilt) // fails the test if the file goes unseen
}
