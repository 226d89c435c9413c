package snippets

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheckID(t *testing.T) {
	for _, id := range []string{"a", "subprocess/parallel-sleep", "gil/2", "a-b-c/d1"} {
		if err := CheckID(id); err != nil {
			t.Errorf("CheckID(%q) = %v, want nil", id, err)
		}
	}
	for _, id := range []string{"", "none", "A", "a--b", "-a", "a-", "a//b", "/a", "a/", "a b", "a_b", "../x", "é"} {
		if err := CheckID(id); err == nil || !strings.HasPrefix(err.Error(), fmt.Sprintf("snippet id %q", id)) {
			t.Errorf("CheckID(%q) = %v, want an error naming it", id, err)
		}
	}
}

func TestNearest(t *testing.T) {
	ids := []string{"maps/invert", "subprocess/poll", "subprocess/pipe-and-timeout", "timeit/memo"}
	for _, c := range []struct{ id, want string }{
		{"maps/invrt", "maps/invert"},
		{"subprocess/pol", "subprocess/poll"},
		{"timeit/mem0", "timeit/memo"},
		{"maps/invert", ""}, // exists: nothing to suggest
		{"gil/parallel", ""},
		{"x", ""},
	} {
		if got := Nearest(c.id, ids); got != c.want {
			t.Errorf("Nearest(%q) = %q, want %q", c.id, got, c.want)
		}
	}
}
