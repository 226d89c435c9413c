// 10,000 files open at once: the run hits its limit on open files (the
// default, 1024).
package main

import (
	"fmt"
	"log"
	"syscall"
)

func main() {
	for i := 0; i < 10000; i++ {
		if _, err := syscall.Open("/dev/null", syscall.O_RDONLY, 0); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("opened 10000 files")
}
