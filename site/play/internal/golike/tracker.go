package golike

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gonotebook/notebook/internal/gopanic"
)

// A Tracker says what a panic that ends one run of a program that
// Prepare rewrote prints. Give the interpreter its Exports before
// compiling the program, and call Begin on the goroutine that runs it.
type Tracker struct {
	// Stderr receives what a panic on a goroutine other than main's
	// prints, before Exit ends the program with status 2. A panic on
	// main's goroutine is the caller's to print: see Report.
	Stderr io.Writer
	Exit   func(code int)

	main int64 // the goroutine that runs main
}

// Begin starts a run on the calling goroutine, which runs the program's
// main function.
func (t *Tracker) Begin() { t.main = goid() }

// Exports returns the functions a rewritten program calls, for yaegi's
// Use.
func (t *Tracker) Exports() interp.Exports {
	return interp.Exports{Path + "/golike": {
		"Frame":   reflect.ValueOf(Frame),
		"Recover": reflect.ValueOf(Recover),
		"Go":      reflect.ValueOf(t.Go),
		"Index":   reflect.ValueOf(Index),
		"Slice":   reflect.ValueOf(Slice),
	}}
}

// A panicking is the value of a panic on its way out of the program's
// functions, with the trace of those it left, innermost first.
type panicking struct {
	value any
	trace []string
}

// maxFrames is how many functions a trace shows, as Go's do.
const maxFrames = 100

// Frame returns the panic with value r, which is leaving the function
// frame at line, with that function added to its trace.
func Frame(r any, frame string, line int) any {
	v, _ := unwrap(r)
	p, ok := v.(*panicking)
	if !ok {
		p = &panicking{value: v}
	}
	if len(p.trace) < maxFrames {
		p.trace = append(p.trace, fmt.Sprintf("%s\n\t%s:%d\n", frame, Name, line))
	}
	return p
}

// Recover is called with the value of a panic the program recovered,
// and returns, with true, the value the program should have recovered
// where it differs from yaegi's: the value without its trace, the
// run-time error Go would have raised for a panic of yaegi's from
// reflect, or the value in the reflect.Value that yaegi hands over for a
// panic that left the function that raised it.
func Recover(v any) (any, bool) {
	v, wrapped := unwrap(v)
	if p, ok := v.(*panicking); ok {
		v, wrapped = p.value, true
	}
	if e := fromReflect(v); e != nil {
		return e, true
	}
	return v, wrapped
}

// Go starts f(args...) (f(args...) with the last spread, if spread) on a
// new goroutine, as the go statement of the function creator at line
// would. A panic that ends that goroutine ends the program as Go's does.
func (t *Tracker) Go(creator string, line int, spread bool, f any, args ...any) {
	fv := reflect.ValueOf(f)
	if fv.Kind() != reflect.Func || fv.IsNil() {
		panic(runtimeError("invalid memory address or nil pointer dereference"))
	}
	ft := fv.Type()
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		pt := ft.In(min(i, ft.NumIn()-1))
		if ft.IsVariadic() && i >= ft.NumIn()-1 && !spread {
			pt = pt.Elem()
		}
		in[i] = value(a, pt)
	}
	created := fmt.Sprintf("created by %s in goroutine %d\n\t%s:%d\n", creator, t.goroutine(), Name, line)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				io.WriteString(t.Stderr, t.Report(r)+created)
				t.Exit(2)
				runtime.Goexit() // an Exit that returns ends this goroutine only
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
	a, _ = unwrap(a)
	v := reflect.ValueOf(a)
	switch {
	case !v.IsValid():
		return reflect.Zero(pt)
	case !v.Type().AssignableTo(pt) && v.Type().ConvertibleTo(pt):
		return v.Convert(pt)
	}
	return v
}

