// CPython's socket methods wrap each blocking system call in
// Py_BEGIN_ALLOW_THREADS and Py_END_ALLOW_THREADS: the thread lets go of the
// GIL before it waits in connect() or recv(), so other threads can run
// Python code meanwhile, and takes the lock back when the call returns.
//
// Go code does not have to do anything of the sort. A goroutine that reads
// from a connection with nothing to read is parked by the runtime, which
// hands its thread over to other goroutines and wakes the reader once data
// arrives or the connection is closed. For system calls that really block in
// the kernel, such as reading a file, the runtime does the Go equivalent of
// Py_BEGIN_ALLOW_THREADS by itself: the stuck thread gives up its right to
// run Go code, and another thread takes over.
//
// To make the point, the program limits Go to a single thread of Go code
// with runtime.GOMAXPROCS(1), the nearest thing Go has to a GIL. A goroutine
// waits for a reply from a local server that reads the question and never
// answers; main, counting meanwhile, still gets the CPU to itself and
// finishes. Then a dump of every goroutine's stack (runtime.Stack) shows
// the reader in the state the runtime calls "IO wait": parked until the
// network poller wakes it, not spinning. Closing the connection at last
// ends the reader's wait with net.ErrClosed, and the server's read with it.
//
// The note simplifies the macros. Py_BEGIN_ALLOW_THREADS is not just
// PyThread_release_lock(interpreter_lock): it opens a block and calls
// PyEval_SaveThread(), which sets the thread's state aside and then releases
// the GIL; Py_END_ALLOW_THREADS calls PyEval_RestoreThread(), which takes the
// GIL back and restores that state. The sock_connect it quotes is a sketch
// too: today's socketmodule.c connects through internal_connect and
// sock_call, with the same macros around the system call.
package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"runtime"
	"strings"
)

// silent accepts one connection and reads it to the end without ever
// answering. It returns how many bytes it read.
func silent(ln net.Listener) (int64, error) {
	conn, err := ln.Accept()
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	return io.Copy(io.Discard, conn)
}

// awaitReply announces itself on reading, then waits for a byte from conn
// and sends how the wait ended on readErr.
func awaitReply(conn net.Conn, reading chan<- struct{}, readErr chan<- error) {
	fmt.Println("reader: waiting for a reply")
	close(reading)
	_, err := conn.Read(make([]byte, 1)) // blocks: no reply ever comes
	readErr <- err
}

// state returns the state of the goroutine running the function fn
// ("main.awaitReply") as a dump of every goroutine's stack shows it in its
// header: "goroutine 7 [IO wait]:".
func state(fn string) string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		header, frames, _ := strings.Cut(g, "\n")
		if strings.Contains(frames, fn+"(") {
			_, st, _ := strings.Cut(header, "[")
			st, _, _ = strings.Cut(st, "]")
			return st
		}
	}
	return "no goroutine runs " + fn
}

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	runtime.GOMAXPROCS(1)
	fmt.Println("GOMAXPROCS:", runtime.GOMAXPROCS(0))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	var read int64 // what the server read, once it sends on serverErr
	serverErr := make(chan error, 1)
	go func() {
		var err error
		read, err = silent(ln)
		serverErr <- err
	}()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	// Ask; the server reads the question and never answers.
	if _, err := fmt.Fprintln(conn, "anyone there?"); err != nil {
		return err
	}

	reading := make(chan struct{})
	readErr := make(chan error, 1)
	go awaitReply(conn, reading, readErr)
	<-reading // the reader has announced itself and gone on to Read

	// Only one thread runs Go code, and main has it back at once: the
	// reader, parked, does not hold it.
	fmt.Println("main: counting while the reader waits")
	n := 0
	for range 3 {
		for range 100_000_000 {
			n++
		}
		fmt.Println("main: counted to", n)
	}
	fmt.Println("reader: its goroutine's state:", state("main.awaitReply"))

	select {
	case err := <-readErr:
		return fmt.Errorf("the read ended early: %w", err)
	default:
		fmt.Println("reader: still waiting")
	}

	if err := conn.Close(); err != nil {
		return err
	}
	err = <-readErr
	fmt.Println("reader: Read failed with net.ErrClosed:", errors.Is(err, net.ErrClosed))
	if err := <-serverErr; err != nil {
		return err
	}
	fmt.Println("server: read", read, "bytes, answered none")
	return nil
}
