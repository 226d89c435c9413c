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

// TestAgain checks what a server's Markdown keeps of the code it
// highlighted: nothing before the first Again, then what each build used,
// for one more build, returned as highlighting it afresh would.
func TestAgain(t *testing.T) {
	m := New()
	a, b := [2]string{"go", "package main\n"}, [2]string{"python", "print(1)\n"}
	m.Code(a[0], a[1])
	if m.used != nil || m.kept != nil {
		t.Fatal("a Markdown never told Again keeps code")
	}
	held := func(k [2]string) bool { _, used := m.used[k]; _, kept := m.kept[k]; return used || kept }
	m.Again()
	for _, k := range [][2]string{a, b} {
		if got, want := m.Code(k[0], k[1]), m.highlight(k[0], k[1]); got != want {
			t.Errorf("Code(%q) = %s, want %s", k[0], got, want)
		}
	}
	m.Again() // a build that uses a alone
	m.Code(a[0], a[1])
	if _, ok := m.used[a]; !ok || !held(b) {
		t.Errorf("after a second build, a used %v, b held %v; want both", ok, held(b))
	}
	m.Again()
	if !held(a) || held(b) {
		t.Errorf("a build after the one that left b out holds a %v, b %v; want a alone", held(a), held(b))
	}
	m.kept[a] = "<pre>kept</pre>"
	if got := m.Code(a[0], a[1]); got != "<pre>kept</pre>" {
		t.Errorf("Code highlighted afresh what it kept: %s", got)
	}
}
