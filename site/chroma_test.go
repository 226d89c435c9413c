package site

import (
	"fmt"
	"os"
	"strings"
	"testing"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"

	"github.com/gonotebook/notebook/render"
)

// Chroma styles for the two themes.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

// Selectors under which each theme's code colours apply. A reader's choice
// (data-theme on the root element, set by the toggle) wins; without one, the
// system's colour scheme decides. Exactly one set of rules applies at a
// time, so a property one style sets and the other does not never leaks
// from one theme into the other.
var themeScopes = []struct {
	style, media, scope string
}{
	{lightStyle, "", `:root[data-theme="light"]`},
	{lightStyle, "(prefers-color-scheme: light)", `:root:not([data-theme="dark"])`},
	{darkStyle, "", `:root[data-theme="dark"]`},
	{darkStyle, "(prefers-color-scheme: dark)", `:root:not([data-theme="light"])`},
}

// TestChromaCSS checks that chroma.css holds the code colours of both
// themes as chroma's styles give them, and scoped as themeScopes says;
// with -update it writes the file. Chroma's background and default text
// colour are left out: the style sheet's own palette sets those, so code
// boxes match the page.
func TestChromaCSS(t *testing.T) {
	var b strings.Builder
	b.WriteString("/* Written by go test ./site -run ChromaCSS -update from chroma's styles; do not edit. */\n")
	for _, s := range themeScopes {
		fmt.Fprintf(&b, "\n/* chroma %s for %s */\n", s.style, s.scope)
		if s.media != "" {
			fmt.Fprintf(&b, "@media %s {\n", s.media)
		}
		for line := range strings.SplitSeq(styleCSS(t, s.style, s.scope), "\n") {
			if line == "" || strings.Contains(line, "/* Background */") || strings.Contains(line, "/* PreWrapper */") {
				continue
			}
			b.WriteString(line + "\n")
		}
		if s.media != "" {
			b.WriteString("}\n")
		}
	}
	if *update {
		if err := os.WriteFile("chroma.css", []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if string(chromaCSS) != b.String() {
		t.Errorf("chroma.css is not what chroma's %s and %s styles give: run go test ./site -run ChromaCSS -update and review the diff", lightStyle, darkStyle)
	}
	if !strings.Contains(string(chromaCSS), `:root[data-theme="dark"] .hl-chroma .hl-k `) {
		t.Errorf("chroma.css lacks the dark theme's rule for keywords")
	}
}

// styleCSS returns chroma's style sheet for the named style, with the
// classes Code writes, every rule prefixed by scope unless it is "".
func styleCSS(t *testing.T, style, scope string) string {
	t.Helper()
	st := styles.Get(style)
	if st == nil || (st == styles.Fallback && style != st.Name) {
		t.Fatalf("no chroma style %q", style)
	}
	var b strings.Builder
	f := chromahtml.New(chromahtml.WithClasses(true), chromahtml.ClassPrefix(render.ClassPrefix))
	if err := f.WriteCSS(&b, st); err != nil {
		t.Fatal(err)
	}
	css := b.String()
	if scope != "" {
		css = strings.ReplaceAll(css, "*/ ."+render.ClassPrefix, "*/ "+scope+" ."+render.ClassPrefix) // each rule is "/* Keyword */ .hl-chroma .hl-k { ... }"
	}
	return css
}
