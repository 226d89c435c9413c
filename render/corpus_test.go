package render

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// corpusLangs are the fence info strings of the synthetic corpus: about
// forty languages as real notes write them, some chroma does not know,
// and the odd info strings real notes use.
var corpusLangs = []string{
	"go", "python", "python3", "js", "javascript", "ts", "typescript", "sh",
	"bash", "shell", "console", "zsh", "rust", "rust,ignore", "c", "cpp",
	"java", "kotlin", "swift", "ruby", "php", "sql", "yaml", "json", "toml",
	"html", "css {{ title: 'globals.css' }}", "scss", "elixir", "haskell",
	"clojure", "lua", "perl", "r", "dockerfile", "makefile", "nginx",
	"js {.numberLines}", "go {linenos=table}", "nosuchlang", "vim", "",
}

// corpus returns n notes, deterministic for a seed, each about two fenced
// blocks and some prose, headings, a table and raw HTML.
func corpus(n int, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, seed))
	out := make([][]byte, n)
	for i := range out {
		var b strings.Builder
		fmt.Fprintf(&b, "# Note %d\n\nSome prose about *thing* %d, with a [link](https://example.org/%d) and <kbd>raw</kbd> HTML.\n\n", i, i, i)
		for j := range 1 + r.IntN(3) {
			fmt.Fprintf(&b, "## Entry %d.%d\n\n", i, j)
			b.WriteString(strings.Repeat("A line of prose that goes on for a while. ", 1+r.IntN(8)))
			b.WriteString("\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n")
		}
		for range 1 + r.IntN(3) {
			lang := corpusLangs[r.IntN(len(corpusLangs))]
			fmt.Fprintf(&b, "```%s\n", lang)
			for k := range 3 + r.IntN(12) {
				fmt.Fprintf(&b, "x%d = call(%d, \"text\") // comment\n", k, k)
			}
			b.WriteString("```\n\n")
		}
		out[i] = []byte(b.String())
	}
	return out
}
