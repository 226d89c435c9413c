// CPython guards the whole interpreter with one lock, the GIL: however many
// threads a program starts, only the one holding it runs Python code. Go has
// no such lock. Goroutines are spread over up to GOMAXPROCS operating system
// threads (by default one per CPU), and those threads run Go code at the same
// moment on different cores.
//
// The program proves it with a game of ping-pong: two goroutines pass a
// number back and forth through an atomic variable, each busy-waiting, never
// blocking, until the other has answered. A quick return is only possible
// when both are running at the same instant. Limited to one thread with
// runtime.GOMAXPROCS(1), which is roughly what the GIL imposes, every
// hand-off has to wait for the scheduler to take the CPU away from the
// waiting player, which it does after about 10ms, so only a few dozen get
// through. With every CPU available the count runs into the hundreds of
// thousands. (The figures vary from machine to machine; this needs at least
// two CPUs.)
//
// The note also says that += is not atomic. That matters even more without a
// global lock, which is why it is shown here: an update such as total++ is a
// load, an add and a store, and two goroutines doing it at once on another
// CPU lose each other's updates. Such a data race is a bug in Go, reported by
// go run -race, so the program does not contain one. The lock the GIL takes
// for every bytecode, Go leaves to you, taken only around the data that needs
// it: a sync.Mutex around the update, or a single atomic operation from
// sync/atomic. Both give the exact total.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// play lets two goroutines pass the turn back and forth until it has
// changed hands goal times or limit has passed. It returns how many
// hand-offs were made and how long they took.
func play(goal int64, limit time.Duration) (int64, time.Duration) {
	var turn atomic.Int64 // even: player 0 to play; odd: player 1
	var stop atomic.Bool
	var wg sync.WaitGroup
	start := time.Now()
	for player := range int64(2) {
		wg.Go(func() {
			for !stop.Load() {
				t := turn.Load()
				if t == goal {
					return
				}
				if t%2 == player {
					turn.Add(1) // pass the turn to the other player
				}
			}
		})
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(limit):
		stop.Store(true)
		<-done
	}
	return turn.Load(), time.Since(start)
}

func main() {
	const goal = 10_000

	procs := runtime.GOMAXPROCS(1)
	n, took := play(goal, 200*time.Millisecond)
	fmt.Printf("GOMAXPROCS=1: %d hand-offs in %dms\n", n, took.Milliseconds())

	runtime.GOMAXPROCS(procs)
	n, took = play(goal, 5*time.Second)
	fmt.Printf("GOMAXPROCS=%d: %d hand-offs in %dms\n", procs, n, took.Milliseconds())
	// At one thread's pace, the goal would take several minutes.
	fmt.Println("ran in parallel:", n == goal)

	const workers, increments = 8, 10_000

	var mu sync.Mutex
	total := 0
	var atomicTotal atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range increments {
				mu.Lock()
				total++ // load, add, store: safe only while mu is held
				mu.Unlock()

				atomicTotal.Add(1) // one indivisible operation
			}
		})
	}
	wg.Wait()
	fmt.Println("with sync.Mutex:", total)
	fmt.Println("with sync/atomic:", atomicTotal.Load())
}
