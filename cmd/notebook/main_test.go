package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/snippets"
)

// notebookFiles is a small notebook: one note with three fences (a linked
// one, an opted-out one and an unlinked one) and one snippet whose output
// contains markup.
var notebookFiles = map[string]string{
	"notes/2020-01-02.md":         "---\ntitle: First note\ntags: [go]\n---\n# Day one\n\n### 1 - hello\n\nSome prose.\n\n```python {snippet=hello}\nprint('<b>hi</b>')\n```\n\n```text {snippet=none}\nnothing to run\n```\n\n```sh\necho unlinked\n```\n",
	"snippets/hello/main.go":      "// Hello prints markup, which the page must show as text.\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"<script>alert(1)</script>\")\n\tfmt.Println(\"took 12ms\")\n}\n",
	"snippets/hello/expected.txt": "<script>alert(1)</script>\ntook \\d+ms (re)\n",
}

// newNotebook writes files into a fresh folder and returns it.
func newNotebook(t *testing.T, files map[string]string) string {
	t.Helper()
	return testfiles.Dir(t, files)
}

// notebook runs the command line in root and returns its exit status and
// what it wrote.
func notebook(t *testing.T, root string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errw bytes.Buffer
	flags := []string{"-root", root}
	if c := commandNamed(args[0]); c != nil && c.cached {
		flags = append(flags, "-cache", filepath.Join(root, ".cache"))
	}
	args = append(args[:1:1], append(flags, args[1:]...)...)
	code = Main(context.Background(), args, &out, &errw)
	return code, out.String(), errw.String()
}

