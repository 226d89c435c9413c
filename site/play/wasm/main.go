//go:build js && wasm

// Command wasm is the Go interpreter readers run in their browser: yaegi,
// with the standard-library packages listed in play.Packages, built with
// GOOS=js GOARCH=wasm and loaded by Go's wasm_exec.js in a Web Worker.
//
// It sets one function on the global object and waits:
//
//	notebookRun(code, done)
//
// interprets code, the text of one Go file of package main, and calls
// done(exit) when its main function has returned (exit 0), panicked
// (exit 2) or failed to compile (exit 2). The program calls
// notebookReady(), if the global object has it, whenever an interpreter is
// ready for the next run; one that replaces an instance that ended warms
// up first if notebookWarmUp is true. The program writes to the
// process's own standard output and error, file descriptors 1 and 2, which
// wasm_exec.js passes to fs.writeSync as they are written: the worker
// streams them from there. os.Exit (through log.Fatal) ends the whole
// program, as it ends a compiled one; so does a panic on another
// goroutine. A run that leaves goroutines behind ends the program after
// done too, so that nothing of one run outlives it. The worker starts a
// fresh program for the next run when this one has ended.
package main

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"strings"
	"syscall/js"

	"github.com/traefik/yaegi/interp"
)

// Symbols and MapTypes are filled by the generated symbols_*.go files,
// copies of yaegi's own tables for the packages the browser carries.
var (
	Symbols  = map[string]map[string]reflect.Value{}
	MapTypes = map[reflect.Value][]reflect.Type{}
)

func main() {
	// An interpreter is readied before each run is asked for: loading the
	// symbol tables and compiling yaegi's generic library code takes most
	// of the time a small program needs.
	spare := make(chan *interp.Interpreter, 1)
	warmed := false
	ready := func() {
		if !warmed {
			warmUp()
			warmed = true
		}
		spare <- newInterpreter(os.Stdout, os.Stderr)
		// Collect the last run's garbage now rather than during the next.
		runtime.GC()
		if f := js.Global().Get("notebookReady"); f.Type() == js.TypeFunction {
			f.Invoke()
		}
	}
	if js.Global().Get("notebookWarmUp").Truthy() {
		// This instance replaces one that ended: nobody waits for it yet.
		go ready()
	} else {
		// The reader's first Run waits for this instance: it gets an
		// interpreter at once, and the warm-up comes after that run.
		go func() { spare <- newInterpreter(os.Stdout, os.Stderr) }()
	}
	run := js.FuncOf(func(_ js.Value, args []js.Value) any {
		if len(args) != 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeFunction {
			panic("notebookRun: want (code string, done function)")
		}
		code, done := args[0].String(), args[1]
		go func() {
			i := <-spare
			before := runtime.NumGoroutine()
			exit := interpret(i, code, os.Stderr)
			done.Invoke(exit)
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

// warmUpProgram uses what most programs do: printing, methods, closures,
// maps, slices, goroutines, a mutex, a timer.
const warmUpProgram = `package main

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) add(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[s]++
}

func main() {
	c := &counter{n: map[string]int{}}
	var wg sync.WaitGroup
	for i, w := range strings.Fields("a b c a") {
		wg.Add(1)
		go func(i int, w string) {
			defer wg.Done()
			c.add(fmt.Sprintf("%s%d", w, i%2))
		}(i, w)
	}
	wg.Wait()
	keys := make([]string, 0, len(c.n))
	for k := range c.n {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	done := make(chan bool)
	time.AfterFunc(time.Millisecond, func() { done <- true })
	<-done
	fmt.Println(keys, time.Since(time.Now()) < time.Second)
}
`

// warmUp interprets warmUpProgram once, its output discarded: the browser
// compiles the interpreter's code when it is first called, and a reader's
// later runs should not wait for that.
func warmUp() {
	interpret(newInterpreter(io.Discard, io.Discard), warmUpProgram, io.Discard)
}

// newInterpreter returns an interpreter with the symbol tables, or nil if
// it could not be made.
func newInterpreter(stdout, stderr io.Writer) *interp.Interpreter {
	i := interp.New(interp.Options{Stdout: stdout, Stderr: stderr})
	if err := use(i); err != nil {
		fmt.Fprintf(stderr, "notebook: the interpreter could not start: %v\n", err)
		return nil
	}
	return i
}

// interpret runs the program in code with i and returns its exit status.
func interpret(i *interp.Interpreter, code string, stderr io.Writer) (exit int) {
	if i == nil {
		return 2
	}
	defer func() {
		if r := recover(); r != nil {
			if v, ok := r.(reflect.Value); ok && v.IsValid() && v.CanInterface() {
				r = v.Interface()
			}
			fmt.Fprintf(stderr, "panic: %s\n", panicValue(r))
			exit = 2
		}
	}()
	if _, err := i.Eval(code); err != nil {
		fmt.Fprintln(stderr, strings.TrimSpace(err.Error()))
		return 2
	}
	return 0
}

// use gives i the symbol tables, then the log package's own functions
// (see log.go): they write to standard error with the standard logger, as
// a compiled program's do. yaegi replaces them, when it is given the
// standard library, with a logger of its own; a second Use puts them back.
func use(i *interp.Interpreter) error {
	syms := interp.Exports{".": {"MapTypes": reflect.ValueOf(MapTypes)}}
	for k, v := range Symbols {
		syms[k] = v
	}
	if err := i.Use(syms); err != nil {
		return err
	}
	return i.Use(interp.Exports{"log/log": Symbols["log/log"]})
}

// panicValue formats a panic's value as the Go runtime does when the panic
// ends the program, for the common cases: an error's Error, a Stringer's
// String, a string as it is, anything else as %v with its type.
func panicValue(v any) string {
	switch x := v.(type) {
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	case string:
		return strings.ReplaceAll(x, "\n", "\n\t")
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, uintptr, bool:
		return fmt.Sprint(x)
	}
	return fmt.Sprintf("(%T) %v", v, v)
}
