package render

import (
	"strings"
	"testing"
)

// TestPrepare checks that preparing lexers, known or not, changes nothing
// of what Code makes with them.
func TestPrepare(t *testing.T) {
	blocks := map[string]string{
		"python":     "def f(x):\n    return x + 1\n",
		"go":         "package main\n\nfunc main() {}\n",
		"nosuchlang": "<b>plain & escaped</b>\n",
		"":           "no language\n",
	}
	fresh := New()
	prepared := New()
	prepared.Prepare("python", "go", "nosuchlang", "")
	for lang, code := range blocks {
		want, got := fresh.Code(lang, code), prepared.Code(lang, code)
		if got != want {
			t.Errorf("%q after Prepare:\n%s\nwant\n%s", lang, got, want)
		}
		if lang == "python" && !strings.Contains(string(got), `class="hl-k"`) {
			t.Errorf("python is not highlighted: %s", got)
		}
	}
}
