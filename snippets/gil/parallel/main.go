// CPython guards the whole interpreter with one lock, the GIL: however many
// threads a program starts, only the one holding it runs Python code, so
// CPU-bound threads take turns on one core. Go has no such lock. Goroutines
// are spread over operating system threads, and up to runtime.GOMAXPROCS of
// them (by default one per available CPU) run Go code at the same moment.
//
// The program shows it rather than saying it, in two ways, each run first
// with runtime.GOMAXPROCS(1), which lets only one thread run Go code at a
// time, as a GIL would, and then with one thread per CPU it may use.
//
// First it counts the primes below half a million, by trial division split
// among one goroutine per CPU, and times it; it also shows how many chunks
// of the numbers each goroutine took, all of them a share. On an idle
// machine the run with GOMAXPROCS=2 takes about half as long. The times are
// shown, not checked: on a busy machine they prove nothing either way. The
// GOMAXPROCS each line names is the setting the runtime reports.
//
// Then comes the check, which load cannot fake. Two goroutines take small
// steps of work side by side for half a second; after each step each
// publishes its count and looks at the other's. A step counts if the other
// goroutine moved between two looks less than 100µs apart: a sign that
// both were running at the same moment. On one thread that cannot happen:
// the other goroutine gets the thread only when Go's scheduler takes it
// away from this one, after about 10ms. On one CPU it is unlikely too,
// since Linux seldom switches between two busy threads after less than
// 100µs (after less than a millisecond, it sometimes does). But that is the
// kernel's doing, not Go's, so the program does not lean on it: it first
// asks how many CPUs it may use (runtime.NumCPU, which reads the process's
// CPU affinity mask at startup) and, given fewer than two, says that
// parallelism cannot be shown here instead of passing, whatever GOMAXPROCS
// says. Held to one thread of Go code from the start, it says so too.
//
// The margin: they ran at the same moment if at least 3 steps count within
// half a second. With GOMAXPROCS=1 none does (the expectation checks that
// too). On two idle CPUs thousands of steps count. When other programs keep
// the CPUs busy, only the moments when both threads held a CPU at once
// count, and the operating system may grant none for a while, so the
// program watches up to sixteen half seconds, and shows the last. On a
// machine so busy that the two threads never run at once, there is no
// parallelism to show, and the program says false.
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

const limit, chunk = 500_000, 1_000

