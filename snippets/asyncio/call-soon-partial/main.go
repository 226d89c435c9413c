// The Python callback takes a keyword-only argument with a default, and
// functools.partial makes a new callable with that keyword filled in, which
// call_soon then queues on the event loop.
//
// Go has neither keyword arguments nor default values. The usual substitute
// is a small options struct whose zero value means "use the defaults";
// cmp.Or picks the first non-empty value, so an empty Label falls back to
// "default". (The Python calls its keyword argument kwargs, a name that
// usually means the dict of a **kwargs parameter; here it is one plain
// string, so the Go field is named for what it holds.) functools.partial
// becomes a closure: a func literal that calls callback with the option
// already set.
//
// call_soon only puts a callback on the loop's queue of ready work, run in
// the order queued once the coroutine yields. Here that queue is a slice of
// funcs, run in order. Nothing is waiting on a timer, so unlike the Python,
// which sleeps five seconds before the loop closes, the program ends as soon
// as the queue is empty.
//
// The note's asyncio.get_event_loop(), outside a running loop, is out of
// date: deprecated since Python 3.12 and an error since 3.14; today's Python
// writes asyncio.run(main()).
package main

import (
	"cmp"
	"fmt"
)

// callbackOptions are callback's optional settings; the zero value gives the
// defaults.
type callbackOptions struct {
	Label string
}

func callback(arg int, opts callbackOptions) {
	label := cmp.Or(opts.Label, "default")
	fmt.Printf("callback invoked with %d and %s\n", arg, label)
}

func main() {
	fmt.Println("entering event loop")
	defer fmt.Println("closing event loop")

	var ready []func()

	fmt.Println("registering callbacks")
	ready = append(ready, func() { callback(1, callbackOptions{}) })

	// functools.partial(callback, kwargs='not default')
	wrapped := func(arg int) { callback(arg, callbackOptions{Label: "not default"}) }
	ready = append(ready, func() { wrapped(2) })

	for _, f := range ready {
		f()
	}
}