// commandNamed returns the command called name, or nil.
func commandNamed(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestBuildShowsRealOutputEscaped(t *testing.T) {
	root := newNotebook(t, notebookFiles)
	code, _, stderr := notebook(t, root, "build")
	if code != exitOK {
		t.Fatalf("build: exit %d\n%s", code, stderr)
	}
	page := readFile(t, filepath.Join(root, "public", "2020-01-02", "index.html"))
	if strings.Contains(page, "<script>alert(1)</script>") {
		t.Error("the snippet's output reached the page unescaped")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the page does not show the snippet's output as text")
	}
	if !regexp.MustCompile(`took \d+ms`).MatchString(page) {
		t.Error("the page does not show the output's second line")
	}
	if !strings.Contains(page, "Hello prints markup") {
		t.Error("the page does not show the snippet's leading comment")
	}
	if !strings.Contains(readFile(t, filepath.Join(root, "public", "index.html")), "First note") {
		t.Error("the index does not list the note")
	}
}

// TestBuildNoOriginals builds with -no-originals a notebook whose Python
// block, declared the same as its snippet, prints something else: the
// original does not run, so the build passes, and the page says why the
// original has no output.
func TestBuildNoOriginals(t *testing.T) {
	files := maps.Clone(notebookFiles)
	files["snippets/hello/snippet.yaml"] = "original:\n  relation: same\n"
	root := newNotebook(t, files)
	code, _, stderr := notebook(t, root, "build", "-no-originals")
	if code != exitOK {
		t.Fatalf("build -no-originals: exit %d\n%s", code, stderr)
	}
	page := readFile(t, filepath.Join(root, "public", "2020-01-02", "index.html"))
	if want := "the build that made this page ran no originals"; !strings.Contains(page, want) {
		t.Errorf("the page does not say %q", want)
	}
	if strings.Contains(stderr, "(original)") {
		t.Errorf("an original ran:\n%s", stderr)
	}
}

func TestBuildFailureNamesNoteLineAndKeepsSite(t *testing.T) {
	root := newNotebook(t, notebookFiles)
	if code, _, stderr := notebook(t, root, "build"); code != exitOK {
		t.Fatalf("first build: exit %d\n%s", code, stderr)
	}
	good := readFile(t, filepath.Join(root, "public", "2020-01-02", "index.html"))

	// The snippet now prints something else.
	main := filepath.Join(root, "snippets", "hello", "main.go")
	src := strings.Replace(readFile(t, main), `"<script>alert(1)</script>"`, `"something else"`, 1)
	if err := os.WriteFile(main, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := notebook(t, root, "build")
	if code != exitProblems {
		t.Fatalf("build with a changed snippet: exit %d, want %d\n%s", code, exitProblems, stderr)
	}
	for _, want := range []string{
		"notes/2020-01-02.md:11: snippet hello:",
		"- <script>alert(1)</script>",
		"+ something else",
		"build failed: nothing was written",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if now := readFile(t, filepath.Join(root, "public", "2020-01-02", "index.html")); now != good {
		t.Error("a failed build changed the published site")
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "public.") {
			t.Errorf("a failed build left %s behind", e.Name())
		}
	}
}

func TestMissingSnippetIsAnErrorAtFileLine(t *testing.T) {
	files := map[string]string{
		"notes/2020-01-03.md": "# Two\n\ntext\n\n```go {snippet=no/such-thing}\nx\n```\n",
	}
	root := newNotebook(t, files)
	for _, cmd := range []string{"build", "check"} {
		code, _, stderr := notebook(t, root, cmd)
		if code != exitProblems {
			t.Errorf("%s: exit %d, want %d", cmd, code, exitProblems)
		}
		want := `notes/2020-01-03.md:5: block links to snippet "no/such-thing", but snippets/no/such-thing has no main.go`
		if !strings.Contains(stderr, want) {
			t.Errorf("%s: stderr lacks %q:\n%s", cmd, want, stderr)
		}
	}
}

// TestLinkErrors checks what a link to a snippet that cannot be used says:
// a misspelt id suggests the nearest, and a snippet whose snippet.yaml is
// wrong is reported by that mistake alone, not also as missing.
func TestLinkErrors(t *testing.T) {
	files := map[string]string{
		"notes/2020-01-03.md":          "# Two\n\n```go {snippet=helo}\nx\n```\n\n```go {snippet=broken}\ny\n```\n",
		"snippets/hello/main.go":       notebookFiles["snippets/hello/main.go"],
		"snippets/hello/expected.txt":  notebookFiles["snippets/hello/expected.txt"],
		"snippets/broken/main.go":      "package main\n\nfunc main() {}\n",
		"snippets/broken/snippet.yaml": "engine: native\ntimout: 3s\n",
	}
	root := newNotebook(t, files)
	code, _, stderr := notebook(t, root, "check")
	if code != exitProblems {
		t.Errorf("check: exit %d, want %d", code, exitProblems)
	}
	for _, want := range []string{
		`notes/2020-01-03.md:3: block links to snippet "helo", but snippets/helo has no main.go; did you mean hello?`,
		filepath.Join("snippets", "broken", "snippet.yaml") + `:2: unknown key "timout" (did you mean "timeout"?)`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, `snippet "broken"`) {
		t.Errorf("the broken snippet is also reported as missing:\n%s", stderr)
	}
}

func TestCheckReportsUnlinkedBlocks(t *testing.T) {
	root := newNotebook(t, notebookFiles)
	code, stdout, stderr := notebook(t, root, "check")
	if code != exitOK {
		t.Fatalf("check: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "warning: notes/2020-01-02.md:19: block has no snippet") {
		t.Errorf("check does not report the unlinked block:\n%s", stdout)
	}
	code, _, stderr = notebook(t, root, "check", "-strict")
	if code != exitProblems || !strings.Contains(stderr, "notes/2020-01-02.md:19: block has no snippet") {
		t.Errorf("check -strict: exit %d, want %d, naming the unlinked block:\n%s", code, exitProblems, stderr)
	}
}

func TestRunPrintsOutput(t *testing.T) {
	root := newNotebook(t, notebookFiles)
	code, stdout, stderr := notebook(t, root, "run", "hello")
	if code != exitOK {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "<script>alert(1)</script>\ntook 12ms\n") {
		t.Errorf("run printed %q", stdout)
	}
	if code, _, _ := notebook(t, root, "run"); code != exitUsage {
		t.Errorf("run without an id: exit %d, want %d", code, exitUsage)
	}
	if code, _, stderr := notebook(t, root, "run", "nope"); code != exitProblems || !strings.Contains(stderr, `no snippet "nope"`) {
		t.Errorf("run of a missing snippet: exit %d, stderr %q", code, stderr)
	}
}

func TestUsage(t *testing.T) {
	var out, errw bytes.Buffer
	if code := Main(context.Background(), []string{"frobnicate"}, &out, &errw); code != exitUsage {
		t.Errorf("unknown command: exit %d, want %d", code, exitUsage)
	}
	for _, cmd := range []string{"build", "serve", "check", "new"} {
		if code := Main(context.Background(), []string{cmd, "stray"}, &out, &errw); code != exitUsage {
			t.Errorf("%s with an argument: exit %d, want %d", cmd, code, exitUsage)
		}
	}
	if code := Main(context.Background(), []string{"build", "-h"}, &out, &errw); code != exitOK || !strings.Contains(errw.String(), "usage: notebook build") {
		t.Errorf("build -h: exit %d\n%s", code, errw.String())
	}
	// Help asked for goes to standard output, for one command as for all.
	out.Reset()
	errw.Reset()
	if code := Main(context.Background(), []string{"help", "build"}, &out, &errw); code != exitOK || !strings.Contains(out.String(), "usage: notebook build") || errw.Len() != 0 {
		t.Errorf("help build: exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errw.String())
	}
	// Wrong flag values and flags that do not apply are usage errors.
	root := newNotebook(t, notebookFiles)
	for _, args := range [][]string{
		{"run", "-root", root, "-engine", "foo", "hello"},
		{"run", "-root", root, "-cache", t.TempDir(), "hello"},
		{"run", "-root", root, "-no-cache", "hello"},
		{"new", "-root", root, "-no-cache"},
	} {
		out.Reset()
		errw.Reset()
		if code := Main(context.Background(), args, &out, &errw); code != exitUsage {
			t.Errorf("%q: exit %d, want %d\n%s", args, code, exitUsage, errw.String())
		}
	}
}

func TestNewAndScaffold(t *testing.T) {
	root := newNotebook(t, map[string]string{"snippets/.keep": ""})
	code, stdout, stderr := notebook(t, root, "new", "-date", "2021-03-04", "-title", "A day")
	if code != exitOK {
		t.Fatalf("new: exit %d\n%s", code, stderr)
	}
	notePath := filepath.Join(root, "notes", "2021-03-04.md")
	if strings.TrimSpace(stdout) != notePath {
		t.Errorf("new printed %q, want %q", stdout, notePath)
	}
	if code, _, stderr := notebook(t, root, "new", "-date", "2021-03-04"); code != exitProblems || !strings.Contains(stderr, "exists already") {
		t.Errorf("new over an existing note: exit %d, %q", code, stderr)
	}
	text := readFile(t, notePath) + "Some words.\n\n```python\nprint('x')\n```\n"
	if err := os.WriteFile(notePath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	line := strings.Count(text[:strings.Index(text, "```python")], "\n") + 1
	where := "notes/2021-03-04.md:" + strconv.Itoa(line)

	if code, _, stderr := notebook(t, root, "scaffold", "notes/2021-03-04.md:2", "py/x"); code != exitProblems || !strings.Contains(stderr, "notes/2021-03-04.md:2: no fenced code block") {
		t.Errorf("scaffold at a line with no fence: exit %d, %q", code, stderr)
	}
	if code, _, stderr := notebook(t, root, "scaffold", where, "py/x"); code != exitOK {
		t.Fatalf("scaffold: exit %d\n%s", code, stderr)
	}
	want := strings.Replace(text, "```python\n", "```python {snippet=py/x}\n", 1)
	if got := readFile(t, notePath); got != want {
		t.Errorf("scaffold changed the note to:\n%s\nwant:\n%s", got, want)
	}
	if src := readFile(t, filepath.Join(root, "snippets", "py", "x", "main.go")); !strings.Contains(src, "//\tprint('x')\npackage main") {
		t.Errorf("the new main.go does not quote the block:\n%s", src)
	}
	// The scaffolded program runs; only its expectation is missing.
	code, stdout, stderr = notebook(t, root, "run", "py/x")
	if code != exitProblems || stdout != "TODO\n" || !strings.Contains(stderr, "expected.txt is missing") {
		t.Errorf("run of the new snippet: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, _, stderr := notebook(t, root, "scaffold", where, "py/y"); code != exitProblems || !strings.Contains(stderr, `linked to "py/x" already`) {
		t.Errorf("scaffold of a linked block: exit %d, %q", code, stderr)
	}
}

func TestCheckEngines(t *testing.T) {
	files := map[string]string{
		// hello runs under yaegi and uses native: it could switch.
		"snippets/hello/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello\")\n}\n",
		"snippets/hello/expected.txt": "hello\n",
		// count cannot, and says why.
		"snippets/count/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfor i := range 2 {\n\t\tfmt.Println(i)\n\t}\n}\n",
		"snippets/count/expected.txt": "0\n1\n",
		"snippets/count/snippet.yaml": "engine_reason: range over an integer\n",
	}
	root := newNotebook(t, files)
	code, stdout, stderr := notebook(t, root, "check", "-engines")
	want := fmt.Sprintf(`snippet  engine  under yaegi
count    native  fails: compile error (yaegi): main.go:6:2: range over an integer (Go 1.22), which yaegi v0.16.1 cannot compile
                 reason: range over an integer
hello    native  ok: can switch to yaegi
1 of 2 snippets run correctly under yaegi v0.16.1 (%s host); 1 of them use native and could switch.
To see why one fails: notebook run -engine yaegi ID
`, runtime.Version())
	if code != exitOK || stdout != want || stderr != "" {
		t.Errorf("check -engines: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 0, stdout:\n%s", code, stdout, stderr, want)
	}

	// A snippet that uses yaegi and fails under it fails the check.
	yaml := filepath.Join(root, "snippets", "count", "snippet.yaml")
	if err := os.WriteFile(yaml, []byte("engine: yaegi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = notebook(t, root, "check", "-engines")
	wantErr := yaml + ": engine is yaegi, but the snippet fails under yaegi"
	if code != exitProblems || !strings.Contains(stderr, wantErr) {
		t.Errorf("check -engines with a failing yaegi snippet: exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr, exitProblems, wantErr)
	}
}

// TestUsageErrorsExit2 checks that every mistake in how a command is
// called exits 2 and says what is wrong.
func TestUsageErrorsExit2(t *testing.T) {
	root := newNotebook(t, notebookFiles)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"build", "extra"}, `notebook build: unexpected argument "extra": build takes flags only`},
		{[]string{"check", "-strict", "extra", "more"}, `unexpected argument "extra"`},
		{[]string{"scaffold", "note.md", "foo"}, `"note.md": want the note and the fence's line, as in notes/2018-10-30.md:37`},
		{[]string{"scaffold", "notes/2020-01-02.md:x", "foo"}, `"notes/2020-01-02.md:x": want the note and the fence's line`},
		{[]string{"scaffold", "notes/2020-01-02.md:19"}, "want two arguments, NOTE:LINE and ID; got 1"},
		{[]string{"scaffold", "notes/2020-01-02.md:19", "Bad_ID"}, `snippet id "Bad_ID": want lower case letters`},
		{[]string{"new", "-date", "2026-13-45"}, `-date "2026-13-45": want a real day as YYYY-MM-DD`},
		{[]string{"new", "-date", "2026-01-02", "-slug", "Not_A_Slug"}, `-slug "Not_A_Slug": a note's file name must be`},
		{[]string{"run"}, "want one snippet id; got 0 arguments"},
		{[]string{"run", "hello", "again"}, "want one snippet id; got 2 arguments"},
		{[]string{"run", "Hello"}, `snippet id "Hello": want lower case letters`},
	} {
		code, _, stderr := notebook(t, root, tt.args...)
		if code != exitUsage || !strings.Contains(stderr, tt.want) || !strings.Contains(stderr, "usage: notebook "+tt.args[0]) {
			t.Errorf("notebook %s: exit %d, stderr:\n%s\nwant exit %d, the usage and %q", strings.Join(tt.args, " "), code, stderr, exitUsage, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "notes", "2026-01-02-Not_A_Slug.md")); err == nil {
		t.Error("new wrote a note with a bad slug")
	}
	if got := readFile(t, filepath.Join(root, "notes", "2020-01-02.md")); got != notebookFiles["notes/2020-01-02.md"] {
		t.Error("a scaffold with a bad id changed the note")
	}
}

func TestRunSuggestsNearestID(t *testing.T) {
	root := newNotebook(t, notebookFiles)
	code, stdout, stderr := notebook(t, root, "run", "helo")
	if code != exitProblems || stdout != "" || !strings.Contains(stderr, `no snippet "helo"`) || !strings.HasSuffix(stderr, "; did you mean hello?\n") {
		t.Errorf("run helo: exit %d, stdout %q, stderr %q; want exit %d suggesting hello", code, stdout, stderr, exitProblems)
	}
	if _, _, stderr := notebook(t, root, "run", "nope"); strings.Contains(stderr, "did you mean") {
		t.Errorf("run nope suggests an id that is not close: %q", stderr)
	}
}

func TestBuildAndCheckPrintWarnings(t *testing.T) {
	files := maps.Clone(notebookFiles)
	files["notes/hello.md"] = "# Hello\n"
	files["notes/2020-01-03.md"] = "---\ntitle: Soon\n---\n"
	root := newNotebook(t, files)
	want := "warning: notes/2020-01-03.md: the note is empty: its page will show only its title\n" +
		"warning: notes/hello.md: not read: a note's file name is YYYY-MM-DD.md or YYYY-MM-DD-slug.md\n"
	code, _, stderr := notebook(t, root, "build")
	if code != exitOK || !strings.Contains(stderr, want) {
		t.Errorf("build: exit %d, stderr:\n%s\nwant exit 0 and:\n%s", code, stderr, want)
	}
	code, stdout, _ := notebook(t, root, "check")
	if code != exitOK || !strings.HasPrefix(stdout, want) {
		t.Errorf("check: exit %d, stdout:\n%s\nwant exit 0, starting:\n%s", code, stdout, want)
	}
}

func TestNoteErrorsNameTheirLine(t *testing.T) {
	files := maps.Clone(notebookFiles)
	files["notes/2020-01-02.md"] = "---\ntitle: First note\ntags:\n  - go\n  - Not A Tag\n---\n# Day one\n"
	root := newNotebook(t, files)
	code, _, stderr := notebook(t, root, "build")
	want := `notes/2020-01-02.md:5: tag "not a tag": a tag is lower case letters, digits and - + # .`
	if code != exitProblems || !strings.HasPrefix(stderr, want+"\n") {
		t.Errorf("build: exit %d, stderr:\n%s\nwant exit %d, starting %q", code, stderr, exitProblems, want)
	}
}

// TestUnscaffold takes back a scaffolded snippet, as scaffold does when
// it cannot link the note: its main.go and the folders made for it go,
// what was there before stays.
func TestUnscaffold(t *testing.T) {
	root := filepath.Join(t.TempDir(), "snippets")
	other := filepath.Join(root, "py", "other", snippets.MainFile)
	if err := os.MkdirAll(filepath.Dir(other), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir, err := snippets.Scaffold(root, "py/new/deep", "python", "print('x')\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := unscaffold(root, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "py", "new")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the scaffold's folders are still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another snippet went too: %v", err)
	}
	if _, err := snippets.Scaffold(root, "py/other", "python", ""); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("scaffold over an existing snippet: %v, want an error that says it exists", err)
	}
}

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
// stream has ended.
func TestServeStops(t *testing.T) {
	root := newNotebook(t, notebookFiles)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stderr := &lines{sent: make(chan string, 64)}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"serve", "-root", root, "-cache", filepath.Join(root, ".cache"), "-addr", "127.0.0.1:0"}, io.Discard, stderr)
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
