package site

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/runner/cache"
)

// incrementalNotebook is five notes in a row, two sharing a tag, with no
// snippets, so that builds run nothing.
func incrementalNotebook(t *testing.T) string {
	t.Helper()
	return writeFiles(t, map[string]string{
		"notes/2020-01-01.md": "---\ntags: [a]\n---\n# One\n\n### first entry\n\nwords\n",
		"notes/2020-01-02.md": "# Two\n\nwords\n",
		"notes/2020-01-03.md": "---\ntags: [b]\n---\n# Three\n\nwords\n",
		"notes/2020-01-04.md": "# Four\n\nwords\n",
		"notes/2020-01-05.md": "---\ntags: [a]\n---\n# Five\n\nwords\n",
	})
}

// build builds root into out and returns what it rendered and wrote.
func build(t *testing.T, root, out string) (rendered, written []string) {
	t.Helper()
	nb, err := Build(context.Background(), &Config{Root: root, Out: out, Runner: &runner.Runner{}})
	if err != nil {
		t.Fatal(err)
	}
	return pages(nb.Rendered), pages(nb.Written)
}

// pages leaves out the files every build makes afresh, cheap ones made
// without rendering: the assets, robots.txt and InputsFile.
func pages(files []string) []string {
	var out []string
	for _, f := range files {
		if !strings.HasPrefix(f, "assets/") && f != "robots.txt" && f != InputsFile {
			out = append(out, f)
		}
	}
	return out
}

