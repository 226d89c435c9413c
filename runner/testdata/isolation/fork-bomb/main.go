// A fork bomb: processes started until none can be. The run hits its
// process limit (the default, 256), and every process ends with the run.
// A run that can see its parent is not sandboxed, has no process limit,
// and starts nothing.
package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
)

func main() {
	if os.Getppid() != 0 {
		fmt.Println("the parent is visible: not starting anything")
		os.Exit(1)
	}
	for i := 0; i < 10000; i++ {
		if err := exec.Command("sleep", "1000").Start(); err != nil {
			log.Fatalf("process %d: %v", i+1, err)
		}
	}
	fmt.Println("started 10000 processes")
}
