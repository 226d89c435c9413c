// Package graph runs a build: a graph of actions, each after the actions it
// depends on, by one scheduler bounded by the machine's cores.
//
// An Action is one step of a build (parse a note, build a program, run a
// snippet, render a page, publish the site). Run starts each action once
// every action it depends on has succeeded, and as many at once as the
// limits allow:
//
//   - at most Jobs actions that work the processor (the default kind);
//   - besides them, at most 2×Jobs actions that mostly wait (Waits: a
//     program's run, which sleeps, waits on its children or the network
//     far more than it computes);
//   - an action marked Alone only when nothing else is running, and
//     nothing starts while it runs. Alone actions wait until no other
//     action is ready, so that they hold back as little as possible.
//
// An action that fails does not stop the others: every action that does
// not depend on it still runs, so that one build reports every failure.
// The actions that depend on a failed one do not run. Run returns the
// errors of the actions that failed, in the order they failed.
package graph

import (
	"cmp"
	"context"
	"errors"
	"runtime"
)

// An Action is one step of a build.
type Action struct {
	// Name says what the action does, for errors: "run gil/parallel".
	Name string
	// Deps must succeed before the action starts.
	Deps []*Action
	// Waits says that the action mostly waits rather than computes.
	Waits bool
	// Alone says that the action runs with nothing else running.
	Alone bool
	// Do does the action's work.
	Do func(ctx context.Context) error

	err     error
	pending int       // deps not yet done
	next    []*Action // the actions that depend on this one
}

// ErrDepFailed is the error of an action that did not run because an
// action it depends on failed.
var ErrDepFailed = errors.New("not run: an action it depends on failed")

// Err is the action's error once Run has returned: nil if it succeeded,
// ErrDepFailed if it did not run.
func (a *Action) Err() error { return a.err }

// Options say how Run runs a graph.
type Options struct {
	// Jobs bounds the actions that work the processor at once;
	// GOMAXPROCS, at least 2, if zero.
	Jobs int
	// Done, if set, is called as each action that ran finishes, with its
	// error, from one goroutine at a time.
	Done func(a *Action)
}

// The kinds of action, each with its own queue and limit.
const (
	work = iota
	waits
	alone
)

func (a *Action) kind() int {
	switch {
	case a.Alone:
		return alone
	case a.Waits:
		return waits
	}
	return work
}

// Run runs every action in roots and every action they depend on, each
// once, and returns the joined errors of those that failed. If ctx ends,
// no action starts after, and Run returns ctx's error once the running
// ones have returned.
func Run(ctx context.Context, roots []*Action, opts Options) error {
	jobs := cmp.Or(opts.Jobs, max(2, runtime.GOMAXPROCS(0)))
	all := collect(roots)
	limit := [3]int{work: jobs, waits: 2 * jobs, alone: 1}
	var ready [3][]*Action // by kind, in the order they became ready
	var running [3]int
	for _, a := range all {
		if a.pending == 0 {
			ready[a.kind()] = append(ready[a.kind()], a)
		}
	}
	done := make(chan *Action)
	var errs []error
	left := len(all)
	for left > 0 {
		for k := range ready {
			// Nothing starts beside an alone action, which starts only
			// when nothing else runs or is ready.
			for ctx.Err() == nil && len(ready[k]) > 0 && running[k] < limit[k] && running[alone] == 0 &&
				(k != alone || running == [3]int{} && len(ready[work])+len(ready[waits]) == 0) {
				a := ready[k][0]
				ready[k] = ready[k][1:]
				running[k]++
				go func() {
					if a.Do != nil {
						a.err = a.Do(ctx)
					}
					done <- a
				}()
			}
		}
		if running == [3]int{} {
			break // ctx ended, or a cycle: nothing more starts
		}
		a := <-done
		running[a.kind()]--
		left--
		if a.err != nil {
			errs = append(errs, a.err)
		}
		if opts.Done != nil {
			opts.Done(a)
		}
		for _, n := range a.next {
			if a.err != nil {
				left -= fail(n)
			} else if n.pending--; n.pending == 0 && n.err == nil {
				ready[n.kind()] = append(ready[n.kind()], n)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if left > 0 {
		errs = append(errs, errors.New("graph: the actions depend on one another in a cycle"))
	}
	return errors.Join(errs...)
}

// collect finds every action reachable from roots, links each to the
// actions that depend on it, and counts its deps.
func collect(roots []*Action) []*Action {
	var all []*Action
	seen := map[*Action]bool{}
	var visit func(a *Action)
	visit = func(a *Action) {
		if seen[a] {
			return
		}
		seen[a] = true
		a.err, a.next, a.pending = nil, nil, len(a.Deps)
		for _, d := range a.Deps {
			visit(d)
			d.next = append(d.next, a)
		}
		all = append(all, a)
	}
	for _, r := range roots {
		visit(r)
	}
	return all
}

// fail marks a, which depends on an action that failed, and every action
// that depends on it, as not run, and returns how many it marked.
func fail(a *Action) int {
	if a.err != nil {
		return 0 // marked already
	}
	a.err = ErrDepFailed
	n := 1
	for _, next := range a.next {
		n += fail(next)
	}
	return n
}
