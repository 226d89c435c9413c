package runner

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/runner/cache"
	"github.com/gonotebook/notebook/snippets"
)

// TestPlan checks RunAll's lanes: alone snippets and their originals last,
// originals beside programs, and in each lane the longest known first.
func TestPlan(t *testing.T) {
	snip := func(id string, alone bool) *snippets.Snippet {
		return &snippets.Snippet{ID: id, Options: snippets.Options{Alone: alone}}
	}
	a, b, c, d := snip("a", false), snip("b", false), snip("c", true), snip("d", false)
	orig := func(s *snippets.Snippet) Job { return Job{Original: &Original{Snippet: s}, Snippet: s} }
	jobs := []Job{
		{Snippet: a},                         // 0
		{Snippet: b},                         // 1
		{Snippet: c},                         // 2: alone
		{Snippet: d, Engine: snippets.Yaegi}, // 3
		orig(a),                              // 4
		orig(b),                              // 5
		orig(c),                              // 6: alone
		orig(d),                              // 7
	}
	known := map[string]time.Duration{
		"b":           time.Second,
		"d yaegi":     2 * time.Second,
		"d":           time.Hour, // another engine's run: not this job
		"b original":  5 * time.Second,
		"c":           time.Hour, // alone: never moved
		"a original":  0,
		"unknown run": time.Minute,
	}
	got := plan(jobs, known)
	want := schedule{programs: []int{3, 1, 0}, originals: []int{5, 4, 7}, alone: []int{2, 6}}
	if !slices.Equal(got.programs, want.programs) || !slices.Equal(got.originals, want.originals) || !slices.Equal(got.alone, want.alone) {
		t.Errorf("plan = %+v, want %+v", got, want)
	}
	if got := plan(jobs, nil); !slices.Equal(got.programs, []int{0, 1, 3}) || !slices.Equal(got.originals, []int{4, 5, 7}) {
		t.Errorf("with nothing known, plan = %+v, want each lane in the given order", got)
	}
}

// TestRememberDurations checks that RunAll's record of long runs keeps
// what ran long, forgets what now ran short, and ignores cached results
// and failures.
func TestRememberDurations(t *testing.T) {
	r := &Runner{Cache: &cache.Cache{Dir: t.TempDir()}}
	if got := r.estimates(); got != nil {
		t.Fatalf("an empty cache remembers %v", got)
	}
	report := func(id string, d time.Duration, cached bool, problem string) Report {
		return Report{Job: Job{Snippet: &snippets.Snippet{ID: id}}, Result: &Result{Duration: d, Cached: cached, Problem: problem}}
	}
	r.remember(nil, []Report{
		report("long", 3*time.Second, false, ""),
		report("short", time.Millisecond, false, ""),
		report("cached", time.Minute, true, ""),
		report("timeout", time.Minute, false, "timed out"),
		{Job: Job{Snippet: &snippets.Snippet{ID: "error"}}},
	})
	want := map[string]time.Duration{"long": 3 * time.Second}
	got := r.estimates()
	if len(got) != len(want) || got["long"] != want["long"] {
		t.Fatalf("remembered %v, want %v", got, want)
	}
	r.remember(got, []Report{report("long", 10*time.Millisecond, false, ""), report("other", time.Second, false, "")})
	if got := r.estimates(); len(got) != 1 || got["other"] != time.Second {
		t.Errorf("after a short run of long: remembered %v, want only other: 1s", got)
	}
	(&Runner{}).remember(nil, []Report{report("long", time.Hour, false, "")}) // no cache: nothing to do, no panic
}

