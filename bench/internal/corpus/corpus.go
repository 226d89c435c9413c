// Package corpus generates notebooks shaped like real "today I learned"
// notes, so that the notebook can be measured at real size and side by side
// with Hugo.
//
// # What it writes
//
// Generate writes, through a WriteFunc, with slash-separated names:
//
//	notes/YYYY-MM-DD-slug.md            the notes
//	snippets/gen/nNNNN/bMM/main.go      with Options.Snippets > 0: one trivial
//	snippets/gen/nNNNN/bMM/expected.txt program per linked block, its output
//	snippets/gen/nNNNN/bMM/snippet.yaml and its engine
//	hugo/hugo.toml                      the same notes as a Hugo site
//	hugo/layouts/*.html
//	hugo/content/posts/YYYY-MM-DD-slug.md
//
// The folder that holds notes/ and snippets/ is a notebook (notebook build
// -root DIR); DIR/hugo is a Hugo site (hugo -s DIR/hugo).
//
// # The notes
//
// Sizes run from 200 bytes to 30 KB, most of them small (log-normal: the
// median is about 1.7 KB, the mean about 2.7 KB). A note has about two
// fenced blocks on average, in some fifty languages: the common ones, ones
// chroma does not know (mermaid, prisma, hurl...), blocks with no language,
// and, one in twelve, info strings the notebook does not own, as real notes
// carry them:
//
//	```css {{ title: 'globals.css' }}
//	```js {.numberLines}
//	```rust,ignore
//	```go {linenos=table}
//
// Around them: paragraphs with links, inline code, emphasis and a few
// non-ASCII words; headings, among them entries like "### 10 - ..."; lists;
// tables; block quotes; raw HTML (details, kbd, img, comments). Front matter
// takes several shapes: none, a title only, tags as a flow list
// ([a, b]) or a block list, and drafts. File names are YYYY-MM-DD-slug.md,
// a few notes sharing a day.
//
// With Options.Snippets = M, the first M blocks of every note (blocks are
// added where a note has fewer) link to a snippet of their own,
// {snippet=gen/nNNNN/bMM}: a program that prints one line, which its
// expected.txt holds.
//
// The Hugo copy of a note is the same body under front matter Hugo reads
// (title, date, tags, draft); its templates render each page's content, a
// listing on the home page and per tag, and Hugo's own RSS feed and sitemap,
// so that both tools do comparable work: Markdown, highlighting with CSS
// classes, an index, tag pages and a feed.
//
// # Determinism
//
// The output depends only on the Options: the same options give the same
// bytes.
package corpus

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Options say what to generate. The zero value, but for Notes, is valid.
type Options struct {
	// Notes is how many notes to write.
	Notes int
	// Seed chooses the corpus; the same seed gives the same bytes.
	Seed uint64
	// Snippets is how many blocks of each note link to a snippet of their
	// own (0: none).
	Snippets int
	// Engine is the snippets' engine, "native" or "yaegi" (default yaegi,
	// which runs a trivial program without compiling it).
	Engine string
	// Tame leaves out the info strings the notebook's contract does not own
	// ({{ ... }}, {.class}, mdBook's rust,ignore, {linenos=table}); their
	// blocks get a plain language instead. For measuring a notebook that
	// still rejects them.
	Tame bool
}

// Stats counts what Generate wrote.
type Stats struct {
	Notes, Drafts, Blocks, Linked, OddInfo, Bytes int
	// Languages is the number of distinct fence languages, "" included.
	Languages int
}

// A WriteFunc stores one generated file under its slash-separated name.
type WriteFunc func(name string, data []byte) error

// Dir returns a WriteFunc that writes below the folder dir, creating
// folders as needed.
func Dir(dir string) WriteFunc {
	return func(name string, data []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}
}

// Generate writes the corpus that o describes.
func Generate(o Options, write WriteFunc) (Stats, error) {
	if o.Notes < 0 || o.Snippets < 0 {
		return Stats{}, fmt.Errorf("corpus: notes and snippets must not be negative")
	}
	switch o.Engine {
	case "":
		o.Engine = "yaegi"
	case "native", "yaegi":
	default:
		return Stats{}, fmt.Errorf("corpus: engine %q: want native or yaegi", o.Engine)
	}
	g := &generator{o: o, r: rand.New(rand.NewPCG(o.Seed, 0x6e6f7465626f6f6b)), names: map[string]bool{}, langs: map[string]bool{}}
	for _, f := range hugoSite {
		if err := write(f.name, []byte(f.text)); err != nil {
			return g.stats, err
		}
	}
	day := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range o.Notes {
		day = day.AddDate(0, 0, g.r.IntN(3)) // some days have two notes
		n := g.note(i+1, day)
		if err := g.writeNote(n, write); err != nil {
			return g.stats, err
		}
	}
	g.stats.Languages = len(g.langs)
	return g.stats, nil
}

