package snippets

import (
	"context"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite each snippet's expected.txt from a real run")

// TestSnippets runs every snippet below this folder as its own subtest and
// checks its output against expected.txt. Pick one with
// -run 'TestSnippets/subprocess/parallel-sleep$'; rewrite expectations with
// -update.
func TestSnippets(t *testing.T) {
	ids, err := Find(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 {
		t.Fatal("no snippets found below snippets/")
	}
	r := &Runner{}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			s, err := Load(".", id)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Options.Alone {
				t.Parallel()
			}
			checkSnippet(t, r, s)
		})
	}
}

// checkSnippet runs s and reports how it failed its expectation, or
// rewrites the expectation under -update.
func checkSnippet(t *testing.T, r *Runner, s *Snippet) {
	t.Helper()
	res, err := r.Run(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if *update && res.Problem == "" {
		exp := s.Expect
		if exp == nil {
			exp = &Expectation{Path: s.ExpectPath()}
		}
		if err := os.WriteFile(s.ExpectPath(), exp.Update(res.Output, s.Options.Unordered), 0o644); err != nil {
			t.Fatal(err)
		}
		if s.Expect, err = ParseExpectation(s.ExpectPath(), exp.Update(res.Output, s.Options.Unordered)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Verdict(res); err != nil {
		t.Errorf("snippet %s (%s engine, %v):\n%v\n\noutput:\n%s", s.ID, res.Engine, res.Duration.Round(1e6), err, res.Output)
	}
}
