package render

import (
	"strings"
	"testing"
	"unicode"

	"github.com/gonotebook/notebook/snippets"
)

// FuzzParseInfo checks what ParseInfo promises for any info string: it
// never fails unless the string names snippet; a snippet it returns
// without error is "none" or a valid id; the language is read from the
// first word; and LinkFence links any fence ParseInfo accepts unlinked.
func FuzzParseInfo(f *testing.F) {
	for _, seed := range []string{
		"", "python", "python {snippet=subprocess/parallel-sleep}", "C {snippet=gil/lock}",
		"python {snippet=none}", "{snippet=a}", `go {title="two words" snippet=x-1}`,
		"python {snippet=Bad/ID}", "python {snippet}", "python {snippet=a",
		"css {{ title: 'globals.css' }}", "js {.numberLines}", "rust,ignore",
		"go {linenos=table}", "python3", "nosuchlang", "{.python}", "{}", "python {}",
		"css {{ title: 'globals.css' }} {snippet=a/b}", "python {snippet=a} {snippet=b}",
		`python {title="unclosed}`, "sh {", "sh }", "{r, echo=FALSE}", "python {#id .c k=v}",
		"python title=x {snippet=a/b} trailing words", "\t python \t", "python {snippet=\"a/b\"}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, info string) {
		lang, snippet, err := ParseInfo(info)
		if err != nil {
			if !strings.Contains(info, "snippet") {
				t.Fatalf("ParseInfo(%q) = %v, but only a block that names snippet may fail", info, err)
			}
			return
		}
		if snippet != "" && snippet != snippets.None {
			if cerr := snippets.CheckID(snippet); cerr != nil {
				t.Fatalf("ParseInfo(%q) accepted snippet %q: %v", info, snippet, cerr)
			}
		}
		if word := strings.TrimSpace(info); word != "" && word[0] != '{' && !strings.HasPrefix(word, lang) {
			t.Fatalf("ParseInfo(%q).Lang = %q, not the start of the info string", info, lang)
		}
		if strings.ContainsFunc(lang, func(r rune) bool { return unicode.IsSpace(r) || r == '{' }) {
			t.Fatalf("ParseInfo(%q).Lang = %q holds a space or a brace", info, lang)
		}
		if snippet != "" || strings.ContainsAny(info, "\r\n`~") {
			return
		}
		src := "```" + info + "\ncode\n```\n"
		linked, err := LinkFence([]byte(src), 1, "a/b")
		if err != nil {
			t.Fatalf("LinkFence of %q: %v", src, err)
		}
		first, rest, _ := strings.Cut(string(linked), "\n")
		if rest != "code\n```\n" {
			t.Fatalf("LinkFence of %q changed more than its first line: %q", src, linked)
		}
		gotLang, gotSnippet, err := ParseInfo(strings.TrimPrefix(first, "```"))
		if err != nil || gotSnippet != "a/b" || gotLang != lang {
			t.Fatalf("LinkFence of %q gave %q, read as %q, %q, %v; want snippet a/b, lang %q", src, first, gotLang, gotSnippet, err, lang)
		}
	})
}

func TestLinkFence(t *testing.T) {
	tests := []struct{ line, want string }{
		{"```python", "```python {snippet=a/b}"},
		{"```python  ", "```python {snippet=a/b}"},
		{"```", "``` {snippet=a/b}"},
		{"~~~ sh", "~~~ sh {snippet=a/b}"},
		{"```js {.numberLines}", "```js {.numberLines snippet=a/b}"},
		{"```go {linenos=table}", "```go {linenos=table snippet=a/b}"},
		{"```css {{ title: 'globals.css' }}", "```css {{ title: 'globals.css' }} {snippet=a/b}"},
		{"```rust,ignore", "```rust,ignore {snippet=a/b}"},
		{"```sh {", "```sh { {snippet=a/b}"},
		{"  ```python {}", "  ```python { snippet=a/b}"},
	}
	for _, tt := range tests {
		src := "text\n" + tt.line + "\ncode\n```\n"
		got, err := LinkFence([]byte(src), 2, "a/b")
		if err != nil {
			t.Errorf("LinkFence(%q): %v", tt.line, err)
			continue
		}
		if want := "text\n" + tt.want + "\ncode\n```\n"; string(got) != want {
			t.Errorf("LinkFence(%q) = %q, want %q", tt.line, got, want)
		}
	}
	for _, tt := range []struct{ src, err string }{
		{"text\n```python {snippet=x}\n```\n", `line 2: the block is linked to "x" already`},
		{"text\n```python\n```\n", "line 1 does not open a fenced code block"},
		{"```python {snippet=Bad}\n```\n", `line 1: snippet id "Bad"`},
	} {
		line := 2
		if strings.HasPrefix(tt.err, "line 1") {
			line = 1
		}
		if _, err := LinkFence([]byte(tt.src), line, "a/b"); err == nil || !strings.HasPrefix(err.Error(), tt.err) {
			t.Errorf("LinkFence(%q, %d) error = %v, want %q...", tt.src, line, err, tt.err)
		}
	}
}
