package corpus

// The word lists and code lines the notes are made of.

// vocabulary holds the words of the prose, slugs and titles: lower case
// ASCII letters only, so that a slug made of them is a valid note name.
var vocabulary = []string{
	"the", "a", "of", "to", "and", "in", "is", "it", "that", "for", "with", "on",
	"you", "this", "can", "when", "not", "but", "from", "by", "are", "be", "as",
	"use", "how", "why", "today", "learned", "function", "value", "string",
	"list", "map", "slice", "channel", "goroutine", "thread", "process", "file",
	"buffer", "stream", "request", "response", "server", "client", "query",
	"index", "table", "column", "cache", "memory", "pointer", "closure",
	"iterator", "generator", "decorator", "async", "await", "promise", "callback",
	"error", "panic", "exception", "test", "benchmark", "profile", "build",
	"deploy", "container", "image", "volume", "network", "socket", "port",
	"shell", "command", "flag", "argument", "option", "config", "environment",
	"variable", "type", "interface", "struct", "class", "method", "module",
	"package", "import", "export", "compile", "runtime", "kernel", "signal",
	"timeout", "retry", "lock", "mutex", "atomic", "queue", "stack", "heap",
	"regex", "pattern", "match", "parse", "format", "encode", "decode", "json",
	"yaml", "csv", "unicode", "bytes", "rune", "loop", "range", "sort", "filter",
	"reduce", "fold", "lazy", "eager", "strict", "pure", "side", "effect",
	"git", "rebase", "merge", "branch", "commit", "diff", "patch", "vim",
	"editor", "terminal", "prompt", "history", "alias", "path", "link",
	"quick", "small", "simple", "useful", "surprising", "subtle", "faster",
	"slower", "better", "worse", "finally", "actually", "really", "always",
}

// unicodeWords are the few non-ASCII words real notes carry.
var unicodeWords = []string{"naïve", "café", "—", "→", "“quoted”", "über", "日本語", "façade", "½", "déjà vu"}

// tagWords are the tags, valid as the notebook's tags.
var tagWords = []string{
	"go", "python", "javascript", "rust", "sql", "git", "shell", "css", "docker",
	"linux", "vim", "testing", "performance", "security", "networking", "c++",
	"c#", "web", "database", "til",
}

type weighted struct {
	name   string
	weight int
}

// languages are the fence languages, weighted roughly as in real TIL
// notes; a few are unknown to chroma, and "" is a block with none.
var languages = []weighted{
	{"js", 12}, {"javascript", 6}, {"python", 10}, {"go", 8}, {"bash", 10},
	{"sh", 6}, {"shell", 4}, {"console", 3}, {"ts", 4}, {"typescript", 3},
	{"jsx", 2}, {"tsx", 2}, {"ruby", 4}, {"rust", 3}, {"sql", 5}, {"json", 5},
	{"yaml", 4}, {"toml", 1}, {"html", 4}, {"css", 4}, {"scss", 1}, {"c", 2},
	{"cpp", 1}, {"java", 2}, {"kotlin", 1}, {"swift", 1}, {"elixir", 2},
	{"haskell", 1}, {"clojure", 1}, {"lua", 1}, {"php", 1}, {"diff", 2},
	{"dockerfile", 2}, {"makefile", 1}, {"nginx", 1}, {"ini", 1}, {"xml", 1},
	{"graphql", 1}, {"vim", 1}, {"hcl", 1}, {"nix", 1}, {"zig", 1},
	{"text", 3}, {"", 8},
	// Unknown to chroma by these names.
	{"mermaid", 1}, {"prisma", 1}, {"hurl", 1}, {"sh-session", 1}, {"pseudo", 1},
	{"plaintext", 1},
}

// linkable are the languages of blocks that link to a snippet.
var linkable = []string{"python", "js", "ruby", "bash", "rust"}

// oddInfo are info strings that real notes use and the notebook's contract
// does not own. hugo, if set, is what the Hugo copy has instead, where Hugo
// would stop on the original ("failed to parse Markdown attributes").
var oddInfo = []struct{ lang, info, hugo string }{
	{"css", "css {{ title: 'globals.css' }}", `css {title="globals.css"}`},
	{"js", "js {.numberLines}", ""},
	{"rust", "rust,ignore", ""},
	{"go", "go {linenos=table}", ""},
	{"js", "js title=\"index.js\"", ""},
	{"python", "python {.python .numberLines startFrom=\"10\"}", ""},
	{"ts", "ts twoslash", ""},
	{"diff", "diff --git a/x b/x", ""},
	{"rust", "rust,no_run", ""},
	{"html", "html {hl_lines=[2,\"4-5\"]}", ""},
}