// The check's margins: a step counts only if the other goroutine moved
// between two of this one's looks less than maxGap apart, where a switch
// between goroutines on one thread gives the other about 10ms, and Linux
// seldom switches between busy threads on one CPU in less than maxGap. So
// on one thread no step can count, and on two CPUs any that does shows both
// running at the same moment; at least sameMomentSteps must count within
// one window (more than one, so that a single odd reading of the clock
// proves nothing). The program watches up to tries windows, since a machine
// whose CPUs are busy with other work may seldom run both threads at once.
const (
	window          = 500 * time.Millisecond
	tries           = 16
	maxGap          = 100 * time.Microsecond
	sameMomentSteps = 3
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

// setProcs lets at most n threads run Go code at the same moment, and
// returns the setting as the runtime then reports it.
func setProcs(n int) int {
	runtime.GOMAXPROCS(n)
	return runtime.GOMAXPROCS(0)
}

// countPrimes counts the primes below limit with the given number of
// goroutines, twice over: under a sync.Mutex and with sync/atomic. It also
// returns how many chunks of the work each goroutine took.
func countPrimes(workers int) (locked int, atomically int64, chunks []int) {
	// Hand out the numbers in chunks, so that no worker sits idle while
	// another still has a long way to go.
	starts := make(chan int)
	go func() {
		for i := range limit / chunk {
			starts <- i * chunk
		}
		close(starts)
	}()

	var (
		mu    sync.Mutex
		total int // guarded by mu
		count atomic.Int64
	)
	chunks = make([]int, workers) // each worker counts its own
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for start := range starts {
				chunks[w]++
				for n := range chunk {
					if !isPrime(start + n) {
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
	return total, count.Load(), chunks
}

// tally is what one goroutine of sideBySide reports: how many steps it
// took, and after how many of them it saw that the other had just moved.
type tally struct{ taken, seen int }

// sideBySide runs two goroutines side by side for the given time. Each
// takes steps of work; after each step it publishes how many it has taken
// and looks at the other's count. It returns how many steps both took in
// all, and after how many of them the other had moved between two looks
// less than maxGap apart, too short a time for the scheduler to have run
// the other on this one's thread: proof that both ran at once.
func sideBySide(window time.Duration) (steps, overlapped int) {
	var counts [2]atomic.Int64
	results := make(chan tally)
	// Each goroutine watches the clock and stops by itself, so that
	// nothing else needs a thread meanwhile: on one thread, the two take
	// turns only when the scheduler preempts one.
	end := time.Now().Add(window)
	for me := range 2 {
		go func() {
			other := &counts[1-me]
			var s tally
			// Each look at the other's count is bracketed by the clock, so
			// that two looks less than maxGap apart are known to be so.
			lookedAt := time.Now()
			last := other.Load()
			for lookedAt.Before(end) {
				// One step: about a thousand divisions. 999983 is prime, so
				// every step is taken; using the answer keeps the compiler
				// from dropping the work.
				if isPrime(999_983) {
					s.taken++
				}
				counts[me].Store(int64(s.taken))

				before := time.Now()
				now := other.Load()
				after := time.Now()
				if now != last && after.Sub(lookedAt) < maxGap {
					s.seen++
				}
				last, lookedAt = now, before
			}
			results <- s
		}()
	}
	for range 2 {
		s := <-results
		steps += s.taken
		overlapped += s.seen
	}
	return steps, overlapped
}

func main() {
	cpus, all := runtime.NumCPU(), runtime.GOMAXPROCS(0)
	fmt.Println("CPUs this process may use:", cpus)
	fmt.Println("GOMAXPROCS:", all)
	if min(cpus, all) < 2 {
		fmt.Println("only one thread can run at a time here: parallelism cannot be shown")
		return
	}

	fmt.Printf("primes below %d, in chunks of %d, counted by %d goroutines:\n", limit, chunk, all)
	var one time.Duration
	for _, n := range []int{1, all} {
		procs := setProcs(n)
		start := time.Now()
		locked, atomically, chunks := countPrimes(all)
		elapsed := time.Since(start)
		if procs == 1 {
			one = elapsed
			fmt.Printf("  GOMAXPROCS=%d: %.3fs\n", procs, elapsed.Seconds())
		} else {
			fmt.Printf("  GOMAXPROCS=%d: %.3fs (%.2f of the GOMAXPROCS=1 time)\n",
				procs, elapsed.Seconds(), elapsed.Seconds()/one.Seconds())
		}
		fmt.Println("    under a sync.Mutex:", locked)
		fmt.Println("    with sync/atomic:  ", atomically)
		fmt.Println("    chunks each goroutine took:", chunks)
	}

	fmt.Println("two goroutines taking steps side by side for", window)
	fmt.Println("(a step counts when the other moved between two looks less than", maxGap,
		"apart; at least", sameMomentSteps, "must count):")
	procs := setProcs(1)
	steps, overlapped := sideBySide(window)
	fmt.Printf("  GOMAXPROCS=%d: %d of %d steps\n", procs, overlapped, steps)

	procs = setProcs(all)
	var (
		sameMoment bool
		windows    int // watched so far
	)
	for range tries {
		steps, overlapped = sideBySide(window)
		windows++
		if overlapped >= sameMomentSteps {
			sameMoment = true
			break
		}
	}
	fmt.Printf("  GOMAXPROCS=%d: %d of %d steps (window %d of at most %d)\n",
		procs, overlapped, steps, windows, tries)
	fmt.Println("ran at the same moment:", sameMoment)
}
