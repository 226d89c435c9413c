package golike

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/gonotebook/notebook/internal/gopanic"
)

// A Tracker keeps the traces of the panics of one run of a program that
// Prepare rewrote, and says what a panic that ends the run prints. Give
// the interpreter its Exports before compiling the program, and call
// Begin on the goroutine that runs it. Its zero value writes to
// os.Stderr and ends the program with os.Exit.
type Tracker struct {
	// Stderr receives what a panic on a goroutine other than main's
	// prints before Exit ends the program; os.Stderr if nil. A panic
	// on main's goroutine is the caller's to print: see Report.
	Stderr io.Writer
	// Exit ends the program with a status; os.Exit if nil.
	Exit func(code int)

	mu      sync.Mutex
	main    int64              // the goroutine that runs main
	traces  map[int64][]string // by goroutine, the functions a panic left, innermost first
	created map[int64]string   // by goroutine, where Go started it
}

// maxFrames is how many functions a trace shows, as Go's do.
const maxFrames = 100

// Begin starts a run on the calling goroutine, which runs the program's
// main function.
func (t *Tracker) Begin() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.main = goid()
	t.traces = map[int64][]string{}
	t.created = map[int64]string{}
}

// Exports returns the functions a rewritten program calls, for yaegi's
// Use.
func (t *Tracker) Exports() interp.Exports {
	return interp.Exports{Path + "/golike": {
		"Frame":    reflect.ValueOf(t.Frame),
		"Recover":  reflect.ValueOf(t.Recover),
		"Index":    reflect.ValueOf(Index),
		"Slice":    reflect.ValueOf(Slice),
		"Go":       reflect.ValueOf(t.Go),
		"GoSpread": reflect.ValueOf(t.GoSpread),
	}}
}

// Frame adds to the trace of the panic leaving the calling goroutine
// the function frame, which was at line.
func (t *Tracker) Frame(frame string, line int) {
	g := goid()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.traces == nil {
		t.traces = map[int64][]string{}
	}
	if len(t.traces[g]) < maxFrames {
		t.traces[g] = append(t.traces[g], fmt.Sprintf("%s\n\t%s:%d\n", frame, Name, line))
	}
}

// Recover is called with the value of a panic the program recovered on
// the calling goroutine: it drops that panic's trace, and returns the
// value the program should have recovered, and true, where yaegi's
// differs: the run-time error Go would have raised for a panic of yaegi's
// from reflect, and the value itself for one that yaegi hands over
// wrapped in a reflect.Value, as it does when the panic left the function
// that raised it.
func (t *Tracker) Recover(v any) (any, bool) {
	g := goid()
	t.mu.Lock()
	delete(t.traces, g)
	t.mu.Unlock()
	wrapped := false
	for {
		rv, ok := v.(reflect.Value)
		if !ok {
			break
		}
		wrapped = true
		if !rv.IsValid() || !rv.CanInterface() {
			return nil, true
		}
		v = rv.Interface()
	}
	if e := fromReflect(v); e != nil {
		return e, true
	}
	return v, wrapped
}

// Go starts f(args...) on a new goroutine, as the go statement of the
// function creator at line would; a panic that ends that goroutine ends
// the program as Go's does (see crash).
func (t *Tracker) Go(creator string, line int, f any, args ...any) {
	t.start(creator, line, f, args, false)
}

// GoSpread is Go for a call whose last argument is spread: f(x, s...).
func (t *Tracker) GoSpread(creator string, line int, f any, args ...any) {
	t.start(creator, line, f, args, true)
}