// A note is one generated note before it is written.
type note struct {
	name     string // YYYY-MM-DD-slug
	date     time.Time
	title    string // the title Hugo is given
	front    string // the notebook's front matter, "" for none
	tags     []string
	draft    bool
	body     string
	snippets []snippet
}

// A snippet is one linked block's program.
type snippet struct {
	id, output string
}

type generator struct {
	o     Options
	r     *rand.Rand
	names map[string]bool
	langs map[string]bool
	stats Stats
}

func (g *generator) writeNote(n *note, write WriteFunc) error {
	src := n.front + n.body
	if err := write("notes/"+n.name+".md", []byte(src)); err != nil {
		return err
	}
	if err := write("hugo/content/posts/"+n.name+".md", []byte(hugoFront(n)+hugoBody(n.body))); err != nil {
		return err
	}
	for _, s := range n.snippets {
		dir := "snippets/" + s.id + "/"
		prog := fmt.Sprintf("// This program stands for a generated block: it prints one line.\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(%q)\n}\n", s.output)
		files := []struct{ name, text string }{
			{"main.go", prog},
			{"expected.txt", s.output + "\n"},
			{"snippet.yaml", "engine: " + g.o.Engine + "\n"},
		}
		for _, f := range files {
			if err := write(dir+f.name, []byte(f.text)); err != nil {
				return err
			}
		}
	}
	g.stats.Notes++
	g.stats.Bytes += len(src)
	if n.draft {
		g.stats.Drafts++
	}
	return nil
}

// hugoFront is front matter for Hugo: the title, the date Hugo needs, and
// the note's tags and draft flag.
func hugoFront(n *note) string {
	var b strings.Builder
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %q\n", n.title)
	fmt.Fprintf(&b, "date: %s\n", n.date.Format(time.DateOnly))
	if len(n.tags) > 0 {
		fmt.Fprintf(&b, "tags: [%s]\n", strings.Join(n.tags, ", "))
	}
	if n.draft {
		b.WriteString("draft: true\n")
	}
	b.WriteString("---\n")
	return b.String()
}

// hugoBody is a note's body as Hugo reads it: info strings that Hugo
// rejects are replaced by the nearest that it accepts.
func hugoBody(body string) string {
	for _, odd := range oddInfo {
		if odd.hugo != "" {
			body = strings.ReplaceAll(body, "```"+odd.info+"\n", "```"+odd.hugo+"\n")
			body = strings.ReplaceAll(body, "~~~"+odd.info+"\n", "~~~"+odd.hugo+"\n")
		}
	}
	return body
}

