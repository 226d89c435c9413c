package play

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gonotebook/notebook/internal/gotool"
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
	// Wasm is the program, GOOS=js GOARCH=wasm; nil when it is taken from
	// the cache, which its file reads it from when needed (see Files).
	Wasm   []byte
	Exec   []byte // wasm_exec.js from the Go release that built it
	Key    string // the cache key: what the program was built from
	Cached bool   // taken from the cache, nothing compiled
	Size   int64  // the program's size in bytes

	path string            // the program in the cache, if Wasm is nil
	sum  [sha256.Size]byte // the program's SHA-256, if Wasm is nil
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
	in.Key, err = b.cachedKey(ctx, env, in.Exec)
	if err != nil {
		return nil, err
	}
	cached := ""
	if b.Cache != "" {
		cached = filepath.Join(b.Cache, in.Key+".wasm")
		if b.fromCache(in, cached) {
			return in, nil
		}
	}
	if in.Wasm, err = b.compile(ctx); err != nil {
		return nil, err
	}
	in.Size = int64(len(in.Wasm))
	if cached != "" {
		sum := sha256.Sum256(in.Wasm)
		err := store(cached, in.Wasm)
		if err == nil {
			err = store(cached+sumSuffix, []byte(hex.EncodeToString(sum[:])+"\n"))
		}
		if err != nil {
			return nil, err
		}
	}
	return in, nil
}

// sumSuffix ends the name of the file, beside a cached program, that holds
// the program's SHA-256 in hexadecimal: a build that finds the program
// unchanged in the site it updates need not read it, 15 MB, to name it.
const sumSuffix = ".sha256"

