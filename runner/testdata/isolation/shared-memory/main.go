// 3 GiB of shared anonymous memory, mapped and touched a page at a time:
// no limit on data (RLIMIT_DATA) counts it, and the run's memory limit
// (256 MiB here) must.
package main

import (
	"fmt"
	"log"
	"syscall"
)

func main() {
	b, err := syscall.Mmap(-1, 0, 3<<30, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED|syscall.MAP_ANON)
	if err != nil {
		log.Fatal(err)
	}
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	fmt.Println("touched 3 GiB of shared memory")
}
