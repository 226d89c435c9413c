// Python's proc.poll() asks whether a child has exited without waiting for
// it: it returns None while the child runs and its exit status afterwards.
// Go's exec.Cmd has no such method. Wait blocks until the child exits, so the
// Go way is to call it in a goroutine and let it report on a channel; the
// main loop then checks the channel with a select that has a default case,
// which never blocks.
//
// The loop stands for useful work done while the child runs; here it only
// prints and sleeps briefly, so it says "working" a few times rather than
// spinning as fast as it can. Once Wait has returned, cmd.ProcessState holds
// the exit status that Python's poll() returns.
//
// How many times it says "working" depends on timing, so the expected output
// only asks for one or more. The margin: the first check comes
// microseconds after the start, and the child sleeps 0.3 seconds, so "at
// least once" holds unless starting the loop takes 0.3 seconds.
package main

import (
	"fmt"
	"log"
	"os/exec"
	"time"
)

func main() {
	cmd := exec.Command("sleep", "0.3")
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				log.Fatal(err)
			}
			running = false
		default:
			fmt.Println("working")
			time.Sleep(50 * time.Millisecond) // some time-consuming work
		}
	}
	fmt.Println("exit status", cmd.ProcessState.ExitCode())
}
