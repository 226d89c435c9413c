// Package fileline is the error an author's mistake is reported as: a
// message about one line of one file, printed "path:line: message", the
// form editors and terminals turn into a link.
//
// Every package that reads what an author wrote (notes, fence info
// strings, snippet.yaml, expected.txt) returns an *Error, so that callers
// never rebuild a position by cutting another error's text: errors.As finds
// it, and Path and Line say where.
package fileline

import (
	"fmt"
	"strings"
)

// An Error is a problem at a line of a file.
type Error struct {
	// Path names the file as the author knows it: "notes/2018-10-30.md".
	Path string
	// Line is 1-based; 0 means the file as a whole.
	Line int
	// Msg says what is wrong and, where it can, what to do.
	Msg string
	// Err is the underlying error, if any, for errors.Is and errors.As.
	Err error `json:"-"`
}

func (e *Error) Error() string {
	if e.Line <= 0 {
		return e.Path + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error at path:line with a formatted message. If an
// argument is an error, the first such one becomes Err.
func Errorf(path string, line int, format string, args ...any) *Error {
	e := &Error{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
	for _, a := range args {
		if err, ok := a.(error); ok {
			e.Err = err
			break
		}
	}
	return e
}

// Escapes reports whether err, from reading a file through an os.Root,
// says that the path leads out of the root's folder: a symbolic link to a
// file outside it.
func Escapes(err error) bool {
	return err != nil && strings.Contains(err.Error(), "path escapes from parent")
}
