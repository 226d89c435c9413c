// Why does CPython have a GIL, and why does Go need none?
//
// CPython keeps every object alive by reference counting: each object holds
// a count of the references to it, every copy of a reference adds one
// (Py_INCREF) and every dropped reference takes one away (Py_DECREF), and
// the object is freed when the count reaches zero. Those counts change all
// the time, from every thread. A plain increment is a load, an add and a
// store, so two threads changing the same count at once can lose an update
// and free an object still in use, or leak it. Making every count atomic, or
// guarding each with its own lock, slows down every program, threaded or
// not; one global lock around the whole interpreter makes them all safe for
// the price of running one thread at a time. That lock is the GIL, and C
// extensions came to rely on it too.
//
// Go manages memory with a tracing garbage collector instead. There are no
// counts. Copying a pointer writes the pointer; only while the collector is
// marking does a pointer written to the heap also pass through a write
// barrier, which records the old and the new pointer for the collector in a
// buffer of the processor's own. No count changes and no global lock is
// taken, so goroutines on different cores can share objects without
// bookkeeping for one lock to protect. From time to time the collector,
// which runs alongside the program, finds everything still reachable from
// the goroutines' stacks and the globals and frees the rest. That also
// frees objects that refer to each other in a cycle, which reference counts
// alone never can (CPython has a separate cycle collector for them). The
// program shows it: it builds two nodes that point at each other, drops
// them, and asks runtime.AddCleanup to say when the collector frees one.
//
// Go does not make your data safe for you, though. Two goroutines that
// access the same variable at the same time, at least one of them writing,
// without synchronisation, are a data race: a bug whose results the Go
// memory model (go.dev/ref/mem) does not promise, and which the race
// detector (go run -race, go test -race) reports when it sees one happen.
// The tools are yours to place where they are needed: a sync.Mutex around
// the update, an operation from sync/atomic, or a channel that hands the
// data from one goroutine to the next. The program starts a thousand
// goroutines, holds them at a gate until all are there, and lets them add
// to two counters at once, one under a mutex and one atomic: both come out
// exact. It has no unguarded counter on purpose: whatever
// that printed would be a bug, not a lesson.
//
// The note's entry is dated 2018 and is now out of date. The GIL can be
// removed without ending reference counting: PEP 703 keeps the counts but
// makes most of them cheap, with biased reference counting (the thread that
// owns an object counts without atomics, the others atomically) and
// immortal objects whose counts never change, and adds per-object locks to
// the built-in types. Since Python 3.13 CPython has an optional
// free-threaded build without the GIL (python3.13t), experimental in 3.13
// and supported since 3.14, at some cost to single-threaded speed. The
// slowdown the note reports belongs to Larry Hastings's "Gilectomy", an
// experiment begun in 2016 that made every count atomic and was later
// abandoned.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

const goroutines, adds = 1000, 1000

// count starts many goroutines that wait at a gate, then opens it, so that
// all of them add to two shared counters at the same time, one guarded by a
// mutex and one atomic. It returns how many were waiting when the gate
// opened, and both totals.
func count() (waiting int, locked int, atomically int64) {
	var (
		mu    sync.Mutex
		total int // guarded by mu
		n     atomic.Int64
	)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			<-gate
			for range adds {
				mu.Lock()
				total++
				mu.Unlock()
				n.Add(1)
			}
		})
	}
	waiting = runtime.NumGoroutine() - 1 // all but main
	close(gate)
	wg.Wait()
	return waiting, total, n.Load()
}

// node is one link in a chain of references, as in a doubly linked list.
type node struct {
	other *node
}

// cycleCollected builds two nodes that refer to each other, drops every
// reference to them from outside, runs the garbage collector and reports
// whether it freed them before the deadline. Reference counts would keep
// both alive forever, each holding the other's count at one.
func cycleCollected(deadline time.Duration) bool {
	freed := make(chan struct{})
	func() {
		a, b := new(node), new(node)
		a.other, b.other = b, a
		runtime.AddCleanup(a, func(ch chan struct{}) { close(ch) }, freed)
	}()

	runtime.GC()
	// The cleanup runs on a goroutine of its own after the collection.
	select {
	case <-freed:
		return true
	case <-time.After(deadline):
		return false
	}
}

func main() {
	waiting, locked, atomically := count()
	fmt.Printf("%d goroutines wait at a gate; once it opens, each adds %d to two shared counters (%d in all):\n",
		waiting, adds, goroutines*adds)
	fmt.Println("  under a sync.Mutex:", locked)
	fmt.Println("  with sync/atomic:  ", atomically)

	const deadline = 5 * time.Second
	fmt.Printf("a cycle of two nodes, no longer reachable, freed by the garbage collector within %v: %t\n",
		deadline, cycleCollected(deadline))
}
