// A child process that would outlive the snippet: started, never waited
// for. It is killed with the snippet.
package main

import (
	"fmt"
	"log"
	"os/exec"
)

func main() {
	cmd := exec.Command("sleep", "100")
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("started sleep 100, pid", cmd.Process.Pid)
}
