package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gonotebook/notebook/runner/box"
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

// native compiles a snippet with the go command, in a box (see
// package box): no network, no host file but the snippet's folder, its
// module's go.mod, go.sum and vendor folder, GOROOT, the module cache and
// the system's folders (not /etc), all read-only; a build cache of its
// own; and the limits below.
type native struct {
	goCmd string
	box   func() *box.Box // the Runner's; own if nil
	own   box.Box

	once    sync.Once
	version string
	err     error

	envOnce sync.Once
	env     goEnv
	envErr  error

	compiles atomic.Int64 // runs of the go command, for tests
}

func (n *native) sandbox() *box.Box {
	if n.box != nil {
		return n.box()
	}
	return &n.own
}

func (n *native) cmd() string {
	if n.goCmd != "" {
		return n.goCmd
	}
	return "go"
}

// Version is the release of the go command (see GoEnv). Snippets build
// with the installed release whatever GOTOOLCHAIN says (see build), so
// that the release a result names is the one that built it.
func (n *native) Version(ctx context.Context) (string, error) {
	n.once.Do(func() { n.version, _, n.err = GoEnv(ctx, n.cmd()) })
	return n.version, n.err
}

// What a compile may use: more than a run, for the go command, the
// compiler and the linker at once.
const (
	compileTimeout = 5 * time.Minute
	compileMemory  = 1 << 30
	compileDisk    = 1 << 30
)

// goEnv is where the go command's installation and caches are.
type goEnv struct {
	GOROOT     string
	GOMODCACHE string
	goCmd      string // the go command's path
	cache      string // the compiles' own build cache
	envFile    string // the user's go env file, or "" if none
	cp         string // the cp command, or "" if none
}

// goEnv asks the go command, once, where it lives, and makes the build
// cache of the compiles: a folder of the user's cache folder, not the
// user's own GOCACHE, which a compile's box could otherwise write into.
func (n *native) goEnv(ctx context.Context) (*goEnv, error) {
	n.envOnce.Do(func() {
		cmd := exec.CommandContext(ctx, n.cmd(), "env", "-json", "GOROOT", "GOMODCACHE")
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
		out, err := cmd.Output()
		if err == nil {
			err = json.Unmarshal(out, &n.env)
		}
		if err != nil {
			n.envErr = fmt.Errorf("running %s env: %v", n.cmd(), err)
			return
		}
		if n.env.goCmd, err = exec.LookPath(n.cmd()); err != nil {
			n.envErr = err
			return
		}
		dir, err := os.UserCacheDir()
		if err != nil {
			dir = os.TempDir()
		}
		n.env.cache = filepath.Join(dir, "notebook-go-build") // trimmed by the go command, not the store
		n.envErr = os.MkdirAll(n.env.cache, 0o700)
		if _, err := os.Stat(goEnvFile()); err == nil {
			n.env.envFile = goEnvFile()
		}
		n.env.cp, _ = exec.LookPath("cp")
	})
	return &n.env, n.envErr
}

// Prepare builds s into scratch, in a box. Naming the files rather than
// the package builds a snippet alike inside a module and in a notebook
// that is not one; -trimpath keeps this machine's paths out of panics'
// traces, which name the files as ./main.go either way, and the
// compiler's messages name no temporary folder of the build's (see
// build). cgo is off unless the snippet's options say cgo: true.
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
// compile or cp fails (a full disk, say); when it failed by itself (not
// killed at a limit), go build then says which, so that only the
// compiler's words are a CompileError.
func (n *native) Prepare(ctx context.Context, s *snippets.Snippet, scratch string) (*Program, error) {
	env, err := n.goEnv(ctx)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(s.Dir)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(scratch, "bin")
	if err := os.Mkdir(out, 0o700); err != nil {
		return nil, err
	}
	bin := filepath.Join(out, "prog")
	var files []string
	for _, name := range s.Files {
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			files = append(files, name)
		}
	}
	if env.cp != "" {
		args := append(append([]string{"run", "-C", dir, "-trimpath", "-exec", env.cp}, files...), bin)
		exited, err := n.build(ctx, s, env, scratch, out, args)
		if err == nil || !exited {
			return &Program{Path: bin}, err
		}
		os.Remove(bin) // what cp may have left of it
	}
	args := append([]string{"build", "-C", dir, "-trimpath", "-o", bin}, files...)
	if _, err := n.build(ctx, s, env, scratch, out, args); err != nil {
		return nil, err
	}
	return &Program{Path: bin}, nil
}