func TestIncrementalNothingChanged(t *testing.T) {
	root := incrementalNotebook(t)
	out := filepath.Join(t.TempDir(), "public")
	build(t, root, out)
	before := snapshot(t, out)
	mtimes := map[string]int64{}
	for name := range before {
		info, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		mtimes[name] = info.ModTime().UnixNano()
	}
	rendered, written := build(t, root, out)
	if len(rendered) != 0 || len(written) != 0 {
		t.Errorf("nothing changed, yet the build rendered %v and wrote %v", rendered, written)
	}
	if after := snapshot(t, out); !mapsEqual(before, after) {
		t.Errorf("nothing changed, yet the site did")
	}
	for name := range before {
		info, err := os.Stat(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if name != MarkFile && info.ModTime().UnixNano() != mtimes[name] {
			t.Errorf("%s was rewritten", name)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestIncrementalEdit edits one note and checks that the build renders
// what shows it, and nothing else; then that the site is the one a build
// from nothing makes.
func TestIncrementalEdit(t *testing.T) {
	// The feed and the search index show every note's text; the other
	// lists show what a note's card does (title, date, tags, entries).
	texts := []string{"feed.xml", "search.json"}
	lists := append([]string{"index.html", "search/index.html", "sitemap.xml", "tags/index.html"}, texts...)
	tests := []struct {
		name, note, text string
		lists            []string
		want             []string // besides lists
	}{
		{"prose", "notes/2020-01-03.md", "---\ntags: [b]\n---\n# Three\n\nother words\n",
			texts, []string{"2020-01-03/index.html"}},
		{"title", "notes/2020-01-03.md", "---\ntags: [b]\n---\n# Three, renamed\n\nwords\n",
			lists, []string{"2020-01-02/index.html", "2020-01-03/index.html", "2020-01-04/index.html", "tags/b/index.html"}},
		{"prose of a tagged note with entries", "notes/2020-01-01.md", "---\ntags: [a]\n---\n# One\n\n### first entry\n\nother words\n",
			texts, []string{"2020-01-01/index.html"}},
		{"entry", "notes/2020-01-01.md", "---\ntags: [a]\n---\n# One\n\n### first entry\n\nwords\n\n### second entry\n",
			lists, []string{"2020-01-01/index.html", "tags/a/index.html"}},
		{"tag", "notes/2020-01-02.md", "---\ntags: [b]\n---\n# Two\n\nwords\n",
			lists, []string{"2020-01-02/index.html", "tags/b/index.html"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := incrementalNotebook(t)
			out := filepath.Join(t.TempDir(), "public")
			build(t, root, out)
			if err := os.WriteFile(filepath.Join(root, tt.note), []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			rendered, _ := build(t, root, out)
			want := append(slices.Clone(tt.lists), tt.want...)
			slices.Sort(want)
			if !slices.Equal(rendered, want) {
				t.Errorf("after an edit of %s, the build rendered\n%v\nwant\n%v", tt.note, rendered, want)
			}
			fresh := filepath.Join(t.TempDir(), "public")
			build(t, root, fresh)
			if got, want := snapshot(t, out), snapshot(t, fresh); !mapsEqual(got, want) {
				t.Errorf("the site updated in place differs from the one built from nothing")
			}
		})
	}
}

// TestIncrementalRemoved checks that a note's page goes with the note,
// and its folder with it.
func TestIncrementalRemoved(t *testing.T) {
	root := incrementalNotebook(t)
	out := filepath.Join(t.TempDir(), "public")
	build(t, root, out)
	if err := os.Remove(filepath.Join(root, "notes", "2020-01-03.md")); err != nil {
		t.Fatal(err)
	}
	build(t, root, out)
	for _, gone := range []string{"2020-01-03", "tags/b"} {
		if _, err := os.Stat(filepath.Join(out, gone)); err == nil {
			t.Errorf("%s is still in the site", gone)
		}
	}
	fresh := filepath.Join(t.TempDir(), "public")
	build(t, root, fresh)
	if got, want := snapshot(t, out), snapshot(t, fresh); !mapsEqual(got, want) {
		t.Errorf("the site updated in place differs from the one built from nothing")
	}
	if err := buildInto(root, out); err != nil {
		t.Errorf("a third build refused the folder the second updated: %v", err)
	}
}

// TestPageCache checks that a build into an empty folder takes the note
// pages and the feed that an earlier build rendered from the results
// cache, and that they are the pages it would render.
func TestPageCache(t *testing.T) {
	root := incrementalNotebook(t)
	r := &runner.Runner{Cache: &cache.Cache{Dir: t.TempDir()}}
	defer r.Close()
	first := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), &Config{Root: root, Out: first, Runner: r}); err != nil {
		t.Fatal(err)
	}
	second := filepath.Join(t.TempDir(), "public")
	nb, err := Build(context.Background(), &Config{Root: root, Out: second, Runner: r})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range nb.Rendered {
		if f == "feed.xml" || isNotePage(f) {
			t.Errorf("%s was rendered again, though the cache holds it", f)
		}
	}
	if !slices.Contains(nb.Written, "2020-01-03/index.html") {
		t.Errorf("the second build did not write the note pages into its empty folder: wrote %v", nb.Written)
	}
	if got, want := snapshot(t, second), snapshot(t, first); !mapsEqual(got, want) {
		t.Errorf("the site built from the page cache differs from the one rendered")
	}
}

// TestBuildID reads the test program's own Go build ID, as go tool buildid
// does, where the program is ELF.
func TestBuildID(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	got := buildID(exe)
	if got == "" {
		t.Skip("no Go build ID note: not an ELF program")
	}
	out, err := exec.Command("go", "tool", "buildid", exe).Output()
	if err != nil {
		t.Skipf("go tool buildid: %v", err)
	}
	if want := strings.TrimSpace(string(out)); got != want {
		t.Errorf("buildID = %q; go tool buildid says %q", got, want)
	}
}

// TestHalfUpdated checks that a folder left by a build killed while it
// moved files into place (its mark listing the old and the new SHA-256
// of a file, the file holding either) is one the next build accepts and
// repairs.
func TestHalfUpdated(t *testing.T) {
	root := incrementalNotebook(t)
	out := filepath.Join(t.TempDir(), "public")
	build(t, root, out)
	prev := readPrevious(out)
	const page = "2020-01-03/index.html"
	newer := []byte("<!doctype html><p>the page a killed build moved into place</p>\n")
	sum := sha256.Sum256(newer)
	both := mark{}
	for name, sums := range prev.mark {
		both[name] = sums
	}
	both[page] = append(both[page], hex.EncodeToString(sum[:]))
	if err := os.WriteFile(filepath.Join(out, MarkFile), both.bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, filepath.FromSlash(page)), newer, 0o644); err != nil {
		t.Fatal(err)
	}
	rendered, written := build(t, root, out)
	if !slices.Contains(rendered, page) || !slices.Contains(written, page) {
		t.Errorf("the build did not render and write %s again: rendered %v, wrote %v", page, rendered, written)
	}
	fresh := filepath.Join(t.TempDir(), "public")
	build(t, root, fresh)
	if got, want := snapshot(t, out), snapshot(t, fresh); !mapsEqual(got, want) {
		t.Errorf("the repaired site differs from the one built from nothing")
	}
}

// TestFailedBuildLeavesNoSearchRunning fails a build whose notes changed
// right after they load: search.json, which such a build starts making
// while its snippets run, is no longer being made once Build returns.
func TestFailedBuildLeavesNoSearchRunning(t *testing.T) {
	files := map[string]string{}
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 400 {
		name := fmt.Sprintf("notes/%s.md", day.AddDate(0, 0, i).Format(time.DateOnly))
		files[name] = fmt.Sprintf("# Note %d\n\nSome words about %d.\n\n## An entry\n\nMore words.\n\n```python\nprint(%d)\n```\n", i, i, i)
	}
	root := writeFiles(t, files)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	nb, err := Build(ctx, &Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Runner: &runner.Runner{}})
	if err == nil {
		t.Fatal("a cancelled build succeeded")
	}
	if nb == nil || nb.search == nil {
		t.Fatalf("the build started no search.json (%v)", err)
	}
	select {
	case <-nb.search.done:
	default:
		t.Error("search.json is still being made after the build failed")
	}
}
