package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gonotebook/notebook/internal/fileline"
	"github.com/gonotebook/notebook/notes"
	"github.com/gonotebook/notebook/render"
	"github.com/gonotebook/notebook/site"
	"github.com/gonotebook/notebook/snippets"
)

func serveCmd() *command {
	var addr, out string
	var drafts bool
	return &command{
		name:    "serve",
		cached:  true,
		runs:    true,
		summary: "build, serve on localhost, rebuild and reload on change",
		detail: `Serve builds the site, serves it on localhost and watches notes/ and
snippets/: when a file changes it rebuilds (re-running only the snippets
that changed) and open pages reload. A failed rebuild is shown over the
page and in the terminal; the last good site stays served. Stop with
Ctrl-C.`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&addr, "addr", "127.0.0.1:8080", "listen on `host:port`: the default answers this machine only; 0.0.0.0:8080 answers the network")
			fs.StringVar(&out, "o", "", "write the site to `dir` (default: a temporary folder)")
			fs.BoolVar(&drafts, "drafts", true, "include notes marked draft")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			cfg, err := e.config()
			if err != nil {
				return err
			}
			cfg.Drafts = drafts
			if cfg.Out = out; out == "" {
				tmp, err := os.MkdirTemp("", "notebook-serve-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				cfg.Out = filepath.Join(tmp, "public")
			}
			srv := site.NewServer(cfg)
			// Serving ends with ctx, or when Serve or watching fails;
			// either way the watcher and the server stop before serve
			// returns (and removes the temporary folder they write into).
			// Requests, the event streams that reload pages included, end
			// with ctx.
			var wg sync.WaitGroup
			defer wg.Wait()
			ctx, stop := context.WithCancel(ctx)
			defer stop()
			built := make(chan struct{}) // closed after the first build, or when watching failed
			var watchErr error
			wg.Go(func() {
				first := true
				watchErr = srv.Watch(ctx, func(err error) {
					switch {
					case first && err != nil:
						fmt.Fprintf(e.stderr, "%v\nbuild failed; fix it and save: serve rebuilds on change\n", err)
					case err != nil:
						fmt.Fprintf(e.stderr, "%v\nrebuild failed; still serving the last good build\n", err)
					case !first:
						fmt.Fprintf(e.stderr, "rebuilt at %s\n", time.Now().Format(time.TimeOnly))
					}
					if first {
						first = false
						close(built)
					}
				})
				if first {
					close(built)
				}
				stop()
			})
			<-built
			if ctx.Err() != nil {
				wg.Wait()
				return watchErr
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stderr, "serving http://%s/ (Ctrl-C to stop)\n", ln.Addr())
			if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
				fmt.Fprintf(e.stderr, "warning: %s is not a loopback address: anyone who can reach it can read the site\n", ip)
			}
			hs := &http.Server{
				Handler:           srv,
				ReadHeaderTimeout: 10 * time.Second,
				BaseContext:       func(net.Listener) context.Context { return ctx },
			}
			wg.Go(func() {
				<-ctx.Done()
				shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				defer cancel()
				hs.Shutdown(shut)
			})
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			wg.Wait()
			return watchErr
		},
	}
}

func newCmd() *command {
	var date, slug, title string
	return &command{
		name:    "new",
		summary: "start today's note from a template",
		detail: `New creates notes/YYYY-MM-DD.md (or YYYY-MM-DD-SLUG.md) for today, or the
day given, from a short template, and prints its path. It never overwrites
a note that exists.`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&date, "date", time.Now().Format(time.DateOnly), "the note's day as `YYYY-MM-DD`")
			fs.StringVar(&slug, "slug", "", "add `slug` to the file name (a-z, 0-9, hyphens)")
			fs.StringVar(&title, "title", "", "the note's `title`")
		},
		run: func(ctx context.Context, e *env, args []string) error {
			day, err := time.Parse(time.DateOnly, date)
			if err != nil {
				return usagef("-date %q: want a real day as YYYY-MM-DD", date)
			}
			name := day.Format(time.DateOnly)
			if slug != "" {
				name += "-" + slug
			}
			if _, _, err := notes.ParseName(name + ".md"); err != nil {
				return usagef("-slug %q: %v", slug, err)
			}
			p := filepath.Join(e.root, "notes", name+".md")
			front := "tags: []\n"
			if title != "" {
				front = "title: " + strconv.Quote(title) + "\n" + front
			}
			text := fmt.Sprintf("---\n%s---\n# %s\n\n### 1 - \n\n", front, strings.ToLower(day.Format("2-Jan-2006")))
			if _, err := notes.Parse("notes/"+name+".md", []byte(text)); err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if errors.Is(err, os.ErrExist) {
				err = fmt.Errorf("%s exists already; edit it, or pass -slug to start another note that day", p)
			}
			if err != nil {
				return err
			}
			_, err = f.WriteString(text)
			if err = errors.Join(err, f.Close()); err == nil {
				fmt.Fprintln(e.stdout, p)
			}
			return err
		},
	}
}

