// Two ways to compute Fibonacci numbers: fib follows the definition and calls
// itself twice per step, fibi walks forward keeping only the last two values.
// Both translate line for line. Python's tuple assignment
// old, new = new, old+new is Go's parallel assignment, which likewise
// evaluates the whole right-hand side before assigning. (The variables are
// renamed prev and cur: new is a builtin function in Go.)
//
// One difference is the numbers themselves. Python's int grows without
// limit. Go's int is 32 or 64 bits wide depending on the platform, so the
// functions use int64, which holds Fibonacci numbers up to fib(92) on every
// platform. Past that the sum silently wraps around; math/big is the way to
// go further.
//
// The program prints the first values from both functions, then counts for
// how many n up to 25 they agree.
package main

import "fmt"

func fib(n int) int64 {
	switch n {
	case 0:
		return 0
	case 1:
		return 1
	default:
		return fib(n-1) + fib(n-2)
	}
}

func fibi(n int) int64 {
	if n == 0 {
		return 0
	}
	var prev, cur int64 = 0, 1
	for range n - 1 {
		prev, cur = cur, prev+cur
	}
	return cur
}

func main() {
	fmt.Println(" n  fib  fibi")
	for n := range 13 {
		fmt.Printf("%2d %4d %5d\n", n, fib(n), fibi(n))
	}

	agree := 0
	for n := range 26 {
		if fib(n) == fibi(n) {
			agree++
		}
	}
	fmt.Printf("fib and fibi agree for %d of the 26 values n = 0..25\n", agree)
	fmt.Println("fibi(92) =", fibi(92))
	fmt.Println("fibi(93) =", fibi(93), "(wrapped around)")
}
