// 100 MiB of output: the run keeps the first MiB and counts the rest.
package main

import (
	"bytes"
	"os"
)

func main() {
	line := append(bytes.Repeat([]byte("x"), 63), '\n')
	chunk := bytes.Repeat(line, 1024) // 64 KiB
	for i := 0; i < 1600; i++ {
		os.Stdout.Write(chunk)
	}
}
