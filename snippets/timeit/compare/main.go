// Python's timeit.Timer runs a statement a given number of times and returns
// the total time taken. Go's standard tool for this is the benchmark:
// a BenchmarkXxx function run by go test -bench (or testing.Benchmark), which
// picks the repetition count itself and runs each benchmark for about a
// second. For a table of thirty sizes that is too slow for a quick script, so
// this program times the calls directly with time.Now and time.Since.
//
// Like timeit(3), each measurement is the total of three calls. Short
// measurements are easily disturbed by the scheduler or the garbage
// collector, so, as the timeit documentation advises with repeat, the program
// keeps the best of three such measurements. Results go into a package-level
// variable so the compiler cannot drop a call whose value is unused.
//
// The Python loop goes up to n = 40. Recursive fib(n) makes about 1.6^n
// calls, and fib(40) alone takes about half a second in Go (and far longer
// in Python), so this table stops at n = 30 to keep the run short; the
// pattern is plain well before that. The timings change from run to run, and
// fibi's few nanoseconds are mostly the cost of reading the clock. What does
// not change is the shape: the recursive version's time grows exponentially
// with n while the iterative one's barely moves.
//
// The checks have wide margins. fib(15) makes 1973 calls against fibi's 14
// steps, so "slower" holds with a ratio of a hundred or more, where only
// above 1 is asked. fib(30) makes 2.7 million calls against 29 steps, a
// ratio in the hundreds of thousands, where only above 1000 is asked.
// Keeping the best of three measurements means a pause has to strike all
// three to count.
//
// The note's block has three slips. It imports fib from a module fibonacci,
// while the previous block's comment names its file fibonnaci.py, so it
// runs only once the file is named fibonacci.py. Its last column, headed
// "percent", is a ratio, not a percentage. And going up to n = 40 takes
// Python minutes: here the three calls of fib(36) alone took 20 seconds.
package main

import (
	"fmt"
	"time"
)

func fib(n int) int {
	switch n {
	case 0:
		return 0
	case 1:
		return 1
	default:
		return fib(n-1) + fib(n-2)
	}
}

func fibi(n int) int {
	if n == 0 {
		return 0
	}
	prev, cur := 0, 1
	for range n - 1 {
		prev, cur = cur, prev+cur
	}
	return cur
}

// sink keeps the results alive so that the timed calls cannot be optimised
// away. It is written and never read, on purpose.
//
//lint:ignore U1000 a benchmark sink is only ever written
var sink int

// timeit returns the shortest of repeat measurements, each the total time of
// number calls of f(n).
func timeit(f func(int) int, n, number, repeat int) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range repeat {
		start := time.Now()
		for range number {
			sink += f(n)
		}
		best = min(best, time.Since(start))
	}
	return best
}

func main() {
	const maxN = 30
	ratios := make([]float64, maxN+1)
	for n := 1; n <= maxN; n++ {
		t1 := timeit(fib, n, 3, 3)
		t2 := timeit(fibi, n, 3, 3)
		ratios[n] = float64(t1) / float64(t2)
		fmt.Printf("n=%2d, fib: %12.3fµs, fibi: %7.3fµs, ratio: %10.2f\n",
			n, float64(t1)/1e3, float64(t2)/1e3, ratios[n])
	}

	// fib(n) calls itself 2*fib(n+1)-1 times in all; fibi loops n-1 times.
	fmt.Printf("fib(%d) makes %d calls; fibi(%d) loops %d times\n",
		maxN, 2*fibi(maxN+1)-1, maxN, maxN-1)

	slower := true
	for n := 15; n <= maxN; n++ {
		slower = slower && ratios[n] > 1
	}
	fmt.Printf("fib slower than fibi for every n from 15 to %d: %v\n", maxN, slower)
	fmt.Printf("fib(%d) over 1000 times slower than fibi(%d): %v\n",
		maxN, maxN, ratios[maxN] > 1000)
}
