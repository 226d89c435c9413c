package snippets

import (
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
// literal, a regular expression, and possibly repeated.
type Expectation struct {
	// Items are the expected lines in order.
	Items []Item
	// Path names the file the expectation came from, for messages.
	Path string
}

// An Item is one line of an expectation.
type Item struct {
	Raw    string         // the line as written
	Text   string         // the literal, or the pattern's source
	Re     *regexp.Regexp // the compiled pattern, or nil for a literal
	Repeat bool           // the line stands for one or more output lines
	Line   int            // 1-based line in the expectation file
}

func (it Item) match(line string) bool {
	if it.Re != nil {
		return it.Re.MatchString(line)
	}
	return it.Text == line
}

// ParseExpectation parses the text of an expected-output file; path is used
// in error messages.
func ParseExpectation(path string, data []byte) (*Expectation, error) {
	e := &Expectation{Path: path}
	for i, l := range splitLines(string(data)) {
		it := Item{Raw: l, Text: l, Line: i + 1}
		if t, ok := strings.CutSuffix(it.Text, repeatSuffix); ok {
			it.Text, it.Repeat = t, true
		}
		if t, ok := strings.CutSuffix(it.Text, reSuffix); ok {
			re, err := regexp.Compile(`^(?:` + t + `)$`)
			if err != nil {
				return nil, fileline.Errorf(path, it.Line, "bad pattern: %v", err)
			}
			if matchesAnything(re) {
				return nil, fileline.Errorf(path, it.Line, "pattern %q matches any line at all; say what the line must look like", t)
			}
			it.Text, it.Re = t, re
		}
		e.Items = append(e.Items, it)
	}
	return e, nil
}

// anyLines are unlike each other; a pattern that matches all of them would
// match any output at all, and checks nothing.
var anyLines = []string{"x", "Arbitrary text, 123!", "\x00\xff", "   "}

func matchesAnything(re *regexp.Regexp) bool {
	for _, l := range anyLines {
		if !re.MatchString(l) {
			return false
		}
	}
	return true
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

// A Mismatch describes how output failed to meet an expectation.
type Mismatch struct {
	// Diff is a readable, line-oriented diff: "-" lines were expected and
	// missing, "+" lines were printed and not expected.
	Diff string
}

func (m *Mismatch) Error() string { return "output does not match the expectation:\n" + m.Diff }

// op is one step of an alignment between expected items and output lines.
type op struct {
	kind byte // '=' matched, '-' expected item missing, '+' extra output line
	item int  // index into Items, for '=' and '-'
	line int  // index into the output lines, for '=' and '+'
}

// maxCells bounds the size of the alignment table; larger comparisons fall
// back to a greedy walk that reports the first difference.
const maxCells = 4 << 20

// Check compares output with the expectation and returns nil when it meets
// it, or a *Mismatch with a diff.
func (e *Expectation) Check(output []byte, unordered bool) error {
	return e.CheckAs(output, unordered, "output")
}

// CheckAs is Check, its diff naming the output label: "the original's
// output".
func (e *Expectation) CheckAs(output []byte, unordered bool, label string) error {
	lines := splitLines(string(output))
	met := func(ops []op) bool { return !slices.ContainsFunc(ops, func(o op) bool { return o.kind != '=' }) }
	// An output that the greedy walk matches line for line meets the
	// expectation, and the full table, which costs a match per cell, is
	// only needed to say how one does not.
	if !unordered && met(e.alignGreedy(lines)) {
		return nil
	}
	ops := e.align(lines, unordered)
	if met(ops) {
		return nil
	}
	return &Mismatch{Diff: e.diff(ops, lines, label)}
}

// Update returns the text of an expectation that output meets, keeping each
// pattern line of e that still matches and writing the rest literally.
func (e *Expectation) Update(output []byte, unordered bool) []byte {
	lines := splitLines(string(output))
	var b strings.Builder
	last := -1
	for _, o := range e.align(lines, unordered) {
		switch o.kind {
		case '=':
			if e.Items[o.item].Re == nil && !e.Items[o.item].Repeat {
				b.WriteString(literal(lines[o.line]))
			} else if o.item == last {
				continue // a repeated item is written once
			} else {
				b.WriteString(e.Items[o.item].Raw)
			}
			last = o.item
		case '+':
			b.WriteString(literal(lines[o.line]))
			last = -1
		default:
			continue
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// literal returns an expectation line that matches exactly s.
func literal(s string) string {
	if strings.HasSuffix(s, reSuffix) || strings.HasSuffix(s, repeatSuffix) {
		return regexp.QuoteMeta(s) + reSuffix
	}
	return s
}

// align pairs expected items with output lines.
func (e *Expectation) align(lines []string, unordered bool) []op {
	if unordered {
		return e.alignUnordered(lines)
	}
	n, m := len(e.Items), len(lines)
	if (n+1)*(m+1) > maxCells {
		return e.alignGreedy(lines)
	}
	// cost[k][i][j]: fewest unmatched items and lines when aligning Items[i:]
	// with lines[j:], where k=1 means item i has matched at least once.
	w := m + 1
	cost := [2][]int32{make([]int32, (n+1)*w), make([]int32, (n+1)*w)}
	at := func(k, i, j int) *int32 { return &cost[k][i*w+j] }
	for i := n; i >= 0; i-- {
		for j := m; j >= 0; j-- {
			for k := 1; k >= 0; k-- {
				var best int32
				switch {
				case i == n:
					best = int32(m - j)
				default:
					best = 1<<31 - 1
					if k == 1 {
						best = *at(0, i+1, j)
					} else {
						best = 1 + *at(0, i+1, j)
					}
					if j < m {
						best = min(best, 1+*at(k, i, j+1))
						if e.Items[i].match(lines[j]) {
							if e.Items[i].Repeat {
								best = min(best, *at(1, i, j+1))
							} else {
								best = min(best, *at(0, i+1, j+1))
							}
						}
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
		case i == n:
			ops = append(ops, op{kind: '+', line: j})
			j++
		case j < m && e.Items[i].match(lines[j]) && e.Items[i].Repeat && *at(1, i, j+1) == cur:
			ops = append(ops, op{kind: '=', item: i, line: j})
			j, k = j+1, 1
		case j < m && e.Items[i].match(lines[j]) && !e.Items[i].Repeat && *at(0, i+1, j+1) == cur:
			ops = append(ops, op{kind: '=', item: i, line: j})
			i, j, k = i+1, j+1, 0
		case k == 1 && *at(0, i+1, j) == cur:
			i, k = i+1, 0
		case k == 0 && 1+*at(0, i+1, j) == cur:
			ops = append(ops, op{kind: '-', item: i})
			i++
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
	for i < len(e.Items) && j < len(lines) {
		it := e.Items[i]
		if !it.match(lines[j]) {
			break
		}
		ops = append(ops, op{kind: '=', item: i, line: j})
		j++
		if it.Repeat {
			for j < len(lines) && it.match(lines[j]) && (i+1 == len(e.Items) || !e.Items[i+1].match(lines[j])) {
				ops = append(ops, op{kind: '=', item: i, line: j})
				j++
			}
		}
		i++
	}
	for ; i < len(e.Items); i++ {
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
	used := make([]bool, len(e.Items))
	var ops []op
	for j, l := range lines {
		pick := -1
		for pass := 0; pass < 3 && pick < 0; pass++ {
			for i, it := range e.Items {
				ok := it.match(l) && (!used[i] || (pass == 2 && it.Repeat))
				if ok && (pass != 0 || it.Re == nil) {
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
	for i := range e.Items {
		if !used[i] {
			ops = append(ops, op{kind: '-', item: i})
		}
	}
	return ops
}

// diffContext is how many matching lines are shown around each difference.
const diffContext = 3

// maxDiffLines bounds the length of a diff.
const maxDiffLines = 80

// diff renders an alignment, showing only the differences and some context.
// When a changed line holds characters one cannot see (a carriage return, a
// tab, trailing spaces, other control characters), every line is shown
// quoted, as Go writes strings, so that the difference shows.
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
			b.WriteString("- " + show(e.Items[o.item].Raw) + "\n")
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
	// A line printed that reads as one expected, once what does not show
	// is dropped, differs from it in what does not.
	visible := func(s string) string {
		return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	}
	missing := map[string]bool{}
	for _, o := range ops {
		if o.kind == '-' {
			missing[visible(e.Items[o.item].Raw)] = true
		}
	}
	for _, o := range ops {
		if o.kind == '+' && missing[visible(lines[o.line])] {
			return true
		}
	}
	return false
}