func scaffoldCmd() *command {
	return &command{
		name:    "scaffold",
		args:    "NOTE:LINE ID",
		summary: "start a snippet for a block and link the block to it",
		detail: `Scaffold starts the Go equivalent of the fenced block that opens at
NOTE:LINE (as check reports unlinked blocks): it creates snippets/ID/main.go,
a complete program to fill in, with the original block quoted in its
leading comment, and adds {snippet=ID} to the block's fence. Nothing else
in the note changes. Then write the program and record its output with

  go test ./snippets/ -run 'TestSnippets/ID$' -update`,
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) != 2 {
				return usagef("want two arguments, NOTE:LINE and ID; got %d", len(args))
			}
			i := strings.LastIndexByte(args[0], ':')
			line, err := strconv.Atoi(args[0][i+1:])
			if i < 0 || err != nil || line < 1 {
				return usagef("%q: want the note and the fence's line, as in notes/2018-10-30.md:37", args[0])
			}
			file, id := args[0][:i], args[1]
			if err := snippets.CheckID(id); err != nil {
				return usageError{err}
			}
			notePath := file
			if !filepath.IsAbs(notePath) {
				notePath = filepath.Join(e.root, file)
			}
			src, err := os.ReadFile(notePath)
			if err != nil {
				return err
			}
			note, err := notes.Parse(filepath.ToSlash(file), src)
			if err != nil {
				return err
			}
			doc, err := render.New().Parse(note.Path, note.Body, note.BodyLine)
			if err != nil {
				return err
			}
			i = slices.IndexFunc(doc.Blocks, func(b *render.Block) bool { return b.Line == line })
			if i < 0 {
				return fileline.Errorf(file, line, "no fenced code block opens on this line (check lists the unlinked ones)")
			}
			block := doc.Blocks[i]
			if block.Snippet != "" {
				return fileline.Errorf(file, line, "the block is linked to %q already", block.Snippet)
			}
			linked, err := render.LinkFence(src, line, id)
			if err != nil { // not expected of an unlinked block
				return fileline.Errorf(file, line, "cannot add {snippet=%s} to the fence: %v", id, err)
			}
			root := filepath.Join(e.root, "snippets")
			dir, err := snippets.Scaffold(root, id, block.Lang, block.Code)
			if err != nil {
				return err
			}
			if err := replaceFile(notePath, linked); err != nil {
				// The note is as it was: take back the snippet too.
				return errors.Join(err, unscaffold(root, dir))
			}
			fmt.Fprintf(e.stdout, "created %s\nlinked %s:%d to it\n", filepath.Join(dir, snippets.MainFile), file, line)
			return nil
		},
	}
}

// replaceFile replaces the file name with data, keeping its mode: data
// goes to a temporary file beside it, renamed over it once whole, so that
// the file is never seen half written.
func replaceFile(name string, data []byte) error {
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	err = errors.Join(werr, tmp.Chmod(fi.Mode().Perm()), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// unscaffold removes what snippets.Scaffold made in dir below root: its
// main.go, then dir and the folders above it up to root, as long as they
// are empty.
func unscaffold(root, dir string) error {
	if err := os.Remove(filepath.Join(dir, snippets.MainFile)); err != nil {
		return err
	}
	root = filepath.Clean(root)
	for d := filepath.Clean(dir); d != root && strings.HasPrefix(d, root+string(filepath.Separator)); d = filepath.Dir(d) {
		if os.Remove(d) != nil {
			break // not empty: someone else's
		}
	}
	return nil
}
