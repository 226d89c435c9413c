package play

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	notebook "github.com/gonotebook/notebook"
	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/runner"
)

// A Builder compiles the interpreter. Its zero value builds with the go
// command on PATH.
type Builder struct {
	// Go is the go command; "go" if empty.
	Go string
}

// An Interpreter is the compiled interpreter with its loader.
type Interpreter struct {
	Exec   []byte   // wasm_exec.js from the Go release that built it
	Sum    store.ID // the program's SHA-256
	Size   int64    // the program's size in bytes
	Cached bool     // taken from the store, nothing compiled

	st   *store.Store
	wasm []byte // the program, if it was compiled; else read from st
}

// Build returns the interpreter: from st when it holds one built from the
// same sources (the running program's, see store.Program), yaegi release,
// Go release and settings, or else compiled with the go command and kept
// in st. The go command runs in a temporary module of the interpreter's
// sources, so the notebook's folder need not be a Go module.
func (b *Builder) Build(ctx context.Context, st *store.Store) (*Interpreter, error) {
	release, root, err := runner.GoRelease(ctx, b.Go)
	if err != nil {
		return nil, err
	}
	in := &Interpreter{st: st}
	if in.Exec, err = os.ReadFile(filepath.Join(root, "lib", "wasm", "wasm_exec.js")); err != nil {
		return nil, fmt.Errorf("no wasm_exec.js in %s: %v", root, err)
	}
	id := interpreterID(release, in.Exec)
	e, ok := st.Get(id)
	if in.Cached = ok; !ok {
		if in.wasm, err = b.compile(ctx); err != nil {
			return nil, err
		}
		if e, err = st.Put(id, in.wasm); err != nil {
			return nil, err
		}
	}
	in.Sum, in.Size = e.Output, e.Size
	return in, nil
}

// interpreterID is the ID of the interpreter that the Go release, whose
// wasm_exec.js is exec, builds: of the running program (whose sources it
// embeds, go.mod among them) and the build settings.
func interpreterID(release string, exec []byte) store.ID {
	h := store.NewHash("interpreter").String(release).Bytes(exec)
	for _, k := range buildSettings {
		h.String(k + "=" + os.Getenv(k))
	}
	return h.Sum()
}

// buildSettings are the go command's settings that change what it
// compiles from the same files, for js/wasm.
var buildSettings = []string{"GOFLAGS", "GOEXPERIMENT", "GOWASM", "GOFIPS140"}

// compile builds the interpreter with the go command, in a temporary module
// holding its sources.
func (b *Builder) compile(ctx context.Context) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "notebook-play-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := os.CopyFS(tmp, notebook.PlaySources); err != nil {
		return nil, err
	}
	goCmd := cmp.Or(b.Go, "go")
	cmd := exec.CommandContext(ctx, goCmd, "build", "-trimpath", "-ldflags=-s -w", "-o", "play.wasm", "./site/play/wasm")
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s build: %v\n%s", goCmd, err, bytes.TrimSpace(out))
	}
	return os.ReadFile(filepath.Join(tmp, "play.wasm"))
}

//go:embed worker.js
var workerJS string

// A File is one file the site serves for the interpreter.
type File struct {
	Name string   // its name in the site's assets folder
	Sum  store.ID // the SHA-256 of its contents

	data []byte       // its contents, or nil to read them from st
	st   *store.Store // where the interpreter is kept
}

// CopyTo writes the file's contents to w.
func (f *File) CopyTo(w io.Writer) error {
	if f.data != nil {
		_, err := w.Write(f.data)
		return err
	}
	if err := f.st.CopyOutput(f.Sum, w); err != nil {
		return fmt.Errorf("the interpreter is no longer in the store, or was changed there (%v): build again", err)
	}
	return nil
}

// Files returns the interpreter, wasm_exec.js and the worker, in that
// order, each named by name from its plain name and SHA-256 (the site's
// fingerprint). The worker, which loads the other two, is the page's entry
// point: the last file. The interpreter is read from the store only when
// its Data is asked for.
func (in *Interpreter) Files(name func(plain string, sum store.ID) string) []File {
	wasm := File{data: in.wasm, st: in.st, Sum: in.Sum, Name: name("play.wasm", in.Sum)}
	exec := held("wasm_exec.js", in.Exec, name)
	worker := strings.NewReplacer(
		`= "wasm_exec.js";`, fmt.Sprintf("= %q;", path.Base(exec.Name)),
		`= "play.wasm";`, fmt.Sprintf("= %q;", path.Base(wasm.Name)),
	).Replace(workerJS)
	return []File{wasm, exec, held("play-worker.js", []byte(worker), name)}
}

// held returns the file plain with data, named by name.
func held(plain string, data []byte, name func(string, store.ID) string) File {
	f := File{data: data, Sum: store.Sum(data)}
	f.Name = name(plain, f.Sum)
	return f
}
