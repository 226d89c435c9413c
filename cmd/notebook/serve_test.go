package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonotebook/notebook/internal/testfiles"
)

// lines is an io.Writer that passes on each line written to it.
type lines struct {
	mu   sync.Mutex
	buf  []byte
	sent chan string
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		select {
		case l.sent <- string(l.buf[:i]):
		default: // nobody listens for this one
		}
		l.buf = l.buf[i+1:]
	}
}

// TestServeStops cancels serve while a page listens for reloads: by the
// time serve returns, its server has shut down and the page's event
// stream has ended. (A script cannot hold a request open while it stops
// the command.)
func TestServeStops(t *testing.T) {
	root, cache := helloNotebook(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &lines{sent: make(chan string, 64)}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "-root", root, "-cache", cache, "-addr", "127.0.0.1:0"}, io.Discard, stderr)
	}()
	var addr string
	deadline := time.After(2 * time.Minute)
	for addr == "" {
		select {
		case line := <-stderr.sent:
			if a, ok := strings.CutPrefix(line, "serving http://"); ok {
				addr, _, _ = strings.Cut(a, "/")
			}
		case code := <-done:
			t.Fatalf("serve ended with exit %d before serving", code)
		case <-deadline:
			t.Fatal("serve did not start serving")
		}
	}
	resp, err := http.Get("http://" + addr + "/_notebook/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	if line, err := r.ReadString('\n'); err != nil || line != ": connected\n" {
		t.Fatalf("event stream: %q, %v", line, err)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve: exit %d, want %d", code, exitOK)
		}
	case <-time.After(time.Minute):
		t.Fatal("serve did not end after its context was cancelled")
	}
	// The stream has ended: what is left of it is read to its end, not
	// waited for.
	ended := make(chan error, 1)
	go func() {
		_, err := io.Copy(io.Discard, r)
		ended <- err
	}()
	select {
	case <-ended:
	case <-time.After(30 * time.Second):
		t.Fatal("the event stream is still open after serve returned")
	}
}

// helloNotebook writes a notebook of one note whose block links to a
// yaegi snippet, and returns its folder and a store that holds the
// in-browser interpreter already.
func helloNotebook(t *testing.T) (root, cache string) {
	t.Helper()
	root = testfiles.Dir(t, map[string]string{
		"notes/2020-01-02.md":         "# Day one\n\n```python {snippet=hello}\nprint('hi')\n```\n",
		"snippets/hello/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }\n",
		"snippets/hello/expected.txt": "hi\n",
		"snippets/hello/snippet.yaml": "engine: yaegi\n",
	})
	cache = filepath.Join(t.TempDir(), "cache")
	if err := seededStore(cache); err != nil {
		t.Fatal(err)
	}
	return root, cache
}
