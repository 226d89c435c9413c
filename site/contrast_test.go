package site

import (
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestContrast checks that text colours of both palettes, and chroma's code
// colours, meet WCAG AA (4.5:1) on the backgrounds they are drawn on.
func TestContrast(t *testing.T) {
	css, err := fs.ReadFile(assetFS, "assets/style.css")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile(`(?s)(:root|:root\[data-theme="dark"\]) \{(.*?)\}`).FindAllSubmatch(css, 2)
	if len(blocks) != 2 {
		t.Fatalf("found %d palettes, want light and dark", len(blocks))
	}
	pairs := []struct{ fg, bg string }{
		{"fg", "bg"}, {"fg", "code-bg"}, {"fg", "head-bg"}, {"fg", "doc-bg"}, {"fg", "out-bg"}, {"fg", "mark"},
		{"muted", "bg"}, {"muted", "code-bg"}, {"muted", "head-bg"}, {"muted", "out-bg"},
		{"link", "bg"}, {"link", "code-bg"}, {"link", "doc-bg"},
		{"ok", "head-bg"}, {"ok", "out-bg"}, {"ok", "bg"},
		{"bad", "bg"}, {"bad", "head-bg"},
	}
	// Text in a mark, a search result's matching word, is --fg on --mark
	// whatever colours its parent, a link say: the pair checked below.
	if !regexp.MustCompile(`(?m)^mark \{[^}]*[{ ;]color: var\(--fg\)`).Match(css) {
		t.Errorf("the style sheet's mark rule does not set color: var(--fg)")
	}
	for i, b := range blocks {
		theme := []string{"light", "dark"}[i]
		vars := map[string]string{}
		for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})`).FindAllSubmatch(b[2], -1) {
			vars[string(m[1])] = string(m[2])
		}
		for _, p := range pairs {
			if r := contrast(vars[p.fg], vars[p.bg]); r < 4.5 {
				t.Errorf("%s theme: --%s %s on --%s %s has contrast %.2f, want 4.5", theme, p.fg, vars[p.fg], p.bg, vars[p.bg], r)
			}
		}
		style := []string{lightStyle, darkStyle}[i]
		for line := range strings.SplitSeq(styleCSS(t, style, ""), "\n") {
			m := regexp.MustCompile(`\.hl-([a-z0-9]+) \{ color: (#[0-9a-f]{6})(;|\s*\})`).FindStringSubmatch(line)
			if m == nil || m[1] == "w" || strings.Contains(line, "background") || strings.Contains(line, "/* Line") {
				continue
			}
			for _, bg := range []string{"code-bg", "out-bg"} {
				if r := contrast(m[2], vars[bg]); r < 4.5 {
					t.Errorf("%s theme: chroma .hl-%s %s on --%s %s has contrast %.2f, want 4.5", theme, m[1], m[2], bg, vars[bg], r)
				}
			}
		}
	}
}

// contrast is the WCAG 2 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	if len(hex) != 7 {
		panic(fmt.Sprintf("colour %q", hex))
	}
	var c [3]float64
	for i := range c {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}
