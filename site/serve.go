package site

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gonotebook/notebook/site/internal/netlify"
)

// reloadPath is where the development server serves its own files; a note
// can never produce a page there, since note names start with a date.
const reloadPath = "/_notebook/"

// A Server serves a built site for previewing and rebuilds it when the
// notebook's files change, telling open pages to reload. It serves what
// production serves, as production serves it: the headers, types,
// redirects and compression of the notebook's netlify.toml (see
// NewHandler), which it reads again at every build; and nothing outside
// the output folder.
type Server struct {
	cfg *Config

	mu      sync.Mutex
	rules   *netlify.Config // the notebook's RulesFile, as the last build read it
	version int             // counts successful builds
	failure string          // the last build's error, or ""
	changed chan struct{}
}

// NewServer returns a server for the site cfg builds. Call Rebuild, or
// Watch, which calls it, before serving.
func NewServer(cfg *Config) *Server {
	cfg.parses, cfg.published = &parses{}, &published{}
	return &Server{cfg: cfg, changed: make(chan struct{})}
}

// Rebuild builds the site and tells every open page: to reload if the build
// succeeded, to show the error if it did not (the last good site stays
// served).
func (s *Server) Rebuild(ctx context.Context) error {
	rules, rulesErr := loadRules(s.cfg.Root)
	_, err := Build(ctx, s.cfg)
	err = errors.Join(err, rulesErr)
	s.mu.Lock()
	if rulesErr == nil {
		s.rules = rules
	}
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

// Watch watches the notebook's notes/, snippets/ and RulesFile through
// the kernel (inotify), builds the site (Rebuild), and rebuilds it on
// change until ctx is done. Editors and tools write in steps: once a file
// was added, removed or changed, Watch waits until nothing changed for
// settle, so that a half-written note is not built, and calls Rebuild.
// Each result, the first build's included, is reported to report. It
// returns an error only if it cannot watch.
func (s *Server) Watch(ctx context.Context, report func(error)) error {
	fd, err := syscall.InotifyInit1(syscall.IN_NONBLOCK | syscall.IN_CLOEXEC)
	if err != nil {
		return os.NewSyscallError("inotify_init1", err)
	}
	f := os.NewFile(uintptr(fd), "inotify") // non-blocking: Close ends a Read
	defer f.Close()
	dirs := map[int32]string{} // the watched folders, by watch descriptor
	const mask = syscall.IN_CREATE | syscall.IN_DELETE | syscall.IN_MODIFY | syscall.IN_ATTRIB |
		syscall.IN_MOVED_FROM | syscall.IN_MOVED_TO | syscall.IN_DELETE_SELF | syscall.IN_ONLYDIR
	// watch adds every folder at and below dir; a folder watched twice
	// keeps its descriptor, under its new name.
	watch := func(dir string) error {
		return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil // a folder gone since is told of by its own event
			}
			wd, err := syscall.InotifyAddWatch(fd, p, mask)
			if err != nil {
				return os.NewSyscallError("inotify_add_watch "+p, err)
			}
			dirs[int32(wd)] = p
			if p == s.cfg.Root {
				return fs.SkipDir // only its sources' folders, and RulesFile
			}
			return nil
		})
	}
	sources := []string{filepath.Join(s.cfg.Root, "notes"), s.cfg.snippetsDir()}
	for _, dir := range append([]string{s.cfg.Root}, sources...) {
		if err := watch(dir); err != nil {
			return err
		}
	}
	events := make(chan []byte)
	go func() {
		defer close(events)
		for {
			buf := make([]byte, 64<<10)
			n, err := f.Read(buf)
			if err != nil {
				return
			}
			events <- buf[:n]
		}
	}()
	defer func() {
		f.Close()
		for range events { // until the reader has ended
		}
	}()
	settled := time.NewTimer(0) // the first build
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-settled.C:
			report(s.Rebuild(ctx))
		case buf, ok := <-events:
			if !ok {
				return errors.New("watching the notebook: inotify ended")
			}
			changed := false
			// Each event is a syscall.InotifyEvent and its name, padded
			// with NULs.
			for len(buf) >= syscall.SizeofInotifyEvent {
				wd, what := int32(binary.NativeEndian.Uint32(buf)), binary.NativeEndian.Uint32(buf[4:])
				end := syscall.SizeofInotifyEvent + int(binary.NativeEndian.Uint32(buf[12:]))
				name := strings.TrimRight(string(buf[syscall.SizeofInotifyEvent:end]), "\x00")
				buf = buf[end:]
				dir, known := dirs[wd]
				p := filepath.Join(dir, name)
				switch {
				case !known: // events were lost (IN_Q_OVERFLOW), say
				case dir == s.cfg.Root && name != RulesFile && !slices.Contains(sources, p):
					continue // the output folder, say, which a build writes
				case what&syscall.IN_IGNORED != 0:
					delete(dirs, wd)
				case what&syscall.IN_ISDIR != 0 && what&(syscall.IN_CREATE|syscall.IN_MOVED_TO) != 0:
					if err := watch(p); err != nil {
						return err
					}
				}
				changed = true
			}
			if changed {
				settled.Reset(settle)
			}
		}
	}
}

