package fileline

import (
	"errors"
	"io"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestError(t *testing.T) {
	for _, c := range []struct {
		err  *Error
		want string
	}{
		{Errorf("notes/2018-10-30.md", 48, "tag %q: bad", "X"), `notes/2018-10-30.md:48: tag "X": bad`},
		{Errorf("snippets/a/snippet.yaml", 0, "unreadable"), "snippets/a/snippet.yaml: unreadable"},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
	err := error(Errorf("a.md", 3, "reading: %v", io.ErrUnexpectedEOF))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("errors.Is(%v, io.ErrUnexpectedEOF) = false, want true", err)
	}
	var fe *Error
	if !errors.As(err, &fe) || fe.Line != 3 {
		t.Errorf("errors.As found %+v, want line 3", fe)
	}
}

func TestNotYAML(t *testing.T) {
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
		err := yaml.Unmarshal([]byte(c.text), new(yaml.Node))
		if err == nil {
			err = errors.New("yaml: line 9: made up")
		}
		if got := NotYAML("f", 10, []byte(c.text), err); got.Line != 9+c.want || got.Msg == "" || got.Msg[len(got.Msg)-1] == ' ' {
			t.Errorf("NotYAML(%q) = %v, want line %d", c.text, got, 9+c.want)
		}
	}
	if got := NotYAML("f", 1, []byte("a\n"), errors.New("yaml: line 4: bad")).Msg; got != "not valid YAML: bad" {
		t.Errorf("NotYAML's message = %q, want yaml's words without its line", got)
	}
}
