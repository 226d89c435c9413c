package site

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/runner"
)

// The behaviour of the output folder that a user sees is checked by the
// script tests of cmd/notebook (outdir_*.txtar); these tests check what a
// script cannot: a change made at a precise point of a build, and what a
// build leaves running.

func TestWithin(t *testing.T) {
	for _, c := range []struct {
		dir, p string
		want   bool
	}{
		{"/a", "/a", true},
		{"/a", "/a/b", true},
		{"/a", "/a/b/c", true},
		{"/a", "/ab", false},
		{"/a", "/", false},
		{"/a/b", "/a", false},
		{"/a", "/a/..b", true},
	} {
		if got := within(c.dir, c.p); got != c.want {
			t.Errorf("within(%q, %q) = %v, want %v", c.dir, c.p, got, c.want)
		}
	}
}

// twoSnippets is a note with two blocks, each linked to a snippet that
// yaegi runs, so that builds are quick.
var twoSnippets = map[string]string{
	"notes/2020-01-01.md":     "# One\n\n```python {snippet=a}\nprint('a')\n```\n\n```python {snippet=b}\nprint('b')\n```\n",
	"snippets/a/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"output of a\") }\n",
	"snippets/a/expected.txt": "output of a\n",
	"snippets/a/snippet.yaml": "engine: yaegi\n",
	"snippets/b/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"output of b\") }\n",
	"snippets/b/expected.txt": "output of b\n",
	"snippets/b/snippet.yaml": "engine: yaegi\n",
}

// onFirstLine calls f before the first progress line is written.
type onFirstLine struct {
	once sync.Once
	f    func()
}

func (h *onFirstLine) Write(p []byte) (int, error) {
	h.once.Do(h.f)
	return len(p), nil
}

// buildChanged builds twoSnippets into a folder, changes the notebook's
// files as change says, and builds again, calling during when that build
// reports its first run. It returns the second build's error and the
// output folder.
func buildChanged(t *testing.T, change map[string]string, during func(out string)) (string, error) {
	t.Helper()
	root := testfiles.Dir(t, twoSnippets)
	out := filepath.Join(t.TempDir(), "public")
	st := openStore(t)
	build := func(progress *onFirstLine) error {
		r := &runner.Runner{Store: st}
		defer r.Close()
		cfg := &Config{Root: root, Out: out, Store: st, Runner: r}
		if progress != nil {
			cfg.Progress = progress
		}
		_, err := Build(context.Background(), cfg)
		return err
	}
	if err := build(nil); err != nil {
		t.Fatal(err)
	}
	testfiles.Write(t, root, change)
	called := false
	err := build(&onFirstLine{f: func() { called = true; during(out) }})
	if !called {
		t.Fatal("the build reported no run")
	}
	return out, err
}

// TestOutEditedDuringBuild edits by hand, while a build runs, a page that
// the build then writes anew: the build, which checked the output folder
// before its runs, hashes the page again before it writes over it, keeps
// the edit, and fails naming the page. It does so whether the page is
// written again because a snippet's output changed (and the snippet runs)
// or because the note's prose did (and every run comes from the store).
func TestOutEditedDuringBuild(t *testing.T) {
	const page = "2020-01-01/index.html"
	for name, change := range map[string]map[string]string{
		"snippet": {
			"snippets/a/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"new output of a\") }\n",
			"snippets/a/expected.txt": "new output of a\n",
		},
		"prose": {
			"notes/2020-01-01.md": "# One\n\nNew words.\n\n```python {snippet=a}\nprint('a')\n```\n\n```python {snippet=b}\nprint('b')\n```\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			edit := func(out string) {
				if err := os.WriteFile(filepath.Join(out, filepath.FromSlash(page)), []byte("edited by hand\n"), 0o644); err != nil {
					t.Error(err)
				}
			}
			out, err := buildChanged(t, change, edit)
			if want := page + " changed since the build that wrote it"; err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("a build whose page was edited while it ran: %v; want it refused, saying %q", err, want)
			}
			if got := readFile(t, out, page); got != "edited by hand\n" {
				t.Errorf("the page edited by hand was replaced:\n%s", got)
			}
		})
	}
}

