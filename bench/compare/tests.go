//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// tests measures each tool's test suite once, go test -count=1 ./... in
// its source tree: warm, after one unmeasured run, then cold, with an
// empty Go build cache and an empty store. Each tree runs its own tests, so the
// figures compare the suites as they stand at each revision.
func (b *bench) tests(ctx context.Context) error {
	goTest := func(t *tool, cache, store string) sample {
		cmd := exec.CommandContext(ctx, "go", "test", "-count=1", "./...")
		cmd.Dir = t.src
		// CI set: a test that lacks Chromium or axe-core fails, and is
		// not skipped.
		cmd.Env = append(os.Environ(), "CI=true", "NOTEBOOK_CACHE="+t.path(store))
		if os.Getenv("AXE_CORE") == "" {
			// Where .ci/run installs it, for a revision that looked
			// elsewhere.
			if dir, err := os.UserCacheDir(); err == nil {
				cmd.Env = append(cmd.Env, "AXE_CORE="+filepath.Join(dir, "notebook-axe", "node_modules", "axe-core", "axe.min.js"))
			}
		}
		if cache != "" {
			cmd.Env = append(cmd.Env, "GOCACHE="+t.path(cache))
		}
		var out bytes.Buffer
		cmd.Stdout = &out
		s := b.measureCmd(cmd)
		if s.err != nil {
			s.err = fmt.Errorf("%w\n%s", s.err, failed(out.String()))
		}
		b.logf("%-6s %8s  %s: go test -count=1 ./... %s", status(s.err), s.wall.Round(time.Millisecond), t.name, cache)
		return s
	}
	b.logf("tests: one unmeasured run of each suite, to warm its caches")
	for _, s := range b.each(func(t *tool) sample { return goTest(t, "", "store-tests") }) {
		if s.err != nil {
			return s.err
		}
	}
	// One run of each: a suite takes minutes.
	warm, cold := b.samples(), b.samples()
	b.add(warm, func(t *tool) sample { return goTest(t, "", "store-tests") })
	b.add(cold, func(t *tool) sample {
		os.RemoveAll(t.path("gocache-cold"))
		os.RemoveAll(t.path("store-cold"))
		return goTest(t, "gocache-cold", "store-cold")
	})
	w, c := medians(warm), medians(cold)
	heads := []string{"go test -count=1 ./..."}
	for _, t := range b.tools {
		heads = append(heads, t.name+" wall")
	}
	row := func(name string, rs []result) []string {
		r := []string{name}
		for _, x := range rs {
			r = append(r, wall(x))
		}
		if base := b.base(); base != nil {
			r = append(r, ratio(float64(rs[len(rs)-1].wall), float64(rs[0].wall), rs[0].err, rs[len(rs)-1].err))
		}
		return r
	}
	if b.base() != nil {
		heads = append(heads, "notebook/baseline")
	}
	fmt.Fprint(b.stdout, "### The test suites, go test -count=1 ./... with CI set, one run each\n\n")
	table(b.stdout, heads,
		row("warm: Go's build cache and the tests' store filled by a run before", w),
		row("cold: empty Go build cache and store", c))
	if base := b.base(); base != nil {
		b.targets(
			target{"warm: at most half of the baseline's time", w[0].err == nil && w[1].err == nil, 2*w[1].wall <= w[0].wall},
			target{"cold: at most half of the baseline's time", c[0].err == nil && c[1].err == nil, 2*c[1].wall <= c[0].wall},
		)
	}
	b.failures(append(w, c...)...)
	return nil
}

// failed returns the lines of go test's output that say what failed, or
// its last lines if none do.
func failed(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "FAIL") || strings.HasPrefix(strings.TrimSpace(l), "--- FAIL") {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return lastLines(out, 8)
	}
	return strings.Join(lines, "\n")
}
