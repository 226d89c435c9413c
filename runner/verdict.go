package runner

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gonotebook/notebook/snippets"
)

// Verdict compares a result with what the snippet expects and returns nil if
// the run met it: it ended normally, with the expected exit status, and its
// output meets expected.txt.
func Verdict(s *snippets.Snippet, r *Result) error {
	return verdictAs(s, r, "output")
}

// RelationVerdict checks what s says of its original against orig, the
// original's run: the original of a pair declared same must meet the
// expectation too, and that of a pair declared differs must not, or the
// pair is the same and should say so.
func RelationVerdict(s *snippets.Snippet, orig *Result) error {
	switch s.Options.Original.Relation {
	case snippets.Same:
		if err := verdictAs(s, orig, "the original's output"); err != nil {
			return fmt.Errorf("declared the same as its original (relation: same), but the original's run does not meet %s:\n%v", s.ExpectPath(), err)
		}
	case snippets.Differs:
		if verdictAs(s, orig, "") == nil {
			return fmt.Errorf("declared to differ from its original (relation: differs), but the original's run meets %s too: declare relation: same in %s",
				s.ExpectPath(), filepath.Join(s.Dir, snippets.OptionsFile))
		}
	}
	return nil
}

// verdictAs is Verdict, the output named label in a diff.
func verdictAs(s *snippets.Snippet, r *Result, label string) error {
	errs := verdict(s, r, label)
	if len(errs) > 0 {
		if hit := limitHit(s.Options.Limits, r); hit != "" {
			errs = append([]error{errors.New(hit)}, errs...)
		}
	}
	return errors.Join(errs...)
}

func verdict(s *snippets.Snippet, r *Result, label string) []error {
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
		if err := s.Expect.CheckAs(r.Output, s.Options.Unordered, label); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// limitSigns are what a program prints, or how it ends, when it hits one
// of the limits of its run: the messages of the Go runtime and of the
// operating system's errors (the same under both engines), and of common
// other runtimes.
//
// A sign in signs counts anywhere; one in lineSigns only on a line that
// also names one of starts: EAGAIN ("resource temporarily unavailable")
// means the process limit only where a process or thread failed to start,
// not on a read from a non-blocking file, say.
var limitSigns = []struct {
	limit     string
	signs     []string
	lineSigns []string
	starts    []string
}{
	{limit: "memory", signs: []string{"out of memory", "cannot allocate memory", "MemoryError"}},
	{limit: "open-files", signs: []string{"too many open files"}},
	{
		limit:     "process",
		signs:     []string{"failed to create new OS thread", "pthread_create failed", "can't start new thread"},
		lineSigns: []string{"resource temporarily unavailable"},
		starts:    []string{"fork", "clone", "thread", "spawn"},
	},
	{limit: "file-size", signs: []string{"file too large", "file size limit exceeded"}},
}

// limitHit says which limit a failed run hit, or "": the one the kernel
// says it reached (see Result.Limit), else the one whose sign the program
// printed.
func limitHit(l snippets.Limits, r *Result) string {
	if r.Limit != "" {
		return fmt.Sprintf("hit the %s limit (%s)", r.Limit, limitValue(l, r.Limit))
	}
	text := strings.ToLower(string(r.Output) + "\n" + r.Problem)
	for _, ls := range limitSigns {
		if hasSign(text, ls.signs) || hasLineSign(text, ls.lineSigns, ls.starts) {
			return fmt.Sprintf("hit the %s limit (%s)", ls.limit, limitValue(l, ls.limit))
		}
	}
	return ""
}

// hasSign reports whether text, in lower case, holds one of signs.
func hasSign(text string, signs []string) bool {
	for _, sign := range signs {
		if strings.Contains(text, strings.ToLower(sign)) {
			return true
		}
	}
	return false
}

// hasLineSign reports whether a line of text, in lower case, holds one of
// signs and one of starts.
func hasLineSign(text string, signs, starts []string) bool {
	if len(signs) == 0 {
		return false
	}
	for line := range strings.Lines(text) {
		if hasSign(line, signs) && hasSign(line, starts) {
			return true
		}
	}
	return false
}

// limitValue writes the value of the named limit.
func limitValue(l snippets.Limits, name string) string {
	switch name {
	case "memory":
		return l.Memory.String()
	case "open-files":
		return fmt.Sprint(l.Files)
	case "process":
		return fmt.Sprintf("%d processes and threads", l.Processes)
	case "disk":
		return l.Disk.String()
	default:
		return l.FileSize.String()
	}
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
