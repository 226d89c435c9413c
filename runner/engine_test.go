package runner

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/snippets"
)

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
		res, err := r.Run(context.Background(), s, snippets.Native)
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
	r := newRunner(t)
	ctx := context.Background()
	if env, err := r.goEnv(); err != nil || env.cp != cp {
		t.Fatalf("the copier is %q (%v); want the failing %s", env.cp, err, cp)
	}
	fine, err := snippets.Load(root, "fine")
	if err != nil {
		t.Fatal(err)
	}
	scratch := t.TempDir()
	prog, err := r.compile(ctx, fine, scratch)
	if err != nil {
		t.Fatalf("compile, with a cp that fails, of a snippet that compiles: %v", err)
	}
	if info, err := os.Stat(prog); err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("the program %s: %v", prog, err)
	}
	broken, err := snippets.Load(root, "broken")
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.compile(ctx, broken, t.TempDir())
	var ce *CompileError
	if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "./main.go:3:15: undefined: undefined") || strings.Contains(ce.Msg, "cp:") {
		t.Errorf("compile of a snippet that does not compile = %v; want a CompileError that names ./main.go:3:15 and not cp", err)
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
	r := newRunner(t)
	_, err = r.compile(context.Background(), s, t.TempDir())
	var ce *CompileError
	if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "requires go >= 1.999") || !strings.Contains(ce.Msg, "GOTOOLCHAIN=local") {
		t.Errorf("compile of a snippet whose go.mod asks for go 1.999 = %v; want a CompileError saying that it requires go >= 1.999 and the toolchain is local", err)
	}
	version, err := r.Version(snippets.Native)
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

// newRunner returns a Runner, set up, that keeps nothing.
func newRunner(t *testing.T) *Runner {
	r := &Runner{}
	if err := r.setup(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}