func (t *Tracker) start(creator string, line int, f any, args []any, spread bool) {
	fv := reflect.ValueOf(f)
	if fv.Kind() != reflect.Func || fv.IsNil() {
		panic(runtimeError("invalid memory address or nil pointer dereference"))
	}
	ft := fv.Type()
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		var pt reflect.Type
		switch {
		case spread && i == len(args)-1 || !ft.IsVariadic() || i < ft.NumIn()-1:
			pt = ft.In(min(i, ft.NumIn()-1))
		default:
			pt = ft.In(ft.NumIn() - 1).Elem()
		}
		in[i] = value(a, pt)
	}
	parent := t.number(goid())
	go func() {
		g := goid()
		t.mu.Lock()
		if t.created == nil {
			t.created = map[int64]string{}
		}
		t.created[g] = fmt.Sprintf("created by %s in goroutine %d\n\t%s:%d\n", creator, parent, Name, line)
		t.mu.Unlock()
		defer func() {
			if r := recover(); r != nil {
				t.crash(g, r)
			}
		}()
		if spread {
			fv.CallSlice(in)
		} else {
			fv.Call(in)
		}
	}()
}

// value returns a as a value of type pt, as Go would have converted an
// argument: an untyped constant to the parameter's type, nil to its zero.
func value(a any, pt reflect.Type) reflect.Value {
	v := reflect.ValueOf(a)
	switch {
	case !v.IsValid():
		return reflect.Zero(pt)
	case v.Type() == reflect.TypeFor[reflect.Value]():
		v = v.Interface().(reflect.Value)
		if !v.IsValid() {
			return reflect.Zero(pt)
		}
	}
	if !v.Type().AssignableTo(pt) && v.Type().ConvertibleTo(pt) {
		v = v.Convert(pt)
	}
	return v
}

// number is the goroutine number a trace shows for g: 1 for main's, as in
// a compiled program.
func (t *Tracker) number(g int64) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if g == t.main {
		return 1
	}
	return g
}

// crash prints what Go prints when a panic ends goroutine g, and ends the
// program with status 2.
func (t *Tracker) crash(g int64, r any) {
	t.mu.Lock()
	created := t.created[g]
	t.mu.Unlock()
	w := t.Stderr
	if w == nil {
		w = os.Stderr
	}
	io.WriteString(w, t.report(g, r)+created)
	exit := t.Exit
	if exit == nil {
		exit = os.Exit
	}
	exit(2)
	runtime.Goexit() // an Exit that returns ends this goroutine only
}

// Report returns what Go prints when a panic with value r ends the
// program on main's goroutine: the value, then that goroutine's trace.
func (t *Tracker) Report(r any) string {
	t.mu.Lock()
	g := t.main
	t.mu.Unlock()
	return t.report(g, r)
}

func (t *Tracker) report(g int64, r any) string {
	var b strings.Builder
	b.WriteString("panic: " + Value(r) + "\n")
	t.mu.Lock()
	trace := t.traces[g]
	t.mu.Unlock()
	if len(trace) > 0 {
		fmt.Fprintf(&b, "\ngoroutine %d [running]:\n", t.number(g))
		for _, f := range trace {
			b.WriteString(f)
		}
	}
	return b.String()
}

// goid returns the calling goroutine's number, from its trace.
func goid() int64 {
	var buf [64]byte
	s := buf[:runtime.Stack(buf[:], false)]
	s, _ = bytes.CutPrefix(s, []byte("goroutine "))
	if i := bytes.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	n, _ := strconv.ParseInt(string(s), 10, 64)
	return n
}

// A runtimeError is a run-time panic as Go's runtime makes it.
type runtimeError string

func (e runtimeError) Error() string { return "runtime error: " + string(e) }

// RuntimeError marks it as one, as runtime.Error does.
func (e runtimeError) RuntimeError() {}

// Index panics as Go does for an index i out of range of a length n.
func Index(i, n int) {
	if i < 0 {
		panic(runtimeError(fmt.Sprintf("index out of range [%d]", i)))
	}
	panic(runtimeError(fmt.Sprintf("index out of range [%d] with length %d", i, n)))
}

