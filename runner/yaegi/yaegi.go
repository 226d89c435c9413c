// Package yaegi interprets a snippet with github.com/traefik/yaegi, inside
// a run's box (see package box): Main is the box's entry point for the yaegi
// engine, so an interpreted run costs one process start, like a native one.
//
// The program is the .go files of the snippet's folder, as go build picks
// them (tests left out), with the standard library, including os.Exit,
// os/exec and syscall, and the process's own standard streams, arguments,
// environment and working directory. Where Go and yaegi differ, the
// interpreter behaves like a compiled program:
//
//   - a panic that ends the program prints "panic: " and the value as Go
//     prints it, then a goroutine trace of the interpreted functions it
//     left, and exits with status 2;
//   - a recovered panic prints nothing (yaegi would print a line for every
//     interpreted function the panic left);
//   - the log package writes to standard error with the standard logger,
//     whose flags and prefix the program can set;
//   - a program yaegi cannot compile exits without running, and the runner
//     reports a compile error, saying first where the program uses what
//     yaegi is known to lack: range over an integer or a function.
//
// Differences that remain: a panic on another goroutine prints its value
// with " [recovered, repanicked]" and no trace, as does any other crash the
// interpreter does not catch; a deadlock runs until the timeout; %T and
// reflection name the program's own types differently; the builtins print
// and println write to standard output.
package yaegi

import (
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"io/fs"
	"maps"
	"os"
	"reflect"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/gonotebook/notebook/internal/gopanic"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/syscall"
	"github.com/traefik/yaegi/stdlib/unrestricted"
)

const (
	// Module is the module path of the interpreter.
	Module = "github.com/traefik/yaegi"
	// Release is the version of Module that go.mod requires (see Version).
	Release = "v0.16.1"
)

// Main is the box's entry point for the yaegi engine: args are the
// snippet's folder, then the program's own arguments. It interprets the
// program and returns its exit status; why the program could not be
// compiled, if it could not, goes to report, which is closed before the
// program runs.
func Main(args []string, report io.WriteCloser) (code int) {
	defer report.Close()
	os.Args = append(os.Args[:1:1], args[1:]...)
	src := os.DirFS(args[0])
	filter := &frameFilter{w: os.Stderr}
	i := interp.New(interp.Options{
		SourcecodeFilesystem: src,
		Stderr:               filter, // yaegi's own
		Args:                 os.Args,
		Env:                  os.Environ(),
		Unrestricted:         true,
	})
	prog, err := compile(i, src)
	if err != nil {
		io.WriteString(report, err.Error()+"\n")
		return 2
	}
	report.Close()
	ended := func(r any) int {
		if v, ok := r.(reflect.Value); ok && v.IsValid() && v.CanInterface() {
			r = v.Interface()
		}
		io.WriteString(os.Stderr, "panic: "+gopanic.Value(r)+"\n\n"+filter.trace())
		return 2
	}
	defer func() {
		if r := recover(); r != nil {
			code = ended(r)
		}
	}()
	_, err = i.Execute(prog)
	if p, ok := errors.AsType[interp.Panic](err); ok {
		return ended(p.Value)
	} else if err != nil {
		// The program is compiled: what fails now is the program's.
		fmt.Fprintf(os.Stderr, "notebook: yaegi: %v\n", err)
		return 2
	}
	return 0
}

// compile compiles the program in src without running any of it: its
// .go files as go build picks them, merged into one (see merge), with the
// standard library, syscall, what yaegi calls unrestricted (os.Exit,
// os/exec and the like) and the log package's own functions. Its error
// says first where the program uses what yaegi lacks (see gaps).
func compile(i *interp.Interpreter, src fs.FS) (prog *interp.Program, err error) {
	var files []*ast.File
	defer func() {
		if r := recover(); r != nil {
			prog, err = nil, fmt.Errorf("yaegi stopped with an internal error: %v", r)
		}
		if err != nil {
			err = errors.New(strings.Join(append(gaps(i.FileSet(), files), strings.TrimSpace(err.Error())), "\n"))
		}
	}()
	for _, syms := range []interp.Exports{stdlib.Symbols, syscall.Symbols, unrestricted.Symbols, nativeLog()} {
		if err := i.Use(syms); err != nil {
			return nil, err
		}
	}
	entries, err := fs.ReadDir(src, ".")
	if err != nil {
		return nil, err
	}
	ctxt := build.Default // its build constraints, read from src
	ctxt.OpenFile = func(name string) (io.ReadCloser, error) { return src.Open(name) }
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := ctxt.MatchFile(".", name); err != nil || !ok {
			continue
		}
		data, err := fs.ReadFile(src, name)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(i.FileSet(), name, data, parser.DeclarationErrors)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, errors.New("no Go files")
	}
	return i.CompileAST(merge(files))
}

