package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gonotebook/notebook/internal/mutate"
	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/snippets"
)

// What became of a mutant (see Mutants).
const (
	Killed      = "killed"          // its run failed the expectation
	Lived       = "lived"           // its run met the expectation
	Equivalent  = "equivalent"      // it lived, and snippet.yaml says it changes nothing shown
	TimedOut    = "timed out"       // its run was killed at its time limit
	NotCompiled = "did not compile" // it is not a valid program
)

// A MutantResult is what became of one mutant of a snippet's program.
type MutantResult struct {
	mutate.Mutant
	Outcome string
	Reason  string // for Equivalent, the reason snippet.yaml gives
	Cached  bool   // the outcome came from the store
}

// Mutants tests the expectation of s by mutation: it makes the mutants of
// its main.go (see package mutate), runs each like s, and says of each
// whether the expectation caught it. The run of s itself must meet the
// expectation first. A mutant's time limit is twice the time the
// snippet's own run took plus five seconds, if that is shorter than its
// timeout. Outcomes are kept in the store under the key of the snippet's
// run, the mutant and the expectation, so that a second test runs only
// mutants of what changed.
func (r *Runner) Mutants(ctx context.Context, s *snippets.Snippet) ([]*MutantResult, error) {
	run := r.NewRun(s, "")
	if err := r.Prepare(ctx, run); err != nil {
		return nil, err
	}
	if err := r.Exec(ctx, run); err != nil {
		return nil, err
	}
	if err := Verdict(run.Snippet, run.Result); err != nil {
		return nil, fmt.Errorf("snippet %s fails its expectation, so its mutants would prove nothing:\n%v", s.ID, err)
	}
	s = run.Snippet
	others := map[string][]byte{}
	for _, name := range s.Files {
		if strings.HasSuffix(name, ".go") && name != snippets.MainFile && !strings.HasSuffix(name, "_test.go") {
			data, err := os.ReadFile(filepath.Join(s.Dir, name))
			if err != nil {
				return nil, err
			}
			others[name] = data
		}
	}
	mutants, err := mutate.Generate(snippets.MainFile, s.Source, others)
	if err != nil {
		return nil, err
	}
	expect, _ := os.ReadFile(s.ExpectPath()) // there, as the run met it
	timeout := min(time.Duration(s.Options.Timeout), 2*run.Result.Duration+5*time.Second)
	root, err := os.MkdirTemp(r.temp, "mutants-")
	if err != nil {
		return nil, err
	}
	defer removeAll(root)

	st := r.Store
	if r.Fresh {
		st = nil
	}
	var runs []*Run
	todo := map[*Run]int{}
	results, keys := make([]*MutantResult, len(mutants)), make([]store.ID, len(mutants))
	for i, m := range mutants {
		res := &MutantResult{Mutant: m}
		results[i] = res
		keys[i] = store.NewHash("mutant").ID(run.Key).Bytes(expect).
			String(fmt.Sprint(m.Start, m.End, m.New)).String(fmt.Sprint(s.Options.Exit, s.Options.Unordered)).Sum()
		if _, ok := st.GetJSON(keys[i], &res.Outcome); ok && res.Outcome != "" {
			res.Cached = true
			continue
		}
		ms, err := mutantSnippet(filepath.Join(root, strconv.Itoa(i)), s, m)
		if err != nil {
			return nil, err
		}
		ms.Options.Timeout = snippets.Duration(timeout)
		mr := r.NewRun(ms, run.Engine)
		mr.throwaway, todo[mr] = true, i
		runs = append(runs, mr)
	}
	err = r.RunAll(ctx, runs, func(mr *Run, err error) {
		if i := todo[mr]; err == nil {
			results[i].Outcome = outcome(mr)
			st.PutJSON(keys[i], results[i].Outcome)
		}
	})
	for _, res := range results {
		for _, eq := range s.Options.EquivalentMutants {
			if res.Outcome == Lived && eq.Mutant == res.Name() {
				res.Outcome, res.Reason = Equivalent, eq.Reason
			}
		}
	}
	return results, err
}

// outcome says what became of a mutant's run.
func outcome(run *Run) string {
	res := run.Result
	switch {
	case strings.HasPrefix(res.Problem, "compile error"):
		return NotCompiled
	case strings.HasPrefix(res.Problem, "timed out"):
		return TimedOut
	case Verdict(run.Snippet, res) != nil:
		return Killed
	}
	return Lived
}

// mutantSnippet writes a copy of s with m applied to main.go below root,
// beside a copy of the go.mod and go.sum of the module around s, and
// loads it.
func mutantSnippet(root string, s *snippets.Snippet, m mutate.Mutant) (*snippets.Snippet, error) {
	dir := filepath.Join(root, "snippets", filepath.FromSlash(s.ID))
	if err := os.CopyFS(dir, os.DirFS(s.Dir)); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, snippets.MainFile), m.Apply(s.Source), 0o644); err != nil {
		return nil, err
	}
	for _, f := range moduleFiles(s.Dir, "go.mod", "go.sum") {
		if data, err := os.ReadFile(f); err == nil {
			if err := os.WriteFile(filepath.Join(root, filepath.Base(f)), data, 0o644); err != nil {
				return nil, err
			}
		}
	}
	return snippets.Load(filepath.Join(root, "snippets"), s.ID)
}
