// A Python decorator is a function that takes a function and returns a new
// one; @decorator1 is shorthand for foo = decorator1(foo). Go functions are
// values too, so the same wrapper is an ordinary higher-order function. Go
// has no @ syntax and cannot rebind a declared function, so the wrapped
// version gets a name of its own.
//
// Go functions do not carry their names at run time the way f.__name__ does;
// the wrapper takes the name as an argument. (runtime.FuncForPC can recover
// it, but that is a debugging aid, not something to build on.)
package main

import "fmt"

// decorator1 returns a function that announces f, then calls it.
func decorator1(name string, f func()) func() {
	return func() {
		fmt.Println("Decorating", name)
		f()
	}
}

func foo() {
	fmt.Println("inside foo()")
}

func main() {
	decorated := decorator1("foo", foo)
	decorated()
}
