// The log package writes to standard error with the flags and prefix the
// program sets, and log.Fatal exits with status 1.
package main

import "log"

func main() {
	log.SetFlags(0)
	log.SetPrefix("log: ")
	log.Println("a line to standard error")
	defer log.Println("deferred: never printed")
	log.Fatalf("fatal: %d", 1)
}
