package runner

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gonotebook/notebook/runner/box"
	"github.com/gonotebook/notebook/snippets"
)

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

// goEnv is the go command's installation and what its compiles use.
type goEnv struct {
	release  string                   // GOVERSION; snippets build with it whatever GOTOOLCHAIN says (see build)
	root     string                   // GOROOT
	modCache func() ([]string, error) // GOMODCACHE, asked when a compile needs it
	goCmd    string                   // the go command's path
	cache    string                   // the compiles' own build cache
	envFile  string                   // the user's go env file, or "" if none
	cp       string                   // the cp command, or "" if none
}

// findGo asks the go command on PATH where it lives, and makes the build
// cache of the compiles: a folder of the user's cache folder, not the
// user's own GOCACHE, which a compile's box could otherwise write into.
func findGo() (*goEnv, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, fmt.Errorf("no go command: %v", err)
	}
	release, root, err := GoRelease(context.Background(), goCmd)
	if err != nil {
		return nil, err
	}
	env := &goEnv{release: release, root: root, goCmd: goCmd, envFile: goEnvFile()}
	env.modCache = sync.OnceValues(func() ([]string, error) { return GoEnv(context.Background(), goCmd, "GOMODCACHE") })
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	env.cache = filepath.Join(dir, "notebook-go-build") // trimmed by the go command, not the store
	if _, err := os.Stat(env.envFile); err != nil {
		env.envFile = ""
	}
	env.cp, _ = exec.LookPath("cp")
	return env, os.MkdirAll(env.cache, 0o700)
}

// compile builds s into scratch with the go command, in a box (see package
// box): no network, no host file but the snippet's folder, its module's
// go.mod, go.sum and vendor folder, GOROOT, the module cache and the
// system's folders (not /etc), all read-only; a build cache of its own;
// and more room than a run, for the go command, the compiler and the
// linker at once. It returns the program's path. Naming the files
// rather than the package builds a snippet alike inside a module and
// outside one; -trimpath keeps this machine's paths out of panics' traces.
//
// Where cp is on PATH, go run -exec cp builds the program and copies it
// into scratch: the go command caches what go run links, so a snippet
// built before is not linked again. If go run failed by itself, go build
// says whether the compiler or cp failed, so that only the compiler's
// words are a CompileError.
func (r *Runner) compile(ctx context.Context, s *snippets.Snippet, scratch string) (string, error) {
	env, err := r.goEnv()
	if err != nil {
		return "", err
	}
	dir, err := filepath.Abs(s.Dir)
	if err != nil {
		return "", err
	}
	out := filepath.Join(scratch, "bin")
	if err := os.Mkdir(out, 0o700); err != nil {
		return "", err
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
		if exited, err := r.build(ctx, s, env, scratch, out, args); err == nil || !exited {
			return bin, err
		}
		os.Remove(bin) // what cp may have left of it
	}
	_, err = r.build(ctx, s, env, scratch, out, append([]string{"build", "-C", dir, "-trimpath", "-o", bin}, files...))
	return bin, err
}

// build runs the go command with args in a box that may write to out, and
// returns a *CompileError with its output (scratch named $WORK) if it
// fails; exited says that the go command ended by itself. GOTOOLCHAIN=local
// keeps a go.mod from switching to another release; GOPROXY=off: modules
// come from the module cache or not at all.
func (r *Runner) build(ctx context.Context, s *snippets.Snippet, env *goEnv, scratch, out string, args []string) (exited bool, err error) {
	modCache, err := env.modCache()
	if err != nil {
		return false, err
	}
	work := filepath.Join(scratch, "work")
	cgo := "0"
	if s.Options.Cgo {
		cgo = "1"
	}
	vars := append(runEnv(work),
		"GOROOT="+env.root, "GOMODCACHE="+modCache[0], "GOCACHE="+env.cache,
		"GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -buildvcs=false"),
		"GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off", "CGO_ENABLED="+cgo, "GOENV="+cmp.Or(env.envFile, "off"))
	readOnly := []string{s.Dir, env.root}
	for _, p := range []string{env.cp, env.envFile} {
		if p != "" {
			readOnly = append(readOnly, p)
		}
	}
	for _, k := range buildEnv {
		if v, ok := os.LookupEnv(k); ok && k != "GOFLAGS" && k != "CGO_ENABLED" {
			vars = append(vars, k+"="+v)
		}
	}
	for _, p := range append(moduleFiles(s.Dir, "go.mod", "go.sum", "vendor"), modCache[0]) {
		if _, err := os.Stat(p); err == nil {
			readOnly = append(readOnly, p)
		}
	}
	r.compiles.Add(1)
	res, err := r.box.Run(ctx, &box.Cmd{
		Path: env.goCmd, Args: args, Env: vars, Dir: work,
		ReadOnly: readOnly, Writable: []string{out, env.cache}, System: compileSystem,
		Timeout: 5 * time.Minute,
		Limits:  box.Limits{Memory: 1 << 30, Processes: 1024, Files: 4096, FileSize: 1 << 30, Disk: 1 << 30},
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

// moduleFiles returns the named files of the module around dir, in the
// folder that holds its go.mod; none if no module holds dir.
func moduleFiles(dir string, names ...string) []string {
	d, _ := filepath.Abs(dir)
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(d) == d {
			return nil
		}
		d = filepath.Dir(d)
	}
	var files []string
	for _, name := range names {
		files = append(files, filepath.Join(d, name))
	}
	return files
}
