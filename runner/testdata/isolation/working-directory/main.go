// The run's own temporary working directory, also its HOME and TMPDIR:
// files written with relative paths land there, standard input is empty,
// and the folder is removed when the run ends, even once every permission
// is taken away from it and from the folders made in it.
package main

import (
	"fmt"
	"io"
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
	fmt.Println("HOME and TMPDIR are the working directory:", os.Getenv("HOME") == wd && os.TempDir() == wd)
	f, err := os.CreateTemp("", "made-")
	fmt.Println("made a file in TMPDIR:", err == nil && filepath.Dir(f.Name()) == wd)
	data, err := io.ReadAll(os.Stdin)
	fmt.Printf("read %d bytes of standard input: %v\n", len(data), err)
	for _, err := range []error{
		os.MkdirAll("sub/deeper", 0o755),
		os.WriteFile("written.txt", []byte("hello\n"), 0o644),
		os.WriteFile("sub/deeper/written.txt", []byte("hello\n"), 0o644),
		os.Chmod("sub/deeper", 0), os.Chmod("sub", 0), os.Chmod(wd, 0),
	} {
		if err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("wrote written.txt and sub/deeper/written.txt, and locked them")
}
