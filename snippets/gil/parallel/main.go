// CPython guards the whole interpreter with one lock, the GIL: however many
// threads a program starts, only the one holding it runs Python code, so
// CPU-bound threads take turns on one core. Go has no such lock. Goroutines
// are spread over operating system threads, and up to runtime.GOMAXPROCS of
// them (by default one per available CPU) run Go code at the same moment.
// Splitting CPU-bound work among that many goroutines, as this program does
// to count the primes below a million, keeps every core busy. The program
// reports how much CPU time it used per second of wall-clock time: more
// than one core's worth is what a GIL rules out. How much more depends on
// how many cores were free while the page was built, so the figure is
// shown, not checked.
//
// The note also says that += is not atomic. It belongs here, because
// without a global lock it matters even more. In CPython the GIL makes each
// bytecode atomic, but a thread may lose the lock between the bytecodes that
// load, add and store for one +=. In Go, total += 1 (or total++) is the same
// load, add and store, and goroutines on different CPUs really do run them
// at the same moment, losing each other's updates. An unguarded update of
// shared memory is a data race, a bug that go run -race reports, so the
// program does not contain one.
//
// Instead of one lock for everything, Go gives you the lock to put exactly
// where it is needed: a sync.Mutex around the shared update, or a single
// indivisible operation from sync/atomic. Both give the exact total.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// isPrime reports whether n is prime, by trial division: plain CPU work.
func isPrime(n int) bool {
	if n < 2 {
		return false
	}
	for d := 2; d*d <= n; d++ {
		if n%d == 0 {
			return false
		}
	}
	return true
}

func main() {
	const limit, chunk = 1_000_000, 10_000

	wallStart, cpuStart := time.Now(), cpuTime()
	workers := runtime.GOMAXPROCS(0)
	fmt.Printf("%d workers: GOMAXPROCS, the number of threads that may run Go code at once\n", workers)

	// Hand out the numbers in chunks, so that no worker sits idle while
	// another still has a long way to go.
	starts := make(chan int)
	go func() {
		for start := 0; start < limit; start += chunk {
			starts <- start
		}
		close(starts)
	}()

	var (
		mu    sync.Mutex
		total int // guarded by mu
		count atomic.Int64
	)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for start := range starts {
				for n := start; n < start+chunk; n++ {
					if !isPrime(n) {
						continue
					}
					mu.Lock()
					total++ // load, add, store: safe only while mu is held
					mu.Unlock()

					count.Add(1) // one indivisible operation
				}
			}
		})
	}
	wg.Wait()
	wall, cpu := time.Since(wallStart), cpuTime()-cpuStart

	fmt.Println("primes below", limit)
	fmt.Println("  counted under a sync.Mutex:", total)
	fmt.Println("  counted with sync/atomic:  ", count.Load())
	fmt.Printf("%.2fs of CPU time in %.2fs: %.1f cores busy on average\n",
		cpu.Seconds(), wall.Seconds(), cpu.Seconds()/wall.Seconds())
}

// cpuTime returns the CPU time the process has used so far, in user and
// kernel mode, counting every thread.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
