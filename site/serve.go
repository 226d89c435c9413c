package site

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// reloadPath is where the development server serves its own files; a note
// can never produce a page there, since note names start with a date.
const reloadPath = "/_notebook/"

// A Server serves a built site for previewing and rebuilds it when the
// notebook's files change, telling open pages to reload. It is meant for
// the author's own machine: nothing it serves is cached, and it serves
// nothing outside the output folder (see ServeHTTP).
type Server struct {
	cfg *Config

	mu      sync.Mutex
	version int    // counts successful builds
	failure string // the last build's error, or ""
	built   string // the fingerprint of the files the last build read
	changed chan struct{}
}

// NewServer returns a server for the site cfg builds. Call Rebuild at least
// once before serving.
func NewServer(cfg *Config) *Server {
	return &Server{cfg: cfg, changed: make(chan struct{})}
}

// Rebuild builds the site and tells every open page: to reload if the build
// succeeded, to show the error if it did not (the last good site stays
// served).
func (s *Server) Rebuild(ctx context.Context) error {
	// Taken before building, so that a change made during the build is
	// seen by the next look.
	fp := s.fingerprint()
	_, err := Build(ctx, s.cfg)
	s.mu.Lock()
	s.built = fp
	if err != nil {
		s.failure = err.Error()
	} else {
		s.failure = ""
		s.version++
	}
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	return err
}

// Watch polls the notebook's notes/ and snippets/ every interval and calls
// Rebuild when a file was added, removed or changed since the last build
// and has then stayed unchanged for an interval, until ctx is done.
// Each result is reported to report.
func (s *Server) Watch(ctx context.Context, interval time.Duration, report func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	tick := func() bool {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	for tick() {
		s.mu.Lock()
		built := s.built
		s.mu.Unlock()
		fp := s.fingerprint()
		if fp == built {
			continue
		}
		// Editors and tools write in steps: wait until the files have
		// stayed the same for a whole interval, so that a half-written
		// note is not built.
		for {
			if !tick() {
				return
			}
			next := s.fingerprint()
			if next == fp {
				break
			}
			fp = next
		}
		report(s.Rebuild(ctx))
	}
}

// fingerprint summarises the names, sizes and times of every file the
// site is built from.
func (s *Server) fingerprint() string {
	var b strings.Builder
	for _, dir := range []string{filepath.Join(s.cfg.Root, "notes"), s.cfg.snippetsDir()} {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if info, err := d.Info(); err == nil {
				fmt.Fprintf(&b, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
			}
			return nil
		})
	}
	return b.String()
}

// ServeHTTP serves the built site, with a small script added to every page
// that reloads it after a rebuild.
//
// It serves only what is inside the output folder: a request path is a
// slash-separated name inside it (no "." or ".." element, once decoded, so
// neither "/../x" nor "/%2e%2e/x" nor "/..%2fx" leads out), opened through
// an os.Root, which follows no symbolic link out of the folder. Anything
// else is answered with the site's 404 page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case reloadPath + "reload.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		io.WriteString(w, reloadJS)
		return
	case reloadPath + "events":
		s.events(w, r)
		return
	}
	// Opened afresh for every request: each build puts a new folder in
	// place of the last.
	root, err := os.OpenRoot(s.cfg.OutDir())
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer root.Close()
	serveSite(w, r, root.FS())
}

// serveSite serves the file of site that r names, or the site's 404.html.
func serveSite(w http.ResponseWriter, r *http.Request, site fs.FS) {
	name, ok := strings.CutPrefix(r.URL.Path, "/")
	folder := name == "" || strings.HasSuffix(name, "/")
	if name = strings.TrimSuffix(name, "/"); name == "" {
		name = "."
	}
	var data []byte
	err := fs.ErrNotExist
	if ok && fs.ValidPath(name) {
		info, statErr := fs.Stat(site, name)
		switch {
		case statErr != nil:
		case info.IsDir() && !folder:
			u := url.URL{Path: "/" + name + "/"}
			http.Redirect(w, r, u.EscapedPath(), http.StatusMovedPermanently)
			return
		case info.IsDir():
			name = path.Join(name, "index.html")
			data, err = fs.ReadFile(site, name)
		case !folder:
			data, err = fs.ReadFile(site, name)
		}
	}
	status := http.StatusOK
	if err != nil {
		name = "404.html"
		if data, err = fs.ReadFile(site, name); err != nil {
			http.NotFound(w, r)
			return
		}
		status = http.StatusNotFound
	}
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasSuffix(name, ".html") {
		tag := []byte(`<script src="` + reloadPath + `reload.js" defer></script>`)
		if i := bytes.LastIndex(data, []byte("</body>")); i >= 0 {
			data = append(data[:i:i], append(tag, data[i:]...)...)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	if ct := contentType(name); ct != "" && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(status)
	w.Write(data)
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".json":
		return "application/json"
	case ".xml":
		return "application/xml"
	}
	return ""
}

// events streams server-sent events: "reload" after a successful rebuild,
// "failed" with the error after a failed one.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	s.mu.Lock()
	changed, seen := s.changed, s.version
	failure := s.failure
	s.mu.Unlock()
	if failure != "" {
		writeEvent(w, "failed", failure)
	}
	io.WriteString(w, ": connected\n\n")
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		}
		s.mu.Lock()
		changed, failure = s.changed, s.failure
		version := s.version
		s.mu.Unlock()
		switch {
		case failure != "":
			writeEvent(w, "failed", failure)
		case version != seen:
			writeEvent(w, "reload", "")
			seen = version
		}
		flusher.Flush()
	}
}

func writeEvent(w io.Writer, name, data string) {
	fmt.Fprintf(w, "event: %s\n", name)
	for l := range strings.SplitSeq(data, "\n") {
		fmt.Fprintf(w, "data: %s\n", l)
	}
	io.WriteString(w, "\n")
}

// reloadJS reloads the page after a rebuild and shows a failed build's
// error over the page, as text.
const reloadJS = `(function () {
  var es = new EventSource("/_notebook/events");
  es.addEventListener("reload", function () { location.reload(); });
  es.addEventListener("failed", function (e) {
    var box = document.getElementById("notebook-build-error");
    if (!box) {
      box = document.createElement("pre");
      box.id = "notebook-build-error";
      box.setAttribute("role", "alert");
      var st = box.style;
      st.position = "fixed"; st.inset = "1rem"; st.zIndex = "1000"; st.margin = "0";
      st.padding = "1rem"; st.overflow = "auto"; st.whiteSpace = "pre-wrap";
      st.background = "#fff5f5"; st.color = "#6e0000"; st.border = "2px solid #c00";
      document.body.prepend(box);
    }
    box.textContent = "Build failed; showing the last good build.\n\n" + e.data;
  });
})();
`
