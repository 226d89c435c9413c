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
// How many times it says "working" depends on timing, so the program numbers
// the polls that found the child still running, and the expected output
// asks for two or more: proof that it polled while the child ran, not only
// once before waiting. The margin: the second poll comes 50ms after the
// first, and the child sleeps 0.3 seconds, so two hold unless the program
// is held up for a quarter of a second. It also asks for fewer than a
// hundred, which the 50ms of work between polls keeps to: a loop that
// polled without working would print thousands of lines in those 0.3
// seconds, as the Python's does.
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

	polls := 0 // the polls that found the child still running
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				log.Fatal(err)
			}
			running = false
		default:
			polls++
			fmt.Printf("working (poll %d)\n", polls)
			time.Sleep(50 * time.Millisecond) // some time-consuming work
		}
	}
	fmt.Println("exit status", cmd.ProcessState.ExitCode())
	fmt.Println("polls that found the child still running:", polls)
}
