package mutate

import (
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

const program = `package main

import (
	"fmt"
	"strings"
	"sync"
)

const n = 3

func main() {
	var wg sync.WaitGroup
	total := 0
	for i := 0; i < n; i++ {
		total += i
	}
	wg.Go(func() {
		fmt.Println(strings.Contains("ab", "b"))
	})
	go fmt.Println(total)
	if total >= 2 {
		wg.Wait()
	}
	m := make(map[int]bool, total+1)
	if err := check(m); err != nil {
		panic(err)
	}
}

func check(map[int]bool) error { return nil }
`

// TestGenerate checks each operator's mutants of a small program, by name
// and line, and that every mutant parses: the operators change syntax
// that stays valid Go.
func TestGenerate(t *testing.T) {
	mutants, err := Generate("main.go", []byte(program), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range mutants {
		got = append(got, strconv.Itoa(m.Line)+" "+m.Name())
		src := m.Apply([]byte(program))
		if _, err := parser.ParseFile(token.NewFileSet(), "main.go", src, 0); err != nil {
			t.Errorf("mutant %d %s does not parse: %v\n%s", m.Line, m.Name(), err, src)
		}
	}
	want := []string{
		"9 constant: const n = 3 → const n = 0",
		"13 constant: total := 0 → total := 1",
		"14 constant: for i := 0; i < n; i++ { → for i := 1; i < n; i++ {",
		"14 negate: for i := 0; i < n; i++ { → for i := 0; !(i < n); i++ {",
		"14 boundary: for i := 0; i < n; i++ { → for i := 0; i <= n; i++ {",
		"14 empty: for i := 0; i < n; i++ {",
		"15 delete: total += i",
		`17 delete: wg.Go(func() { fmt.Println(strings.Contains("ab", "b")) })`,
		`17 inline: wg.Go(func() { fmt.Println(strings.Contains("ab", "b")) }) → (func() { fmt.Println(strings.Contains("ab", "b")) })()`,
		`18 delete: fmt.Println(strings.Contains("ab", "b"))`,
		`18 zero: fmt.Println(strings.Contains("ab", "b")) → fmt.Println(false)`,
		"20 delete: go fmt.Println(total)",
		"20 inline: go fmt.Println(total) → fmt.Println(total)",
		"21 negate: if total >= 2 { → if !(total >= 2) {",
		"21 boundary: if total >= 2 { → if total > 2 {",
		"21 constant: if total >= 2 { → if total >= 0 {",
		"22 delete: wg.Wait()",
		"25 negate: if err := check(m); err != nil { → if err := check(m); !(err != nil) {",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mutants:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestDiff checks that a mutant shows the lines it changes, before and
// after, and that a deletion shows what it deleted.
func TestDiff(t *testing.T) {
	mutants, err := Generate("main.go", []byte(program), nil)
	if err != nil {
		t.Fatal(err)
	}
	diffs := map[string]string{}
	for _, m := range mutants {
		diffs[m.Name()] = m.Diff()
	}
	for name, want := range map[string]string{
		"boundary: if total >= 2 { → if total > 2 {": "\t-\tif total >= 2 {\n\t+\tif total > 2 {\n",
		"delete: wg.Wait()":                          "\t-\t\twg.Wait()\n\t+\t\t\n",
	} {
		if diffs[name] != want {
			t.Errorf("diff of %s:\n%q\nwant:\n%q", name, diffs[name], want)
		}
	}
}
