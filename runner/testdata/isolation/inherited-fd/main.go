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
	flags := map[string]int{"secret.txt": syscall.O_RDONLY, "forged.txt": syscall.O_WRONLY | syscall.O_CREAT}
	for _, name := range []string{"secret.txt", "forged.txt"} {
		f, err := syscall.Openat(fd, name, flags[name], 0o644)
		if err == nil {
			syscall.Close(f)
		}
		fmt.Printf("opening %s through the inherited descriptor: %v\n", name, err)
	}
}
