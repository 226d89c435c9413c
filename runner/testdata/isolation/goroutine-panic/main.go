// A panic on a goroutine other than main's: the program crashes, and
// what it prints names no file of the machine that ran it, under either
// engine (yaegi's own frames would).
package main

import "time"

func main() {
	go func() { panic("boom") }()
	time.Sleep(10 * time.Second)
}
