// Signals aimed at the build, whose pid the test gives as the argument,
// and at every process there is: none reaches outside the run. A run
// that can see its parent is not sandboxed, and signals nothing.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
)

func main() {
	ppid := os.Getppid()
	fmt.Println("parent pid:", ppid)
	if ppid != 0 {
		fmt.Println("the parent is visible: not signalling anything")
		os.Exit(1)
	}
	build, err := strconv.Atoi(os.Args[1])
	if err != nil {
		panic(err)
	}
	fmt.Println("kill(build, SIGSTOP):", syscall.Kill(build, syscall.SIGSTOP))
	fmt.Println("kill(build, SIGKILL):", syscall.Kill(build, syscall.SIGKILL))
	child := exec.Command("sleep", "99")
	if err := child.Start(); err != nil {
		panic(err)
	}
	fmt.Println("kill(-1, SIGKILL):", syscall.Kill(-1, syscall.SIGKILL))
	fmt.Println("the run's own child:", child.Wait())
	fmt.Println("still running")
}
