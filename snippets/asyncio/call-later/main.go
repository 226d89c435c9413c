// asyncio's loop.call_later(delay, callback, *args) runs a callback once a
// delay has passed, and call_soon runs one on the loop's next turn. The
// coroutine then sleeps so that the loop stays alive long enough for the
// callbacks to fire.
//
// In Go the standard library already has the piece that matters:
// time.AfterFunc(d, f) calls f on its own goroutine after d. "Soon" needs no
// timer at all, just a goroutine. Arguments are bound with a closure instead
// of being passed along after the callback.
//
// Rather than sleeping for a guessed 0.4 seconds, main waits for exactly the
// callbacks it started, with a sync.WaitGroup. Unlike asyncio's callbacks,
// which take turns on one thread, these run on separate goroutines and could
// overlap; callbacks that share data would need a mutex or a channel.
//
// The note's delays are 0.1 and 0.2 seconds; these are 0.5 and 1, so that
// the order 3, 2, 1 has a margin of half a second: callback 3 needs only a
// goroutine to start, and the two timers fall due half a second apart, far
// more than a busy machine usually delays a goroutine.
//
// Each callback also prints when it ran, as an offset from the start, which
// the Python does not. Those offsets vary from run to run; the expected
// output checks that no callback ran before its delay was up (a timer never
// fires early), not how late each was, which is up to the machine's load.
//
// The note's asyncio.get_event_loop(), outside a running loop, is out of
// date: deprecated since Python 3.12 and an error since 3.14; today's Python
// writes asyncio.run(main()). Its last line also prints "closing event
// loopp", a typo this program does not copy.
package main

import (
	"fmt"
	"sync"
	"time"
)

func callback(n int, start time.Time) {
	fmt.Printf("callback %d invoked at %.3fs\n", n, time.Since(start).Seconds())
}

func main() {
	fmt.Println("entering event loop")
	defer fmt.Println("closing event loop")

	start := time.Now()
	var wg sync.WaitGroup
	callLater := func(delay time.Duration, n int) {
		wg.Add(1)
		time.AfterFunc(delay, func() {
			defer wg.Done()
			callback(n, start)
		})
	}

	fmt.Println("registering callbacks")
	callLater(time.Second, 1)
	callLater(500*time.Millisecond, 2)
	wg.Go(func() { callback(3, start) }) // call_soon

	wg.Wait()
}
