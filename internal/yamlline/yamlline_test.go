package yamlline

import "testing"

func TestBadLine(t *testing.T) {
	for _, c := range []struct {
		text string
		want int
	}{
		{"a: 1\nb: 2\n", 2},                  // valid: the last line
		{"a: 1\n  b: [\nc: 3\n", 2},          // an open bracket: the line that opened it
		{"a: 1\nb: 2\n- x\nc: 3\n", 3},       // a list item among keys
		{"a: 1\nb: \"open\nc: 3\nd: 4\n", 2}, // an open quote
		{"", 1},
	} {
		if got := BadLine([]byte(c.text)); got != c.want {
			t.Errorf("BadLine(%q) = %d, want %d", c.text, got, c.want)
		}
	}
}
