// Package fileline is the error an author's mistake is reported as: a
// message about one line of one file, printed "path:line: message", the
// form editors and terminals turn into a link.
//
// Every package that reads what an author wrote (notes, fence info
// strings, snippet.yaml, expected.txt) returns an *Error, so that callers
// never rebuild a position by cutting another error's text: errors.As finds
// it, and Path and Line say where. NotYAML places yaml.v3's syntax errors,
// and Each reads many files at once.
package fileline

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"go.yaml.in/yaml/v3"
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

// yamlLine is how yaml.v3 starts a message with its own guess at the line.
var yamlLine = regexp.MustCompile(`^(yaml: )?line \d+: `)

// NotYAML returns the *Error for text, which yaml.v3 failed to read with
// err, found at line first of path onwards. yaml.v3 gives a syntax error's
// position only in its message's text, so the parser itself is asked, a
// line at a time, for the first line up to which text is not YAML: the
// error's own line or, when a quote or bracket is left open, the line
// that opened it (text's last line if every shorter part is YAML).
func NotYAML(path string, first int, text []byte, err error) *Error {
	bad, end := 0, 0
	for l := range bytes.Lines(text) {
		if !bytes.HasSuffix(l, []byte("\n")) {
			break
		}
		bad, end = bad+1, end+len(l)
		if yaml.Unmarshal(text[:end], new(yaml.Node)) != nil {
			break
		}
	}
	msg := yamlLine.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "")
	return Errorf(path, first-1+max(1, bad), "not valid YAML: %s", msg)
}

// Each calls f(i) for each i below n, on every core, and returns their
// errors joined.
func Each(n int, f func(i int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				errs[i] = f(i)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
