// Hello prints a greeting.
//
// It is the smallest program there is.
package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}
