// Writing by absolute path into folders outside the run, which the test
// gives as arguments (the notes, the results cache, the snippet's own
// folder), and into /tmp, there but read-only wherever the build keeps
// its runs: each is refused.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	fi, err := os.Stat("/tmp")
	fmt.Println("/tmp is a folder:", err == nil && fi.IsDir())
	for i, dir := range append(os.Args[1:], "/tmp") {
		result := "refused"
		if os.WriteFile(filepath.Join(dir, "notebook-forged.txt"), []byte("forged\n"), 0o644) == nil {
			result = "written"
		}
		fmt.Printf("writing into folder %d: %s\n", i+1, result)
	}
}
