package render

import (
	"html/template"
	"strings"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
)

// formatter is chroma's HTML formatter with CSS classes rather than inline
// styles, so that one page serves light and dark themes. It writes the
// tokens alone: Code adds the <pre> around them, without chroma's two
// elements around every line, which only line numbers and highlighted
// lines need.
var formatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.ClassPrefix(ClassPrefix), chromahtml.PreventSurroundingPre(true))

// ClassPrefix starts every class of highlighted code, so that the site's
// style sheet for chroma's classes cannot clash with its own.
const ClassPrefix = "hl-"

// noStyle is the style formatter is given: with classes, it writes the
// same HTML whatever the style. The colours are the site's style sheet's
// (see package site).
var noStyle = chroma.MustNewStyle("none", chroma.StyleEntries{})

// plainTokens returns the tokens of it with every token drawn in the
// text's own colour, as the site's styles (and most others) draw them,
// made chroma.Text (white space, punctuation and names with no more
// specific kind): Code writes such text with no element of its own.
func plainTokens(it chroma.Iterator) chroma.Iterator {
	return func() chroma.Token {
		t := it()
		switch t.Type {
		case chroma.TextWhitespace, chroma.Punctuation, chroma.Name, chroma.NameOther:
			t.Type = chroma.Text
		}
		return t
	}
}

// lexer returns the lexer for lang, or nil if chroma knows no such
// language. Each language is looked up once: chroma's lookup of a name it
// does not know tries every lexer's file name patterns, far dearer than
// highlighting the block.
func (m *Markdown) lexer(lang string) chroma.Lexer {
	lang = strings.ToLower(lang)
	if lang == "" {
		return nil
	}
	l, ok := m.lexers.Load(lang)
	if !ok {
		l, _ = m.lexers.LoadOrStore(lang, lexers.Get(lang))
	}
	lexer, _ := l.(chroma.Lexer)
	return lexer
}

// LanguageName returns the name readers know a fence language by, as
// chroma spells it ("python" gives "Python", "sh" gives "Bash"), or "Text"
// for an unknown or empty language.
func (m *Markdown) LanguageName(lang string) string {
	if l := m.lexer(lang); l != nil {
		return l.Config().Name
	}
	return "Text"
}

// Code returns code highlighted as lang, as a <pre> element with chroma's
// CSS classes: a <span> with its class around each token not drawn as
// plain text (see plainTokens). An unknown or empty language gives plain, escaped
// text; highlighting never fails a build.
func (m *Markdown) Code(lang, code string) template.HTML {
	m.mu.Lock()
	remember := m.used != nil
	h, ok := m.used[[2]string{lang, code}]
	if !ok {
		h, ok = m.kept[[2]string{lang, code}]
	}
	m.mu.Unlock()
	if !ok {
		h = m.highlight(lang, code)
	}
	if remember {
		m.mu.Lock()
		m.used[[2]string{lang, code}] = h
		m.mu.Unlock()
	}
	return h
}

func (m *Markdown) highlight(lang, code string) template.HTML {
	const start, end = `<pre class="` + ClassPrefix + `chroma"><code>`, `</code></pre>`
	l := m.lexer(lang)
	if l == nil {
		l = lexers.Fallback
	}
	l = chroma.Coalesce(l) // one element for a run of tokens of one kind
	var b strings.Builder
	b.WriteString(start)
	it, err := l.Tokenise(nil, code)
	if err == nil {
		err = formatter.Format(&b, noStyle, plainTokens(it))
	}
	if err != nil {
		return template.HTML(start + template.HTMLEscapeString(code) + end)
	}
	b.WriteString(end)
	return template.HTML(b.String())
}
