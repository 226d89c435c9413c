// Package yamlline finds where YAML text stops being valid, for messages
// that name a line. yaml.v3 reports a syntax error's position only inside
// its message text; rather than read it back out of that text, BadLine
// asks the parser itself, a line at a time.
package yamlline

import (
	"bytes"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// BadLine returns the 1-based line of text such that text up to and
// including it is not valid YAML, or text's last line if every shorter
// prefix is valid: the error's own line or, when a quote or bracket is
// left open, the line that opened it.
func BadLine(text []byte) int {
	var doc yaml.Node
	line := 1
	for off := 0; off < len(text); line++ {
		end := bytes.IndexByte(text[off:], '\n')
		if end < 0 {
			break
		}
		off += end + 1
		if yaml.Unmarshal(text[:off], &doc) != nil {
			return line
		}
	}
	return max(1, line-1)
}

// lineNumber is how yaml.v3 starts a message with its own guess at the
// line.
var lineNumber = regexp.MustCompile(`^(yaml: )?line \d+: `)

// Message is err's text without yaml.v3's "yaml: line N: " before it, for
// a message that names the line BadLine found, and only that one.
func Message(err error) string {
	return lineNumber.ReplaceAllString(strings.TrimPrefix(err.Error(), "yaml: "), "")
}
