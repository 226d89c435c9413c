package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
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
// its main.go (see package mutate), runs each in a box with the engine s
// runs with, and says of each whether the expectation caught it. The run
// of s itself must meet the expectation first; the error says why not.
//
// A mutant runs with the snippet's options, but its time limit is twice
// the time the snippet's own run took plus five seconds, if that is
// shorter: a mutant that loops for ever is caught as timed out, not
// waited for. Outcomes are kept in the store under the key of the
// snippet's run, the mutant and the expectation, so that a second test
// runs only mutants of what changed; compiled mutants are not kept.
func (r *Runner) Mutants(ctx context.Context, s *snippets.Snippet, done func(*MutantResult)) ([]*MutantResult, error) {
	if err := r.setup(); err != nil {
		return nil, err
	}
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
	var expect []byte
	if s.Expect != nil {
		expect, _ = os.ReadFile(s.ExpectPath())
	}
	timeout := min(time.Duration(s.Options.Timeout), 2*run.Result.Duration+5*time.Second)

	results := make([]*MutantResult, len(mutants))
	keys := make([]store.ID, len(mutants))
	var runs []*Run
	index := map[*Run]int{}
	for i, m := range mutants {
		res := &MutantResult{Mutant: m}
		results[i] = res
		keys[i] = store.NewHash("mutant").ID(run.Key).Bytes(expect).
			String(fmt.Sprint(m.Start, m.End, m.New)).String(fmt.Sprint(s.Options.Exit, s.Options.Unordered)).Sum()
		if _, ok := r.Store.GetJSON(keys[i], &res.Outcome); ok && !r.Fresh && res.Outcome != "" {
			res.Cached = true
			continue
		}
		root, err := os.MkdirTemp(r.temp, "mutant-")
		if err != nil {
			return nil, err
		}
		defer removeAll(root)
		ms, err := mutantSnippet(root, s, m)
		if err != nil {
			return nil, err
		}
		ms.Options.Timeout = snippets.Duration(timeout)
		mr := r.NewRun(ms, run.Engine)
		mr.throwaway = true
		index[mr] = i
		runs = append(runs, mr)
	}
	for _, res := range results {
		if res.Cached {
			r.acknowledge(s, res)
			if done != nil {
				done(res)
			}
		}
	}
	err = r.RunAll(ctx, runs, func(mr *Run, err error) {
		i := index[mr]
		res := results[i]
		if err != nil {
			return
		}
		res.Outcome = outcome(mr)
		if !r.Fresh {
			r.Store.PutJSON(keys[i], res.Outcome)
		}
		r.acknowledge(s, res)
		if done != nil {
			done(res)
		}
	})
	return results, err
}

// acknowledge marks a mutant that lived Equivalent if snippet.yaml says
// it is.
func (r *Runner) acknowledge(s *snippets.Snippet, res *MutantResult) {
	if res.Outcome != Lived {
		return
	}
	for _, eq := range s.Options.EquivalentMutants {
		if eq.Mutant == res.Name() {
			res.Outcome, res.Reason = Equivalent, eq.Reason
		}
	}
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
	for _, f := range moduleReads(s.Dir) {
		if data, err := os.ReadFile(f); err == nil && !strings.HasSuffix(f, "vendor") {
			if err := os.WriteFile(filepath.Join(root, filepath.Base(f)), data, 0o644); err != nil {
				return nil, err
			}
		}
	}
	return snippets.Load(filepath.Join(root, "snippets"), s.ID)
}