// build runs the go command with args in a box that may write to out,
// and returns a *CompileError with its output if it fails, ctx's error if
// ctx ended, or why it could not run; exited says that the go command
// ended by itself. GOTOOLCHAIN=local keeps the go command from
// switching to another release, which a go.mod around the snippet could
// ask for: a snippet that needs a newer Go than the one installed fails
// to build, saying so. GOPROXY=off: modules come from the module cache
// or not at all. The build's temporary folders are named $WORK in what it
// says.
func (n *native) build(ctx context.Context, s *snippets.Snippet, env *goEnv, scratch, out string, args []string) (exited bool, err error) {
	work := filepath.Join(scratch, "work")
	cgo := "0"
	if s.Options.Cgo {
		cgo = "1"
	}
	vars := append(runEnv(work),
		"GOROOT="+env.GOROOT, "GOMODCACHE="+env.GOMODCACHE, "GOCACHE="+env.cache,
		"GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -buildvcs=false"),
		"GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off", "CGO_ENABLED="+cgo, "GOENV=off")
	readOnly := []string{s.Dir, env.GOROOT}
	if env.cp != "" {
		readOnly = append(readOnly, env.cp)
	}
	if env.envFile != "" {
		vars[len(vars)-1] = "GOENV=" + env.envFile
		readOnly = append(readOnly, env.envFile)
	}
	for _, k := range buildEnv {
		if v, ok := os.LookupEnv(k); ok && k != "GOFLAGS" && k != "CGO_ENABLED" {
			vars = append(vars, k+"="+v)
		}
	}
	for _, p := range append(moduleReads(s.Dir), env.GOMODCACHE) {
		if _, err := os.Stat(p); err == nil {
			readOnly = append(readOnly, p)
		}
	}
	n.compiles.Add(1)
	res, err := n.sandbox().Run(ctx, &box.Cmd{
		Path:     env.goCmd,
		Args:     args,
		Env:      vars,
		Dir:      work,
		ReadOnly: readOnly,
		Writable: []string{out, env.cache},
		System:   compileSystem,
		Timeout:  compileTimeout,
		Limits:   box.Limits{Memory: compileMemory, Processes: 1024, Files: 4096, FileSize: compileDisk, Disk: compileDisk},
	})
	switch {
	case err != nil:
		return false, err
	case res.Exit == 0 && res.Problem == "":
		return true, nil
	case strings.HasPrefix(res.Problem, "could not"):
		return false, fmt.Errorf("snippet %s: building it: %s", s.ID, res.Problem)
	}
	msg := strings.TrimSpace(strings.ReplaceAll(string(res.Output), scratch, "$WORK"))
	if res.Problem != "" {
		msg += "\n" + res.Problem
	}
	if res.Limit != "" {
		msg += "\nthe compile hit its " + res.Limit + " limit"
	}
	return res.Problem == "", &CompileError{Engine: snippets.Native, Msg: msg}
}

// compileSystem are the host's folders a compile sees: the compilers, the
// libraries and the system's include folders; not /etc.
var compileSystem = slices.DeleteFunc(slices.Clone(box.System), func(p string) bool { return p == "/etc" })

// moduleReads lists what the go command reads of the module around dir
// besides dir: its go.mod, go.sum and vendor folder.
func moduleReads(dir string) []string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return []string{filepath.Join(d, "go.mod"), filepath.Join(d, "go.sum"), filepath.Join(d, "vendor")}
		}
		if filepath.Dir(d) == d {
			return nil
		}
	}
}

// yaegiEntry names the box's entry point that interprets a snippet.
const yaegiEntry = "yaegi"

// interpreted runs a snippet under yaegi, in the box itself: nothing is
// compiled ahead; the box reads the snippet's folder when it starts. The
// box is the running program, so the interpreter is the one it links.
type interpreted struct{}

func (interpreted) Version(context.Context) (string, error) { return yaegi.Version() }

// Prepare names the snippet's folder for the box's yaegi entry point, which
// says in its report why the program does not compile, if it does not.
func (interpreted) Prepare(_ context.Context, s *snippets.Snippet, _ string) (*Program, error) {
	dir, err := filepath.Abs(s.Dir)
	if err != nil {
		return nil, err
	}
	return &Program{Entry: yaegiEntry, Args: []string{dir}, ReadOnly: []string{dir}}, nil
}
