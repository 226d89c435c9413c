package snippets

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite each snippet's expected.txt from a real (native) run")

// TestSnippets runs every snippet below this folder as its own subtest and
// checks its output against expected.txt. A yaegi snippet runs under both
// engines, as subtests native and yaegi, and each must meet the
// expectation. Pick one with -run 'TestSnippets/subprocess/parallel-sleep$';
// rewrite expectations with -update, from the native run.
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
			runs := &engineRuns{r: r, s: s}
			if s.Options.Engine != Yaegi {
				checkSnippet(t, runs, Native)
				return
			}
			// Native first: under -update it rewrites the expectation the
			// yaegi run must then meet.
			for _, engine := range []string{Native, Yaegi} {
				t.Run(engine, func(t *testing.T) { checkSnippet(t, runs, engine) })
			}
		})
	}
}

// engineRuns runs one snippet under each engine at most once, for the
// subtests of one snippet, which run one after the other.
type engineRuns struct {
	r       *Runner
	s       *Snippet
	results map[string]*Result
}

func (e *engineRuns) result(t *testing.T, engine string) *Result {
	t.Helper()
	if res, ok := e.results[engine]; ok {
		return res
	}
	res, err := e.r.RunEngine(context.Background(), e.s, engine)
	if err != nil {
		t.Fatal(err)
	}
	if e.results == nil {
		e.results = map[string]*Result{}
	}
	e.results[engine] = res
	return res
}

// checkSnippet runs the snippet with engine and reports how it failed its
// expectation, or rewrites the expectation from a native run under
// -update. For a yaegi snippet, a failure shows what the other engine
// printed too.
func checkSnippet(t *testing.T, runs *engineRuns, engine string) {
	t.Helper()
	s := runs.s
	res := runs.result(t, engine)
	if *update && engine == Native && res.Problem == "" {
		exp := s.Expect
		if exp == nil {
			exp = &Expectation{Path: s.ExpectPath()}
		}
		text := exp.Update(res.Output, s.Options.Unordered)
		if err := os.WriteFile(s.ExpectPath(), text, 0o644); err != nil {
			t.Fatal(err)
		}
		var err error
		if s.Expect, err = ParseExpectation(s.ExpectPath(), text); err != nil {
			t.Fatal(err)
		}
	}
	var other *Result
	if s.Options.Engine == Yaegi && s.Verdict(res) != nil {
		other = runs.result(t, otherEngine(engine))
	}
	if err := engineVerdict(s, res, other); err != nil {
		t.Error(err)
	}
}

func otherEngine(engine string) string {
	if engine == Yaegi {
		return Native
	}
	return Yaegi
}

// engineVerdict says how res failed the expectation of s, with its output,
// and with what other (the same snippet under the other engine, or nil)
// printed and whether it met the expectation. It returns nil if res met
// the expectation.
func engineVerdict(s *Snippet, res, other *Result) error {
	verdict := s.Verdict(res)
	if verdict == nil {
		return nil
	}
	msg := fmt.Sprintf("snippet %s (%s engine, %v):\n%v\n\n%s output:\n%s", s.ID, res.Engine, res.Duration.Round(1e6), verdict, res.Engine, res.Output)
	if other != nil {
		how := "meets the expectation: the engines differ"
		if err := s.Verdict(other); err != nil {
			how = fmt.Sprintf("fails too:\n%v", err)
		}
		msg += fmt.Sprintf("\n\nunder the %s engine, %s, the snippet %s\n\n%s output:\n%s", other.Engine, other.GoVersion, how, other.Engine, other.Output)
	}
	return fmt.Errorf("%s", msg)
}
