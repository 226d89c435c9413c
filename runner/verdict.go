package runner

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/gonotebook/notebook/runner/box"
	"github.com/gonotebook/notebook/snippets"
)

// Verdict compares a result with what the snippet expects and returns nil if
// the run met it: it ended normally, with the expected exit status, and its
// output meets expected.txt.
func Verdict(s *snippets.Snippet, r *Result) error {
	return verdict(s, r, "output")
}

// RelationVerdict checks what s says of its original against orig, the
// original's run: the original of a pair declared same must meet the
// expectation too, and that of a pair declared differs must not, or the
// pair is the same and should say so.
func RelationVerdict(s *snippets.Snippet, orig *Result) error {
	switch s.Options.Original.Relation {
	case snippets.Same:
		if err := verdict(s, orig, "the original's output"); err != nil {
			return fmt.Errorf("declared the same as its original (relation: same), but the original's run does not meet %s:\n%v", s.ExpectPath(), err)
		}
	case snippets.Differs:
		if verdict(s, orig, "") == nil {
			return fmt.Errorf("declared to differ from its original (relation: differs), but the original's run meets %s too: declare relation: same in %s",
				s.ExpectPath(), filepath.Join(s.Dir, snippets.OptionsFile))
		}
	}
	return nil
}

// verdict is Verdict, the output named label in a diff.
func verdict(s *snippets.Snippet, r *Result, label string) error {
	var errs []error
	if r.Problem != "" {
		errs = append(errs, errors.New(r.Problem))
	} else if r.Exit != s.Options.Exit {
		errs = append(errs, fmt.Errorf("exit status %d, want %d", r.Exit, s.Options.Exit))
	}
	switch {
	case r.Problem != "" && len(r.Output) == 0:
		// A diff would only repeat the expectation.
	case s.Expect == nil:
		errs = append(errs, fmt.Errorf("%s is missing: write it, or run go test ./snippets/... -run 'TestSnippets/%s$' -update", s.ExpectPath(), s.ID))
	case r.Cut > 0:
		errs = append(errs, fmt.Errorf("output exceeded %d bytes (%d more were cut)", box.MaxOutput, r.Cut))
	default:
		if err := s.Expect.CheckAs(r.Output, s.Options.Unordered, label); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		if hit := limitHit(s.Options.Limits, r); hit != "" {
			errs = append([]error{errors.New(hit)}, errs...)
		}
	}
	return errors.Join(errs...)
}

// limitSigns are what a program prints, or how it ends, when it hits one of
// the limits of its run, in Go, the operating system's errors and common
// other runtimes. EAGAIN means the process limit only on a line where a
// process or thread failed to start.
var limitSigns = []struct {
	limit string
	sign  *regexp.Regexp
}{
	{"memory", regexp.MustCompile(`(?i)out of memory|cannot allocate memory|MemoryError`)},
	{"open-files", regexp.MustCompile(`(?i)too many open files`)},
	{"process", regexp.MustCompile(`(?i)failed to create new OS thread|pthread_create failed|can't start new thread|` +
		`(fork|clone|thread|spawn).*resource temporarily unavailable|resource temporarily unavailable.*(fork|clone|thread|spawn)`)},
	{"file-size", regexp.MustCompile(`(?i)file too large|file size limit exceeded`)},
}

// limitHit says which limit a failed run hit, or "": the one the kernel
// says it reached (see Result.Limit), else the one whose sign the program
// printed.
func limitHit(l snippets.Limits, r *Result) string {
	text := string(r.Output) + "\n" + r.Problem
	limit := r.Limit
	for i := 0; limit == "" && i < len(limitSigns); i++ {
		if limitSigns[i].sign.MatchString(text) {
			limit = limitSigns[i].limit
		}
	}
	if limit == "" {
		return ""
	}
	values := map[string]any{
		"memory": l.Memory, "disk": l.Disk, "file-size": l.FileSize, "open-files": l.Files,
		"process": fmt.Sprintf("%d processes and threads", l.Processes),
	}
	return fmt.Sprintf("hit the %s limit (%v)", limit, values[limit])
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
