// Range over a function (Go 1.23): yaegi v0.16.1 knows the Go 1.22
// language and library, so it cannot run this program.
package main

import "fmt"

// countdown yields n, n-1, ..., 1.
func countdown(n int) func(yield func(int) bool) {
	return func(yield func(int) bool) {
		for i := n; i > 0; i-- {
			if !yield(i) {
				return
			}
		}
	}
}

func main() {
	for i := range countdown(3) {
		fmt.Println(i)
	}
}
