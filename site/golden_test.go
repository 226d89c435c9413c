package site

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/gonotebook/notebook/runner"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.txtar from the built fixture site")

// goldenPages are the pages of the fixture site compared with reviewed
// copies in testdata/golden: one of each kind, and every note page.
var goldenPages = []struct {
	name string // the archive's name in testdata/golden, without .txtar
	file string // the page's path in the built site
	what string // what the page shows, for the archive's comment
}{
	{"index", "index.html", "the index of notes"},
	{"note-first", "2020-01-01-first/index.html", "a note page with front matter, entries and two snippets"},
	{"note-escaping", "2020-02-02/index.html", "a note page whose prose and output contain markup and whose snippet exits 3"},
	{"note-last", "2020-04-04-last/index.html", "a note page with no title and an unlinked block"},
	{"explained", "2020-01-01-first/explained/index.html", "a note's page of explanations"},
	{"tag", "tags/c#/index.html", "the page of one tag"},
	{"tags", "tags/index.html", "the page of every tag"},
	{"search", "search/index.html", "the search page"},
	{"404", "404.html", "the page for missing addresses"},
	{"feed", "feed.xml", "the Atom feed"},
	{"sitemap", "sitemap.xml", "the sitemap"},
	{"search-index", "search.json", "the search index"},
}

// TestGolden compares each page of the fixture site with its reviewed copy
// in testdata/golden. After a change to the pages, run
//
//	go test ./site -run Golden -update
//
// and review the diff of testdata/golden.
func TestGolden(t *testing.T) {
	dir := built(t)
	norm := newNormaliser(fixture.nb.Results, fixture.goVer)
	for _, p := range goldenPages {
		t.Run(p.name, func(t *testing.T) {
			got := goldenData(norm.apply(readFile(t, dir, p.file)))
			archive := filepath.Join("testdata", "golden", p.name+".txtar")
			if *update {
				a := &txtar.Archive{Comment: []byte(goldenComment(p.file, p.what)), Files: []txtar.File{{Name: p.file, Data: got}}}
				if err := os.WriteFile(archive, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			a, err := txtar.ParseFile(archive)
			if err != nil {
				t.Fatalf("%v (to write it: go test ./site -run Golden -update)", err)
			}
			if len(a.Files) != 1 || a.Files[0].Name != p.file {
				t.Fatalf("%s: want one file, %s; rewrite it with -update", archive, p.file)
			}
			if want := a.Files[0].Data; !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s\nIf the change is meant, run go test ./site -run Golden -update and review the diff.",
					p.file, archive, lineDiff(string(want), string(got)))
			}
		})
	}
}

// goldenComment is the comment of a golden archive: what it holds, how to
// rewrite it, and what was replaced before comparing.
func goldenComment(file, what string) string {
	return fmt.Sprintf(`%s: %s, as built from testdata/notebook by TestGolden.
Rewrite with: go test ./site -run Golden -update, then review the diff.

Before comparing, what varies from run to run is replaced, and nothing else:
each snippet's run time as the page formats it (DURATION), the Go version
that ran it (GOVERSION), and when it finished, in RFC 3339 (FINISHED).
txtar ends every file with a newline; one is added to a page without one.
`, file, what)
}

// goldenData returns page with a final newline, which txtar requires.
func goldenData(page string) []byte {
	if !strings.HasSuffix(page, "\n") {
		page += "\n"
	}
	return []byte(page)
}

// A normaliser replaces, in a built page, the values that vary between two
// builds of the same notebook: run times, Go versions, finishing times.
// It replaces those exact values, each as a whole word, so that it cannot
// hide anything else.
type normaliser struct {
	re   *regexp.Regexp
	with map[string]string
}

func newNormaliser(results map[string]*runner.Result, goVersion string) *normaliser {
	n := &normaliser{with: map[string]string{}}
	if goVersion != "" {
		n.with[goVersion] = "GOVERSION"
	}
	for _, r := range results {
		n.with[formatDuration(r.Duration)] = "DURATION"
		if r.GoVersion != "" {
			n.with[r.GoVersion] = "GOVERSION"
		}
		if !r.Finished.IsZero() {
			n.with[r.Finished.UTC().Format(time.RFC3339)] = "FINISHED"
			n.with[captured(r.Finished)] = "FINISHED"
			n.with[r.Finished.Format(time.RFC3339)] = "FINISHED"
		}
	}
	if len(n.with) == 0 {
		return n
	}
	olds := make([]string, 0, len(n.with))
	for old := range n.with {
		olds = append(olds, old)
	}
	// Longest first, so that a value that contains another wins.
	slices.SortFunc(olds, func(a, b string) int { return len(b) - len(a) })
	var alts []string
	for _, old := range olds {
		alts = append(alts, word(old))
	}
	n.re = regexp.MustCompile(strings.Join(alts, "|"))
	return n
}

// word returns a pattern matching s but not as part of a longer word, so
// that the run time "4 ms" leaves "14 ms" alone.
func word(s string) string {
	p := regexp.QuoteMeta(s)
	if startsWord.MatchString(s) {
		p = `\b` + p
	}
	if startsWord.MatchString(s[len(s)-1:]) {
		p += `\b`
	}
	return p
}

var startsWord = regexp.MustCompile(`^\w`)

func (n *normaliser) apply(page string) string {
	if n.re == nil {
		return page
	}
	return n.re.ReplaceAllStringFunc(page, func(s string) string { return n.with[s] })
}

// lineDiff describes the first line where got differs from want, with
// the lines around it.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d (%d lines reviewed, %d built):\n", i+1, len(w), len(g))
	for j := max(0, i-2); j < i; j++ {
		fmt.Fprintf(&b, "  %s\n", w[j])
	}
	for j := i; j < min(i+3, len(w)); j++ {
		fmt.Fprintf(&b, "- %s\n", w[j])
	}
	for j := i; j < min(i+3, len(g)); j++ {
		fmt.Fprintf(&b, "+ %s\n", g[j])
	}
	return b.String()
}

// TestNormaliser checks that only the exact varying values are replaced.
func TestNormaliser(t *testing.T) {
	finished := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	n := newNormaliser(map[string]*runner.Result{
		"a": {Duration: 4 * time.Millisecond, GoVersion: "go1.26.8", Finished: finished},
		"b": {Duration: 300 * time.Microsecond, GoVersion: "yaegi v0.16.1 (go1.26.8 host)"},
	}, "go1.26.8")
	in := "took 4 ms, not 14 ms or 4 ms2; under 1 ms; go1.26.8 and go1.26.80; yaegi v0.16.1 (go1.26.8 host); at 2026-01-02T03:04:05Z"
	want := "took DURATION, not 14 ms or 4 ms2; DURATION; GOVERSION and go1.26.80; GOVERSION; at FINISHED"
	if got := n.apply(in); got != want {
		t.Errorf("apply:\n got %s\nwant %s", got, want)
	}
	if got := newNormaliser(nil, "").apply(in); got != in {
		t.Errorf("with nothing to replace, apply changed the page to %s", got)
	}
}
