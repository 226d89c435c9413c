// 4 GiB of memory, allocated and touched 64 MiB at a time: the run hits
// its memory limit (256 MiB here) long before.
package main

import "fmt"

func main() {
	var kept [][]byte
	for n := 0; n < 64; n++ {
		b := make([]byte, 64<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		kept = append(kept, b)
	}
	fmt.Printf("touched %d GiB\n", len(kept)/16)
}
