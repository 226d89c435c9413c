// An unrecovered panic: deferred calls run, then Go prints the value and a
// goroutine trace and exits with status 2.
package main

import "fmt"

func fail(what string) {
	panic("something went wrong: " + what)
}

func main() {
	defer fmt.Println("deferred: printed before the panic")
	fmt.Println("about to panic")
	fail("on purpose")
}
