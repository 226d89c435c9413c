// A file larger than the run's limit on file size (1 MiB here): the
// write fails.
package main

import (
	"fmt"
	"log"
	"os"
)

func main() {
	if err := os.WriteFile("big", make([]byte, 2<<20), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println("wrote 2 MiB")
}
