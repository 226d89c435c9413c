package render

import (
	"fmt"
	"slices"
	"strings"
)

// LinkFence returns src with the fence that opens on line (1-based) linked
// to the snippet id: snippet=id is added to the Pandoc attribute block
// its info string ends with, or else " {snippet=id}" to its end. Nothing
// else changes. It is an error if that line opens no fence or the fence
// already has a snippet.
func LinkFence(src []byte, line int, id string) ([]byte, error) {
	starts := lineStarts(src)
	if line < 1 || line > len(starts) {
		return nil, fmt.Errorf("line %d: the file has %d lines", line, len(starts))
	}
	start := starts[line-1]
	end := len(src)
	if line < len(starts) {
		end = starts[line] - 1
	}
	text := strings.TrimRight(string(src[start:end]), "\r")
	trimmed := strings.TrimLeft(text, " ")
	if len(text)-len(trimmed) > 3 || !(strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")) {
		return nil, fmt.Errorf("line %d does not open a fenced code block: %q", line, text)
	}
	_, snippet, err := ParseInfo(strings.TrimLeft(trimmed, "`~"))
	if err != nil {
		return nil, fmt.Errorf("line %d: %v", line, err)
	}
	if snippet != "" {
		return nil, fmt.Errorf("line %d: the block is linked to %q already", line, snippet)
	}
	linked := strings.TrimRight(text, " ") + " {snippet=" + id + "}"
	if i := strings.LastIndex(text, "}"); i >= 0 && strings.TrimSpace(text[i+1:]) == "" {
		// Join the attribute block the fence ends with, if it can hold
		// the link.
		joined := text[:i] + " snippet=" + id + text[i:]
		if _, snippet, err := ParseInfo(strings.TrimLeft(joined, " `~")); err == nil && snippet == id {
			linked = joined
		}
	}
	return slices.Concat(src[:start], []byte(linked), src[start+len(text):]), nil
}
