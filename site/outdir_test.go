package site

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/runner/cache"
)

// proseNotebook writes a notebook whose one note links to no snippet, so
// that building it runs nothing, inside a checkout with .git and go.mod.
func proseNotebook(t *testing.T) string {
	t.Helper()
	return writeFiles(t, map[string]string{
		"notes/2020-01-02.md": "# Day\n\nsome words\n",
		"snippets/README":     "Go equivalents live here.\n",
		".git/HEAD":           "ref: refs/heads/main\n",
		"go.mod":              "module example.org/notebook\n",
	})
}

func buildInto(root, out string) error {
	cfg := &Config{Root: root, Out: out, Runner: &runner.Runner{}}
	_, err := Build(context.Background(), cfg)
	return err
}

func mustBuild(t *testing.T, root, out string) {
	t.Helper()
	if err := buildInto(root, out); err != nil {
		t.Fatalf("building into %s: %v", out, err)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Fatalf("the build wrote no index.html: %v", err)
	}
}

// snapshot returns every file below dir with its contents, and every
// symbolic link with its target.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		read := os.ReadFile
		if d.Type()&os.ModeSymlink != 0 {
			read = func(p string) ([]byte, error) {
				target, err := os.Readlink(p)
				return []byte("link to " + target), err
			}
		}
		data, err := read(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameFiles(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for name, text := range before {
		if got, ok := after[name]; !ok {
			t.Errorf("%s: %s is gone", what, name)
		} else if got != text {
			t.Errorf("%s: %s changed", what, name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("%s: %s appeared", what, name)
		}
	}
}

// refused builds root into out, which must fail with a message naming
// out and containing why, and change nothing below watch.
func refused(t *testing.T, root, out, watch, why string) {
	t.Helper()
	before := snapshot(t, watch)
	err := buildInto(root, out)
	if err == nil {
		t.Fatalf("building into %s succeeded", out)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, filepath.Clean(out)+": not replacing this folder with the site: ") || !strings.Contains(msg, why) {
		t.Errorf("building into %s: the error is\n\t%s\nwant it to name the folder and say %q", out, msg, why)
	}
	sameFiles(t, "after building into "+out, before, snapshot(t, watch))
}

func TestOutMissingOrEmptyIsWritten(t *testing.T) {
	root := proseNotebook(t)
	missing := filepath.Join(t.TempDir(), "a", "public")
	mustBuild(t, root, missing)
	empty := t.TempDir()
	mustBuild(t, root, empty)
	for _, out := range []string{missing, empty} {
		m, err := readMark(out)
		if err != nil {
			t.Fatalf("%s: %v", out, err)
		}
		if len(m["index.html"]) == 0 || len(m["2020-01-02/index.html"]) == 0 {
			t.Errorf("%s's mark lacks the pages it wrote: %v", out, m)
		}
	}
}

func TestOutBuiltBeforeIsReplaced(t *testing.T) {
	root := proseNotebook(t)
	out := filepath.Join(t.TempDir(), "public")
	mustBuild(t, root, out)
	note := filepath.Join(root, "notes", "2020-01-02.md")
	if err := os.WriteFile(note, []byte("# Day\n\nother words\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustBuild(t, root, out)
	if page := readFile(t, out, "2020-01-02/index.html"); !strings.Contains(page, "other words") {
		t.Errorf("the second build did not replace the page:\n%s", page)
	}
	// What the first build wrote and the second did not is removed too.
	if err := os.Rename(note, filepath.Join(root, "notes", "2020-01-03.md")); err != nil {
		t.Fatal(err)
	}
	mustBuild(t, root, out)
	if _, err := os.Stat(filepath.Join(out, "2020-01-02")); err == nil {
		t.Error("the page of a note that is gone is still there")
	}
}

func TestOutStrayFileIsKept(t *testing.T) {
	root := proseNotebook(t)
	dir := t.TempDir()

	// A folder no build wrote.
	mine := filepath.Join(dir, "mine")
	if err := os.MkdirAll(mine, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mine, "thesis.txt"), []byte("years of work\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	refused(t, root, mine, dir, "it holds thesis.txt and no .notebook-site mark, so no build wrote it")

	// A site a build wrote, with a file added, a file changed, or a
	// folder or link added.
	for _, c := range []struct {
		name, why string
		change    func(out string) error
	}{
		{"added file", "it holds notes.txt, which no build wrote", func(out string) error {
			return os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine\n"), 0o644)
		}},
		{"added folder", "it holds drafts/, which no build wrote", func(out string) error {
			return os.Mkdir(filepath.Join(out, "drafts"), 0o755)
		}},
		{"added link", "it holds tags/link, which no build wrote", func(out string) error {
			return os.Symlink(root, filepath.Join(out, "tags", "link"))
		}},
		{"changed page", "index.html changed since the build that wrote it", func(out string) error {
			return os.WriteFile(filepath.Join(out, "index.html"), []byte("edited by hand\n"), 0o644)
		}},
		{"forged mark", "its .notebook-site is not one a build writes (line 2)", func(out string) error {
			return os.WriteFile(filepath.Join(out, MarkFile), []byte("# a comment\nnot a sum  ../x\n"), 0o644)
		}},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "public")
			mustBuild(t, root, out)
			if err := c.change(out); err != nil {
				t.Fatal(err)
			}
			refused(t, root, out, out, c.why)
		})
	}
}

func TestOutNeverTheNotebook(t *testing.T) {
	root := proseNotebook(t)
	other := filepath.Join(t.TempDir(), "other")
	for _, name := range []string{"notes", "snippets", ".git", "go.mod"} {
		if err := os.MkdirAll(filepath.Join(other, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ name, out, why string }{
		{"checkout", root, "it is the notebook's folder"},
		{"parent", filepath.Dir(root), "it holds the notebook " + root},
		{"notes", filepath.Join(root, "notes"), "it is the notebook's notes/"},
		{"snippets", filepath.Join(root, "snippets"), "it is the notebook's snippets/"},
		{"inside notes", filepath.Join(root, "notes", "site"), "it is inside the notebook's notes/"},
		{"inside snippets", filepath.Join(root, "snippets", "site"), "it is inside the notebook's snippets/"},
		{"another notebook", other, "it holds notes (a notebook's notes), which a build never writes"},
	} {
		t.Run(strings.ReplaceAll(c.name, " ", "-"), func(t *testing.T) {
			refused(t, root, c.out, root, c.why)
		})
	}
	if _, err := os.Stat(filepath.Join(root, ".git", "HEAD")); err != nil {
		t.Errorf("the checkout lost .git: %v", err)
	}

	// Each of notes/, snippets/, .git and go.mod alone is enough, even in
	// a folder that carries the mark.
	for _, c := range []struct{ name, what string }{
		{"notes", "a notebook's notes"},
		{"snippets", "a notebook's snippets"},
		{".git", "a Git repository"},
		{"go.mod", "a Go module"},
	} {
		t.Run("holds-"+c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "public")
			mustBuild(t, root, out)
			if err := os.WriteFile(filepath.Join(out, c.name), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			refused(t, root, out, out, "it holds "+c.name+" ("+c.what+"), which a build never writes")
		})
	}
}

func TestOutNotAFolder(t *testing.T) {
	root := proseNotebook(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("text\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	refused(t, root, file, dir, "it is a file, not a folder")

	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(empty, link); err != nil {
		t.Fatal(err)
	}
	refused(t, root, link, dir, "it is a symbolic link")
	// The notebook reached through a link is still the notebook.
	rootLink := filepath.Join(dir, "root-link")
	if err := os.Symlink(root, rootLink); err != nil {
		t.Fatal(err)
	}
	refused(t, root, rootLink, root, "it is the notebook's folder")
}

// TestOutFailedBuildWritesNothing checks that a build that fails leaves
// the previous site and no temporary folder.
func TestOutFailedBuildWritesNothing(t *testing.T) {
	root := proseNotebook(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	mustBuild(t, root, out)
	before := snapshot(t, dir)
	if err := os.WriteFile(filepath.Join(root, "notes", "2020-01-02.md"), []byte("# Day\n\n```go {snippet=gone}\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := buildInto(root, out); err == nil {
		t.Fatal("a build with a broken link succeeded")
	}
	sameFiles(t, "after a failed build", before, snapshot(t, dir))
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("beside the site: %v, want nothing", entries)
	}
}

// TestOutKilledBuildIsCleanedUp checks that the next build removes the
// temporary folders of a build that was killed, and keeps those of a
// build still running and a moved-aside site holding someone's file.
func TestOutKilledBuildIsCleanedUp(t *testing.T) {
	root := proseNotebook(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "public")
	mustBuild(t, root, out)

	gone := goneProcess(t)
	me := strconv.Itoa(os.Getpid())
	stale := []string{
		".public.notebook-build-" + gone + "-123",
		".public.notebook-build-" + gone + "-123.old",
	}
	kept := []string{
		".public.notebook-build-" + me + "-456",       // a build running now
		".public.notebook-build-" + gone + "-789.old", // holds a file no build wrote
		".other.notebook-build-" + gone + "-123",      // another output folder's
		".public.notebook-build-x-123",                // not a name a build makes
		".public.notebook-build-" + gone + "-321",     // a build's name, but no build's mark
	}
	for _, name := range append(stale, kept...) {
		if err := os.MkdirAll(filepath.Join(dir, name, "assets"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, "assets", "half-written.css"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The folder the killed build was writing carries its temporary
	// mark, as do those of the builds still running; the site it moved
	// aside carries its mark.
	for _, name := range []string{stale[0], kept[0], kept[2]} {
		if err := os.WriteFile(filepath.Join(dir, name, tempMark), []byte(tempMarkText), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeMark(filepath.Join(dir, stale[1])); err != nil {
		t.Fatal(err)
	}
	mustBuild(t, root, out)
	for _, name := range stale {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s, left by a killed build, is still there", name)
		}
	}
	for _, name := range kept {
		if _, err := os.Stat(filepath.Join(dir, name, "assets", "half-written.css")); err != nil {
			t.Errorf("%s was removed: %v", name, err)
		}
	}
}

// goneProcess returns the id of a process that has ended.
func goneProcess(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	if running(pid) {
		t.Skipf("process %d ended, yet the system says it runs (its id was taken again)", pid)
	}
	return strconv.Itoa(pid)
}

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

// progressHook calls f before the first progress line is written.
type progressHook struct {
	f    func()
	done bool
}

func (h *progressHook) Write(p []byte) (int, error) {
	if !h.done {
		h.done = true
		h.f()
	}
	return len(p), nil
}

// editDuringBuild builds indexedNotebook into a folder, changes the
// notebook's files as change says, and builds again, editing the site's
// page by hand when the build reports its first result. The build must
// fail with an error containing want and keep the edit.
func editDuringBuild(t *testing.T, change map[string]string, page, want string) {
	t.Helper()
	root := indexedNotebook(t)
	out := filepath.Join(t.TempDir(), "public")
	cacheDir := t.TempDir()
	build := func(progress io.Writer) error {
		r := &runner.Runner{Cache: &cache.Cache{Dir: cacheDir}}
		defer r.Close()
		_, err := Build(context.Background(), &Config{Root: root, Out: out, Runner: r, Progress: progress})
		return err
	}
	if err := build(nil); err != nil {
		t.Fatal(err)
	}
	readFile(t, out, page)
	testfiles.Write(t, root, change)
	edit := &progressHook{f: func() {
		if err := os.WriteFile(filepath.Join(out, filepath.FromSlash(page)), []byte("edited by hand\n"), 0o644); err != nil {
			t.Error(err)
		}
	}}
	err := build(edit)
	if !edit.done {
		t.Fatal("the build reported no result")
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("a build whose output folder changed while it ran: %v; want it refused, saying %q", err, want)
	}
	if got := readFile(t, out, page); got != "edited by hand\n" {
		t.Errorf("the page edited by hand was replaced:\n%s", got)
	}
}

// TestOutCheckedAgainAfterRuns changes the output folder while a build
// runs a snippet: the build, which checked the folder before its runs,
// checks it again before it writes, and refuses it.
func TestOutCheckedAgainAfterRuns(t *testing.T) {
	// The snippet changes, so the next build runs it.
	editDuringBuild(t, map[string]string{
		"snippets/a/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"new output of a\") }\n",
		"snippets/a/expected.txt": "new output of a\n",
	}, "index.html", "index.html changed since the build that wrote it")
}

// TestOutEditedDuringCachedBuild edits the page of a note while a build
// whose results all come from the cache runs: the build, which checked
// the output folder once, before its runs, must still refuse to write
// over the edit.
func TestOutEditedDuringCachedBuild(t *testing.T) {
	// The note's prose changes, so the next build writes its page again,
	// running nothing.
	page := "2020-01-01/index.html"
	editDuringBuild(t, map[string]string{
		"notes/2020-01-01.md": "# One\n\nNew words.\n\n```python {snippet=a}\nprint('a')\n```\n\n```python {snippet=b}\nprint('b')\n```\n",
	}, page, page+" changed during the build")
}
