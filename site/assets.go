package site

import (
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/render"
)

//go:embed assets
var assetFS embed.FS

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

// writeAssets writes the embedded style sheet (with chroma's rules for both
// themes appended), scripts and icon under names fingerprinted by their
// contents, and records each one's path from the site root by its plain
// name ("style.css" gives "assets/style.0123456789.css").
func (b *build) writeAssets() error {
	b.assets = map[string]string{}
	entries, err := fs.ReadDir(assetFS, "assets")
	if err != nil {
		return err
	}
	for _, e := range entries {
		data, err := fs.ReadFile(assetFS, "assets/"+e.Name())
		if err != nil {
			return err
		}
		if e.Name() == "style.css" {
			code, err := chromaCSS()
			if err != nil {
				return err
			}
			data = append(data, code...)
		}
		sum := store.Sum(data)
		p := fingerprintSum("assets/"+e.Name(), sum)
		if err := b.out.Write(p, data, sum); err != nil {
			return err
		}
		b.assets[e.Name()] = p
	}
	return nil
}

// fingerprintSum puts the start of sum, a SHA-256, into name, before its
// extension.
func fingerprintSum(name string, sum store.ID) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
}

// chromaCSS returns the code colours of both themes, scoped as themeScopes
// says. Chroma's background and default text colour are left out: the
// style sheet's own palette sets those, so code boxes match the page.
func chromaCSS() ([]byte, error) {
	var b strings.Builder
	for _, t := range themeScopes {
		css, err := render.CSS(t.style, t.scope)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "\n/* chroma %s for %s */\n", t.style, t.scope)
		if t.media != "" {
			fmt.Fprintf(&b, "@media %s {\n", t.media)
		}
		for line := range strings.SplitSeq(css, "\n") {
			if line == "" || strings.Contains(line, "/* Background */") || strings.Contains(line, "/* PreWrapper */") {
				continue
			}
			b.WriteString(line + "\n")
		}
		if t.media != "" {
			b.WriteString("}\n")
		}
	}
	return []byte(b.String()), nil
}
