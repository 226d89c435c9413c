package site

import (
	"embed"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"

	"github.com/gonotebook/notebook/internal/store"
)

//go:embed assets
var assetFS embed.FS

// chromaCSS is the code colours of both themes, from chroma's github and
// github-dark styles, appended to the style sheet. A reader's choice of
// theme (data-theme on the root element, set by the toggle) wins; without
// one, the system's colour scheme decides. It is written by TestChromaCSS
// (go test ./site -run ChromaCSS -update), so that a build needs none of
// chroma's styles.
//
//go:embed chroma.css
var chromaCSS []byte

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
			data = append(data, chromaCSS...)
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
