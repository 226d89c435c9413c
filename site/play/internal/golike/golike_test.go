package golike

import (
	"bytes"
	"errors"
	"go/ast"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// browser reports whether the browser's interpreter has a package: these
// tests give yaegi the whole standard library but os, as the browser's
// lacks it.
func browser(path string) bool { return path != "os" && path != "os/exec" }

// run interprets src as the browser's interpreter does (see the wasm
// program of package play) and returns what it printed, on standard
// output and error together, and its exit status.
func run(t *testing.T, src string) (string, int) {
	t.Helper()
	var out testfiles.Buffer
	exited := make(chan int, 1)
	tr := &Tracker{Stderr: &out, Exit: func(code int) { exited <- code }}
	i := interp.New(interp.Options{Stdout: &out, Stderr: io.Discard})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(tr.Exports()); err != nil {
		t.Fatal(err)
	}
	f, err := Prepare(i.FileSet(), src, browser)
	if err != nil {
		return err.Error() + "\n", 2
	}
	prog, err := i.CompileAST(f)
	if err != nil {
		return err.Error() + "\n", 2
	}
	ended := make(chan int, 1)
	go func() {
		tr.Begin()
		_, err := i.Execute(prog)
		var p interp.Panic
		switch {
		case errors.As(err, &p):
			out.Write([]byte(tr.Report(p.Value)))
			ended <- 2
		case err != nil:
			out.Write([]byte(err.Error() + "\n"))
			ended <- 2
		default:
			ended <- 0
		}
	}()
	select {
	case code := <-ended:
		return out.String(), code
	case code := <-exited:
		return out.String(), code
	case <-time.After(time.Minute):
		t.Fatalf("the program did not end within a minute; it printed:\n%s", out.String())
		return "", 0
	}
}

func TestPanics(t *testing.T) {
	for _, c := range []struct {
		name, src, want string
		exit            int
	}{{
		name: "index out of range, two functions deep",
		src: `package main

import "fmt"

func at(s []int, i int) int {
	fmt.Println("looking")
	return s[i]
}

func main() {
	s := []int{1, 2, 3}
	fmt.Println(at(s, 1))
	fmt.Println(at(s, 5))
}
`,
		want: `looking
2
looking
panic: runtime error: index out of range [5] with length 3

goroutine 1 [running]:
main.at(...)
	main.go:7
main.main()
	main.go:13
`,
		exit: 2,
	}, {
		name: "a panic on another goroutine",
		src: `package main

import (
	"fmt"
	"time"
)

func main() {
	go func() {
		panic("boom")
	}()
	time.Sleep(10 * time.Second)
	fmt.Println("not reached")
}
`,
		want: `panic: boom

goroutine G [running]:
main.main.func1()
	main.go:10
created by main.main in goroutine 1
	main.go:9
`,
		exit: 2,
	}, {
		name: "a recovered panic leaves no trace",
		src: `package main

import (
	"errors"
	"fmt"
)

func fail() { panic(errors.New("first")) }

func safely() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	fail()
	return nil
}

func main() {
	fmt.Println("recovered:", safely())
	var m map[string]int
	m["x"] = 1
}
`,
		want: `recovered: first
panic: assignment to entry in nil map

goroutine 1 [running]:
main.main()
	main.go:23
`,
		exit: 2,
	}, {
		name: "slice bounds",
		src: `package main

import "fmt"

func main() {
	s := []int{1, 2, 3}
	n := 5
	fmt.Println(s[1:n])
}
`,
		want: `panic: runtime error: slice bounds out of range [:5] with capacity 3

goroutine 1 [running]:
main.main()
	main.go:8
`,
		exit: 2,
	}, {
		name: "a string's index",
		src: `package main

import "fmt"

func main() {
	s, i := "abc", 3
	fmt.Println(s[i])
}
`,
		want: `panic: runtime error: index out of range [3] with length 3

goroutine 1 [running]:
main.main()
	main.go:7
`,
		exit: 2,
	}, {
		name: "an index in a loop, at its line",
		src: `package main

import "fmt"

func main() {
	s := []int{1, 2}
	for i := range s {
		fmt.Println(s[i])
	}
	for i := 0; i < 3 && s[i] > 0; i++ {
		fmt.Println(func() int { return s[i+1] }())
	}
}
`,
		want: `1
2
2
panic: runtime error: index out of range [2] with length 2

goroutine 1 [running]:
main.main.func1()
	main.go:11
main.main()
	main.go:11
`,
		exit: 2,
	}, {
		name: "a method's frame, and a negative index",
		src: `package main

type stack struct{ items []int }

func (s *stack) pop() int {
	top := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return top
}

func main() {
	var s stack
	s.pop()
}
`,
		want: `panic: runtime error: index out of range [-1]

goroutine 1 [running]:
main.(*stack).pop(...)
	main.go:6
main.main()
	main.go:13
`,
		exit: 2,
	}, {
		name: "a nil pointer, recovered as Go's run-time error",
		src: `package main

import "fmt"

type T struct{ X int }

func main() {
	defer func() {
		r := recover()
		_, isErr := r.(error)
		fmt.Println("recovered:", r, isErr)
	}()
	var p *T
	fmt.Println(p.X)
}
`,
		want: "recovered: runtime error: invalid memory address or nil pointer dereference true\n",
	}, {
		name: "an interface conversion",
		src: `package main

import "fmt"

func main() {
	var x any = "s"
	fmt.Println(x.(int))
}
`,
		want: `panic: interface conversion: interface {} is string, not int

goroutine 1 [running]:
main.main()
	main.go:7
`,
		exit: 2,
	}, {
		name: "guarded indexes and map keys run as they are",
		src: `package main

import "fmt"

func main() {
	s := []int{1, 2, 3}
	m := map[int]string{}
	m[7] = "seven"
	i := 3
	if i < len(s) && s[i] > 0 {
		fmt.Println("never")
	}
	fmt.Println(m[7], m[9] == "", len(s[i:]))
}
`,
		want: "seven true 0\n",
	}, {
		name: "goroutines, closures and methods that end well",
		src: `package main

import (
	"fmt"
	"sync"
)

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) add(k int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += k
}

func main() {
	var c counter
	var wg sync.WaitGroup
	for i := 1; i <= 4; i++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			c.add(k)
		}(i)
	}
	wg.Add(1)
	go func(xs ...float64) {
		defer wg.Done()
		fmt.Println(len(xs), xs[1])
	}([]float64{1, 2}...)
	wg.Wait()
	fmt.Println(c.n)
}
`,
		want: "2 2\n10\n",
	}, {
		name: "a package the browser lacks",
		src: `package main

import (
	"fmt"
	"os"
)

func main() { fmt.Println(os.Args) }
`,
		want: "main.go:5:2: os is not available in the browser; a program that imports it runs only when the site is built\n",
		exit: 2,
	}, {
		name: "a compile error names the reader's line",
		src: `package main

import "fmt"

func main() {
	fmt.Println("a")
	fmt.Println(y)
}
`,
		want: "main.go:7:14: undefined: y\n",
		exit: 2,
	}, {
		name: "a syntax error",
		src: `package main

func main() {
	x := (1
}
`,
		want: "main.go:4:9: expected ')', found newline\n",
		exit: 2,
	}} {
		t.Run(c.name, func(t *testing.T) {
			got, exit := run(t, c.src)
			if strings.Contains(c.want, "goroutine G ") {
				// Which number a goroutine gets is the runtime's.
				if i, j := strings.Index(got, "goroutine "), strings.Index(got, " [running]"); i >= 0 && j > i && !strings.HasPrefix(got[i:], "goroutine 1 ") {
					got = got[:i] + "goroutine G" + got[j:]
				}
			}
			if got != c.want || exit != c.exit {
				t.Errorf("printed, with exit status %d:\n%s\nwant, with exit status %d:\n%s", exit, got, c.exit, c.want)
			}
		})
	}
}

// benchProgram calls a function a million times and indexes a slice ten
// million times: what the rewriting costs most.
const benchProgram = `package main

import "fmt"

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

func main() {
	s := make([]int, 1000)
	sum := 0
	for r := 0; r < 1000; r++ {
		for i := range s {
			sum += s[i] + i
		}
	}
	fmt.Println(fib(24), sum)
}
`

// BenchmarkRewritten interprets benchProgram as it is and as Prepare
// rewrites it.
func BenchmarkRewritten(b *testing.B) {
	for _, rewritten := range []bool{false, true} {
		name := "as written"
		if rewritten {
			name = "rewritten"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				var out bytes.Buffer
				tr := &Tracker{}
				i := interp.New(interp.Options{Stdout: &out, Stderr: &out})
				i.Use(stdlib.Symbols)
				i.Use(tr.Exports())
				var err error
				if rewritten {
					var f any
					f, err = Prepare(i.FileSet(), benchProgram, browser)
					if err == nil {
						tr.Begin()
						var prog *interp.Program
						if prog, err = i.CompileAST(f.(ast.Node)); err == nil {
							_, err = i.Execute(prog)
						}
					}
				} else {
					_, err = i.Eval(benchProgram)
				}
				if err != nil || out.String() != "46368 499500000\n" {
					b.Fatalf("%v: %s", err, out.String())
				}
			}
		})
	}
}

