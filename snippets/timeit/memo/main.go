// The Python class memoises Fibonacci-like sequences: the instance keeps a
// dict of known values, __call__ fills in the missing ones by calling itself
// through self, and the two starting values are constructor arguments, so
// the same class gives the Fibonacci numbers (0, 1) and the Lucas numbers
// (2, 1).
//
// In Go the memo is a map in a struct, and the recursion goes through the
// receiver, f.Nth(n-1), the counterpart of self.__call__(n-1). Go has no
// __call__: only func values can be called, and a struct cannot make itself
// one. But a method value such as newFibonacci(0, 1).Nth is a func(int) int
// bound to its memo, so the loop can call fib(i) and lucas(i) as the Python
// does.
//
// Nth follows __call__ line for line: a term not yet in the memo is
// computed and stored, and the answer is always read back from the memo.
// The comma-ok form of the lookup, _, ok := f.memo[n], is the test
// "n not in self.memo": a plain f.memo[n] would give 0 for a missing key,
// which cannot be told from a stored 0.
package main

import "fmt"

// fibonacci computes the sequence that starts with two given values, each
// term the sum of the two before it, remembering every term it computes.
type fibonacci struct {
	memo map[int]int
}

func newFibonacci(i1, i2 int) *fibonacci {
	return &fibonacci{memo: map[int]int{0: i1, 1: i2}}
}

// Nth returns the n-th term, counting from 0.
func (f *fibonacci) Nth(n int) int {
	if _, ok := f.memo[n]; !ok {
		f.memo[n] = f.Nth(n-1) + f.Nth(n-2)
	}
	return f.memo[n]
}

func main() {
	fib := newFibonacci(0, 1).Nth
	lucas := newFibonacci(2, 1).Nth

	for i := 1; i < 16; i++ {
		fmt.Println(i, fib(i), lucas(i))
	}
}
