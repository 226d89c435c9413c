package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gonotebook/notebook/internal/gotool"
	"github.com/gonotebook/notebook/runner/yaegi"
	"github.com/gonotebook/notebook/snippets"
)

// An Engine readies snippets to run in a box.
type Engine interface {
	// Version names what compiles or interprets the programs, for results
	// and cache keys.
	Version(ctx context.Context) (string, error)
	// Prepare readies s to run. scratch is a folder the engine may use
	// until the run has ended. A program that does not compile gives a
	// *CompileError; any other error is the engine's own failure.
	Prepare(ctx context.Context, s *snippets.Snippet, scratch string) (*Program, error)
}

// A Program is a snippet ready to run: what the box executes, or the entry
// point it runs in-process.
type Program struct {
	Path  string   // an executable, or "" when Entry is set
	Entry string   // an entry point of the box (see Child)
	Args  []string // arguments before the snippet's own
	// ReadOnly are files and folders the run must be able to read, beside
	// Path (see box.Cmd).
	ReadOnly []string
	// Files are written into the run's working directory before it starts,
	// by name.
	Files map[string][]byte
}

// A CompileError says that a snippet's program does not compile, with the
// compiler's messages.
type CompileError struct {
	Engine string
	Msg    string
}

func (e *CompileError) Error() string {
	if e.Engine == snippets.Yaegi {
		return "compile error (yaegi):\n" + strings.TrimSpace(e.Msg)
	}
	return "compile error:\n" + strings.TrimSpace(e.Msg)
}

// native compiles a snippet with the go command.
type native struct {
	goCmd string

	once    sync.Once
	version string
	err     error

	cpOnce sync.Once
	cp     string // the cp command on PATH; "" if none
}

func (n *native) cmd() string {
	if n.goCmd != "" {
		return n.goCmd
	}
	return "go"
}

// Version is the release of the go command: read from its installation
// where that says which it is (see gotool.Installed), else from go env
// GOVERSION, which costs a process. Snippets build with the installed
// release whatever GOTOOLCHAIN says (see build), so that the release a
// result names is the one that built it.
func (n *native) Version(ctx context.Context) (string, error) {
	n.once.Do(func() {
		if tc, ok := gotool.Installed(n.cmd()); ok {
			n.version = tc.Version
			return
		}
		cmd := exec.CommandContext(ctx, n.cmd(), "env", "GOVERSION")
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		out, err := cmd.Output()
		if err != nil {
			n.err = fmt.Errorf("running %s env GOVERSION: %v", n.cmd(), err)
			return
		}
		n.version = strings.TrimSpace(string(out))
	})
	return n.version, n.err
}

// Prepare builds s into scratch. Naming the files rather than the package
// builds a snippet alike inside a module and in a notebook that is not
// one; -trimpath keeps this machine's paths out of panics' traces, which
// name the files as ./main.go either way.
//
// Where cp is on PATH, the program is built by go run -exec cp, which hands
// the linked program to cp to copy into scratch instead of running it. The
// go command keeps what go run links in its build cache (Go 1.24 and
// later), so a snippet that was built before, unchanged, with the same
// toolchain and settings, is not linked again: with a warm build cache a
// build then costs a third of a go build, which always links. The price
// is a copy of every program in that cache, 2 to 4 MB a snippet, which
// the go command removes once unused for some days. Without cp, go build
// links it every time. go run fails alike whether the program does not
// compile or cp fails (a full disk, say); on any failure, go build then
// says which, so that only the compiler's words are a CompileError.
func (n *native) Prepare(ctx context.Context, s *snippets.Snippet, scratch string) (*Program, error) {
	bin := filepath.Join(scratch, "prog")
	var files []string
	for _, name := range s.Files {
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			files = append(files, name)
		}
	}
	if cp := n.copier(); cp != "" {
		err := n.build(ctx, s, append(append([]string{"run", "-trimpath", "-exec", cp}, files...), bin)...)
		switch {
		case err == nil:
			return &Program{Path: bin}, nil
		case ctx.Err() != nil:
			return nil, err
		}
		os.Remove(bin) // what cp may have left of it
	}
	if err := n.build(ctx, s, append([]string{"build", "-trimpath", "-o", bin}, files...)...); err != nil {
		return nil, err
	}
	return &Program{Path: bin}, nil
}

// build runs the go command with args in s's folder: a *CompileError
// with its output if it fails, ctx's error if ctx ended, or why it could
// not run. GOTOOLCHAIN=local keeps the go command from switching to
// another release, which a go.mod around the snippet could ask for (and
// download): a snippet that needs a newer Go than the one installed fails
// to build, saying so.
func (n *native) build(ctx context.Context, s *snippets.Snippet, args ...string) error {
	cmd := exec.CommandContext(ctx, n.cmd(), args...)
	cmd.Dir = s.Dir
	cmd.Env = append(os.Environ(), "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -buildvcs=false"), "GOWORK=off", "GOTOOLCHAIN=local")
	out, err := cmd.CombinedOutput()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return fmt.Errorf("snippet %s: running %s %s: %v", s.ID, n.cmd(), args[0], err)
	}
	return &CompileError{Engine: snippets.Native, Msg: string(out)}
}

// copier returns the cp command that go run hands the linked program to,
// or "" if there is none.
func (n *native) copier() string {
	n.cpOnce.Do(func() { n.cp, _ = exec.LookPath("cp") })
	return n.cp
}

// yaegiEntry names the box's entry point that interprets a snippet.
const yaegiEntry = "yaegi"

// interpreted runs a snippet under yaegi, in the box itself: nothing is
// compiled ahead; the box reads the snippet's folder when it starts.
type interpreted struct {
	exe string // the box's program; the running one if empty

	once    sync.Once
	version string
	err     error
}

func (y *interpreted) Version(context.Context) (string, error) {
	y.once.Do(func() {
		exe := y.exe
		if exe == "" {
			if exe, y.err = os.Executable(); y.err != nil {
				return
			}
		}
		y.version, y.err = yaegi.Version(exe)
	})
	return y.version, y.err
}

// Prepare names the snippet's folder for the box's yaegi entry point, which
// says in its report why the program does not compile, if it does not.
func (y *interpreted) Prepare(_ context.Context, s *snippets.Snippet, _ string) (*Program, error) {
	dir, err := filepath.Abs(s.Dir)
	if err != nil {
		return nil, err
	}
	return &Program{Entry: yaegiEntry, Args: []string{dir}, ReadOnly: []string{dir}}, nil
}
