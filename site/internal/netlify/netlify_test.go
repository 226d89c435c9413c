package netlify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"/*", "/", true},
		{"/*", "/a/b.html", true},
		{"/assets/*", "/assets/style.0123456789.css", true},
		{"/assets/*", "/assetsx/a.css", false},
		{"/assets/*", "/index.html", false},
		{"/notes/:date", "/notes/2018-10-30", true},
		{"/notes/:date", "/notes/a/b", false},
		{"/feed.xml", "/feed.xml", true},
		{"/feed.xml", "/feedxxml", false},
	} {
		if got := Match(c.pattern, c.path); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
}

// TestLoadUnknownKeys refuses a key Netlify does not know, outside the
// per-context settings, which are kept as they are.
func TestLoadUnknownKeys(t *testing.T) {
	name := filepath.Join(t.TempDir(), "netlify.toml")
	os.WriteFile(name, []byte("[build]\n  publish = \"public\"\n  pubilsh = \"x\"\n[context.x]\n  anything = 1\n"), 0o644)
	if _, err := Load(name); err == nil || !strings.HasSuffix(err.Error(), ": unknown keys: build.pubilsh") {
		t.Errorf("Load of a file with a typo: %v", err)
	}
}
