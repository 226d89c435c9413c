// Python's subprocess.Popen starts a child and returns at once; communicate()
// waits for it. In Go, exec.Cmd splits the same two steps into Start and
// Wait. Starting all ten children before waiting for any lets them sleep at
// the same time, so the whole run takes about as long as one sleep, not ten.
//
// Wait also reports how the child ended: a non-nil error carries its exit
// status, which Python leaves for you to look up in proc.returncode.
//
// The note's children sleep 0.1 seconds each; these sleep half a second, so
// that the two outcomes are seconds apart: about 0.5 seconds when the sleeps
// overlap, at least 5 seconds one after another. The verdict asks for less
// than 2.5 seconds, two seconds more than the sleeps take, and far more than
// starting ten processes takes, even on a busy machine. No run can take less
// than half a second, the length of each sleep, so the expected output asks
// for that too: a program that started no children, or children that did
// not sleep, would finish at once.
package main

import (
	"fmt"
	"log"
	"os/exec"
	"time"
)

// runSleep starts `sleep period` and returns without waiting for it.
func runSleep(period time.Duration) (*exec.Cmd, error) {
	cmd := exec.Command("sleep", fmt.Sprint(period.Seconds()))
	return cmd, cmd.Start()
}

const period = 500 * time.Millisecond

func main() {
	start := time.Now()
	var cmds []*exec.Cmd
	for range 10 {
		cmd, err := runSleep(period)
		if err != nil {
			log.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			log.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	fmt.Printf("Finished in %.3f seconds\n", elapsed.Seconds())
	// The margin: run one after another, ten sleeps would take at least
	// 10 periods (5 s); run at once, about one (0.5 s). Under 5 periods
	// (2.5 s) they overlapped, with 2 s to spare for a busy machine.
	fmt.Println("ran in parallel:", elapsed < 5*period)
}
