// Package gopanic formats a panic's value as Go's runtime prints it when
// the panic ends a program, for the interpreters that must print what a
// compiled program would: the yaegi engine and the browser's.
package gopanic

import (
	"fmt"
	"math"
	"reflect"
	"strings"
)

// Value formats a panic's value as the Go runtime does when the panic
// ends the program: an error's Error, a Stringer's String, a value of a
// basic kind as the builtin print writes it, wrapped in its type's name if
// the type is a named one.
func Value(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case error:
		v = x.Error()
	case fmt.Stringer:
		v = x.String()
	}
	rv := reflect.ValueOf(v)
	var s string
	switch rv.Kind() {
	case reflect.String:
		s = strings.ReplaceAll(rv.String(), "\n", "\n\t") // the runtime indents continuation lines
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		s = fmt.Sprint(v) // no String method, or it would be a string by now
	case reflect.Float32, reflect.Float64:
		s = runtimeFloat(rv.Float())
	case reflect.Complex64, reflect.Complex128:
		c := rv.Complex()
		s = "(" + runtimeFloat(real(c)) + runtimeFloat(imag(c)) + "i)"
	default:
		return fmt.Sprintf("(%s) %v", rv.Type(), v)
	}
	switch {
	case rv.Type().PkgPath() == "":
		return s
	case rv.Kind() == reflect.String:
		return rv.Type().String() + `("` + s + `")`
	case rv.Kind() == reflect.Complex64 || rv.Kind() == reflect.Complex128:
		return rv.Type().String() + s
	}
	return rv.Type().String() + "(" + s + ")"
}

// runtimeFloat formats f as the runtime's print does: +1.500000e+000.
func runtimeFloat(f float64) string {
	s := fmt.Sprintf("%+.6e", f) // +1.500000e+00
	mant, exp, ok := strings.Cut(s, "e")
	switch {
	case math.IsNaN(f):
		return "NaN"
	case !ok:
		return s // +Inf or -Inf
	}
	return fmt.Sprintf("%se%c%03s", mant, exp[0], exp[1:])
}
