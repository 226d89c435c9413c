package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestOrder checks that every action runs once, after its deps.
func TestOrder(t *testing.T) {
	var mu sync.Mutex
	var order []string
	act := func(name string, deps ...*Action) *Action {
		return &Action{Name: name, Deps: deps, Do: func(context.Context) error {
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			return nil
		}}
	}
	a := act("a")
	b := act("b", a)
	c := act("c", a)
	d := act("d", b, c)
	if err := Run(context.Background(), []*Action{d, b}, Options{}); err != nil {
		t.Fatal(err)
	}
	if len(order) != 4 {
		t.Fatalf("ran %v, want each of a, b, c, d once", order)
	}
	at := func(name string) int { return slices.Index(order, name) }
	if at("a") > at("b") || at("a") > at("c") || at("b") > at("d") || at("c") > at("d") {
		t.Errorf("ran in the order %v", order)
	}
}

// TestFailure checks that a failed action stops those that depend on it,
// and no other.
func TestFailure(t *testing.T) {
	boom := errors.New("boom")
	var ran atomic.Int32
	ok := func(name string, deps ...*Action) *Action {
		return &Action{Name: name, Deps: deps, Do: func(context.Context) error { ran.Add(1); return nil }}
	}
	bad := &Action{Name: "bad", Do: func(context.Context) error { return boom }}
	after := ok("after", bad)
	later := ok("later", after)
	other := ok("other")
	var finished []string
	err := Run(context.Background(), []*Action{later, other}, Options{Done: func(a *Action) { finished = append(finished, a.Name) }})
	if !errors.Is(err, boom) {
		t.Fatalf("Run = %v, want boom", err)
	}
	if ran.Load() != 1 || other.Err() != nil {
		t.Errorf("%d actions ran, want only other", ran.Load())
	}
	if !errors.Is(after.Err(), ErrDepFailed) || !errors.Is(later.Err(), ErrDepFailed) {
		t.Errorf("after: %v, later: %v; want ErrDepFailed", after.Err(), later.Err())
	}
	slices.Sort(finished)
	if !slices.Equal(finished, []string{"bad", "other"}) {
		t.Errorf("Done was told of %v, want bad and other", finished)
	}
}

// gate is an action's body that records how many such bodies run at once
// and blocks until released.
type gate struct {
	mu        sync.Mutex
	now, most int
	started   chan struct{}
	release   chan struct{}
}

func newGate() *gate {
	return &gate{started: make(chan struct{}, 100), release: make(chan struct{})}
}

func (g *gate) do(context.Context) error {
	g.mu.Lock()
	g.now++
	g.most = max(g.most, g.now)
	g.mu.Unlock()
	g.started <- struct{}{}
	<-g.release
	g.mu.Lock()
	g.now--
	g.mu.Unlock()
	return nil
}

// wait waits for n bodies to start, with a deadline.
func (g *gate) wait(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-g.started:
		case <-time.After(10 * time.Second):
			t.Fatalf("fewer than %d actions started", n)
		}
	}
}

// TestLimits checks that no more than Jobs working actions, and 2×Jobs
// waiting ones, run at once.
func TestLimits(t *testing.T) {
	work, waits := newGate(), newGate()
	var roots []*Action
	for i := range 10 {
		roots = append(roots, &Action{Name: fmt.Sprint("work", i), Do: work.do})
		roots = append(roots, &Action{Name: fmt.Sprint("wait", i), Waits: true, Do: waits.do})
	}
	done := make(chan error)
	go func() { done <- Run(context.Background(), roots, Options{Jobs: 3}) }()
	work.wait(t, 3)
	waits.wait(t, 6)
	close(work.release)
	close(waits.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if work.most != 3 || waits.most != 6 {
		t.Errorf("at most %d working and %d waiting actions ran at once, want 3 and 6", work.most, waits.most)
	}
}

// TestAlone checks that an alone action runs with nothing else running,
// after the other ready actions.
func TestAlone(t *testing.T) {
	var running atomic.Int32
	var overlap atomic.Bool
	var order []string
	var mu sync.Mutex
	body := func(name string) func(context.Context) error {
		return func(context.Context) error {
			if running.Add(1) > 1 && name == "alone" {
				overlap.Store(true)
			}
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			running.Add(-1)
			return nil
		}
	}
	roots := []*Action{{Name: "alone", Alone: true, Do: body("alone")}}
	for i := range 8 {
		roots = append(roots, &Action{Name: fmt.Sprint(i), Waits: i%2 == 0, Do: body(fmt.Sprint(i))})
	}
	if err := Run(context.Background(), roots, Options{Jobs: 2}); err != nil {
		t.Fatal(err)
	}
	if overlap.Load() {
		t.Error("the alone action ran beside another")
	}
	if order[len(order)-1] != "alone" {
		t.Errorf("ran in the order %v, want the alone action last", order)
	}
}

// TestCancel checks that no action starts once ctx has ended, and that Run
// returns ctx's error after the running ones.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g := newGate()
	first := &Action{Name: "first", Do: g.do}
	var later atomic.Bool
	second := &Action{Name: "second", Deps: []*Action{first}, Do: func(context.Context) error { later.Store(true); return nil }}
	done := make(chan error)
	go func() { done <- Run(ctx, []*Action{second}, Options{}) }()
	g.wait(t, 1)
	cancel()
	close(g.release)
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if later.Load() {
		t.Error("an action started after ctx ended")
	}
}

func TestCycle(t *testing.T) {
	a := &Action{Name: "a"}
	b := &Action{Name: "b", Deps: []*Action{a}}
	a.Deps = []*Action{b}
	if err := Run(context.Background(), []*Action{a}, Options{}); err == nil {
		t.Error("Run of a cycle returned no error")
	}
}
