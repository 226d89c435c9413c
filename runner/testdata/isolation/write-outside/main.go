// Writing by absolute path into folders outside the run, which the test
// gives as arguments (the notes, the results cache, the snippet's own
// folder): each is read-only or not there at all.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	for i, dir := range os.Args[1:] {
		err := os.WriteFile(filepath.Join(dir, "forged.txt"), []byte("forged\n"), 0o644)
		result := "refused"
		if err == nil {
			result = "written"
		}
		fmt.Printf("writing into folder %d: %s\n", i+1, result)
	}
}
