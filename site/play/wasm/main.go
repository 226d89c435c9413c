//go:build js && wasm

// Command wasm is the Go interpreter readers run in their browser (see
// package play). It sets one function on the global object and waits:
//
//	notebookRun(code, done)
//
// interprets code, the text of one Go file of package main, and calls
// done(exit, compileError) when its main function has returned (exit 0),
// panicked or failed to compile (exit 2), saying why as Go would (see
// package golike). It calls notebookReady(), if the global object has
// it, whenever an interpreter is ready for the next run.
//
// os.Exit (through log.Fatal) and a panic on another goroutine end the
// whole program, as they end a compiled one; so does a run that leaves
// goroutines behind, after done, so that nothing of one run outlives it.
// The worker then starts a fresh program for the next run.
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"path"
	"reflect"
	"runtime"
	"strings"
	"syscall/js"

	"github.com/traefik/yaegi/interp"

	"github.com/gonotebook/notebook/site/play/internal/golike"
)

// Symbols and MapTypes are filled by the generated symbols_*.go files,
// copies of yaegi's own tables for the packages the browser carries.
var (
	Symbols  = map[string]map[string]reflect.Value{}
	MapTypes = map[reflect.Value][]reflect.Type{}
)

func main() {
	// An interpreter is readied before each run is asked for: loading the
	// symbol tables takes most of the time a small program needs.
	spare := make(chan *machine, 1)
	ready := func() {
		spare <- newInterpreter()
		// Collect the last run's garbage now rather than during the next.
		runtime.GC()
		if f := js.Global().Get("notebookReady"); f.Type() == js.TypeFunction {
			f.Invoke()
		}
	}
	go ready()
	run := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeFunction {
			panic("notebookRun: want (code string, done function)")
		}
		code, done := args[0].String(), args[1]
		go func() {
			i := <-spare
			before := runtime.NumGoroutine()
			exit, compileError := interpret(i, code)
			done.Invoke(exit, compileError)
			if runtime.NumGoroutine() > before {
				// The program's other goroutines would outlive it.
				os.Exit(exit)
			}
			ready()
		}()
		return nil
	})
	js.Global().Set("notebookRun", run)
	select {}
}

// A machine is an interpreter with the Tracker of its one run.
type machine struct {
	i       *interp.Interpreter
	tracker *golike.Tracker
}

// newInterpreter returns an interpreter with the symbol tables and the
// Tracker's functions, or nil if it could not be made. yaegi's standard
// error, which has only its own lines about panics, is dropped: the
// Tracker says where a panic happened instead. The log package's own
// functions (see logFatal) are given again last: yaegi replaces them,
// when it is given the standard library, with a logger of its own.
func newInterpreter() *machine {
	m := &machine{interp.New(interp.Options{Stdout: os.Stdout, Stderr: io.Discard}), &golike.Tracker{Stderr: os.Stderr, Exit: os.Exit}}
	syms := m.tracker.Exports()
	syms["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(MapTypes)}
	maps.Copy(syms, Symbols)
	err := m.i.Use(syms)
	if err == nil {
		err = m.i.Use(interp.Exports{"log/log": Symbols["log/log"]})
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "notebook: the interpreter could not start: %v\n", err)
		return nil
	}
	return m
}

// The generated log table names these, which yaegi's stdlib package
// defines as restricted versions that panic instead of exiting. Here they
// are the log package's own: Fatal exits with status 1, as in a compiled
// program.

type logLogger = log.Logger

func logNew(out io.Writer, prefix string, flag int) *logLogger { return log.New(out, prefix, flag) }

func logFatal(v ...any)            { log.Fatal(v...) }
func logFatalf(f string, v ...any) { log.Fatalf(f, v...) }
func logFatalln(v ...any)          { log.Fatalln(v...) }

// available reports whether the browser's interpreter has the package
// with the import path p.
func available(p string) bool {
	_, ok := Symbols[p+"/"+path.Base(p)]
	return ok
}

// interpret runs the program in code with m and returns its exit status,
// and whether it failed to compile. What the program cannot be run for,
// and the panic that ends it, go to standard error as Go would print
// them (see package golike).
func interpret(m *machine, code string) (exit int, compileError bool) {
	if m == nil {
		return 2, false
	}
	defer func() {
		if r := recover(); r != nil {
			// yaegi itself failed, compiling or running the program.
			fmt.Fprintf(os.Stderr, "panic: %s\n", golike.Value(r))
			exit = 2
		}
	}()
	f, err := golike.Prepare(m.i.FileSet(), code, available)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2, true
	}
	prog, err := m.i.CompileAST(f)
	if err != nil {
		fmt.Fprintln(os.Stderr, strings.TrimSpace(err.Error()))
		return 2, true
	}
	m.tracker.Begin()
	_, err = m.i.Execute(prog)
	var p interp.Panic
	switch {
	case errors.As(err, &p):
		io.WriteString(os.Stderr, m.tracker.Report(p.Value))
	case err != nil:
		fmt.Fprintln(os.Stderr, strings.TrimSpace(err.Error()))
	default:
		return 0, false
	}
	return 2, false
}
