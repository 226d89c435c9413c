package render

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/gonotebook/notebook/snippets"
)

// ParseInfo reads a fence's info string (see the package documentation
// for its grammar) and returns the block's language, or "", and its
// snippet attribute: an id, "none", or "". Only an attribute block that
// names snippet can make it fail: such a block must be well formed, and
// its id must pass snippets.CheckID or be "none"; when the id is at fault,
// the error is CheckID's. Anything else is read where it
// can be and otherwise ignored. On an error, lang and snippet are what was
// read before it.
func ParseInfo(info string) (lang, snippet string, err error) {
	info = strings.TrimSpace(info)
	end := strings.IndexFunc(info, func(r rune) bool { return unicode.IsSpace(r) || r == '{' })
	if end < 0 {
		end = len(info)
	}
	lang, _, _ = strings.Cut(info[:end], ",")
	class := "" // the first class: the language, if the word gives none
	for rest := info[end:]; ; {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			break
		}
		rest = rest[open:]
		body, after, closed := braced(rest)
		if next := strings.IndexByte(rest[1:], '{'); !closed && next >= 0 {
			// A stray "{": what follows may still close.
			body, after = rest[1:1+next], rest[1+next:]
		}
		rest = after
		tokens, ok := attrTokens(body)
		if !ok || !closed {
			switch {
			case !namesSnippet(tokens):
				continue // not held to the contract: ignored
			case !closed:
				return lang, snippet, fmt.Errorf("attribute block %q has no closing }: want {snippet=ID}, as in {snippet=subprocess/parallel-sleep}", "{"+body)
			}
			return lang, snippet, fmt.Errorf("attribute block {%s}: want key=value pairs, .class or #id, separated by spaces, as in {snippet=subprocess/parallel-sleep}", body)
		}
		for _, t := range tokens {
			k, v, _ := strings.Cut(t, "=")
			v = strings.Trim(v, `"`)
			switch {
			case t[0] == '.' && class == "":
				class = t[1:]
			case k != "snippet":
				// A class, an id (the page makes its own), another attribute.
			case v == "":
				return lang, snippet, fmt.Errorf("attribute snippet has no value: want {snippet=ID} or {snippet=none}")
			case snippet != "":
				return lang, snippet, fmt.Errorf("attribute snippet is given twice")
			default:
				snippet = v
			}
		}
	}
	if snippet != "" && snippet != snippets.None {
		if err := snippets.CheckID(snippet); err != nil {
			return lang, snippet, err
		}
	}
	if lang == "" {
		lang = class
	}
	return lang, snippet, nil
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
				return s[1:i], s[i+1:], true
			}
		}
	}
	return s[1:], "", false
}

// attrToken is a well-formed attribute: .class, #id, key or key=value, a
// key being letters, digits, "-" and "_" that start with a letter.
var attrToken = regexp.MustCompile(`^(?:[.#][^{}="']+|[A-Za-z][\w-]*(?:=(?:"[^"]*"|[^{}"]+))?)$`)

// tokenRE finds the tokens of an attribute block: runs of anything but
// white space (as unicode.IsSpace has it), where a double-quoted part,
// which runs to the next quote or the end, may hold white space.
var tokenRE = regexp.MustCompile(`(?:[^\s\v\x{85}\pZ"]+|"[^"]*"?)+`)

// attrTokens splits the inside of an attribute block into its tokens. ok
// is false unless every token is well formed (see attrToken).
func attrTokens(s string) (tokens []string, ok bool) {
	tokens = tokenRE.FindAllString(s, -1)
	return tokens, !slices.ContainsFunc(tokens, func(t string) bool { return !attrToken.MatchString(t) })
}

// namesSnippet reports whether an attribute block's tokens name the
// snippet attribute, so that the block is held to the contract.
func namesSnippet(tokens []string) bool {
	return slices.ContainsFunc(tokens, func(t string) bool {
		t = strings.Trim(t, "{}")
		return t == "snippet" || strings.HasPrefix(t, "snippet=")
	})
}
