package render

import (
	"testing"
)

// TestCodePlain checks that Code leaves plain tokens (names, punctuation,
// white space) as text and wraps the others, with no element per line.
func TestCodePlain(t *testing.T) {
	got := string(New().Code("go", "x := f(1) // c\ny := \"<s>\"\n"))
	want := `<pre class="hl-chroma"><code>x <span class="hl-o">:=</span> <span class="hl-nf">f</span>(<span class="hl-mi">1</span>) <span class="hl-c1">// c</span>
y <span class="hl-o">:=</span> <span class="hl-s">&#34;&lt;s&gt;&#34;</span>
</code></pre>`
	if got != want {
		t.Errorf("Code:\n%s\nwant\n%s", got, want)
	}
}
