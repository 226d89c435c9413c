// asyncio's loop.call_at schedules a callback for an absolute time on the
// loop's own clock, and call_soon queues one to run as soon as possible. The
// loop keeps its timed callbacks ordered by due time and runs them one at a
// time on a single thread, so they come out in the order their times fall
// due, not the order they were registered.
//
// Go has no event loop, and for a fixed schedule it needs none: a slice of
// callbacks with their due times, sorted once, and a plain loop that sleeps
// until each one is due. time.Until turns an absolute time into the duration
// to wait, and a time already past means no wait at all, which is what "soon"
// amounts to. If callbacks could schedule further callbacks, the slice would
// become a priority queue (container/heap), much as in asyncio. To fire
// callbacks concurrently instead, each on its own goroutine, Go has
// time.AfterFunc.
//
// Python's loop.time() is a monotonic clock with a number you can print. Go
// keeps its monotonic reading inside time.Time and only exposes differences,
// so the program drops the Python's "loop time:" line and prints each
// callback's time as an offset from the start. Those offsets vary from run
// to run; the order 3, 2, 1 does not. The expected output checks the order
// and that no callback ran before its time (time.Sleep never returns
// early), not how late each was, which is up to the machine's load.
//
// The note's event_loop = asyncio.get_event_loop(), outside a running loop,
// is out of date: it is deprecated since Python 3.12 and an error since
// 3.14. Today's Python writes asyncio.run(main()) and, inside main, gets the
// loop with asyncio.get_running_loop().
package main

import (
	"fmt"
	"slices"
	"time"
)

// A handle is a callback waiting for its time, like asyncio's TimerHandle.
type handle struct {
	when time.Time
	n    int
}

func callback(n int, start time.Time) {
	fmt.Printf("callback %d invoked at %.3fs\n", n, time.Since(start).Seconds())
}

func main() {
	fmt.Println("entering event loop")
	defer fmt.Println("closing event loop")

	start := time.Now()
	fmt.Println("clock time:", start.Format("2006-01-02 15:04:05.000000"))

	var scheduled []handle
	callAt := func(when time.Time, n int) {
		scheduled = append(scheduled, handle{when: when, n: n})
	}

	fmt.Println("registering callbacks")
	callAt(start.Add(200*time.Millisecond), 1)
	callAt(start.Add(100*time.Millisecond), 2)
	callAt(time.Now(), 3) // call_soon: due at once

	// The loop: earliest first, each when its time comes.
	slices.SortStableFunc(scheduled, func(a, b handle) int {
		return a.when.Compare(b.when)
	})
	for _, h := range scheduled {
		time.Sleep(time.Until(h.when))
		callback(h.n, start)
	}
}
