// Two daemons that would outlive the run: one in a session of its own
// (Setsid), one in a process group of its own (Setpgid), both writing
// for ever. Neither escapes: every process of the run ends with it. The
// test gives, as the argument, a word by which it finds them.
package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	mark := os.Args[1]
	for _, attr := range []*syscall.SysProcAttr{{Setsid: true}, {Setpgid: true}} {
		cmd := exec.Command("sh", "-c", `while :; do echo "$0" >> daemon.log; sleep 0.05; done`, mark)
		cmd.SysProcAttr = attr
		if err := cmd.Start(); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("started 2 daemons")
}
