package snippets

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/gonotebook/notebook/internal/fileline"
)

// Suffixes that turn an expected line into a pattern.
const (
	reSuffix     = " (re)"
	repeatSuffix = " (+)"
)

// An Expectation is a snippet's expected output: a list of lines, each a
// literal or a regular expression, and possibly repeated.
type Expectation struct {
	// Path names the file the expectation came from, for messages.
	Path  string
	items []item
}

// An item is one line of an expectation.
type item struct {
	raw    string         // the line as written
	text   string         // the literal, or the pattern's source
	re     *regexp.Regexp // the compiled pattern, or nil for a literal
	repeat bool           // the line stands for one or more output lines
}

func (it item) match(line string) bool {
	if it.re != nil {
		return it.re.MatchString(line)
	}
	return it.text == line
}

// ParseExpectation parses the text of an expected-output file; path is used
// in error messages.
func ParseExpectation(path string, data []byte) (*Expectation, error) {
	e := &Expectation{Path: path}
	for i, l := range splitLines(string(data)) {
		it := item{raw: l, text: l}
		it.text, it.repeat = strings.CutSuffix(it.text, repeatSuffix)
		if t, ok := strings.CutSuffix(it.text, reSuffix); ok {
			re, err := regexp.Compile(`^(?:` + t + `)$`)
			if err != nil {
				return nil, fileline.Errorf(path, i+1, "bad pattern: %v", err)
			}
			if matchesAnything(re) {
				return nil, fileline.Errorf(path, i+1, "pattern %q matches any line at all; say what the line must look like", t)
			}
			it.text, it.re = t, re
		}
		e.items = append(e.items, it)
	}
	return e, nil
}

// matchesAnything reports whether re matches lines unlike each other, as
// a pattern that matches any line at all, and so checks nothing, does.
func matchesAnything(re *regexp.Regexp) bool {
	return !slices.ContainsFunc([]string{"x", "Arbitrary text, 123!", "\x00\xff", "   "}, func(l string) bool { return !re.MatchString(l) })
}

// splitLines splits output into lines; a final newline ends the last line
// rather than starting an empty one. Carriage returns before newlines are
// kept, since they are part of what was printed.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// op is one step of an alignment between expected items and output lines.
type op struct {
	kind byte // '=' matched, '-' expected item missing, '+' extra output line
	item int  // index into items, for '=' and '-'
	line int  // index into the output lines, for '=' and '+'
}

// maxCells bounds the size of the alignment table; larger comparisons fall
// back to a greedy walk that reports the first difference.
const maxCells = 4 << 20

// CheckAs compares output with the expectation and returns nil when it
// meets it, or an error holding a readable diff that names the output
// label ("output", "the original's output"): "-" lines were expected and
// missing, "+" lines were printed and not expected.
func (e *Expectation) CheckAs(output []byte, unordered bool, label string) error {
	lines := splitLines(string(output))
	met := func(ops []op) bool { return !slices.ContainsFunc(ops, func(o op) bool { return o.kind != '=' }) }
	// Only a mismatch needs the full table, to say how it does not match.
	if !unordered && met(e.alignGreedy(lines)) {
		return nil
	}
	ops := e.align(lines, unordered)
	if met(ops) {
		return nil
	}
	return errors.New("output does not match the expectation:\n" + e.diff(ops, lines, label))
}

