// 16 files of 255 MiB, each under the limit on a file's size (256 MiB),
// 4 GiB in all: the run's working directory holds less.
package main

import (
	"fmt"
	"log"
	"os"
)

func main() {
	chunk := make([]byte, 1<<20)
	for i := 0; i < 16; i++ {
		f, err := os.Create(fmt.Sprintf("file-%d", i))
		for n := 0; err == nil && n < 255; n++ {
			_, err = f.Write(chunk)
		}
		if err != nil {
			log.Fatal(err)
		}
		f.Close()
	}
	fmt.Println("wrote 16 files of 255 MiB")
}
