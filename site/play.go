package site

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gonotebook/notebook/site/play"
	"github.com/gonotebook/notebook/snippets"
)

// startPlay starts building the in-browser interpreter, if cfg asks for
// it, while the snippets run, and returns the function that waits for it.
// An interpreter that cannot be built is no error: the site is written
// without Run, and a warning says why. What the build says of it goes to
// cfg.Progress when it is waited for, not while the runs write there.
func startPlay(ctx context.Context, cfg *Config) func() *play.Interpreter {
	if cfg.Play == nil {
		return func() *play.Interpreter { return nil }
	}
	type built struct {
		in  *play.Interpreter
		msg string // for cfg.Progress
	}
	done := make(chan built, 1)
	go func() {
		start := time.Now()
		in, err := cfg.Play.Build(ctx)
		var msg string
		switch {
		case err != nil:
			msg = fmt.Sprintf("warning: the in-browser Go interpreter could not be built, so no page has Run: %v\n", err)
			in = nil
		case !in.Cached:
			msg = fmt.Sprintf("built the in-browser Go interpreter (%d bytes) in %v\n", in.Size, time.Since(start).Round(time.Millisecond))
		}
		done <- built{in, msg}
	}()
	return func() *play.Interpreter {
		b := <-done
		if b.msg != "" && cfg.Progress != nil {
			io.WriteString(cfg.Progress, b.msg)
		}
		return b.in
	}
}

// writePlay writes the interpreter's files into assets/ and returns the
// worker's path from the site root, or "" if there is no interpreter.
func (b *builder) writePlay() (string, error) {
	if b.nb.interp == nil {
		return "", nil
	}
	files, err := b.nb.interp.Files(func(plain string, sum [sha256.Size]byte) string {
		return fingerprintSum("assets/"+plain, sum)
	})
	if err != nil {
		return "", err
	}
	for _, f := range files {
		if err := b.writeSummed(f.Name, f.Sum, f.Data); err != nil {
			return "", err
		}
	}
	return files[len(files)-1].Name, nil
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
func (b *builder) playFor(n *Note, s *snippets.Snippet) *playInfo {
	if b.worker == "" || s == nil {
		return nil
	}
	if ok, why := play.Eligible(s); !ok {
		return &playInfo{Why: why}
	}
	root := strings.Repeat("../", strings.Count(n.URL()+"index.html", "/"))
	return &playInfo{Worker: root + b.worker, Timeout: time.Duration(s.Options.Timeout).Milliseconds()}
}
