// Reading standard input when the snippet gives none: end of file at once,
// never a wait.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	data, err := io.ReadAll(os.Stdin)
	fmt.Printf("read %d bytes, error %v\n", len(data), err)
}
