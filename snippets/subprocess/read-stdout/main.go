// With stdout=subprocess.PIPE, Python's communicate() collects what the child
// writes to its standard output. Go's exec.Cmd.Output does the same in one
// call: it starts the child, reads its standard output to the end, waits for
// it to exit and returns the bytes.
//
// The bytes are not decoded: Go strings hold bytes, and UTF-8 text prints as
// it is. Like Python's print(out.decode()), printing the output as it came
// keeps echo's own newline, so a blank line follows.
package main

import (
	"fmt"
	"log"
	"os/exec"
)

func main() {
	out, err := exec.Command("echo", "hello from the child").Output()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(out))
}