// TestBoundsAsGo checks that Index and Slice panic with the messages of
// Go's own runtime, for a slice, an array and a string.
func TestBoundsAsGo(t *testing.T) {
	message := func(f func()) (msg string) {
		defer func() {
			if r := recover(); r != nil {
				msg = r.(error).Error()
			}
		}()
		f()
		return ""
	}
	s, a, str := make([]int, 2, 3), [3]int{}, "abc"
	for i := -1; i <= 4; i++ {
		for j := -1; j <= 4; j++ {
			for k := -1; k <= 4; k++ {
				cases := []struct{ name, got, want string }{
					{"s[i:j]", message(func() { Slice(i, j, 3, 2, 3, false, false) }), message(func() { _ = s[i:j] })},
					{"s[i:j:k]", message(func() { Slice(i, j, k, 2, 3, true, false) }), message(func() { _ = s[i:j:k] })},
					{"a[i:j:k]", message(func() { Slice(i, j, k, 3, 3, true, true) }), message(func() { _ = a[i:j:k] })},
					{"str[i:j]", message(func() { Slice(i, j, 3, 3, 3, false, true) }), message(func() { _ = str[i:j] })},
					{"s[i]", message(func() { Index(i, 2) }), message(func() { _ = s[i] })},
				}
				for _, c := range cases {
					if c.got != c.want {
						t.Errorf("%s with i, j, k = %d, %d, %d: %q, want %q", c.name, i, j, k, c.got, c.want)
					}
				}
			}
		}
	}
}