// Report returns what Go prints when a panic with value r ends the
// calling goroutine: the value, then the goroutine's trace.
func (t *Tracker) Report(r any) string {
	s := "panic: " + Value(r) + "\n"
	v, _ := unwrap(r)
	if p, ok := v.(*panicking); ok {
		s += fmt.Sprintf("\ngoroutine %d [running]:\n", t.goroutine()) + strings.Join(p.trace, "")
	}
	return s
}

// goroutine returns the calling goroutine's number as a trace shows it:
// 1 for main's, as in a compiled program.
func (t *Tracker) goroutine() int64 {
	if g := goid(); g != t.main {
		return g
	}
	return 1
}

// goid returns the calling goroutine's number, from its trace.
func goid() int64 {
	var buf [64]byte
	s := bytes.TrimPrefix(buf[:runtime.Stack(buf[:], false)], []byte("goroutine "))
	s, _, _ = bytes.Cut(s, []byte(" "))
	n, _ := strconv.ParseInt(string(s), 10, 64)
	return n
}

// A runtimeError is a run-time panic as Go's runtime makes it.
type runtimeError string

func (e runtimeError) Error() string { return "runtime error: " + string(e) }

// RuntimeError marks it as one, as runtime.Error does.
func (e runtimeError) RuntimeError() {}

// Index returns i, an index of x of length n, after it panics as Go does
// if i is out of range.
func Index(i, n int) int {
	switch {
	case i < 0:
		panic(runtimeError(fmt.Sprintf("index out of range [%d]", i)))
	case i >= n:
		panic(runtimeError(fmt.Sprintf("index out of range [%d] with length %d", i, n)))
	}
	return i
}

// Slice returns lo, after it panics as Go does if x[lo:hi:max] (x[lo:hi]
// unless three) is out of range of x, of length n and capacity c; byLen
// says that x is an array or a string, which Go's messages bound by their
// length.
func Slice(lo, hi, max, n, c int, three, byLen bool) int {
	if 0 <= lo && lo <= hi && hi <= max && max <= c {
		return lo
	}
	with := " with capacity %d"
	if byLen {
		with = " with length %d"
	}
	// Go checks the last bound first, and each against the next.
	if three {
		outOfRange(max, c, "[::%d]"+with, "[::%d]")
		outOfRange(hi, max, "[:%d:%d]", "[:%d:]")
		outOfRange(lo, hi, "[%d:%d:]", "[%d::]")
	}
	outOfRange(hi, c, "[:%d]"+with, "[:%d]")
	outOfRange(lo, hi, "[%d:%d]", "[%d:]")
	return lo
}

// outOfRange panics as Go does for a slicing whose bound x is negative
// (with the message neg of x), or above y (format, of x and y).
func outOfRange(x, y int, format, neg string) {
	switch {
	case x < 0:
		panic(runtimeError("slice bounds out of range " + fmt.Sprintf(neg, x)))
	case x > y:
		panic(runtimeError("slice bounds out of range " + fmt.Sprintf(format, x, y)))
	}
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

// unwrap returns v, or the value in it if it is a reflect.Value (nil if
// it holds none), and whether it was one.
func unwrap(v any) (any, bool) {
	wrapped := false
	for {
		rv, ok := v.(reflect.Value)
		if !ok {
			return v, wrapped
		}
		if !rv.IsValid() || !rv.CanInterface() {
			return nil, true
		}
		v, wrapped = rv.Interface(), true
	}
}

// position is how yaegi starts some of its run-time errors: where they
// happened, which the trace says instead.
var position = regexp.MustCompile(`^(?:\S+:)?\d+:\d+: (interface conversion: )`)

// Value formats a panic's value as Go's runtime does when the panic ends
// the program (see gopanic.Value): one of yaegi's from reflect as the
// run-time error Go would have raised, and without the position yaegi
// starts some of its own errors with, which the trace gives.
func Value(v any) string {
	v, _ = Recover(v)
	if e, ok := v.(error); ok && position.MatchString(e.Error()) {
		return position.ReplaceAllString(e.Error(), "$1")
	}
	return gopanic.Value(v)
}
