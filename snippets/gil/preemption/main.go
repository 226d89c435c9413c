// Between two bytecodes, CPython's eval loop checks whether to let another
// thread have the GIL: in Python 2 every 100 instructions by default, in
// Python 3 once another thread has waited 5ms for it. The running thread is
// not asked; it simply loses the lock between two instructions.
//
// The note's figures are wrong on both counts. Python 2's check interval was
// 100 "ticks", not 1000 bytecodes (sys.getcheckinterval() returns 100), and
// Python 3.2 and later use a switch interval of 5 milliseconds, not 15
// (sys.getswitchinterval() returns 0.005). The C loop it quotes is Python 2's;
// in Python 3 a thread that has waited the whole interval for the GIL asks
// for it, and the running thread gives it up at its next check.
//
// Go's scheduler does the same to goroutines, without a lock. Since Go 1.14
// a goroutine that has been running for about 10ms is preempted
// asynchronously: a background thread of the runtime notices it and
// interrupts it (on Unix with a signal), even in a tight loop that calls no
// function and never blocks. Before 1.14 such a loop could keep its thread
// forever.
//
// The program limits Go to a single thread of Go code with
// runtime.GOMAXPROCS(1) and starts two goroutines, one after the other,
// that spin in such a loop until told to stop, counting their rounds and
// announcing themselves in the first. After starting each, the main
// goroutine waits for its announcement. Neither spinner ever gives the
// thread up, yet main runs again each time and finds the spinner's count
// above zero: the scheduler took the thread away from a goroutine in the
// middle of its loop. Then main tells both to stop and waits for them to say they have.
// With GODEBUG=asyncpreemptoff=1 the program hangs instead.
//
// The note adds that sort() is atomic. list.sort() on built-in values runs as
// one C call while holding the GIL, so no other thread sees a half-sorted
// list; but a key function or an __lt__ written in Python runs bytecode, and
// other threads can run in the middle of the sort. In Go nothing shared is
// atomic unless made so: a slice that one goroutine sorts must not be read
// or written by another without a lock or a channel between them.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	runtime.GOMAXPROCS(1)
	fmt.Println("GOMAXPROCS:", runtime.GOMAXPROCS(0))

	var (
		stop    atomic.Bool
		rounds  [2]atomic.Int64
		started = make(chan struct{})
		wg      sync.WaitGroup
	)
	for i := range rounds {
		start := time.Now()
		wg.Go(func() {
			// An atomic load and add, and in the first round a send to
			// main, which is waiting for it: nothing here yields.
			for !stop.Load() {
				if rounds[i].Add(1) == 1 {
					started <- struct{}{}
				}
			}
			fmt.Printf("spinner %d: stopped after %d rounds of its loop\n", i, rounds[i].Load())
		})
		<-started
		// Only one thread runs Go code, so main runs here only once the
		// scheduler has taken it from the spinner, in the middle of its loop.
		fmt.Printf("main: got the thread back %dms after starting spinner %d, which had spun %d rounds by then\n",
			time.Since(start).Milliseconds(), i, rounds[i].Load())
	}
	// Main keeps the thread until it waits: only then do the spinners get it
	// back, one after the other (in either order), see that they must stop
	// and say so.
	fmt.Println("main: stopping both")
	stop.Store(true)
	wg.Wait()
}