// fromCache fills in the program from the cached file at path, if there
// is one, without reading it when the file beside it gives its SHA-256.
func (b *Builder) fromCache(in *Interpreter, path string) bool {
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	in.Cached, in.Size, in.path = true, info.Size(), path
	if text, err := os.ReadFile(path + sumSuffix); err == nil {
		if n, err := hex.Decode(in.sum[:], bytes.TrimSpace(text)); err == nil && n == sha256.Size {
			return true
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	in.Wasm, in.path = data, ""
	sum := sha256.Sum256(data)
	store(path+sumSuffix, []byte(hex.EncodeToString(sum[:])+"\n")) // only a shortcut for the next build
	return true
}

type goEnv struct {
	version, root string
	local         bool // read from the installation, not from go env
}

// dir returns the folder the go command runs in.
func (b *Builder) dir() string {
	if b.Dir != "" {
		return b.Dir
	}
	return "."
}

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

// goEnv returns the Go release that builds and its GOROOT: from its
// installation if that says (see gotool.Local), else from go env.
func (b *Builder) goEnv(ctx context.Context) (goEnv, error) {
	if tc, ok := gotool.Local(b.goCmd(), b.dir()); ok {
		return goEnv{version: tc.Version, root: tc.Root, local: true}, nil
	}
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

// cachedKey returns the key of the interpreter (see key), as an earlier
// build worked it out if the cache keeps its memo and nothing the memo
// names has changed, else from the go command, keeping the memo.
//
// Working the key out asks the go command for the modules and files the
// interpreter is built from, which costs two processes and about a tenth
// of a second: most of a build with nothing to do. What can change its
// answer is the Go installation, the environment that steers the go
// command, the go.mod, go.sum, go.work and go.work.sum files that say
// which modules build (with the go.mod of every module the go.work uses
// or a replace directive takes from a folder: see gotool.Rules), and the
// files of the interpreter's own package.
// The memo is kept under a hash of the first three and holds the package's
// folder, a hash of every file in it and the key; it is used only when
// that folder hashes the same. Where the interpreter cannot be built at
// all (see unbuildable), the memo keeps the go command's answer instead.
// Without the installation's release (see gotool.Local) or a cache, there
// is no memo.
func (b *Builder) cachedKey(ctx context.Context, env goEnv, exec []byte) (string, error) {
	if !env.local || b.Cache == "" {
		key, _, err := b.key(ctx, env.version, exec)
		return key, err
	}
	head, err := b.memoHead(env, exec)
	if err != nil {
		key, _, err := b.key(ctx, env.version, exec)
		return key, err
	}
	path := filepath.Join(b.Cache, "key-"+head+".memo")
	if data, err := os.ReadFile(path); err == nil {
		f := strings.Split(string(data), "\n")
		switch {
		case len(f) == 3 && f[0] == "failed" && f[2] == "":
			if msg, err := strconv.Unquote(f[1]); err == nil {
				return "", errors.New(msg)
			}
		case len(f) == 4 && f[3] == "":
			if sum, err := hashDir(f[0]); err == nil && sum == f[1] {
				return f[2], nil
			}
		}
	}
	key, dir, err := b.key(ctx, env.version, exec)
	if err != nil {
		if unbuildable(err) {
			// The go command's own words end the message; its arguments,
			// a long template, are left out.
			msg := err.Error()
			if i := strings.LastIndex(msg, Program+": "); i >= 0 {
				msg = msg[i+len(Program)+2:]
			}
			err = fmt.Errorf("%s is not in a module that requires github.com/gonotebook/notebook, which holds the interpreter: %s", b.dir(), msg)
			store(path, []byte("failed\n"+strconv.Quote(err.Error())+"\n")) // only a shortcut for the next build
		}
		return "", err
	}
	if sum, err := hashDir(dir); err == nil {
		store(path, []byte(dir+"\n"+sum+"\n"+key+"\n")) // only a shortcut for the next build
	}
	return key, nil
}

// key names what the interpreter is built from: the Go release, its
// wasm_exec.js, the build settings (see buildSettings), every module it
// is built with and the files of its own package; and the folder of that
// package.
func (b *Builder) key(ctx context.Context, version string, exec []byte) (key, dir string, err error) {
	out, err := b.output(ctx, "list", "-deps", "-f",
		`{{if .Module}}{{.Module.Path}}@{{.Module.Version}}{{if .Module.Replace}}=>{{.Module.Replace.Path}}@{{.Module.Replace.Version}}{{end}}{{end}}`, Program)
	if err != nil {
		return "", "", err
	}
	mods := map[string]bool{}
	for _, m := range strings.Fields(string(out)) {
		mods[m] = true
	}
	// The same files compile to another program under other flags,
	// experiments or WebAssembly features, wherever they are set.
	settings, err := b.output(ctx, append([]string{"env"}, buildSettings...)...)
	if err != nil {
		return "", "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "notebook play interpreter\ngo %s\n", version)
	h.Write(exec)
	fmt.Fprintf(h, "settings %q\n", settings)
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
		return "", "", err
	}
	fields := strings.Fields(string(out))
	if len(fields) < 2 {
		return "", "", fmt.Errorf("%s has no Go files for js/wasm", Program)
	}
	for _, f := range fields[1:] {
		data, err := os.ReadFile(filepath.Join(fields[0], f))
		if err != nil {
			return "", "", err
		}
		fmt.Fprintf(h, "file %s %d\n", f, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:32], fields[0], nil
}

// buildSettings are the go command's settings that change what it
// compiles from the same files, for js/wasm.
var buildSettings = []string{"GOFLAGS", "GOEXPERIMENT", "GOWASM", "GOFIPS140"}

// unbuildable reports whether err, from the go command, says that the
// interpreter cannot be built in this folder whatever is downloaded: it
// has no go.mod, or its module does not require the notebook's. The memo
// keeps that answer while the files that decide it are unchanged.
func unbuildable(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "go.mod file not found") || strings.Contains(msg, "no required module provides package "+Program)
}

// memoEnv are the environment variables that steer which modules and
// files the go command builds the interpreter from.
var memoEnv = []string{"GOFLAGS", "GOWORK", "GOPATH", "GOMODCACHE", "GOPROXY", "GONOPROXY", "GOPRIVATE", "GONOSUMDB", "GOINSECURE", "GOEXPERIMENT", "GOWASM", "GOFIPS140", "GO111MODULE"}

// memoHead hashes what, beside the interpreter's own files, can change
// the key (see cachedKey).
func (b *Builder) memoHead(env goEnv, exec []byte) (string, error) {
	dir, err := filepath.Abs(b.Dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "notebook play key memo v1\ngo %s %s\ndir %s\n", env.version, env.root, dir)
	h.Write(exec)
	for _, name := range memoEnv {
		fmt.Fprintf(h, "env %s=%q\n", name, os.Getenv(name))
	}
	for _, f := range gotool.Rules(dir) {
		data, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		fmt.Fprintf(h, "file %s %t %d\n", f, err == nil, len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil))[:32], nil
}

// hashDir hashes the names and kinds of the entries of dir and the
// contents of its files.
func hashDir(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, e := range entries {
		fmt.Fprintf(h, "%q %v\n", e.Name(), e.Type())
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%d\n", len(data))
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
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
	Name string            // its name in the site's assets folder
	Sum  [sha256.Size]byte // the SHA-256 of its contents

	data []byte // its contents, or nil to read them from path
	path string
}

// Data returns the file's contents, reading them from the cache if the
// File does not hold them; an error if what it reads is not what Sum
// names, as when the cached file was changed or cut short.
func (f *File) Data() ([]byte, error) {
	if f.data != nil || f.path == "" {
		return f.data, nil
	}
	data, err := os.ReadFile(f.path)
	if err != nil {
		return nil, err
	}
	if sha256.Sum256(data) != f.Sum {
		return nil, fmt.Errorf("the cached interpreter %s is not the one built (its SHA-256 differs from %s): remove both and build again", f.path, f.path+sumSuffix)
	}
	return data, nil
}

// Files returns the interpreter, wasm_exec.js and the worker, in that
// order, each named by name from its plain name and SHA-256 (the site's
// fingerprint). The worker, which loads the other two, is the page's entry
// point: the last file. The interpreter is read from the cache only when
// its Data is asked for.
func (in *Interpreter) Files(name func(plain string, sum [sha256.Size]byte) string) ([]File, error) {
	wasm := File{data: in.Wasm, path: in.path, Sum: in.sum}
	if in.Wasm != nil {
		wasm.Sum = sha256.Sum256(in.Wasm)
	}
	wasm.Name = name("play.wasm", wasm.Sum)
	exec := held("wasm_exec.js", in.Exec, name)
	worker := workerJS
	for _, r := range []struct{ plain, name string }{{"wasm_exec.js", exec.Name}, {"play.wasm", wasm.Name}} {
		old := []byte(fmt.Sprintf("= %q;", r.plain))
		if bytes.Count(worker, old) != 1 {
			return nil, fmt.Errorf("worker.js: no single %s", old)
		}
		worker = bytes.Replace(worker, old, []byte(fmt.Sprintf("= %q;", path.Base(r.name))), 1)
	}
	return []File{wasm, exec, held("play-worker.js", worker, name)}, nil
}

// held returns the file plain with data, named by name.
func held(plain string, data []byte, name func(string, [sha256.Size]byte) string) File {
	f := File{data: data, Sum: sha256.Sum256(data)}
	f.Name = name(plain, f.Sum)
	return f
}
