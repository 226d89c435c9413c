// Files written with relative paths land in the run's own temporary
// working directory, which is removed when the run ends.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
)

func main() {
	wd, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("working directory:", wd)
	if err := os.MkdirAll(filepath.Join("sub", "dir"), 0o755); err != nil {
		log.Fatal(err)
	}
	for _, name := range []string{"written.txt", filepath.Join("sub", "dir", "written.txt")} {
		if err := os.WriteFile(name, []byte("hello\n"), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Println("wrote", name)
	}
	fmt.Println("HOME and TMPDIR are the working directory:", os.Getenv("HOME") == wd && os.Getenv("TMPDIR") == wd)
}
