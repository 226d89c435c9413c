// asyncio's loop.call_at schedules a callback for an absolute time on the
// loop's own clock, and call_soon queues one for the next turn of the loop.
// The loop runs every callback on a single thread, in the order their times
// come due.
//
// Go has no event loop. A time.Timer does the scheduling: time.AfterFunc
// runs a function once a duration has passed, and time.Until turns an
// absolute deadline into that duration. Each timer fires on a goroutine of
// its own, so to keep asyncio's "one callback at a time" the timers here only
// send the callback's number down a channel, and main runs the callbacks as
// it receives them: a small loop over a channel. "Soon" is a deadline of now.
//
// Python's loop.time() is a monotonic clock with a number you can print. Go
// keeps its monotonic reading inside time.Time and only exposes differences,
// so the program prints each callback's time as an offset from the start.
// Those offsets vary from run to run; the order 3, 2, 1 does not.
package main

import (
	"fmt"
	"time"
)

func callback(n int, start time.Time) {
	fmt.Printf("callback %d invoked at %.3fs\n", n, time.Since(start).Seconds())
}

func main() {
	fmt.Println("entering event loop")
	defer fmt.Println("closing event loop")

	start := time.Now()
	fmt.Println("clock time:", start.Format("2006-01-02 15:04:05.000000"))

	fmt.Println("registering callbacks")
	due := make(chan int)
	callAt := func(when time.Time, n int) {
		time.AfterFunc(time.Until(when), func() { due <- n })
	}
	callAt(start.Add(200*time.Millisecond), 1)
	callAt(start.Add(100*time.Millisecond), 2)
	callAt(time.Now(), 3) // call_soon: due at once

	for range 3 {
		callback(<-due, start)
	}
}
