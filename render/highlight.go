package render

import (
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// newFormatter returns chroma's HTML formatter with CSS classes rather
// than inline styles, so that one page serves light and dark themes.
func newFormatter() *chromahtml.Formatter {
	return chromahtml.New(chromahtml.WithClasses(true), chromahtml.ClassPrefix("hl-"))
}

// A lexerCache resolves each fence language to a chroma lexer once:
// chroma's lookup of a name it does not know tries every lexer's file
// name patterns, far dearer than highlighting the block. Misses are
// cached too. It is safe for concurrent use.
type lexerCache struct {
	mu sync.Mutex
	m  map[string]chroma.Lexer // by lower-case language; nil for unknown
}

// get returns the lexer for lang, or nil if chroma knows no such language.
func (c *lexerCache) get(lang string) chroma.Lexer {
	lang = strings.ToLower(lang)
	if lang == "" {
		return nil
	}
	c.mu.Lock()
	l, ok := c.m[lang]
	c.mu.Unlock()
	if ok {
		return l
	}
	if l = lexers.Get(lang); l != nil {
		l = chroma.Coalesce(l)
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]chroma.Lexer{}
	}
	c.m[lang] = l
	c.mu.Unlock()
	return l
}

// Prepare resolves the lexer of each language and has chroma compile its
// rules, which it otherwise does when it first highlights a block of it:
// some 30 ms for a handful of languages, that a caller may spend while it
// waits for something else.
func (m *Markdown) Prepare(langs ...string) {
	for _, lang := range langs {
		if l := m.lexers.get(lang); l != nil {
			l.Tokenise(nil, "")
		}
	}
}

// LanguageName returns the name readers know a fence language by, as
// chroma spells it ("python" gives "Python", "sh" gives "Bash"), or "Text"
// for an unknown or empty language.
func (m *Markdown) LanguageName(lang string) string {
	if l := m.lexers.get(lang); l != nil {
		return l.Config().Name
	}
	return "Text"
}

// Code returns code highlighted as lang, as a <pre> element with chroma's
// CSS classes. An unknown or empty language gives plain, escaped text;
// highlighting never fails a build.
func (m *Markdown) Code(lang, code string) template.HTML {
	l := m.lexers.get(lang)
	if l == nil {
		l = m.plain
	}
	var b strings.Builder
	it, err := l.Tokenise(nil, code)
	if err == nil {
		err = m.formatter.Format(&b, styles.Fallback, it)
	}
	if err != nil {
		return template.HTML(`<pre class="hl-chroma"><code>` + template.HTMLEscapeString(code) + `</code></pre>`)
	}
	return template.HTML(b.String())
}

// CSS returns chroma's style sheet for the named style, every rule prefixed
// by scope (for example `[data-theme="dark"]`), or unscoped if scope is "".
func CSS(style, scope string) (string, error) {
	st := styles.Get(style)
	if st == nil || (st == styles.Fallback && style != st.Name) {
		return "", fmt.Errorf("no chroma style %q", style)
	}
	var b strings.Builder
	if err := newFormatter().WriteCSS(&b, st); err != nil {
		return "", err
	}
	if scope == "" {
		return b.String(), nil
	}
	var out strings.Builder
	for line := range strings.SplitSeq(b.String(), "\n") {
		if i := strings.Index(line, ".hl-"); i >= 0 && strings.Contains(line, "{") {
			line = line[:i] + scope + " " + line[i:]
		}
		out.WriteString(line + "\n")
	}
	return out.String(), nil
}
