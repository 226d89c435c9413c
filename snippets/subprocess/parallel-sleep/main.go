// Python's subprocess.Popen starts a child and returns at once; communicate()
// waits for it. In Go, exec.Cmd splits the same two steps into Start and
// Wait. Starting all ten children before waiting for any lets them sleep at
// the same time, so the whole run takes about as long as one sleep, not ten.
//
// Wait also reports how the child ended: a non-nil error carries its exit
// status, which Python leaves for you to look up in proc.returncode.
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

func main() {
	start := time.Now()
	var cmds []*exec.Cmd
	for range 10 {
		cmd, err := runSleep(100 * time.Millisecond)
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
	// Run one after another, ten sleeps would take at least a second.
	fmt.Println("ran in parallel:", elapsed < 600*time.Millisecond)
}
