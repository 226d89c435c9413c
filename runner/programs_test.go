package runner

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gonotebook/notebook/snippets"
)

// TestPrograms checks that a native snippet's program is kept and run
// again without the go command, by a Runner with no results cache, and
// that a kept program that changed is compiled again rather than run.
func TestPrograms(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	// A go command that logs what it is asked, then asks the real one.
	bin := t.TempDir()
	log := filepath.Join(bin, "log")
	wrapper := filepath.Join(bin, "go")
	script := "#!/bin/sh\necho \"$1\" >> " + log + "\nexec " + goCmd + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "hello"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"
	if err := os.WriteFile(filepath.Join(root, "hello", "main.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := snippets.Load(root, "hello")
	if err != nil {
		t.Fatal(err)
	}
	programs := &Programs{Dir: t.TempDir()}
	compiles := func() int {
		data, _ := os.ReadFile(log)
		n := 0
		for line := range strings.SplitSeq(string(data), "\n") {
			if line == "run" || line == "build" {
				n++
			}
		}
		return n
	}
	run := func() *Result {
		t.Helper()
		r := &Runner{Go: wrapper, Programs: programs, Engine: snippets.Native}
		defer r.Close()
		res, err := r.Run(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Output) != "hello\n" || res.Exit != 0 {
			t.Fatalf("the run printed %q and exited %d", res.Output, res.Exit)
		}
		return res
	}
	run()
	if n := compiles(); n != 1 {
		t.Fatalf("the first run asked the go command to compile %d times; want 1", n)
	}
	res := run()
	if n := compiles(); n != 1 {
		t.Errorf("a run of an unchanged snippet, its program kept, asked the go command to compile again")
	}
	// A kept program that changed is not run.
	if err := os.WriteFile(programs.path(res.Key), []byte("#!/bin/sh\necho forged\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	run()
	if n := compiles(); n != 2 {
		t.Errorf("a kept program that changed was not compiled again (%d compiles; want 2)", n)
	}
}

// TestProgramsKeepsOnlyCompiled checks that what is not a compiled
// program, such as a yaegi run, is not kept.
func TestProgramsKeepsOnlyCompiled(t *testing.T) {
	p := &Programs{Dir: t.TempDir()}
	exe := filepath.Join(t.TempDir(), "box")
	if err := os.WriteFile(exe, []byte("box"), 0o755); err != nil {
		t.Fatal(err)
	}
	p.put("key1", &Program{Path: exe, Entry: yaegiEntry})
	p.put("key2", &Program{Path: exe, Args: []string{"x"}})
	if p.get("key1") != nil || p.get("key2") != nil {
		t.Errorf("a program with an entry point or arguments was kept")
	}
	p.put("key3", &Program{Path: exe})
	if got := p.get("key3"); got == nil || got.Path != p.path("key3") {
		t.Errorf("a compiled program was not kept: %v", got)
	}
}

// TestProgramsRemoveUnused checks that programs unused for five days go,
// and that beyond the bound on their bytes the least recently used go.
func TestProgramsRemoveUnused(t *testing.T) {
	p := &Programs{Dir: t.TempDir(), Max: 25}
	now := time.Now()
	for name, age := range map[string]time.Duration{
		"stale":  6 * 24 * time.Hour,
		"old":    3 * time.Hour,
		"recent": 2 * time.Hour,
		"new":    time.Hour,
	} {
		path := filepath.Join(p.Dir, name)
		if err := os.WriteFile(path, []byte("ten bytes!"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, now.Add(-age), now.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	p.removeUnused()
	var left []string
	entries, err := os.ReadDir(p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		left = append(left, e.Name())
	}
	if want := []string{"new", "recent"}; !slices.Equal(left, want) {
		t.Errorf("after removing, %q are left; want %q", left, want)
	}
}