// TestRunAllAloneLast runs two ordinary snippets and one that runs alone:
// the alone one finishes last, and every report is in the order of jobs.
func TestRunAllAloneLast(t *testing.T) {
	root := t.TempDir()
	for _, id := range []string{"first", "alone", "last"} {
		dir := filepath.Join(root, id)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		opts := "engine: yaegi\n"
		if id == "alone" {
			opts += "alone: true\n"
		}
		files := map[string]string{
			"main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"" + id + "\") }\n",
			"expected.txt": id + "\n",
			"snippet.yaml": opts,
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var jobs []Job
	for _, id := range []string{"first", "alone", "last"} {
		s, err := snippets.Load(root, id)
		if err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, Job{Snippet: s})
	}
	r := &Runner{}
	defer r.Close()
	var order []string
	reports, err := r.RunAll(context.Background(), jobs, func(rep Report) { order = append(order, rep.Job.Snippet.ID) })
	if err != nil {
		t.Fatal(err)
	}
	if len(order) != 3 || order[2] != "alone" {
		t.Errorf("finished in the order %v, want alone last", order)
	}
	for i, rep := range reports {
		if rep.Err != nil {
			t.Fatalf("%s: %v", jobs[i].Snippet.ID, rep.Err)
		}
		if rep.Job.Snippet != jobs[i].Snippet || rep.Total != 3 {
			t.Errorf("report %d is of %s (total %d), want %s (total 3)", i, rep.Job.Snippet.ID, rep.Total, jobs[i].Snippet.ID)
		}
		if err := Verdict(jobs[i].Snippet, rep.Result); err != nil {
			t.Errorf("%s: %v", jobs[i].Snippet.ID, err)
		}
	}
}

// TestNativePanicNamesMainGo checks that a native program's panic names
// its file as ./main.go, as the expected output of a snippet that panics
// would show it, however the program was built and wherever its folder is.
func TestNativePanicNamesMainGo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "boom")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package main\n\nfunc main() {\n\tpanic(\"boom\")\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := snippets.Load(filepath.Dir(dir), "boom")
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{}
	defer r.Close()
	for range 2 { // built, then from the go command's cache
		res, err := r.RunEngine(context.Background(), s, snippets.Native)
		if err != nil {
			t.Fatal(err)
		}
		if want := "\n\t./main.go:4 +0x"; !strings.Contains(string(res.Output), want) {
			t.Errorf("the panic's trace does not contain %q:\n%s", want, res.Output)
		}
	}
}

// TestNativeCopyFails checks that when the cp that go run hands the linked
// program to fails, the snippet is not said not to compile: its program
// is built all the same, and a program that does not compile still says
// why, in the compiler's words.
func TestNativeCopyFails(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	bin := t.TempDir()
	cp := filepath.Join(bin, "cp")
	if err := os.WriteFile(cp, []byte("#!/bin/sh\necho 'cp: no space left on device' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	root := t.TempDir()
	for id, src := range map[string]string{
		"fine":   "package main\n\nfunc main() {}\n",
		"broken": "package main\n\nfunc main() { undefined() }\n",
	} {
		if err := os.MkdirAll(filepath.Join(root, id), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, id, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n := &native{}
	if n.copier() != cp {
		t.Fatalf("the copier is %q; want the failing %s", n.copier(), cp)
	}
	ctx := context.Background()
	fine, err := snippets.Load(root, "fine")
	if err != nil {
		t.Fatal(err)
	}
	scratch := t.TempDir()
	prog, err := n.Prepare(ctx, fine, scratch)
	if err != nil {
		t.Fatalf("Prepare, with a cp that fails, of a snippet that compiles: %v", err)
	}
	if info, err := os.Stat(prog.Path); err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("the program %s: %v", prog.Path, err)
	}
	broken, err := snippets.Load(root, "broken")
	if err != nil {
		t.Fatal(err)
	}
	_, err = n.Prepare(ctx, broken, t.TempDir())
	var ce *CompileError
	if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "./main.go:3:15: undefined: undefined") || strings.Contains(ce.Msg, "cp:") {
		t.Errorf("Prepare of a snippet that does not compile = %v; want a CompileError that names ./main.go:3:15 and not cp", err)
	}
}

// TestNativeInstalledRelease checks that a snippet builds with the
// installed Go whatever GOTOOLCHAIN says: one whose go.mod asks for a
// newer release fails to build, saying so, rather than building with
// another release than its result names, or downloading one.
func TestNativeInstalledRelease(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	t.Setenv("GOTOOLCHAIN", "auto")
	t.Setenv("GOPROXY", "off") // a download would fail here, not hang
	root := testfiles.Dir(t, map[string]string{
		"go.mod":        "module example.com/newer\n\ngo 1.999\n",
		"newer/main.go": "package main\n\nfunc main() {}\n",
	})
	s, err := snippets.Load(root, "newer")
	if err != nil {
		t.Fatal(err)
	}
	n := &native{}
	_, err = n.Prepare(context.Background(), s, t.TempDir())
	var ce *CompileError
	if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "requires go >= 1.999") || !strings.Contains(ce.Msg, "GOTOOLCHAIN=local") {
		t.Errorf("Prepare of a snippet whose go.mod asks for go 1.999 = %v; want a CompileError saying that it requires go >= 1.999 and the toolchain is local", err)
	}
	version, err := n.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(context.Background(), "go", "env", "GOVERSION").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSpace(string(out)); version != want {
		t.Errorf("Version = %q; the installed go says %q", version, want)
	}
}
