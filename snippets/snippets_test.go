package snippets_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"testing"

	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/site"
	"github.com/gonotebook/notebook/snippets"
)

var update = flag.Bool("update", false, "rewrite each snippet's expected.txt from a real (native) run")

// TestMain lets this test binary be the box of the runs its tests start.
func TestMain(m *testing.M) {
	if code, ok := runner.Child(); ok {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestSnippets runs every snippet below this folder as its own subtest and
// checks its output against expected.txt. A yaegi snippet runs under both
// engines, as subtests native and yaegi, and each must meet the
// expectation. Pick one with -run 'TestSnippets/subprocess/parallel-sleep$';
// rewrite expectations with -update, from the native run.
func TestSnippets(t *testing.T) {
	ids, err := snippets.Find(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 {
		t.Fatal("no snippets found below snippets/")
	}
	r := &runner.Runner{}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			s, err := snippets.Load(".", id)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Options.Alone {
				t.Parallel()
			}
			runs := &engineRuns{r: r, s: s}
			if s.Options.Engine != snippets.Yaegi {
				checkSnippet(t, runs, snippets.Native)
				return
			}
			// Native first: under -update it rewrites the expectation the
			// yaegi run must then meet.
			for _, engine := range []string{snippets.Native, snippets.Yaegi} {
				t.Run(engine, func(t *testing.T) { checkSnippet(t, runs, engine) })
			}
		})
	}
}

// engineRuns runs one snippet under each engine at most once, for the
// subtests of one snippet, which run one after the other.
type engineRuns struct {
	r       *runner.Runner
	s       *snippets.Snippet
	results map[string]*runner.Result
}

func (e *engineRuns) result(t *testing.T, engine string) *runner.Result {
	t.Helper()
	if res, ok := e.results[engine]; ok {
		return res
	}
	res, err := e.r.Run(context.Background(), e.s, engine)
	if err != nil {
		t.Fatal(err)
	}
	if e.results == nil {
		e.results = map[string]*runner.Result{}
	}
	e.results[engine] = res
	return res
}

// checkSnippet runs the snippet with engine and reports how it failed its
// expectation, or rewrites the expectation from a native run under
// -update, saying which file it wrote. For a yaegi snippet, a failure shows
// what the other engine printed too.
func checkSnippet(t *testing.T, runs *engineRuns, engine string) {
	t.Helper()
	s := runs.s
	res := runs.result(t, engine)
	if *update && engine == snippets.Native && res.Problem == "" {
		exp := s.Expect
		if exp == nil {
			exp = &snippets.Expectation{Path: s.ExpectPath()}
		}
		text := exp.Update(res.Output, s.Options.Unordered)
		old, _ := os.ReadFile(s.ExpectPath())
		if string(old) != string(text) {
			if err := os.WriteFile(s.ExpectPath(), text, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s", s.ExpectPath())
		}
		var err error
		if s.Expect, err = snippets.ParseExpectation(s.ExpectPath(), text); err != nil {
			t.Fatal(err)
		}
	}
	var other *runner.Result
	if s.Options.Engine == snippets.Yaegi && runner.Verdict(s, res) != nil {
		other = runs.result(t, otherEngine(engine))
	}
	if err := runner.EngineVerdict(s, res, other); err != nil {
		t.Error(err)
	}
}

func otherEngine(engine string) string {
	if engine == snippets.Yaegi {
		return snippets.Native
	}
	return snippets.Yaegi
}

// TestRelations runs the original of every snippet whose snippet.yaml
// says how the two relate, the block of the note that links to it, as a
// build does: an original declared the same must meet the expectation
// too, and one declared to differ must not. Without python3 it skips,
// saying so, but fails under CI, where python3 must be installed.
func TestRelations(t *testing.T) {
	nb, err := site.Load(context.Background(), &site.Config{Root: ".."})
	if err != nil {
		t.Fatal(err)
	}
	r := &runner.Runner{}
	t.Cleanup(func() { r.Close() })
	checked := 0
	for _, n := range nb.Notes {
		for _, blk := range n.Doc.Blocks {
			s := nb.Snippets[blk.Snippet]
			if s == nil || !runner.Runnable(blk.Lang) {
				continue
			}
			rel := s.Options.Original.Relation
			if rel != snippets.Same && rel != snippets.Differs {
				continue
			}
			t.Run(s.ID, func(t *testing.T) {
				if !s.Options.Alone {
					t.Parallel()
				}
				res, err := r.RunOriginal(context.Background(), s, blk.Code)
				if errors.Is(err, runner.ErrNoPython) {
					if os.Getenv("CI") != "" {
						t.Fatalf("python3 is needed under CI to check the originals: %v", err)
					}
					t.Skipf("python3 is not installed, so the original of %s:%d cannot be checked", n.Path, blk.Line)
				}
				if err != nil {
					t.Fatal(err)
				}
				if err := runner.RelationVerdict(s, res); err != nil {
					t.Errorf("%s:%d: snippet %s: %v", n.Path, blk.Line, s.ID, err)
				}
			})
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no snippet says how it relates to its original: the notes were not read")
	}
}