// TestOutKeptPageEdited edits a page between two builds of the same
// notebook, in place, to bytes of the same size, and sets its modification
// time back, as cp -p does. A build hashes a page it keeps only if its
// stamp (inode, change time, size) is not the one the mark gives it: it
// still sees the edit, keeps it and fails naming the page. Restored, the
// page is hashed again, found as the mark says, and stamped anew.
func TestOutKeptPageEdited(t *testing.T) {
	const page = "2020-01-01/index.html"
	root := testfiles.Dir(t, twoSnippets)
	out := filepath.Join(t.TempDir(), "public")
	st := openStore(t)
	build := func() (*Built, error) {
		r := &runner.Runner{Store: st}
		defer r.Close()
		return Build(context.Background(), &Config{Root: root, Out: out, Store: st, Runner: r})
	}
	stat := func(rel string) os.FileInfo {
		info, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return info
	}
	for range 2 { // the second shows the runs as taken from the store
		if _, err := build(); err != nil {
			t.Fatal(err)
		}
	}
	// A stamp is trusted only if older than the mark, as it is once the
	// file system's clock has ticked between the two.
	for stampOf(stat(MarkFile)).ctime <= stampOf(stat(page)).ctime {
		os.Chmod(filepath.Join(out, MarkFile), 0o644)
	}
	if b, err := build(); err != nil || len(b.Written) > 0 {
		t.Fatalf("a build with nothing changed: %v, wrote %v", err, b.Written)
	}

	before, orig := stat(page), readFile(t, out, page)
	edited := strings.Replace(orig, "output of a", "OUTPUT OF A", 1)
	if edited == orig {
		t.Fatalf("%s does not show the output of a:\n%s", page, orig)
	}
	p := filepath.Join(out, filepath.FromSlash(page))
	if err := os.WriteFile(p, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, before.ModTime(), before.ModTime()); err != nil {
		t.Fatal(err)
	}
	if s, b := stampOf(stat(page)), stampOf(before); s.ino != b.ino || s.size != b.size || !stat(page).ModTime().Equal(before.ModTime()) {
		t.Fatalf("the edit changed more than the page's change time: %+v, was %+v", s, b)
	}
	_, err := build()
	if want := page + " changed since the build that wrote it"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("a build whose kept page was edited: %v; want it refused, saying %q", err, want)
	}
	if got := readFile(t, out, page); got != edited {
		t.Errorf("the page edited by hand was replaced:\n%s", got)
	}

	if err := os.WriteFile(p, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := build(); err != nil || len(b.Written) > 0 {
		t.Fatalf("a build over the restored page: %v, wrote %v", err, b.Written)
	}
	m, err := readMark(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m[page].stamp, stampOf(stat(page)); got != want {
		t.Errorf("the mark gives the restored page the stamp %+v, want %+v", got, want)
	}
}

// TestOutCheckedAgainBeforeWriting adds a file to the output folder while
// a build runs: the build checks the folder again before it writes, and
// refuses it, keeping the file.
func TestOutCheckedAgainBeforeWriting(t *testing.T) {
	out, err := buildChanged(t, map[string]string{
		"notes/2020-01-01.md": "# One\n\nNew words.\n\n```python {snippet=a}\nprint('a')\n```\n",
	}, func(out string) {
		if err := os.WriteFile(filepath.Join(out, "mine.txt"), []byte("mine\n"), 0o644); err != nil {
			t.Error(err)
		}
	})
	refusedMine(t, err, out, "2020-01-01/index.html", "New words")
}

// refusedMine fails the test unless err refused to write into out for its
// file mine.txt, added by hand, which must hold "mine\n" still, and the
// page does not show words.
func refusedMine(t *testing.T, err error, out, page, words string) {
	t.Helper()
	if want := "it holds mine.txt, which no build wrote"; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("a build whose output folder gained a file: %v; want it refused, saying %q", err, want)
	}
	if got := readFile(t, out, "mine.txt"); got != "mine\n" {
		t.Errorf("the file added by hand changed:\n%s", got)
	}
	if got := readFile(t, out, page); strings.Contains(got, words) {
		t.Errorf("the refused build wrote %s", page)
	}
}

// TestCancelledBuildLeavesNothingRunning cancels a build of many notes
// when it reports its first run, while a snippet that sleeps runs and
// pages are being made: once Build returns, none of its work is still
// going on, and it has left nothing beside the output folder, which it
// did not make.
func TestCancelledBuildLeavesNothingRunning(t *testing.T) {
	files := map[string]string{
		"notes/2020-01-01.md":          "# One\n\n```python {snippet=a}\nprint('a')\n```\n\n```python {snippet=sleeps}\nprint('b')\n```\n",
		"snippets/sleeps/main.go":      "package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(time.Minute) }\n",
		"snippets/sleeps/expected.txt": "",
		"snippets/sleeps/snippet.yaml": "engine: yaegi\ntimeout: 2m\n",
	}
	for name, text := range twoSnippets {
		if strings.HasPrefix(name, "snippets/a/") {
			files[name] = text
		}
	}
	for i := range 60 {
		files[fmt.Sprintf("notes/2020-02-%02d-n%d.md", i%28+1, i)] = fmt.Sprintf("# Note %d\n\nSome words about %d.\n\n## An entry\n\nMore words.\n\n```python\nprint(%d)\n```\n", i, i, i)
	}
	root := testfiles.Dir(t, files)
	dir := t.TempDir()
	st, err := store.Open(filepath.Join(dir, "store"))
	if err != nil {
		t.Fatal(err)
	}
	r := &runner.Runner{Store: st}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(dir, "public")
	_, err = Build(ctx, &Config{Root: root, Out: out, Store: st, Runner: r, Progress: &onFirstLine{f: cancel}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled build returned %v", err)
	}
	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	for g := range strings.SplitSeq(stacks, "\n\n") {
		for _, work := range []string{"notebook/site.(*build)", "notebook/site.Load", "notebook/runner.(*Runner)", "notebook/internal/graph.Run"} {
			if strings.Contains(g, work) {
				t.Errorf("after Build returned, a goroutine still runs %s:\n%s", work, g)
			}
		}
		// An action that finished after Run returned waits for ever to
		// say so.
		header, _, _ := strings.Cut(g, "\n")
		if strings.Contains(g, "notebook/internal/graph.(*scheduler).launch") && strings.Contains(header, "[chan send") {
			t.Errorf("after Build returned, an action of its graph finished:\n%s", g)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "store" {
			t.Errorf("the cancelled build left %s beside the output folder", e.Name())
		}
	}
}
