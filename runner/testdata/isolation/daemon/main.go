// Processes that would outlive the run, each writing for ever: a child
// never waited for, one in a session of its own (Setsid) and one in a
// process group of its own (Setpgid). None outlives a sandboxed run; the
// first dies with an unsandboxed one's process group. The test gives, as
// the argument, a word by which it finds them.
package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	for _, attr := range []*syscall.SysProcAttr{nil, {Setsid: true}, {Setpgid: true}} {
		cmd := exec.Command("sh", "-c", `while :; do echo "$0" >> daemon.log; sleep 0.05; done`, os.Args[1])
		cmd.SysProcAttr = attr
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
		fmt.Println("started pid", cmd.Process.Pid)
	}
}
