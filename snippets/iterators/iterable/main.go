// Python answers "is this iterable?" by trying: iter(obj) either returns an
// iterator or raises TypeError, and any class can opt in with __iter__ (or
// __getitem__).
//
// In Go the question is usually settled by the compiler: for ... range
// compiles only for an array, a pointer to an array, a slice, a string, a
// map, a channel that can be received from, an integer (since Go 1.22) or an
// iterator function such as iter.Seq (since Go 1.23). A type cannot become
// rangeable by having a method; instead a type offers a method that returns
// an iterator, as the functions maps.Keys and slices.Values return one for
// a map or a slice.
//
// The question only arises at run time, for a value of interface type such
// as any. Then the reflect package answers it, with no error to catch:
// reflect.Type's CanSeq reports whether values of the type can be ranged over
// one value at a time. It says yes to every channel, though, even a
// send-only one that range rejects, so iterable checks the direction too.
// Note the integer, which Python's iter would reject.
//
// Each line gives a value's type, the answer, and the value as %v prints
// it; a channel or a function prints as an address, which changes from run
// to run.
package main

import (
	"fmt"
	"reflect"
	"slices"
)

// iterable reports whether obj can be ranged over.
func iterable(obj any) bool {
	t := reflect.TypeOf(obj)
	if t == nil { // obj is nil itself, not a nil slice or map
		return false
	}
	if t.Kind() == reflect.Chan && t.ChanDir()&reflect.RecvDir == 0 {
		return false
	}
	return t.CanSeq()
}

func main() {
	values := []any{
		[]int{1, 2, 3},
		[3]int{1, 2, 3},
		&[3]int{1, 2, 3},
		"spam",
		map[string]int{"a": 1},
		make(chan int),
		make(chan<- int),
		slices.Values([]string{"a", "b"}),
		42,
		3.14,
		true,
		struct{ X int }{1},
		func() {},
		nil,
	}
	for _, v := range values {
		fmt.Printf("%-20T %-5v  %v\n", v, iterable(v), v)
	}
}
