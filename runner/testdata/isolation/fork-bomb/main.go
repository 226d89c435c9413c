// Signals aimed at the build, whose pid the test gives as the argument,
// and at every process there is, then a fork bomb: no signal reaches
// outside the run, the bomb hits the run's process limit (the default,
// 256), and every process ends with the run. A run that can see its
// parent is not sandboxed, and does nothing.
package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

func main() {
	fmt.Println("parent pid:", os.Getppid())
	if os.Getppid() != 0 {
		log.Fatal("the parent is visible: doing nothing")
	}
	build, _ := strconv.Atoi(os.Args[1])
	fmt.Println("kill(build, SIGSTOP):", syscall.Kill(build, syscall.SIGSTOP))
	fmt.Println("kill(build, SIGKILL):", syscall.Kill(build, syscall.SIGKILL))
	child := exec.Command("sleep", "99")
	if err := child.Start(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("kill(-1, SIGKILL):", syscall.Kill(-1, syscall.SIGKILL))
	fmt.Println("the run's own child:", child.Wait())
	for i := 0; i < 10000; i++ {
		if err := exec.Command("sleep", "1000").Start(); err != nil {
			log.Fatalf("process %d: %v", i+1, err)
		}
	}
	fmt.Println("started 10000 processes")
}
