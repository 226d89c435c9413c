// Python copies os.environ, adds a variable and passes the copy as env=; Go's
// exec.Cmd has an Env field that works the same way. Left nil, the child
// inherits the parent's environment; set, it is the whole environment, so
// the program appends password= (an empty password, as in the Python) to
// os.Environ(). openssl reads it from there because of -pass env:password,
// which keeps the secret off the command line.
//
// Python writes the data to proc.stdin itself. In Go, any io.Reader can be a
// child's standard input: given a bytes.Reader, exec.Cmd copies it into a
// pipe from a goroutine and closes the pipe at the end, so openssl sees the
// end of its input. Standard output goes to a bytes.Buffer that is complete
// once Wait returns. All three children are started before any is waited
// for, so they run in parallel.
//
// Two small departures: -pbkdf2 is added because OpenSSL 1.1.1 and later
// warn that the old key derivation is deprecated, and the last 10 bytes are
// printed in hexadecimal, Go's usual way to show raw bytes, where Python
// prints a bytes literal such as b'\x8f...'.
//
// The note's password is an empty bytes value, b"", which works only on
// POSIX systems, where subprocess accepts bytes in env; on Windows the values
// must be str. And without -pbkdf2, the Python's openssl prints "deprecated
// key derivation used" on standard error for every child.
package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"log"
	"os"
	"os/exec"
)

// runOpenSSL starts openssl encrypting data and returns without waiting; the
// encrypted bytes arrive in out.
func runOpenSSL(data []byte, out *bytes.Buffer) (*exec.Cmd, error) {
	cmd := exec.Command("openssl", "enc", "-des3", "-pbkdf2", "-pass", "env:password")
	cmd.Env = append(os.Environ(), "password=")
	cmd.Stdin = bytes.NewReader(data)
	cmd.Stdout = out
	cmd.Stderr = os.Stderr
	return cmd, cmd.Start()
}

func main() {
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for range 3 {
		data := make([]byte, 10)
		if _, err := rand.Read(data); err != nil {
			log.Fatal(err)
		}
		out := new(bytes.Buffer)
		cmd, err := runOpenSSL(data, out)
		if err != nil {
			log.Fatal(err)
		}
		cmds = append(cmds, cmd)
		outs = append(outs, out)
	}

	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			log.Fatal(err)
		}
		b := outs[i].Bytes()
		fmt.Printf("%x\n", b[len(b)-10:])
	}
}
