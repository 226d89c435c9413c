// Temporary files: the run's temporary folder (TMPDIR, os.TempDir) and
// its home are its working directory, where files can be made. In the
// sandbox /tmp is there but read-only, wherever the build keeps its runs.
package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	wd, err := os.Getwd()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("TMPDIR is the working directory:", os.TempDir() == wd)
	fmt.Println("HOME is the working directory:", os.Getenv("HOME") == wd)
	f, err := os.CreateTemp("", "made-")
	fmt.Println("made a file in TMPDIR:", err == nil && filepath.Dir(f.Name()) == wd)
	fi, err := os.Stat("/tmp")
	fmt.Println("/tmp is a folder:", err == nil && fi.IsDir())
	const name = "/tmp/notebook-tmp-folder-written.txt"
	result := "refused"
	if err := os.WriteFile(name, []byte("written\n"), 0o644); err == nil {
		result = "written"
		os.Remove(name) // unsandboxed, this is the host's /tmp
	}
	fmt.Println("writing into /tmp:", result)
}
