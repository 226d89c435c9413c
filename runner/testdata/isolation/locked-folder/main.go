// Folders made in the working directory, then every permission taken
// away from them and from the working directory itself: the working
// directory is removed all the same when the run ends.
package main

import (
	"fmt"
	"log"
	"os"
)

func main() {
	wd, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("working directory:", wd)
	for _, err := range []error{
		os.MkdirAll("sub/deeper", 0o755),
		os.WriteFile("sub/deeper/file", []byte("kept?\n"), 0o644),
		os.Chmod("sub/deeper", 0), os.Chmod("sub", 0), os.Chmod(wd, 0),
	} {
		if err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("locked")
}
