// CPython guards the whole interpreter with one lock, the GIL: however many
// threads a program starts, only the one holding it runs Python code, so
// CPU-bound threads take turns on one core. Go has no such lock. Goroutines
// are spread over operating system threads, and up to runtime.GOMAXPROCS of
// them (by default one per available CPU) run Go code at the same moment.
//
// The program shows it rather than saying it. It counts the primes below a
// million, by trial division split among one goroutine per core, in two
// ways: with runtime.GOMAXPROCS(1), which lets only one thread run Go code
// at a time, as a GIL would, and with every core. The work and the
// goroutines are the same; only the number of cores differs. Each way runs
// three times, alternating, and the fastest of each counts, so that a burst
// of load elsewhere on the machine does not decide the verdict.
//
// The margin: the goroutines ran in parallel if the all-core run takes less
// than 0.85 of the one-core run. With two idle cores the ideal is 0.5. When
// other programs keep the cores busy, a fair scheduler still gives two
// threads more than one: the worst case on two cores, one other busy
// program, gives 0.75, and more of them bring it back towards 0.5. Held to
// one core, the two ways take the same time, about 1. A program that may
// use only one core (GOMAXPROCS=1, or a single CPU) cannot show parallelism,
// and says so instead of passing.
//
// The note's C block is Python 2's. Since Python 3.2 the GIL is a mutex and
// a condition variable (Python/ceval_gil.c), not a bare PyThread_type_lock
// (which was an opaque pointer to the platform's lock, not a mutex_t), and
// since 3.7 the interpreter creates it at startup: PyEval_InitThreads does
// nothing and is deprecated since 3.9.
//
// The note also says that += is not atomic. It belongs here, because
// without a global lock it matters even more. In CPython the GIL makes each
// bytecode atomic, but a thread may lose the lock between the bytecodes that
// load, add and store for one +=. In Go, total += 1 (or total++) is the same
// load, add and store, and goroutines on different CPUs really do run them
// at the same moment, losing each other's updates. An unguarded update of
// shared memory is a data race, a bug that go run -race reports, so the
// program does not contain one. Instead of one lock for everything, Go gives
// you the lock to put exactly where it is needed: a sync.Mutex around the
// shared update, or a single indivisible operation from sync/atomic. Both
// give the exact total.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const limit, chunk, rounds = 1_000_000, 10_000, 3

// parallelBelow is the margin of the verdict: the all-core run must take
// less than this fraction of the one-core run.
const parallelBelow = 0.85

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

// countPrimes counts the primes below limit with the given number of
// goroutines, twice over: under a sync.Mutex and with sync/atomic.
func countPrimes(workers int) (locked int, atomically int64) {
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
	return total, count.Load()
}

// timed counts the primes with the given number of goroutines while at most
// procs threads run Go code, and reports the counts and how long it took.
func timed(procs, goroutines int) (locked int, atomically int64, elapsed time.Duration) {
	runtime.GOMAXPROCS(procs)
	start := time.Now()
	locked, atomically = countPrimes(goroutines)
	return locked, atomically, time.Since(start)
}

func main() {
	all := runtime.GOMAXPROCS(0)
	fmt.Println("GOMAXPROCS:", all)
	if all < 2 {
		fmt.Println("only one thread may run Go code here: parallelism cannot be shown")
		return
	}

	fmt.Println("primes below", limit, "with", all, "goroutines, best of", rounds)
	one, many := time.Duration(1<<63-1), time.Duration(1<<63-1)
	var locked int
	var atomically int64
	for range rounds {
		_, _, d := timed(1, all)
		one = min(one, d)
		locked, atomically, d = timed(all, all)
		many = min(many, d)
	}
	fmt.Println("  counted under a sync.Mutex:", locked)
	fmt.Println("  counted with sync/atomic:  ", atomically)
	fmt.Printf("  on 1 core:   %.3fs\n", one.Seconds())
	fmt.Printf("  on %d cores: %.3fs\n", all, many.Seconds())

	ratio := many.Seconds() / one.Seconds()
	fmt.Printf("all cores took %.2f of the one-core time\n", ratio)
	fmt.Printf("ran in parallel (under %.2f): %v\n", parallelBelow, ratio < parallelBelow)
}
