package runner

import (
	"testing"

	"github.com/gonotebook/notebook/snippets"
)

// TestLimitHit checks which limit a failed run is said to have hit,
// judging by what it printed.
func TestLimitHit(t *testing.T) {
	l := snippets.Limits{Memory: 1 << 30, Processes: 256, Files: 1024, FileSize: 1 << 20}
	tests := []struct {
		output, want string
	}{
		{"process 250: fork/exec /usr/bin/sleep: resource temporarily unavailable\n", "hit the process limit (256 processes and threads)"},
		{"runtime: failed to create new OS thread (have 2 already; errno=11)\n", "hit the process limit (256 processes and threads)"},
		{"pthread_create failed: Resource temporarily unavailable\n", "hit the process limit (256 processes and threads)"},
		{"RuntimeError: can't start new thread\n", "hit the process limit (256 processes and threads)"},
		// EAGAIN from a read or a lock is no sign of the process limit.
		{"read /dev/stdin: resource temporarily unavailable\n", ""},
		{"locking state.lock: resource temporarily unavailable\nfork is not the problem\n", ""},
		{"open data.txt: too many open files\n", "hit the open-files limit (1024)"},
		{"all fine\n", ""},
	}
	for _, tt := range tests {
		r := &Result{Output: []byte(tt.output), Exit: 1}
		if got := limitHit(l, r); got != tt.want {
			t.Errorf("output %q: %q, want %q", tt.output, got, tt.want)
		}
	}
}

// TestRelationVerdict checks both ways a pair can break what it declares:
// an original declared the same that does not meet the expectation, and
// one declared to differ that does.
func TestRelationVerdict(t *testing.T) {
	exp, err := snippets.ParseExpectation("expected.txt", []byte("hello\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		relation, output string
		fails            bool
	}{
		{snippets.Same, "hello\n", false},
		{snippets.Same, "bye\n", true},
		{snippets.Differs, "bye\n", false},
		{snippets.Differs, "hello\n", true},
		{snippets.NotRun, "hello\n", false},
	} {
		s := &snippets.Snippet{ID: "s", Expect: exp, Options: snippets.Options{Original: snippets.Original{Relation: c.relation, Reason: "r"}}}
		err := RelationVerdict(s, &Result{Output: []byte(c.output)})
		if (err != nil) != c.fails {
			t.Errorf("relation %s, original printed %q: %v, want failure %v", c.relation, c.output, err, c.fails)
		}
	}
}
