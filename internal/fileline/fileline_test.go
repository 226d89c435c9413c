package fileline

import (
	"errors"
	"io"
	"testing"
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
