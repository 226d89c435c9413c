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
// keeps the best of three such measurements. Python's timeit returns only
// the time; the timeit here also hands back the value the timed calls
// computed, and each row of the table shows it next to the time: a timing of
// a function that computes the wrong thing is worth nothing.
//
// The Python loop goes up to n = 40. Recursive fib(n) makes about 1.6^n
// calls, and fib(40) alone takes about half a second in Go (and far longer
// in Python), so this table stops at n = 30 to keep the run short; the
// pattern is plain well before that. The timings change from run to run, and
// fibi's few nanoseconds are mostly the cost of reading the clock. What does
// not change is the shape: the recursive version's time grows exponentially
// with n while the iterative one's barely moves.
//
// The program counts the sizes from 15 up for which fib took longer than
// fibi. That count has a wide margin: fib(15) makes 1973 calls against
// fibi's 14 steps, a ratio of a hundred or more, so a pause would have to
// slow fibi down a hundredfold, in all three of its measurements, to tip
// one.
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

// timeit returns the shortest of repeat measurements, each the total time of
// number calls of f(n), and the result of the last call. f is a func value,
// so the compiler makes every call: it cannot tell that f has no side
// effects.
func timeit(f func(int) int, n, number, repeat int) (best time.Duration, result int) {
	best = time.Duration(1<<63 - 1)
	for range repeat {
		start := time.Now()
		for range number {
			result = f(n)
		}
		best = min(best, time.Since(start))
	}
	return best, result
}

func main() {
	const maxN = 30
	slower := 0 // sizes from 15 up for which fib took longer than fibi
	for n := 1; n <= maxN; n++ {
		fibTime, fibValue := timeit(fib, n, 3, 3)
		fibiTime, fibiValue := timeit(fibi, n, 3, 3)
		if n >= 15 && fibTime > fibiTime {
			slower++
		}
		fibUs := float64(fibTime) / float64(time.Microsecond)
		fibiUs := float64(fibiTime) / float64(time.Microsecond)
		fmt.Printf("n=%2d, fib: %6d in %12.3fµs, fibi: %6d in %7.3fµs, ratio: %10.2f\n",
			n, fibValue, fibUs, fibiValue, fibiUs, fibUs/fibiUs)
	}

	// fib(n) calls itself 2*fib(n+1)-1 times in all; fibi loops n-1 times.
	fmt.Printf("fib(%d) makes %d calls; fibi(%d) loops %d times\n",
		maxN, 2*fibi(maxN+1)-1, maxN, maxN-1)
	fmt.Printf("fib slower than fibi for %d of the %d sizes from 15 to %d\n",
		slower, maxN-14, maxN)
}
