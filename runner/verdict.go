package runner

import (
	"errors"
	"fmt"

	"github.com/gonotebook/notebook/snippets"
)

// Verdict compares a result with what the snippet expects and returns nil if
// the run met it: it ended normally, with the expected exit status, and its
// output meets expected.txt.
func Verdict(s *snippets.Snippet, r *Result) error {
	var errs []error
	if r.Problem != "" {
		errs = append(errs, errors.New(r.Problem))
	}
	if r.Problem == "" && r.Exit != s.Options.Exit {
		errs = append(errs, fmt.Errorf("exit status %d, want %d", r.Exit, s.Options.Exit))
	}
	switch {
	case r.Problem != "" && len(r.Output) == 0:
		// Nothing ran, or nothing was printed: a diff would only repeat
		// the expectation.
	case s.Expect == nil:
		errs = append(errs, fmt.Errorf("%s is missing: write it, or run go test ./snippets/... -run 'TestSnippets/%s$' -update", s.ExpectPath(), s.ID))
	case r.Cut > 0:
		errs = append(errs, fmt.Errorf("output exceeded %d bytes (%d more were cut)", MaxOutput, r.Cut))
	default:
		if err := s.Expect.Check(r.Output, s.Options.Unordered); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// EngineVerdict says how res failed the expectation of s, with its output,
// and with what other (the same snippet under the other engine, or nil)
// printed and whether it met the expectation. It returns nil if res met
// the expectation.
func EngineVerdict(s *snippets.Snippet, res, other *Result) error {
	verdict := Verdict(s, res)
	if verdict == nil {
		return nil
	}
	msg := fmt.Sprintf("snippet %s (%s engine, %v):\n%v\n\n%s output:\n%s", s.ID, res.Engine, res.Duration.Round(1e6), verdict, res.Engine, res.Output)
	if other != nil {
		how := "meets the expectation: the engines differ"
		if err := Verdict(s, other); err != nil {
			how = fmt.Sprintf("fails too:\n%v", err)
		}
		msg += fmt.Sprintf("\n\nunder the %s engine, %s, the snippet %s\n\n%s output:\n%s", other.Engine, other.GoVersion, how, other.Engine, other.Output)
	}
	return errors.New(msg)
}
