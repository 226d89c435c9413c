package runner

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/snippets"
)

// TestMutants tests a snippet whose expectation sees only part of what
// its program does: the mutants of what it prints are killed, those of
// what it only computes live, and the one snippet.yaml acknowledges is
// equivalent. Tested again, every outcome comes from the store.
func TestMutants(t *testing.T) {
	root := testfiles.Dir(t, map[string]string{
		"s/main.go": `package main

import "fmt"

func main() {
	total := 0
	for i := 0; i < 3; i++ {
		total += i
	}
	unused := 7
	_ = unused
	fmt.Println("hello")
}
`,
		"s/expected.txt": "hello\n",
		"s/snippet.yaml": `engine: yaegi
timeout: 5s
equivalent_mutants:
  - mutant: "constant: unused := 7 → unused := 0"
    reason: "unused is never read"
`,
	})
	s, err := snippets.Load(root, "s")
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Store: st}
	defer r.Close()
	results, err := r.Mutants(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, m := range results {
		got[m.Name()] = m.Outcome
	}
	for name, want := range map[string]string{
		`delete: fmt.Println("hello")`:                                   Killed,
		"delete: total += i":                                             Lived,
		"constant: unused := 7 → unused := 0":                            Equivalent,
		"negate: for i := 0; i < 3; i++ { → for i := 0; !(i < 3); i++ {": Lived,
		"boundary: for i := 0; i < 3; i++ { → for i := 0; i <= 3; i++ {": Lived,
		"constant: for i := 0; i < 3; i++ { → for i := 0; i < 0; i++ {":  Lived,
	} {
		if got[name] != want {
			t.Errorf("mutant %q: %q, want %q", name, got[name], want)
		}
	}
	if len(results) != len(got) {
		t.Errorf("%d mutants, %d names: two mutants share a name", len(results), len(got))
	}

	again, err := r.Mutants(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range again {
		if !m.Cached || m.Outcome != results[i].Outcome {
			t.Errorf("tested again, %s: cached %v, %q (was %q)", m.Name(), m.Cached, m.Outcome, results[i].Outcome)
		}
	}
}
