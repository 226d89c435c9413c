// Python connects two children by passing one's proc.stdout as the other's
// stdin. Go does the same with exec.Cmd.StdoutPipe: the pipe it returns is
// an *os.File underneath, and exec.Cmd hands a file given as Stdin to the
// child as it is, so openssl writes straight into md5 and the Go program
// never touches the bytes in between. It only collects md5's output.
//
// The note's Python has a race here. Each openssl's stdout pipe is also the
// pipe its md5 reads, and the loop over input_procs calls communicate() on
// the openssl processes, which reads that same pipe to the end: whichever
// of the two readers gets there first takes openssl's bytes. Python often
// wins, and md5 then hashes nothing and prints
// d41d8cd98f00b204e9800998ecf8427e, the MD5 of empty input. (To fix the
// Python, leave the pipe to md5: close proc.stdin and call proc.wait(), not
// communicate().) The Go program has no such race, because md5 is the only
// reader of the pipe: Wait on the openssl command waits for it to exit and
// reads nothing. To prove it, the program checks that no digest it printed
// is the MD5 of empty input.
//
// The note's block is not complete on its own: it uses os, subprocess,
// run_openssl and run_sleep from the blocks before it. It runs md5, the
// macOS tool; Linux has md5sum instead, which adds "  -" after the hash. The
// program uses whichever exec.LookPath finds and prints only the hash.
// openssl runs as in the previous example, with -pbkdf2 added to silence
// the warning about the old key derivation.
//
// Python's communicate(timeout=0.1) raises TimeoutExpired and leaves the
// child running until terminate() sends it SIGTERM. In Go the deadline is a
// context: exec.CommandContext stops the child when the context expires, by
// calling cmd.Cancel, set here to send SIGTERM rather than the default
// SIGKILL. Go reports a child killed by a signal with ExitCode -1; the
// program turns the signal into the negative number Python's poll() gives.
package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// runOpenSSL starts openssl encrypting data and returns without waiting; the
// encrypted bytes come out of the returned pipe.
func runOpenSSL(data []byte) (*exec.Cmd, io.Reader, error) {
	cmd := exec.Command("openssl", "enc", "-des3", "-pbkdf2", "-pass", "env:password")
	cmd.Env = append(os.Environ(), "password=")
	cmd.Stdin = bytes.NewReader(data)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	return cmd, stdout, cmd.Start()
}

// md5Tool is md5 on macOS and BSD, md5sum on Linux.
func md5Tool() (string, error) {
	for _, name := range []string{"md5", "md5sum"} {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", errors.New("neither md5 nor md5sum found in PATH")
}

// runMD5 starts an md5 tool reading from stdin; its output arrives in out.
func runMD5(tool string, stdin io.Reader, out *bytes.Buffer) (*exec.Cmd, error) {
	cmd := exec.Command(tool)
	cmd.Stdin = stdin
	cmd.Stdout = out
	cmd.Stderr = os.Stderr
	return cmd, cmd.Start()
}

func main() {
	tool, err := md5Tool()
	if err != nil {
		log.Fatal(err)
	}

	var inputCmds, hashCmds []*exec.Cmd
	var hashes []*bytes.Buffer
	for range 3 {
		data := make([]byte, 10)
		if _, err := rand.Read(data); err != nil {
			log.Fatal(err)
		}
		cmd, stdout, err := runOpenSSL(data)
		if err != nil {
			log.Fatal(err)
		}
		inputCmds = append(inputCmds, cmd)
		out := new(bytes.Buffer)
		hashCmd, err := runMD5(tool, stdout, out)
		if err != nil {
			log.Fatal(err)
		}
		hashCmds = append(hashCmds, hashCmd)
		hashes = append(hashes, out)
	}

	for _, cmd := range inputCmds {
		if err := cmd.Wait(); err != nil {
			log.Fatal(err)
		}
	}
	empty := fmt.Sprintf("%x", md5.Sum(nil))
	hashedSomething := true
	for i, cmd := range hashCmds {
		if err := cmd.Wait(); err != nil {
			log.Fatal(err)
		}
		// md5 prints the hash; md5sum adds "  -" for standard input.
		sum := strings.Fields(hashes[i].String())[0]
		fmt.Println(sum)
		hashedSomething = hashedSomething && sum != empty
	}
	fmt.Printf("none is %s, the MD5 of empty input: %v\n", empty, hashedSomething)

	// A timeout can be set too.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sleep", "10")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	start := time.Now()
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	// An ExitError is expected: it says how the child ended.
	if err := cmd.Wait(); err != nil {
		if _, ok := errors.AsType[*exec.ExitError](err); !ok {
			log.Fatal(err)
		}
	}
	elapsed := time.Since(start)

	status := cmd.ProcessState.ExitCode()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		status = -int(ws.Signal())
	}
	fmt.Println("Exit status", status)
	fmt.Println("timed out:", errors.Is(ctx.Err(), context.DeadlineExceeded))
	// Left alone, the sleep would have lasted ten seconds; stopped by the
	// 0.1 s deadline, it ends in a fraction of one. The margin is the five
	// seconds in between.
	fmt.Println("stopped within 5 seconds:", elapsed < 5*time.Second)
}
