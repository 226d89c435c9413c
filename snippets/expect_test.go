package snippets

import (
	"errors"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/internal/fileline"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name      string
		expect    string
		output    string
		unordered bool
		ok        bool
	}{
		{"exact", "a\nb\n", "a\nb\n", false, true},
		{"no final newline", "a\nb\n", "a\nb", false, true},
		{"empty", "", "", false, true},
		{"missing line", "a\nb\n", "a\n", false, false},
		{"extra line", "a\n", "a\nb\n", false, false},
		{"changed line", "a\nb\n", "a\nc\n", false, false},
		{"order matters", "a\nb\n", "b\na\n", false, false},
		{"pattern", "took \\d+ms (re)\n", "took 12ms\n", false, true},
		{"pattern is anchored", "took \\d+ms (re)\n", "it took 12ms\n", false, false},
		{"pattern mismatch", "took \\d+ms (re)\n", "took 1.5s\n", false, false},
		{"repeat one", "working (+)\ndone\n", "working\ndone\n", false, true},
		{"repeat many", "working (+)\ndone\n", "working\nworking\nworking\ndone\n", false, true},
		{"repeat needs one", "start\nworking (+)\ndone\n", "start\ndone\n", false, false},
		{"repeat pattern", "tick \\d (re) (+)\nend\n", "tick 1\ntick 2\nend\n", false, true},
		{"repeat then same literal", "a (+)\na\n", "a\na\na\n", false, true},
		{"unordered", "a\nb\nc\n", "c\na\nb\n", true, true},
		{"unordered with pattern", "x \\d (re)\nx 1\n", "x 2\nx 1\n", true, true},
		{"unordered missing", "a\nb\n", "a\n", true, false},
		{"unordered duplicate", "a\nb\n", "a\na\n", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseExpectation("expected.txt", []byte(tt.expect))
			if err != nil {
				t.Fatal(err)
			}
			err = e.CheckAs([]byte(tt.output), tt.unordered, "output")
			if (err == nil) != tt.ok {
				t.Errorf("Check(%q) against %q = %v, want ok=%v", tt.output, tt.expect, err, tt.ok)
			}
		})
	}
}

func TestCheckDiff(t *testing.T) {
	e, err := ParseExpectation("x/expected.txt", []byte("one\ntwo \\d (re)\nthree\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = e.CheckAs([]byte("one\ntwo 2\nfour\n"), false, "output")
	want := "--- x/expected.txt (expected)\n+++ output\n  one\n  two 2\n- three\n+ four\n"
	if err == nil || err.Error() != "output does not match the expectation:\n"+want {
		t.Errorf("diff:\n%v\nwant:\n%s", err, want)
	}
}

func TestParseExpectationRejects(t *testing.T) {
	for _, text := range []string{"a\n.* (re)\n", "(unclosed (re)\n", ".+ (re)\n", "\\S*.* (re) (+)\n"} {
		_, err := ParseExpectation("e.txt", []byte(text))
		if err == nil || !strings.HasPrefix(err.Error(), "e.txt:") {
			t.Errorf("ParseExpectation(%q) = %v, want an error at e.txt:line", text, err)
		}
	}
}

func TestUpdateKeepsPatterns(t *testing.T) {
	e, err := ParseExpectation("e.txt", []byte("start\ntook \\d+ms (re)\nworking (+)\nold line\n"))
	if err != nil {
		t.Fatal(err)
	}
	out := "start\ntook 99ms\nworking\nworking\nnew line\nends in (re)\n"
	got := string(e.Update([]byte(out), false))
	want := "start\ntook \\d+ms (re)\nworking (+)\nnew line\nends in \\(re\\) (re)\n"
	if got != want {
		t.Errorf("Update:\n%s\nwant:\n%s", got, want)
	}
	updated, err := ParseExpectation("e.txt", []byte(got))
	if err != nil {
		t.Fatal(err)
	}
	if err := updated.CheckAs([]byte(out), false, "output"); err != nil {
		t.Errorf("the updated expectation does not match the output it came from: %v", err)
	}
}

// TestCheckDiffInvisible checks that a difference one cannot see (a
// carriage return, trailing space, a tab for spaces) shows in the diff.
func TestCheckDiffInvisible(t *testing.T) {
	for _, c := range []struct{ expect, output, want string }{
		{"a\nb\n", "a\r\nb\r\n", "(lines quoted: they differ in characters that do not show)\n- \"a\"\n- \"b\"\n+ \"a\\r\"\n+ \"b\\r\"\n"},
		{"x\n", "x \n", "- \"x\"\n+ \"x \"\n"},
		{"k  v\n", "k\tv\n", "- \"k  v\"\n+ \"k\\tv\"\n"},
		// A panic's trace is indented with tabs, but differs in what shows:
		// its lines are not quoted.
		{"done\n", "panic: boom\n\ngoroutine 1 [running]:\n\tmain.go:8\n", "+++ output\n- done\n+ panic: boom\n+ \n+ goroutine 1 [running]:\n+ \tmain.go:8\n"},
	} {
		e, err := ParseExpectation("e.txt", []byte(c.expect))
		if err != nil {
			t.Fatal(err)
		}
		err = e.CheckAs([]byte(c.output), false, "output")
		if err == nil || !strings.HasSuffix(err.Error(), c.want) {
			t.Errorf("Check(%q) = %v\nwant a diff ending:\n%s", c.output, err, c.want)
		}
	}
}

// FuzzExpectation checks that no expectation text makes parsing or
// matching panic, that errors name the file and line, and that an
// expectation made by Update from some output accepts that output.
func FuzzExpectation(f *testing.F) {
	f.Add("one\ntwo \\d (re)\n", "one\ntwo 2\n")
	f.Add("working (+)\ndone\n", "working\nworking\ndone\n")
	f.Add("x (re) (+)\n", "x\n")
	f.Add("[ (re)\n", "")
	f.Add("a\r\n", "a\r\n")
	f.Fuzz(func(t *testing.T, expect, output string) {
		e, err := ParseExpectation("e.txt", []byte(expect))
		if err != nil {
			var fe *fileline.Error
			if !errors.As(err, &fe) || fe.Line < 1 {
				t.Fatalf("error %v does not name a line of e.txt", err)
			}
			return
		}
		e.CheckAs([]byte(output), false, "output")
		e.CheckAs([]byte(output), true, "output")
		updated, err := ParseExpectation("e.txt", e.Update([]byte(output), false))
		if err != nil {
			t.Fatalf("Update wrote an expectation that does not parse: %v", err)
		}
		if err := updated.CheckAs([]byte(output), false, "output"); err != nil && strings.Count(output, "\n") < 200 {
			t.Fatalf("Update's expectation rejects the output it came from:\n%v", err)
		}
	})
}