// merge returns files as one file: the first's package clause, every
// file's imports once, then every other declaration, in order.
func merge(files []*ast.File) *ast.File {
	f := &ast.File{Name: files[0].Name, Package: files[0].Package}
	imports := &ast.GenDecl{Tok: token.IMPORT}
	seen := map[string]bool{}
	for _, file := range files {
		for _, is := range file.Imports {
			key := is.Path.Value
			if is.Name != nil {
				key = is.Name.Name + " " + key
			}
			if !seen[key] {
				seen[key] = true
				imports.Specs = append(imports.Specs, is)
				f.Imports = append(f.Imports, is)
			}
		}
		for _, d := range file.Decls {
			if g, ok := d.(*ast.GenDecl); !ok || g.Tok != token.IMPORT {
				f.Decls = append(f.Decls, d)
			}
		}
	}
	if len(imports.Specs) > 0 {
		f.Decls = append([]ast.Decl{imports}, f.Decls...)
	}
	return f
}

// gaps says where files use valid Go that yaegi is known not to compile:
// range over an integer (Go 1.22), which stops yaegi v0.16.1 with the bare
// internal error "nil type", and range over a function (Go 1.23). The
// files are type-checked without their imports, which is enough to know
// the type of most range expressions.
func gaps(fset *token.FileSet, files []*ast.File) []string {
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Error: func(error) {}} // imports stay unresolved
	conf.Check("main", fset, files, info)
	var gaps []string
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			r, ok := n.(*ast.RangeStmt)
			if !ok || info.Types[r.X].Type == nil {
				return true
			}
			what := ""
			switch t := info.Types[r.X].Type.Underlying().(type) {
			case *types.Basic:
				if t.Info()&types.IsInteger != 0 {
					what = "range over an integer (Go 1.22)"
				}
			case *types.Signature:
				what = "range over a function (Go 1.23)"
			}
			if what != "" {
				gaps = append(gaps, fmt.Sprintf("%s: %s, which yaegi %s cannot compile", fset.Position(r.For), what, Release))
			}
			return true
		})
	}
	return gaps
}

// nativeLog returns the log package's own functions, in place of yaegi's
// logger, which the program cannot configure with log.SetFlags.
func nativeLog() interp.Exports {
	syms := maps.Clone(stdlib.Symbols["log/log"])
	maps.Copy(syms, unrestricted.Symbols["log/log"])
	return interp.Exports{"log/log": syms}
}

// frameLine is the line yaegi writes to its standard error for every
// interpreted function a panic leaves: "main.go:5:12: panic: ./.f(...)".
// The position is where the function's body starts, not the line that
// panicked, so only the function's name is kept.
var frameLine = regexp.MustCompile(`^\S+:\d+:\d+: panic: (\S*)\(\.\.\.\)\n$`)

// A frameFilter is yaegi's standard error: it keeps the frame lines of
// panics, for a Go traceback if a panic ends the program, and passes the
// rest on. yaegi gives no sign when a panic is recovered, so the frames of
// such a panic come first in a later one's trace.
type frameFilter struct {
	w io.Writer

	mu     sync.Mutex
	frames []string // functions panics left, innermost first
	elided bool     // older frames were dropped
}

// maxFrames is how many frames a traceback shows, as in Go.
const maxFrames = 100

func (f *frameFilter) Write(p []byte) (int, error) {
	m := frameLine.FindSubmatch(p)
	if m == nil {
		return f.w.Write(p)
	}
	// yaegi names the main package after its path, "./".
	fn := string(m[1])
	if rest, ok := strings.CutPrefix(fn, "./."); ok {
		fn = "main." + rest
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.frames) == maxFrames {
		f.frames, f.elided = f.frames[1:], true
	}
	f.frames = append(f.frames, fn+"(...)\n")
	return len(p), nil
}

// trace returns a Go traceback of the main goroutine, or "" if no panic
// left an interpreted function.
func (f *frameFilter) trace() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.frames) == 0 {
		return ""
	}
	t := "goroutine 1 [running]:\n" + strings.Join(f.frames, "")
	if f.elided {
		t += "...additional frames elided...\n"
	}
	return t
}

// Version names the interpreter the running program links, and the Go
// release it was built with: "yaegi v0.16.1 (go1.26.8 host)". A program
// whose build information lists no dependencies (the test binary of a
// package other than main) links Release.
var Version = sync.OnceValues(func() (string, error) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", errors.New("reading the yaegi version: the program has no build information")
	}
	version := Release
	for _, m := range info.Deps {
		if m.Path == Module {
			version = m.Version
			if m.Replace != nil {
				version = m.Replace.Path + " " + m.Replace.Version
			}
		}
	}
	return fmt.Sprintf("yaegi %s (%s host)", version, info.GoVersion), nil
})
