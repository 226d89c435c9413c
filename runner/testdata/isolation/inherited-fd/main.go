// A descriptor of a host folder that the build inherited without
// close-on-exec (the shell that started it ran exec 7</tmp), whose number
// the test gives as the argument: reading and writing host files through
// it fails, because the box closed it before the program started.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

func main() {
	fd, _ := strconv.Atoi(os.Args[1])
	for _, try := range []struct {
		what  string
		flags int
	}{{"reading secret.txt", syscall.O_RDONLY}, {"writing forged.txt", syscall.O_WRONLY | syscall.O_CREAT}} {
		name := try.what[len(try.what)-len("secret.txt"):]
		f, err := syscall.Openat(fd, name, try.flags, 0o644)
		if err != nil {
			fmt.Printf("%s through the inherited descriptor: %v\n", try.what, err)
			continue
		}
		syscall.Close(f)
		fmt.Printf("%s through the inherited descriptor: done\n", try.what)
	}
}
