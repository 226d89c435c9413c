package runner

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/snippets"
)

// TestPrograms checks that a native snippet's program is kept in the store
// and run again without the go command, by a Runner that keeps no result
// (Fresh), and that a kept program that changed is compiled again rather
// than run.
func TestPrograms(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
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
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	n := 0 // runs of the go command
	var key store.ID
	run := func() {
		t.Helper()
		r := &Runner{Store: st, Fresh: true}
		defer r.Close()
		run := r.NewRun(s, snippets.Native)
		if err := r.Prepare(context.Background(), run); err != nil {
			t.Fatal(err)
		}
		if err := r.Exec(context.Background(), run); err != nil {
			t.Fatal(err)
		}
		n += int(r.compiles.Load())
		if res := run.Result; string(res.Output) != "hello\n" || res.Exit != 0 {
			t.Fatalf("the run printed %q and exited %d", res.Output, res.Exit)
		}
		key = run.Key
	}
	run()
	if n != 1 {
		t.Fatalf("the first run asked the go command to compile %d times; want 1", n)
	}
	run()
	if n != 1 {
		t.Errorf("a run of an unchanged snippet, its program kept, asked the go command to compile again")
	}
	// A kept program that changed is not run.
	e, ok := st.Get(store.NewHash("program").ID(key).Sum())
	if !ok {
		t.Fatal("no program kept")
	}
	h := e.Output.String()
	if err := os.WriteFile(filepath.Join(st.Dir(), h[:2], h+"-d"), []byte("#!/bin/sh\necho forged\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	run()
	if n != 2 {
		t.Errorf("a kept program that changed was not compiled again (%d compiles; want 2)", n)
	}
}
