// The network a run sees: a loopback interface of its own, which works,
// and nothing else, not even a unix socket of the host, whose path the
// test gives as the argument.
package main

import (
	"fmt"
	"log"
	"net"
	"os"
)

func main() {
	ifaces, err := net.Interfaces()
	if err != nil {
		log.Fatal(err)
	}
	for _, i := range ifaces {
		if i.Flags&net.FlagUp != 0 {
			fmt.Println("interface up:", i.Name)
		}
	}
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	c.WriteTo([]byte("hello over loopback"), c.LocalAddr())
	buf := make([]byte, 64)
	n, _, err := c.ReadFrom(buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(buf[:n]))
	result := "connected"
	if _, err := net.Dial("unix", os.Args[1]); err != nil {
		result = "refused"
	}
	fmt.Println("dialling the host's socket:", result)
}