// Update returns the text of an expectation that output meets, keeping each
// pattern line of e that still matches and writing the rest literally.
func (e *Expectation) Update(output []byte, unordered bool) []byte {
	lines := splitLines(string(output))
	var b strings.Builder
	last := -1
	for _, o := range e.align(lines, unordered) {
		switch {
		case o.kind == '-' || o.kind == '=' && o.item == last:
			continue // a repeated item is written once
		case o.kind == '=' && (e.items[o.item].re != nil || e.items[o.item].repeat):
			b.WriteString(e.items[o.item].raw)
			last = o.item
		case strings.HasSuffix(lines[o.line], reSuffix) || strings.HasSuffix(lines[o.line], repeatSuffix):
			b.WriteString(regexp.QuoteMeta(lines[o.line]) + reSuffix) // else read as a pattern
			last = -1
		default:
			b.WriteString(lines[o.line])
			last = -1
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// align pairs expected items with output lines, with as few unmatched
// ones as it can.
func (e *Expectation) align(lines []string, unordered bool) []op {
	n, m := len(e.items), len(lines)
	if unordered {
		return e.alignUnordered(lines)
	}
	if (n+1)*(m+1) > maxCells {
		return e.alignGreedy(lines)
	}
	// cost[k][i*w+j]: fewest unmatched items and lines when aligning
	// items[i:] with lines[j:], where k=1 means item i has matched already.
	w := m + 1
	cost := [2][]int32{make([]int32, (n+1)*w), make([]int32, (n+1)*w)}
	at := func(k, i, j int) *int32 { return &cost[k][i*w+j] }
	// after is the state after item i matches line j.
	after := func(i, j int) (k, i2, j2 int) {
		if e.items[i].repeat {
			return 1, i, j + 1
		}
		return 0, i + 1, j + 1
	}
	for i := n; i >= 0; i-- {
		for j := m; j >= 0; j-- {
			for k := 1; k >= 0; k-- {
				if i == n {
					*at(k, i, j) = int32(m - j)
					continue
				}
				best := *at(0, i+1, j) + int32(1-k) // item i done: missing unless matched
				if j < m {
					best = min(best, 1+*at(k, i, j+1)) // line j extra
					if e.items[i].match(lines[j]) {
						best = min(best, *at(after(i, j)))
					}
				}
				*at(k, i, j) = best
			}
		}
	}
	// Walk the table, preferring matches, then missing items, then extras.
	var ops []op
	i, j, k := 0, 0, 0
	for i < n || j < m {
		cur := *at(k, i, j)
		switch {
		case i < n && j < m && e.items[i].match(lines[j]) && *at(after(i, j)) == cur:
			ops = append(ops, op{kind: '=', item: i, line: j})
			k, i, j = after(i, j)
		case i < n && *at(0, i+1, j)+int32(1-k) == cur:
			if k == 0 {
				ops = append(ops, op{kind: '-', item: i})
			}
			i, k = i+1, 0
		default:
			ops = append(ops, op{kind: '+', line: j})
			j++
		}
	}
	return ops
}

// alignGreedy walks items and lines together, for outputs too large for the
// full table. Everything after the first difference is reported as changed.
func (e *Expectation) alignGreedy(lines []string) []op {
	var ops []op
	i, j := 0, 0
	for i < len(e.items) && j < len(lines) {
		it := e.items[i]
		if !it.match(lines[j]) {
			break
		}
		ops = append(ops, op{kind: '=', item: i, line: j})
		j++
		if it.repeat {
			for j < len(lines) && it.match(lines[j]) && (i+1 == len(e.items) || !e.items[i+1].match(lines[j])) {
				ops = append(ops, op{kind: '=', item: i, line: j})
				j++
			}
		}
		i++
	}
	for ; i < len(e.items); i++ {
		ops = append(ops, op{kind: '-', item: i})
	}
	for ; j < len(lines); j++ {
		ops = append(ops, op{kind: '+', line: j})
	}
	return ops
}

// alignUnordered pairs each output line with an expected item regardless of
// order: literals first, then patterns, then repeated items again.
func (e *Expectation) alignUnordered(lines []string) []op {
	used := make([]bool, len(e.items))
	var ops []op
	for j, l := range lines {
		pick := -1
		for pass := 0; pass < 3 && pick < 0; pass++ {
			for i, it := range e.items {
				ok := it.match(l) && (!used[i] || (pass == 2 && it.repeat))
				if ok && (pass != 0 || it.re == nil) {
					pick = i
					break
				}
			}
		}
		if pick < 0 {
			ops = append(ops, op{kind: '+', line: j})
			continue
		}
		used[pick] = true
		ops = append(ops, op{kind: '=', item: pick, line: j})
	}
	for i := range e.items {
		if !used[i] {
			ops = append(ops, op{kind: '-', item: i})
		}
	}
	return ops
}

const (
	diffContext  = 3  // matching lines shown around each difference
	maxDiffLines = 80 // the most lines a diff shows
)

// diff renders an alignment, showing only the differences and some context.
// When lines differ only in characters that do not show, every line is
// shown quoted, as Go writes strings, so that the difference shows.
func (e *Expectation) diff(ops []op, lines []string, label string) string {
	keep := make([]bool, len(ops))
	for x, o := range ops {
		if o.kind != '=' {
			for y := max(0, x-diffContext); y <= min(len(ops)-1, x+diffContext); y++ {
				keep[y] = true
			}
		}
	}
	show := func(s string) string { return s }
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s (expected)\n+++ %s\n", e.Path, label)
	if invisibleDiff(ops, e, lines) {
		show = strconv.Quote
		b.WriteString("(lines quoted: they differ in characters that do not show)\n")
	}
	shown, skipped := 0, false
	for x, o := range ops {
		if !keep[x] {
			skipped = true
			continue
		}
		if skipped {
			b.WriteString("@@ ... @@\n")
			skipped = false
		}
		if shown == maxDiffLines {
			fmt.Fprintf(&b, "... (%d more lines of diff)\n", len(ops)-x)
			break
		}
		shown++
		switch o.kind {
		case '=':
			b.WriteString("  " + show(lines[o.line]) + "\n")
		case '-':
			b.WriteString("- " + show(e.items[o.item].raw) + "\n")
		case '+':
			b.WriteString("+ " + show(lines[o.line]) + "\n")
		}
	}
	return b.String()
}

// invisibleDiff reports whether a line printed differs from one expected
// only in characters that do not show: spaces, tabs, carriage returns and
// other control characters.
func invisibleDiff(ops []op, e *Expectation, lines []string) bool {
	visible := func(s string) string {
		return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	}
	missing := map[string]bool{}
	for _, o := range ops {
		if o.kind == '-' {
			missing[visible(e.items[o.item].raw)] = true
		}
	}
	for _, o := range ops {
		if o.kind == '+' && missing[visible(lines[o.line])] {
			return true
		}
	}
	return false
}