// note generates the i-th note (from 1), dated day.
func (g *generator) note(i int, day time.Time) *note {
	n := &note{date: day}
	slug := g.words(1+g.r.IntN(4), "-")
	n.name = day.Format(time.DateOnly) + "-" + slug
	for k := 2; g.names[n.name]; k++ {
		n.name = fmt.Sprintf("%s-%s-%d", day.Format(time.DateOnly), slug, k)
	}
	g.names[n.name] = true

	title := capitalize(g.words(2+g.r.IntN(6), " "))
	if g.r.IntN(8) == 0 {
		title = "TIL: " + title
	}
	n.title = title
	var body []string
	switch p := g.r.IntN(100); {
	case p < 30: // no front matter; most of these start with a heading
		if g.r.IntN(10) < 7 {
			body = append(body, "# "+title)
		} else {
			n.title = day.Format(time.DateOnly)
		}
	case p < 55:
		n.front = "---\ntitle: " + yamlTitle(title) + "\n---\n"
	case p < 75:
		n.tags = g.tags()
		n.front = "---\ntitle: " + yamlTitle(title) + "\ntags: [" + strings.Join(n.tags, ", ") + "]\n---\n"
	case p < 92:
		n.tags = g.tags()
		n.front = "---\ntitle: " + yamlTitle(title) + "\ntags:\n  - " + strings.Join(n.tags, "\n  - ") + "\n---\n"
	case p < 96:
		n.draft = true
		n.front = "---\ntitle: " + yamlTitle(title) + "\ndraft: true\n---\n"
	default:
		n.front = "---\ntitle: " + yamlTitle(title) + "\ntags: []\ndraft: false\n---\n"
	}

	size := g.size()
	blocks := g.blockCount(size)
	if blocks < g.o.Snippets {
		blocks = g.o.Snippets
	}
	var code []string
	codeBytes := 0
	for b := range blocks {
		var c string
		var tamed int
		if b < g.o.Snippets {
			s := snippet{id: fmt.Sprintf("gen/n%04d/b%02d", i, b+1)}
			s.output = fmt.Sprintf("note %d, block %d: %d", i, b+1, g.r.IntN(1000))
			n.snippets = append(n.snippets, s)
			c, _ = g.block(size, s.id)
			g.stats.Linked++
		} else {
			c, tamed = g.block(size, "")
		}
		codeBytes += len(c) + tamed
		code = append(code, c)
	}
	g.stats.Blocks += blocks

	prose := []string{g.paragraph()}
	for total := len(prose[0]); total < size-codeBytes; {
		e := g.element()
		prose = append(prose, e)
		total += len(e) + 2
	}
	// Spread the blocks among the prose, never before the first paragraph.
	for _, c := range code {
		at := 1 + g.r.IntN(len(prose))
		prose = append(prose[:at], append([]string{c}, prose[at:]...)...)
	}
	body = append(body, prose...)
	n.body = strings.Join(body, "\n\n") + "\n"
	return n
}

// size draws a note's size in bytes: log-normal around 1.6 KB, from 200
// bytes to 30 KB, as in real TIL collections, where most notes are short
// and a few are long articles.
func (g *generator) size() int {
	for {
		n := int(1600 * math.Exp(g.r.NormFloat64()))
		if n >= 200 && n <= 30000 {
			return n
		}
	}
}

// blockCount draws how many fenced blocks a note of size bytes has: about
// two on average, more in long notes.
func (g *generator) blockCount(size int) int {
	n := []int{0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 6}[g.r.IntN(20)]
	if size > 4000 {
		n += g.r.IntN(2)
	}
	if size > 12000 {
		n += g.r.IntN(3)
	}
	return n
}

// block is one fenced block, sized for a note of size bytes, linked to
// snippet id unless id is "". tamed is how many bytes Options.Tame took out
// of its info string, so that the rest of the note is drawn as without it.
func (g *generator) block(size int, id string) (text string, tamed int) {
	var lang, info string
	if id != "" {
		lang = linkable[g.r.IntN(len(linkable))]
		info = lang + " {snippet=" + id + "}"
	} else {
		lang = g.pick(languages)
		info = lang
		if g.r.IntN(12) == 0 {
			odd := oddInfo[g.r.IntN(len(oddInfo))]
			g.stats.OddInfo++
			lang, info = odd.lang, odd.info
			if g.o.Tame {
				info, tamed = odd.lang, len(odd.info)-len(odd.lang)
			}
		}
	}
	g.langs[lang] = true
	lines := 2 + g.r.IntN(8)
	if size > 5000 {
		lines += g.r.IntN(25)
	}
	pool := codeLines[lang]
	if alias, ok := codeAlias[lang]; ok {
		pool = codeLines[alias]
	}
	if pool == nil {
		pool = codeLines[""]
	}
	var b strings.Builder
	fence := "```"
	if g.r.IntN(25) == 0 {
		fence = "~~~"
	}
	b.WriteString(fence + info + "\n")
	for range lines {
		l := pool[g.r.IntN(len(pool))]
		l = strings.ReplaceAll(l, "NAME", g.words(1, "_"))
		l = strings.ReplaceAll(l, "NUM", fmt.Sprint(g.r.IntN(500)))
		b.WriteString(l + "\n")
	}
	b.WriteString(fence)
	return b.String(), tamed
}

// element is one piece of prose between the blocks.
func (g *generator) element() string {
	switch p := g.r.IntN(100); {
	case p < 45:
		return g.paragraph()
	case p < 55:
		return "## " + capitalize(g.words(2+g.r.IntN(5), " "))
	case p < 63:
		return fmt.Sprintf("### %d - %s", 1+g.r.IntN(40), g.words(3+g.r.IntN(5), " "))
	case p < 75:
		return g.list()
	case p < 81:
		return g.table()
	case p < 88:
		return g.rawHTML()
	case p < 94:
		return "> " + g.sentence() + " " + g.sentence()
	default:
		return g.paragraph() + "\n" + g.paragraph()
	}
}

