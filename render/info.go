package render

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/gonotebook/notebook/snippets"
)

// An Info is a fence's info string, read by ParseInfo.
type Info struct {
	// Lang is the language: the info string's first word, up to a space,
	// "{" or ","; or, when there is none, the first class of the attribute
	// block. "" when the block names no language.
	Lang string
	// Snippet is the snippet attribute: an id, "none", or "".
	Snippet string
	// Attrs holds the key=value attributes of an attribute block read as
	// Pandoc attributes; nil when there are none.
	Attrs map[string]string
	// Classes holds the block's Pandoc classes (".numberLines"), without
	// their dots.
	Classes []string
	// Ignored is the part of the info string that was not read: mdBook's
	// ",ignore", an attribute block in another syntax, trailing words.
	Ignored string
}

// ParseInfo reads a fence's info string (see the package documentation
// for its grammar). Only an attribute block that names snippet can make it
// fail: such a block must be well formed, and its id must pass
// snippets.CheckID or be "none"; when the id is at fault, the error is
// CheckID's *snippets.IDError. Anything else is read where it can be and
// otherwise ignored.
func ParseInfo(info string) (Info, error) {
	var in Info
	rest := strings.TrimSpace(info)
	word := rest
	if i := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '{' }); i >= 0 {
		word, rest = rest[:i], rest[i:]
	} else {
		rest = ""
	}
	in.Lang = word
	if i := strings.IndexByte(word, ','); i >= 0 {
		in.Lang = word[:i]
		in.Ignored = word[i:]
	}
	for rest = strings.TrimSpace(rest); rest != ""; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			in.Ignored = join(in.Ignored, rest)
			break
		}
		in.Ignored = join(in.Ignored, rest[:open])
		body, after, closed := braced(rest[open:])
		if next := strings.IndexByte(rest[open+1:], '{'); !closed && next >= 0 {
			// A stray "{": what follows may still close.
			stray := rest[open : open+1+next]
			if tokens, _ := attrTokens(stray[1:]); namesSnippet(tokens) {
				return in, fmt.Errorf("attribute block %q has no closing }: want {snippet=ID}, as in {snippet=subprocess/parallel-sleep}", stray)
			}
			in.Ignored = join(in.Ignored, stray)
			rest = rest[open+1+next:]
			continue
		}
		if err := in.attrBlock(rest[open:], body, closed); err != nil {
			return in, err
		}
		rest = after
	}
	if in.Snippet != "" && in.Snippet != snippets.None {
		if err := snippets.CheckID(in.Snippet); err != nil {
			return in, err
		}
	}
	if in.Lang == "" && len(in.Classes) > 0 {
		in.Lang = in.Classes[0]
	}
	return in, nil
}

// attrBlock reads one attribute block: text is the info string from its
// "{", body what is inside its braces. A block that names snippet must be
// well formed; any other is read if it can be and otherwise ignored.
func (in *Info) attrBlock(text, body string, closed bool) error {
	tokens, ok := attrTokens(body)
	if !namesSnippet(tokens) {
		if ok && closed {
			return in.read(tokens)
		}
		in.Ignored = join(in.Ignored, text[:min(len(text), len(body)+2)])
		return nil
	}
	switch {
	case !closed:
		return fmt.Errorf("attribute block %q has no closing }: want {snippet=ID}, as in {snippet=subprocess/parallel-sleep}", text)
	case !ok:
		return fmt.Errorf("attribute block {%s}: want key=value pairs, .class or #id, separated by spaces, as in {snippet=subprocess/parallel-sleep}", body)
	}
	return in.read(tokens)
}

// read records the tokens of a well-formed attribute block.
func (in *Info) read(tokens []string) error {
	for _, t := range tokens {
		switch {
		case t[0] == '.':
			in.Classes = append(in.Classes, t[1:])
		case t[0] == '#':
			// An identifier: the page makes its own.
		default:
			k, v, _ := strings.Cut(t, "=")
			v = strings.Trim(v, `"`)
			if k == "snippet" {
				if v == "" {
					return fmt.Errorf("attribute snippet has no value: want {snippet=ID} or {snippet=none}")
				}
				if in.Snippet != "" {
					return fmt.Errorf("attribute snippet is given twice")
				}
				in.Snippet = v
			}
			if in.Attrs == nil {
				in.Attrs = map[string]string{}
			}
			in.Attrs[k] = v
		}
	}
	return nil
}

// braced splits s, which starts with "{", into the text inside its
// balanced braces and what follows them; closed is false when the braces
// never balance, and then body is the rest of s.
func braced(s string) (body, after string, closed bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return s[1:i], strings.TrimSpace(s[i+1:]), true
			}
		}
	}
	return s[1:], "", false
}

// attrTokens splits the inside of an attribute block into its tokens at
// white space, keeping double-quoted values whole. ok is false unless
// every token is .class, #id, key or key=value with a key of letters,
// digits, "-" and "_" starting with a letter.
func attrTokens(s string) (tokens []string, ok bool) {
	ok = true
	start, quoted := -1, false
	end := func(i int) {
		if start >= 0 {
			t := s[start:i]
			tokens = append(tokens, t)
			ok = ok && !quoted && wellFormed(t)
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case unicode.IsSpace(r) && !quoted:
			end(i)
			continue
		}
		if start < 0 {
			start = i
		}
	}
	end(len(s))
	return tokens, ok
}

func wellFormed(t string) bool {
	if t[0] == '.' || t[0] == '#' {
		return len(t) > 1 && !strings.ContainsAny(t[1:], `{}="'`)
	}
	k, v, hasValue := strings.Cut(t, "=")
	if !isKey(k) {
		return false
	}
	if !hasValue {
		return true
	}
	if strings.HasPrefix(v, `"`) {
		return len(v) >= 2 && strings.HasSuffix(v, `"`) && !strings.Contains(v[1:len(v)-1], `"`)
	}
	return v != "" && !strings.ContainsAny(v, `{}"`)
}

func isKey(k string) bool {
	if k == "" || !isLetter(k[0]) {
		return false
	}
	for i := 1; i < len(k); i++ {
		c := k[i]
		if !isLetter(c) && !('0' <= c && c <= '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// namesSnippet reports whether an attribute block's tokens name the
// snippet attribute, so that the block is held to the contract.
func namesSnippet(tokens []string) bool {
	for _, t := range tokens {
		t = strings.Trim(t, "{}")
		if t == "snippet" || strings.HasPrefix(t, "snippet=") {
			return true
		}
	}
	return false
}

func join(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
