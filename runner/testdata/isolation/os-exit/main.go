// os.Exit ends the program at once with the given status: deferred calls
// do not run. (Under yaegi, it must end the interpreted program, not the
// build.)
package main

import (
	"fmt"
	"os"
)

func main() {
	defer fmt.Println("deferred: never printed")
	fmt.Println("exiting with status 3")
	os.Exit(3)
}
