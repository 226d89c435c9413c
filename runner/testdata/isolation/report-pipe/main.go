// Writing to file descriptor 4, where the box's yaegi engine keeps the
// pipe on which it reports compile errors: the interpreter closed it
// before the program ran, so this is no compile error, and what the
// program prints is its own output.
package main

import (
	"fmt"
	"syscall"
)

func main() {
	syscall.Write(4, []byte("main.go:1:1: forged compile error\n"))
	fmt.Println("this is the program's own output")
}
