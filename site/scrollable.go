package site

import (
	"html/template"
	"strings"
)

// scrollable makes a highlighted code block (render.Code's HTML, which
// begins with its <pre>) reachable by keyboard: a code block may scroll
// sideways, and a reader without a mouse must be able to focus it to
// scroll it. The block becomes a focusable group named label.
func scrollable(code template.HTML, label string) template.HTML {
	s := string(code)
	if !strings.HasPrefix(s, "<pre ") && !strings.HasPrefix(s, "<pre>") {
		return code
	}
	attrs := ` tabindex="0" role="group" aria-label="` + template.HTMLEscapeString(label) + `"`
	return template.HTML("<pre" + attrs + s[len("<pre"):])
}