// Slice panics as Go does if x[lo:hi] (x[lo:hi:max] if three) is out of
// range of x, of length n and capacity c; byLen says that x is an array
// or a string, which Go's messages bound by their length.
func Slice(three, byLen bool, lo, hi, max, n, c int) {
	with := "capacity"
	if byLen {
		with = "length"
	}
	var msg string
	switch {
	case !three && hi < 0:
		msg = fmt.Sprintf("slice bounds out of range [:%d]", hi)
	case !three && hi > c:
		msg = fmt.Sprintf("slice bounds out of range [:%d] with %s %d", hi, with, c)
	case !three && lo < 0:
		msg = fmt.Sprintf("slice bounds out of range [%d:]", lo)
	case !three && lo > hi:
		msg = fmt.Sprintf("slice bounds out of range [%d:%d]", lo, hi)
	case three && max < 0:
		msg = fmt.Sprintf("slice bounds out of range [::%d]", max)
	case three && max > c:
		msg = fmt.Sprintf("slice bounds out of range [::%d] with %s %d", max, with, c)
	case three && hi < 0:
		msg = fmt.Sprintf("slice bounds out of range [:%d:]", hi)
	case three && hi > max:
		msg = fmt.Sprintf("slice bounds out of range [:%d:%d]", hi, max)
	case three && lo < 0:
		msg = fmt.Sprintf("slice bounds out of range [%d::]", lo)
	case three && lo > hi:
		msg = fmt.Sprintf("slice bounds out of range [%d:%d:]", lo, hi)
	default:
		return
	}
	panic(runtimeError(msg))
}

// reflectMessages are the panics of the reflect package that yaegi lets
// through for what, in a compiled program, is a run-time error, with Go's
// message for it.
var reflectMessages = map[string]string{
	"reflect: slice index out of range":                     "index out of range",
	"reflect: array index out of range":                     "index out of range",
	"reflect: string index out of range":                    "index out of range",
	"reflect.Value.Slice: slice index out of bounds":        "slice bounds out of range",
	"reflect.Value.Slice: string slice index out of bounds": "slice bounds out of range",
	"reflect.Value.Slice3: slice index out of bounds":       "slice bounds out of range",
}

// fromReflect returns the run-time error Go would have raised where
// yaegi's use of reflect panicked with v, or nil if v is not such a panic.
func fromReflect(v any) error {
	switch x := v.(type) {
	case *reflect.ValueError:
		return runtimeError("invalid memory address or nil pointer dereference")
	case string:
		if m, ok := reflectMessages[x]; ok {
			return runtimeError(m)
		}
	}
	return nil
}

// position is how yaegi starts some of its run-time errors: where they
// happened, which the trace says instead.
var position = regexp.MustCompile(`^(?:\S+:)?\d+:\d+: (interface conversion: )`)

// Value formats a panic's value as Go's runtime does when the panic ends
// the program (see gopanic.Value): one of yaegi's from reflect as the
// run-time error Go would have raised, and without the position yaegi
// starts some of its own errors with, which the trace gives.
func Value(v any) string {
	for {
		rv, ok := v.(reflect.Value)
		if !ok {
			break
		}
		if !rv.IsValid() || !rv.CanInterface() {
			return "nil"
		}
		v = rv.Interface()
	}
	if e := fromReflect(v); e != nil {
		return e.Error()
	}
	if e, ok := v.(error); ok {
		if s := e.Error(); position.MatchString(s) {
			return position.ReplaceAllString(s, "$1")
		}
	}
	return gopanic.Value(v)
}

// frameLine is the line yaegi writes to its standard error for every
// interpreted function a panic leaves ("main.go:5:12: panic: main.f(...)"):
// it places the panic at the start of the function, and the trace says
// where it was instead.
var frameLine = regexp.MustCompile(`^\S+: panic: \S*\(\.\.\.\)\n$`)

// Quiet returns w without yaegi's own lines about panics, for yaegi's
// standard error.
func Quiet(w io.Writer) io.Writer { return quiet{w} }

type quiet struct{ w io.Writer }

func (q quiet) Write(p []byte) (int, error) {
	if frameLine.Match(p) {
		return len(p), nil
	}
	return q.w.Write(p)
}