func (g *generator) paragraph() string {
	var s []string
	for range 1 + g.r.IntN(5) {
		s = append(s, g.sentence())
	}
	return strings.Join(s, " ")
}

func (g *generator) sentence() string {
	n := 5 + g.r.IntN(14)
	var w []string
	for i := range n {
		switch p := g.r.IntN(100); {
		case p < 4:
			w = append(w, "`"+g.words(1, "_")+"()`")
		case p < 6:
			w = append(w, fmt.Sprintf("[%s](https://example.com/%s)", g.words(2, " "), g.words(2, "/")))
		case p < 7:
			w = append(w, "**"+g.words(2, " ")+"**")
		case p < 8:
			w = append(w, "_"+g.words(1, "")+"_")
		case p < 9:
			w = append(w, unicodeWords[g.r.IntN(len(unicodeWords))])
		case p < 10 && i > 0:
			w = append(w, "<kbd>Ctrl</kbd>+<kbd>"+strings.ToUpper(g.words(1, "")[:1])+"</kbd>")
		default:
			w = append(w, g.words(1, ""))
		}
	}
	if g.r.IntN(30) == 0 {
		w = append(w, "https://example.org/"+g.words(1, ""))
	}
	return capitalize(strings.Join(w, " ")) + "."
}

func (g *generator) list() string {
	var b []string
	marker := "-"
	if g.r.IntN(3) == 0 {
		marker = "1."
	}
	for range 2 + g.r.IntN(6) {
		item := marker + " " + g.sentence()
		if g.r.IntN(8) == 0 {
			item = "- [ ] " + g.sentence()
		}
		b = append(b, item)
	}
	return strings.Join(b, "\n")
}

func (g *generator) table() string {
	cols := 2 + g.r.IntN(3)
	row := func(cell func() string) string {
		var c []string
		for range cols {
			c = append(c, cell())
		}
		return "| " + strings.Join(c, " | ") + " |"
	}
	t := []string{
		row(func() string { return capitalize(g.words(1, "")) }),
		row(func() string { return "---" }),
	}
	for range 2 + g.r.IntN(7) {
		t = append(t, row(func() string {
			if g.r.IntN(4) == 0 {
				return "`" + g.words(1, "_") + "`"
			}
			return g.words(1+g.r.IntN(3), " ")
		}))
	}
	return strings.Join(t, "\n")
}

func (g *generator) rawHTML() string {
	switch g.r.IntN(5) {
	case 0:
		return "<details>\n<summary>" + g.words(3, " ") + "</summary>\n\n" + g.paragraph() + "\n\n</details>"
	case 1:
		return fmt.Sprintf(`<img src="/img/%s.png" alt="%s" width="%d">`, g.words(1, ""), g.words(2, " "), 200+g.r.IntN(600))
	case 2:
		return "<!-- " + g.sentence() + " -->"
	case 3:
		return "<p align=\"center\">\n  <b>" + g.words(3, " ") + "</b><br/>\n  " + g.sentence() + "\n</p>"
	default:
		return g.sentence() + "<sup>" + fmt.Sprint(1+g.r.IntN(9)) + "</sup>"
	}
}

// tags draws one to four distinct tags.
func (g *generator) tags() []string {
	var t []string
	for range 1 + g.r.IntN(4) {
		tag := tagWords[g.r.IntN(len(tagWords))]
		if !slices.Contains(t, tag) {
			t = append(t, tag)
		}
	}
	return t
}

// words joins n words drawn from the vocabulary with sep.
func (g *generator) words(n int, sep string) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary[g.r.IntN(len(vocabulary))]
	}
	return strings.Join(w, sep)
}

// pick draws from a weighted list.
func (g *generator) pick(list []weighted) string {
	total := 0
	for _, w := range list {
		total += w.weight
	}
	n := g.r.IntN(total)
	for _, w := range list {
		if n < w.weight {
			return w.name
		}
		n -= w.weight
	}
	return list[len(list)-1].name
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// yamlTitle writes a title as a YAML value, quoted when it holds a colon.
func yamlTitle(t string) string {
	if strings.ContainsAny(t, ":#'\"") {
		return fmt.Sprintf("%q", t)
	}
	return t
}
