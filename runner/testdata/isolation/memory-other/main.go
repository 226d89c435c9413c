// 300 MiB of memory, touched, well under the run's limit (512 MiB
// here), then a failure of the program's own: the run fails, and not
// for want of memory.
package main

import (
	"fmt"
	"os"
)

func main() {
	b := make([]byte, 300<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	fmt.Printf("touched %d MiB\n", len(b)>>20)
	os.Exit(1)
}