// codeLines are the lines a block in each language is drawn from. NAME is
// replaced by a word, NUM by a number. "" serves every other language.
var codeLines = map[string][]string{
	"go": {
		"func NAME(ctx context.Context, n int) (string, error) {",
		"\tif err != nil {", "\t\treturn nil, fmt.Errorf(\"NAME: %w\", err)", "\t}",
		"\tfor i := range NUM {", "\tch := make(chan int, NUM)",
		"\tNAME := map[string]int{\"a\": NUM}", "}", "// NAME does what it says.",
		"\tgo func() { defer wg.Done(); work(NUM) }()",
	},
	"python": {
		"def NAME(x, y=NUM):", "    return [i * 2 for i in range(x)]",
		"import asyncio", "from collections import defaultdict",
		"class NAME:", "    def __init__(self, value):", "        self.value = value",
		"print(f\"{NAME!r} took {elapsed:.2f}s\")", "# NAME keeps the result",
		"    with open('NAME.txt') as f:", "@functools.lru_cache(maxsize=NUM)",
	},
	"js": {
		"const NAME = async (req, res) => {", "  const data = await fetch(`/api/NAME`);",
		"  return data.json();", "};", "export default function NAME(props) {",
		"  if (!props.NAME) return null;", "}", "// NAME: see below",
		"let total = items.reduce((a, b) => a + b, NUM);",
		"document.querySelector('#NAME').addEventListener('click', () => {});",
	},
	"bash": {
		"$ git log --oneline | head -NUM", "for f in *.md; do echo \"$f\"; done",
		"export NAME=NUM", "if [[ -z \"$NAME\" ]]; then", "  exit 1", "fi",
		"find . -name '*.go' -newer NAME | xargs wc -l", "# NAME", "sudo systemctl restart NAME",
	},
	"sql": {
		"SELECT NAME, count(*) FROM events", "WHERE created_at > now() - interval 'NUM days'",
		"GROUP BY 1 ORDER BY 2 DESC;", "CREATE INDEX CONCURRENTLY NAME_idx ON t (NAME);",
		"-- NAME", "UPDATE t SET NAME = NUM WHERE id = $1;",
	},
	"json": {"{", "  \"NAME\": NUM,", "  \"enabled\": true,", "  \"tags\": [\"NAME\"]", "}"},
	"yaml": {"NAME: NUM", "steps:", "  - run: make NAME", "    env:", "      NAME: \"on\"", "# NAME"},
	"css": {
		".NAME {", "  display: grid;", "  grid-template-columns: repeat(NUM, 1fr);", "}",
		"@media (prefers-color-scheme: dark) {", "  color: #NUMabc;", "/* NAME */",
	},
	"html": {"<div class=\"NAME\">", "  <p>NAME</p>", "</div>", "<script src=\"NAME.js\"></script>", "<!-- NAME -->"},
	"rust": {
		"fn NAME(v: &[u32]) -> Option<u32> {", "    v.iter().copied().max()", "}",
		"let NAME: Vec<_> = (0..NUM).collect();", "#[derive(Debug, Clone)]", "struct NAME { n: usize }",
		"impl NAME {", "    // NAME", "}",
	},
	"": {
		"NAME(NUM);", "if (NAME > NUM) {", "  return NAME;", "}", "# NAME", "NAME = NUM",
		"  call NAME with NUM", "end", "// NAME",
	},
}

// codeAlias names the codeLines of languages that share another's.
var codeAlias = map[string]string{
	"javascript": "js", "ts": "js", "typescript": "js", "jsx": "js", "tsx": "js",
	"sh": "bash", "shell": "bash", "console": "bash", "sh-session": "bash", "scss": "css",
}

// hugoSite is the fixed part of the Hugo site: its configuration and
// templates. The home page and each tag page list their notes; each note's
// page renders its content; Hugo adds its own RSS feeds and sitemap.
var hugoSite = []struct{ name, text string }{
	{"hugo/hugo.toml", `baseURL = "https://example.org/"
title = "Generated notebook"
locale = "en"
# Raw HTML is left out (the notebook shows it as text): no warning for it.
ignoreLogs = ["warning-goldmark-raw-html"]

[taxonomies]
  tag = "tags"

# Highlight with CSS classes, as the notebook does.
[markup.highlight]
  noClasses = false
`},
	{"hugo/layouts/baseof.html", `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title></head>
<body>
{{ block "main" . }}{{ end }}
</body>
</html>
`},
	{"hugo/layouts/home.html", `{{ define "main" }}
<h1>{{ site.Title }}</h1>
<ul>
{{ range site.RegularPages.ByDate.Reverse }}<li><time>{{ .Date.Format "2006-01-02" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
`},
	{"hugo/layouts/list.html", `{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages.ByDate.Reverse }}<li><time>{{ .Date.Format "2006-01-02" }}</time> <a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
`},
	{"hugo/layouts/single.html", `{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<time>{{ .Date.Format "2006-01-02" }}</time>
{{ with .Params.tags }}<ul class="tags">{{ range . }}<li><a href="{{ "tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>{{ end }}
{{ .Content }}
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">previous</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">next</a>{{ end }}
</article>
{{ end }}
`},
}
