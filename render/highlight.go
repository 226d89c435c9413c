package render

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// formatter writes chroma's HTML with CSS classes rather than inline
// styles, so that one page serves light and dark themes.
var formatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.ClassPrefix("hl-"))

// lexer returns chroma's lexer for a fence language, or plain text.
func lexer(lang string) chroma.Lexer {
	l := lexers.Get(strings.ToLower(lang))
	if l == nil {
		l = lexers.Fallback
	}
	return chroma.Coalesce(l)
}

// LanguageName returns the name readers know a fence language by, as
// chroma spells it ("python" gives "Python", "sh" gives "Bash"), or "Text"
// for an unknown or empty language.
func LanguageName(lang string) string {
	if l := lexers.Get(strings.ToLower(lang)); l != nil && lang != "" {
		return l.Config().Name
	}
	return "Text"
}

// Code returns code highlighted as lang, as a <pre> element with chroma's
// CSS classes. An unknown or empty language gives plain, escaped text;
// highlighting never fails a build.
func Code(lang, code string) template.HTML {
	var b strings.Builder
	it, err := lexer(lang).Tokenise(nil, code)
	if err == nil {
		err = formatter.Format(&b, styles.Fallback, it)
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
	if err := formatter.WriteCSS(&b, st); err != nil {
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