// settle is how long the files must stay the same before a change is
// built.
const settle = 20 * time.Millisecond

// ServeHTTP serves the built site as production serves it (see
// NewHandler), with a small script added to every page that reloads it
// after a rebuild.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case reloadPath + "reload.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		io.WriteString(w, reloadJS)
		return
	case reloadPath + "events":
		s.events(w, r)
		return
	}
	s.mu.Lock()
	rules := s.rules
	s.mu.Unlock()
	h := &handler{dir: s.cfg.OutDir(), rules: rules, inject: []byte(`<script src="` + reloadPath + `reload.js" defer></script>`)}
	h.ServeHTTP(w, r)
}

// RulesFile is the file, in a notebook's folder, that says how its site
// is served: Netlify's netlify.toml, whose [[headers]] and [[redirects]]
// the Server follows too.
const RulesFile = "netlify.toml"

// loadRules reads the notebook's RulesFile, or returns nil if it has none.
func loadRules(root string) (*netlify.Config, error) {
	rules, err := netlify.Load(filepath.Join(root, RulesFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return rules, err
}

// NewHandler returns a handler that serves the site built into dir as
// Netlify serves it, following rules (netlify.toml; nil for none):
//
//   - A folder is served by its index.html; a folder's address without
//     its final slash is redirected to it.
//   - An address with no file gets the page the 404 rule of [[redirects]]
//     names, or 404.html, with status 404.
//   - Every response gets the headers of each [[headers]] rule whose for
//     pattern matches the address; one that no rule gives a Cache-Control
//     gets Netlify's own, "public, max-age=0, must-revalidate", so that
//     the browser asks again after every build.
//   - Each file is served with the type its extension names (see
//     mediaTypes), as application/octet-stream if it names none.
//   - Text, and WebAssembly, is compressed with gzip for a client that
//     accepts it.
//
// It serves only what is inside dir: a request path is a slash-separated
// name inside it (no "." or ".." element, once decoded, so neither
// "/../x" nor "/%2e%2e/x" nor "/..%2fx" leads out), opened through an
// os.Root, which follows no symbolic link out of the folder; and it never
// serves the build's own files (see MarkFile), nor any
// whose name starts with ".notebook". Only GET and HEAD are answered.
func NewHandler(dir string, rules *netlify.Config) http.Handler {
	return &handler{dir: dir, rules: rules}
}

// A handler serves a built site (see NewHandler).
type handler struct {
	dir    string
	rules  *netlify.Config // nil for none
	inject []byte          // put before </body> in every page served, if not nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Opened afresh for every request: each build puts a new folder in
	// place of the last.
	root, err := os.OpenRoot(h.dir)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer root.Close()
	site := root.FS()
	name, data, status, redirect := h.find(site, r.URL.Path)
	if redirect != "" {
		http.Redirect(w, r, redirect, http.StatusMovedPermanently)
		return
	}
	if data == nil {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	if h.rules != nil {
		for k, v := range h.rules.HeadersFor(r.URL.Path) {
			hdr[k] = v
		}
	}
	if hdr.Get("Cache-Control") == "" {
		hdr.Set("Cache-Control", "public, max-age=0, must-revalidate")
	}
	ct, compressible := mediaTypes[strings.ToLower(path.Ext(name))]
	if !compressible {
		ct = "application/octet-stream"
	}
	hdr.Set("Content-Type", ct)
	if h.inject != nil && strings.HasSuffix(name, ".html") {
		if i := bytes.LastIndex(data, []byte("</body>")); i >= 0 {
			data = append(data[:i:i], append(h.inject, data[i:]...)...)
		}
	}
	if compressible {
		hdr.Add("Vary", "Accept-Encoding")
	}
	var body io.Writer = w
	if compressible && acceptsGzip(r) {
		hdr.Set("Content-Encoding", "gzip")
		// The interpreter, 15 MB, would take a second at the default
		// level, and a third of that at the fastest, for a quarter more
		// bytes.
		level := gzip.DefaultCompression
		if len(data) > 1<<20 {
			level = gzip.BestSpeed
		}
		gz, _ := gzip.NewWriterLevel(w, level) // the level is valid
		defer gz.Close()
		body = gz
	} else {
		hdr.Set("Content-Length", strconv.Itoa(len(data)))
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		body.Write(data)
	}
}

// find returns the file of site that the address path names: its name in
// site, its contents and the status to serve it with, or where to
// redirect to; no contents if there is not even a 404 page.
func (h *handler) find(site fs.FS, urlPath string) (name string, data []byte, status int, redirect string) {
	name, ok := strings.CutPrefix(urlPath, "/")
	folder := name == "" || strings.HasSuffix(name, "/")
	if name = strings.TrimSuffix(name, "/"); name == "" {
		name = "."
	}
	err := fs.ErrNotExist
	if ok && fs.ValidPath(name) && !buildFile(name) {
		info, statErr := fs.Stat(site, name)
		switch {
		case statErr != nil:
		case info.IsDir() && !folder:
			u := url.URL{Path: "/" + name + "/"}
			return "", nil, 0, u.EscapedPath()
		case info.IsDir():
			name = path.Join(name, "index.html")
			data, err = fs.ReadFile(site, name)
		case !folder:
			data, err = fs.ReadFile(site, name)
		}
	}
	if err == nil {
		return name, data, http.StatusOK, ""
	}
	name = "404.html"
	if h.rules != nil {
		if nf := h.rules.NotFound(urlPath); nf != "" {
			name = strings.TrimPrefix(nf, "/")
		}
	}
	if fs.ValidPath(name) && !buildFile(name) {
		if data, err = fs.ReadFile(site, name); err == nil {
			return name, data, http.StatusNotFound, ""
		}
	}
	return "", nil, 0, ""
}

// buildFile reports whether name, a path in the output folder, is or is
// inside one of the build's own files, whose names start with ".notebook"
// (MarkFile): they are the build's bookkeeping, not the site.
func buildFile(name string) bool {
	for elem := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(elem, ".notebook") {
			return true
		}
	}
	return false
}

// mediaTypes are the types of the files a site holds, by extension: set
// here rather than taken from the system's tables, which differ from one
// machine to the next. All are text, or WebAssembly, and compressed; any
// other file is served as application/octet-stream, as it is.
var mediaTypes = map[string]string{
	".html":        "text/html; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".json":        "application/json",
	".xml":         "application/xml",
	".txt":         "text/plain; charset=utf-8",
	".svg":         "image/svg+xml",
	".wasm":        "application/wasm",
	".webmanifest": "application/manifest+json",
}

// acceptsGzip reports whether r's Accept-Encoding takes gzip: named, or
// else matched by "*", with a quality above zero.
func acceptsGzip(r *http.Request) bool {
	q := map[string]float64{}
	for _, field := range r.Header.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(field, ",") {
			coding, params, _ := strings.Cut(part, ";")
			v, _ := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				f = 1
			}
			q[strings.ToLower(strings.TrimSpace(coding))] = f
		}
	}
	if f, ok := q["gzip"]; ok {
		return f > 0
	}
	return q["*"] > 0
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
// error over the page.
//
//go:embed reload.js
var reloadJS string
