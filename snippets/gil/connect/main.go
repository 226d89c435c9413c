// In CPython a thread that waits on the network first lets go of the GIL, so
// two threads that each connect to a server wait at the same time, not one
// after the other. Go has no lock to let go of. A goroutine that waits on a
// connection is parked by the runtime's network poller, which leaves the
// waiting to the operating system (epoll on Linux and kqueue on the BSDs and
// macOS, which report that a socket is ready; I/O completion ports on
// Windows, which report that an operation has finished) and wakes the
// goroutine once data arrives; it does not even keep a thread busy meanwhile.
// Ordinary blocking code, one goroutine per connection, is all it takes.
//
// The program needs no internet: it starts its own server on a free port of
// 127.0.0.1. A local connection is accepted at once, so to make the waiting
// visible the server takes a second before it answers. Two goroutines
// connect and wait for their answers together, and both are done in about
// one delay rather than two: the verdict has a whole second to spare, far
// more than load usually delays a program that only waits.
//
// The note's block is a fragment: it needs import socket and threading, and
// the internet, to run. Its threads are never joined, so the program may end
// before they have connected.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"time"
)

const delay = time.Second

// serve answers every connection on ln in its own goroutine: it reads the
// client's name and, after a delay, greets it and hangs up.
func serve(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return // the listener was closed
		}
		go func() {
			if err := greet(conn); err != nil {
				log.Print(err)
			}
		}()
	}
}

func greet(conn net.Conn) error {
	defer conn.Close()
	name, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	time.Sleep(delay)
	_, err = fmt.Fprintf(conn, "hello, %s\n", strings.TrimSpace(name))
	return err
}

// doConnect connects to addr, introduces itself as name and returns the
// server's reply: all it sends before it hangs up.
func doConnect(addr, name string) (string, error) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if _, err := fmt.Fprintln(conn, name); err != nil {
		return "", err
	}
	reply, err := io.ReadAll(conn) // waits here, until the server hangs up
	return strings.TrimSpace(string(reply)), err
}

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	go serve(ln)

	start := time.Now()
	replies := make([]string, 2)
	errs := make([]error, len(replies))
	var wg sync.WaitGroup
	for i := range replies {
		wg.Go(func() {
			replies[i], errs[i] = doConnect(ln.Addr().String(), fmt.Sprint("client ", i))
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := errors.Join(errs...); err != nil {
		return err
	}

	for _, reply := range replies {
		fmt.Println(reply)
	}
	fmt.Printf("both done in %.2fs, the server's delay being %v\n", elapsed.Seconds(), delay)
	// The margin: one after the other, the two waits would take at least two
	// delays (2 s); together, about one (1 s). Under two delays they
	// overlapped, with a second to spare for a busy machine.
	fmt.Println("waited at the same time:", elapsed < 2*delay)
	return nil
}
