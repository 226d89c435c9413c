// 10,000 files open at once: the run hits its limit on open files (the
// default, 1024).
package main

import (
	"fmt"
	"log"
	"os"
)

func main() {
	var open []*os.File
	for n := 0; n < 10000; n++ {
		f, err := os.Open(os.DevNull)
		if err != nil {
			log.Fatal(err)
		}
		open = append(open, f)
	}
	fmt.Printf("opened %d files\n", len(open))
}
