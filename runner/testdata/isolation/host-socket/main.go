// Dialling a unix socket of the host, whose path the test gives as the
// argument: the host's file system is not there, so neither is the socket.
package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	c, err := net.Dial("unix", os.Args[1])
	if err != nil {
		fmt.Println("dialling the host's socket: refused")
		return
	}
	fmt.Fprintln(c, "hello from the run")
	c.Close()
	fmt.Println("dialling the host's socket: connected")
}
