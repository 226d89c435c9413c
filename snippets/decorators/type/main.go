// A Python class can act as a decorator: @decorator2 calls the class with the
// function, the instance keeps it in self.f, and __call__ makes the instance
// callable in the function's place.
//
// In Go the same shape is a struct that holds the function, with a method
// that does the wrapping. Go has no __call__: an ordinary value cannot be
// called with (), so the method has a name, Call. What Go offers instead is
// the method value: decorated.Call is a plain func() bound to its receiver,
// and can go wherever a func() is expected, as the instance can in Python.
//
// As in the function-based version, Go functions do not carry their names at
// run time, so the struct keeps the name next to the function.
package main

import "fmt"

// decorator2 wraps a function and announces it before each call.
type decorator2 struct {
	name string
	f    func()
}

// Call plays the part of __call__.
func (d decorator2) Call() {
	fmt.Println("Decorating", d.name)
	d.f()
}

func foo() {
	fmt.Println("inside foo()")
}

func main() {
	decorated := decorator2{name: "foo", f: foo}

	call := decorated.Call // a method value: a plain func() bound to decorated
	call()
}
