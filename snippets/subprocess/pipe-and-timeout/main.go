// Python connects two children by passing one's proc.stdout as the other's
// stdin. Go does the same with exec.Cmd.StdoutPipe: the pipe it returns is
// an *os.File underneath, and exec.Cmd hands a file given as Stdin to the
// child as it is, so openssl writes straight into md5 and the Go program
// never touches the bytes in between. It only collects md5's output (and
// openssl's report, below).
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
// reads nothing. To prove it, the program checks that the three digests
// differ and that none is the MD5 of empty input.
//
// The note's block is not complete on its own: it uses os, subprocess,
// run_openssl and run_sleep from the blocks before it. It runs md5, the
// macOS tool; Linux has md5sum instead, which adds "  -" after the hash. The
// program uses whichever exec.LookPath finds and prints only the hash.
// openssl runs as in the previous example, with -pbkdf2 added to silence
// the warning about the old key derivation, and -v, with which it reports
// on standard error how many bytes it read and wrote. The program prints
// those counts beneath each digest: 10 random bytes went in, and the 32
// bytes that came out went down the pipe to md5.
//
// Python's communicate(timeout=0.1) raises TimeoutExpired and leaves the
// child running until terminate() sends it SIGTERM. In Go the deadline is a
// context: exec.CommandContext stops the child when the context expires, by
// calling cmd.Cancel, set here to send SIGTERM rather than the default
// SIGKILL. Wait then returns an *exec.ExitError, which says how the child
// ended. Go reports a child killed by a signal with ExitCode -1; the
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
// encrypted bytes come out of the returned pipe, and openssl's report of
// what it read and wrote arrives in report.
func runOpenSSL(data []byte, report *bytes.Buffer) (*exec.Cmd, io.Reader, error) {
	cmd := exec.Command("openssl", "enc", "-des3", "-pbkdf2", "-v", "-pass", "env:password")
	cmd.Env = append(os.Environ(), "password=")
	cmd.Stdin = bytes.NewReader(data)
	cmd.Stderr = report
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	return cmd, stdout, cmd.Start()
}

// md5Tool is md5 on macOS and BSD, md5sum on Linux.
func md5Tool() (string, error) {
	path, err := exec.LookPath("md5")
	if err != nil {
		path, err = exec.LookPath("md5sum")
	}
	return path, err
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
	var reports, hashes []*bytes.Buffer
	for range 3 {
		data := make([]byte, 10)
		if _, err := rand.Read(data); err != nil {
			log.Fatal(err)
		}
		report := new(bytes.Buffer)
		cmd, stdout, err := runOpenSSL(data, report)
		if err != nil {
			log.Fatal(err)
		}
		inputCmds = append(inputCmds, cmd)
		reports = append(reports, report)
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
	digests := make(map[string]bool)
	for i, cmd := range hashCmds {
		if err := cmd.Wait(); err != nil {
			log.Fatal(err)
		}
		// md5 prints the hash; md5sum adds "  -" for standard input.
		sum := strings.Fields(hashes[i].String())[0]
		fmt.Println(sum)
		digests[sum] = true
		// openssl's report also gives its buffer size, not shown.
		for line := range strings.Lines(reports[i].String()) {
			if strings.HasPrefix(line, "bytes") {
				fmt.Print("  openssl: ", line)
			}
		}
	}
	empty := fmt.Sprintf("%x", md5.Sum(nil))
	fmt.Println("different digests:", len(digests))
	fmt.Printf("the MD5 of empty input, %s, among them: %v\n", empty, digests[empty])

	// A timeout can be set too.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sleep", "10")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	start := time.Now()
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	err = cmd.Wait()
	elapsed := time.Since(start)
	fmt.Println("Wait's error:", err)

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
