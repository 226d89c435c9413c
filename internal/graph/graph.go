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
	"context"
	"errors"
	"runtime"
	"sync"
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
	state   state
}

type state uint8

const (
	unseen state = iota
	waiting
	ready
	running
	done
)

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
	// Done, if set, is called as each action finishes, with its error,
	// from one goroutine at a time.
	Done func(a *Action)
}

// Run runs every action in roots and every action they depend on, each
// once, and returns the joined errors of those that failed. If ctx ends,
// no action starts after, and Run returns ctx's error once the running
// ones have returned.
func Run(ctx context.Context, roots []*Action, opts Options) error {
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = max(2, runtime.GOMAXPROCS(0))
	}
	all := collect(roots)
	s := &scheduler{jobs: jobs, done: make(chan *Action)}
	for _, a := range all {
		if a.pending == 0 {
			s.push(a)
		}
	}
	var errs []error
	left := len(all)
	for left > 0 {
		if ctx.Err() == nil {
			s.start(ctx)
		}
		if s.running() == 0 {
			break // ctx ended: nothing more starts
		}
		a := <-s.done
		s.finished(a)
		left--
		if a.err != nil {
			errs = append(errs, a.err)
		}
		if opts.Done != nil {
			opts.Done(a)
		}
		for _, n := range a.next {
			if a.err != nil {
				left -= s.fail(n)
				continue
			}
			if n.pending--; n.pending == 0 && n.state == waiting {
				s.push(n)
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
	var visit func(a *Action)
	visit = func(a *Action) {
		if a.state != unseen {
			return
		}
		a.state = waiting
		a.err, a.next, a.pending = nil, nil, len(a.Deps)
		for _, d := range a.Deps {
			visit(d)
		}
		for _, d := range a.Deps {
			d.next = append(d.next, a)
		}
		all = append(all, a)
	}
	for _, r := range roots {
		visit(r)
	}
	return all
}

// scheduler holds the actions ready to start and counts those running.
type scheduler struct {
	jobs                 int
	work, waits, alone   []*Action // ready, by kind
	nWork, nWait, nAlone int       // running, by kind
	done                 chan *Action
}

func (s *scheduler) running() int { return s.nWork + s.nWait + s.nAlone }

func (s *scheduler) push(a *Action) {
	a.state = ready
	switch {
	case a.Alone:
		s.alone = append(s.alone, a)
	case a.Waits:
		s.waits = append(s.waits, a)
	default:
		s.work = append(s.work, a)
	}
}

// start starts every ready action the limits allow.
func (s *scheduler) start(ctx context.Context) {
	if s.nAlone > 0 {
		return
	}
	for len(s.work) > 0 && s.nWork < s.jobs {
		s.nWork++
		s.launch(ctx, pop(&s.work))
	}
	for len(s.waits) > 0 && s.nWait < 2*s.jobs {
		s.nWait++
		s.launch(ctx, pop(&s.waits))
	}
	if len(s.alone) > 0 && s.running() == 0 && len(s.work) == 0 && len(s.waits) == 0 {
		s.nAlone++
		s.launch(ctx, pop(&s.alone))
	}
}

// pop takes the first action of q, so that actions start in the order
// they became ready.
func pop(q *[]*Action) *Action {
	a := (*q)[0]
	*q = (*q)[1:]
	return a
}

func (s *scheduler) launch(ctx context.Context, a *Action) {
	a.state = running
	go func() {
		if a.Do != nil {
			a.err = a.Do(ctx)
		}
		s.done <- a
	}()
}

func (s *scheduler) finished(a *Action) {
	a.state = done
	switch {
	case a.Alone:
		s.nAlone--
	case a.Waits:
		s.nWait--
	default:
		s.nWork--
	}
}

// fail marks a, which depends on an action that failed, and every action
// that depends on it, as not run, and returns how many it marked.
func (s *scheduler) fail(a *Action) int {
	if a.state == done {
		return 0
	}
	a.state, a.err = done, ErrDepFailed
	n := 1
	for _, next := range a.next {
		n += s.fail(next)
	}
	return n
}

// Parallel calls f(0), …, f(n-1) on at most GOMAXPROCS goroutines at once
// and returns once every call has: for the work of one action that splits
// into parts alike, such as reading a notebook's notes.
func Parallel(n int, f func(i int)) {
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= n {
					return
				}
				f(j)
			}
		})
	}
	wg.Wait()
}
