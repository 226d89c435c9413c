package play

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Program is the import path of the interpreter's main package.
const Program = "github.com/gonotebook/notebook/site/play/wasm"

// A Builder compiles the interpreter. Its zero value builds with the go
// command on PATH, in the current folder, without a cache. A Builder
// builds once: later calls of Build (the rebuilds of notebook serve)
// return the same interpreter. It must not be copied after first use.
type Builder struct {
	// Go is the go command; "go" if empty.
	Go string
	// Dir is the folder the go command runs in: one inside a module that
	// is, or requires, the notebook's module. The current folder if empty.
	Dir string
	// Cache is the folder that keeps built interpreters by key; nothing is
	// kept if empty.
	Cache string

	mu    sync.Mutex
	built *Interpreter
}

// An Interpreter is the compiled interpreter with its loader.
type Interpreter struct {
	Wasm   []byte // the program, GOOS=js GOARCH=wasm
	Exec   []byte // wasm_exec.js from the Go release that built it
	Key    string // the cache key: what the program was built from
	Cached bool   // taken from the cache, nothing compiled
}

// Build returns the interpreter, from the cache when its key is there, or
// else compiled with the go command and stored in the cache.
func (b *Builder) Build(ctx context.Context) (*Interpreter, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.built != nil {
		in := *b.built
		in.Cached = true
		return &in, nil
	}
	in, err := b.build(ctx)
	if err != nil {
		return nil, err
	}
	b.built = in
	return in, nil
}

func (b *Builder) build(ctx context.Context) (*Interpreter, error) {
	env, err := b.goEnv(ctx)
	if err != nil {
		return nil, err
	}
	in := &Interpreter{}
	in.Exec, err = os.ReadFile(filepath.Join(env.root, "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return nil, fmt.Errorf("no wasm_exec.js in %s: %v", env.root, err)
	}
	in.Key, err = b.key(ctx, env.version, in.Exec)
	if err != nil {
		return nil, err
	}
	cached := ""
	if b.Cache != "" {
		cached = filepath.Join(b.Cache, in.Key+".wasm")
		if data, err := os.ReadFile(cached); err == nil {
			in.Wasm, in.Cached = data, true
			return in, nil
		}
	}
	if in.Wasm, err = b.compile(ctx); err != nil {
		return nil, err
	}
	if cached != "" {
		if err := store(cached, in.Wasm); err != nil {
			return nil, err
		}
	}
	return in, nil
}

type goEnv struct{ version, root string }

func (b *Builder) goCmd() string {
	if b.Go != "" {
		return b.Go
	}
	return "go"
}

// command returns the go command with args, for GOOS=js GOARCH=wasm, in
// b.Dir.
func (b *Builder) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, b.goCmd(), args...)
	cmd.Dir = b.Dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	return cmd
}

// output runs the go command and returns its standard output, or an error
// with its standard error.
func (b *Builder) output(ctx context.Context, args ...string) ([]byte, error) {
	cmd := b.command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("%s %s: %s", b.goCmd(), strings.Join(args, " "), msg)
	}
	return out, nil
}

func (b *Builder) goEnv(ctx context.Context) (goEnv, error) {
	out, err := b.output(ctx, "env", "GOVERSION", "GOROOT")
	if err != nil {
		return goEnv{}, err
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		return goEnv{}, fmt.Errorf("%s env: unexpected output %q", b.goCmd(), out)
	}
	return goEnv{version: lines[0], root: lines[1]}, nil
}

// key names what the interpreter is built from: the Go release, its
// wasm_exec.js, every module it is built with and the files of its own
// package.
func (b *Builder) key(ctx context.Context, version string, exec []byte) (string, error) {
	out, err := b.output(ctx, "list", "-deps", "-f",
		`{{if .Module}}{{.Module.Path}}@{{.Module.Version}}{{if .Module.Replace}}=>{{.Module.Replace.Path}}@{{.Module.Replace.Version}}{{end}}{{end}}`, Program)
	if err != nil {
		return "", err
	}
	mods := map[string]bool{}
	for _, m := range strings.Fields(string(out)) {
		mods[m] = true
	}
	h := sha256.New()
	fmt.Fprintf(h, "notebook play interpreter\ngo %s\n", version)
	h.Write(exec)
	var sorted []string
	for m := range mods {
		sorted = append(sorted, m)
	}
	sort.Strings(sorted)
	for _, m := range sorted {
		fmt.Fprintf(h, "module %s\n", m)
	}
	out, err = b.output(ctx, "list", "-f", `{{.Dir}}{{range .GoFiles}} {{.}}{{end}}`, Program)
	if err != nil {
		return "", err
	}
	fields := strings.Fields(string(out))
	if len(fields) < 2 {
		return "", fmt.Errorf("%s has no Go files for js/wasm", Program)
	}
	for _, f := range fields[1:] {
		data, err := os.ReadFile(filepath.Join(fields[0], f))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "file %s %d\n", f, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// compile builds the interpreter with the go command.
func (b *Builder) compile(ctx context.Context) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "notebook-play-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	exe := filepath.Join(tmp, "play.wasm")
	if _, err := b.output(ctx, "build", "-trimpath", "-ldflags=-s -w", "-o", exe, Program); err != nil {
		return nil, err
	}
	return os.ReadFile(exe)
}

// store writes data to path by renaming a complete temporary file, so that
// a reader never sees half of it.
func store(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".play-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

//go:embed worker.js
var workerJS []byte

// A File is one file the site serves for the interpreter.
type File struct {
	Name string // its name in the site's assets folder
	Data []byte
}

// Files returns the interpreter, wasm_exec.js and the worker, in that
// order, each named by name from its plain name and contents (the site's
// fingerprint). The worker, which loads the other two, is the page's entry
// point: the last file.
func (in *Interpreter) Files(name func(plain string, data []byte) string) ([]File, error) {
	wasm := File{name("play.wasm", in.Wasm), in.Wasm}
	exec := File{name("wasm_exec.js", in.Exec), in.Exec}
	worker := workerJS
	for _, r := range []struct{ plain, name string }{{"wasm_exec.js", exec.Name}, {"play.wasm", wasm.Name}} {
		old := []byte(fmt.Sprintf("= %q;", r.plain))
		if bytes.Count(worker, old) != 1 {
			return nil, fmt.Errorf("worker.js: no single %s", old)
		}
		worker = bytes.Replace(worker, old, []byte(fmt.Sprintf("= %q;", path.Base(r.name))), 1)
	}
	return []File{wasm, exec, {name("play-worker.js", worker), worker}}, nil
}
