// The Python class is an iterator in the old style: __iter__ returns the
// object itself, and each call to __next__ moves an index back one place
// until it raises StopIteration. The state lives in the object, so a Reverse
// can be looped over only once.
//
// Go 1.23 made functions iterable instead. An iter.Seq[E] is a function that
// calls yield with each element in turn and stops early if yield returns
// false; for ... range calls it, with the loop body as yield. The index is
// an ordinary local variable, and every range over the same Seq starts
// afresh. The standard library already has this one: slices.Backward, which
// yields index and element pairs, an iter.Seq2.
//
// Python's one-at-a-time __next__ protocol is still available: iter.Pull
// turns a Seq into a next function that reports, with a second result of
// false, what StopIteration signals in Python.
//
// Python iterates over a str's characters; Go's range over a string would go
// forwards, by rune. To go backwards the string is first converted to a
// []rune, so a word with non-ASCII letters reverses correctly too.
package main

import (
	"fmt"
	"iter"
	"slices"
)

// Reverse returns an iterator over data from the last element to the first.
func Reverse[E any](data []E) iter.Seq[E] {
	return func(yield func(E) bool) {
		for i := len(data) - 1; i >= 0; i-- {
			if !yield(data[i]) {
				return
			}
		}
	}
}

func main() {
	word := []rune("spam")

	for char := range Reverse(word) {
		fmt.Println(string(char))
	}

	fmt.Println("slices.Backward:")
	for i, char := range slices.Backward(word) {
		fmt.Println(i, string(char))
	}

	fmt.Println("iter.Pull:")
	next, stop := iter.Pull(Reverse(word))
	defer stop()
	for {
		char, ok := next()
		if !ok {
			fmt.Println("done")
			break
		}
		fmt.Println(string(char))
	}
}
