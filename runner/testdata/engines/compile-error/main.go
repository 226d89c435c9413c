// A program that does not compile: a compile error, not a crash of the
// runner.
package main

import "fmt"

func main() {
	fmt.Println(undefinedName)
}
