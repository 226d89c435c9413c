// A trivial program, for the engines benchmark.
package main

import "fmt"

func main() {
	fmt.Println("hello")
}
