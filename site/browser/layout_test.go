package browser

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPairs checks how each pair of the seed note reads. At 1280 px the
// original and the Go program start level, and so do their outputs: the
// tops of their boxes within two pixels. At 375 px the pair is stacked:
// the explanation, the original, its output, the Go program, its output,
// one under the other. It logs the page's height, its count of elements,
// and its bytes with its style sheet and scripts, compressed.
func TestPairs(t *testing.T) {
	browserCtx := startBrowser(t)
	real, _ := builtSites(t)
	tb := newTab(t, browserCtx)
	tb.do(chromedp.Navigate(real.url + seedNote))
	type pair struct {
		ID     string
		Places map[string][4]float64 // left, top, right, bottom of each part
	}
	const measure = `[...document.querySelectorAll("figure.pair:not(.go-only)")].map(f => {
		const places = {};
		for (const [name, sel] of [["explain", ".explain"], ["original", ".code-original > .codeblock"], ["go", ".code-go > .codeblock"],
				["original output", ".out-original > :first-child"], ["go output", ".out-go > :first-child"]]) {
			const e = f.querySelector(sel);
			if (e) {
				const r = e.getBoundingClientRect();
				places[name] = [r.left, r.top + window.scrollY, r.right, r.bottom + window.scrollY];
			}
		}
		return {ID: f.id, Places: places};
	})`
	pairs := eval[[]pair](tb, measure)
	if len(pairs) < 10 {
		t.Fatalf("the seed note shows %d pairs", len(pairs))
	}
	level := func(a, b [4]float64) bool { return a[1]-b[1] <= 2 && b[1]-a[1] <= 2 }
	for _, p := range pairs {
		pl := p.Places
		if len(pl) < 5 {
			t.Errorf("#%s: only %d of its five parts", p.ID, len(pl))
			continue
		}
		if !level(pl["original"], pl["go"]) || pl["original"][2] > pl["go"][0] {
			t.Errorf("#%s at 1280 px: the original at %v and the Go program at %v do not start side by side", p.ID, pl["original"], pl["go"])
		}
		if !level(pl["original output"], pl["go output"]) || pl["original output"][2] > pl["go output"][0] {
			t.Errorf("#%s at 1280 px: the outputs at %v and %v do not start side by side", p.ID, pl["original output"], pl["go output"])
		}
	}
	t.Logf("at 1280 px the seed note is %d px high, with %d elements",
		eval[int](tb, `document.documentElement.scrollHeight`), eval[int](tb, `document.getElementsByTagName("*").length`))

	// "Read on" shows the rest of an explanation in place, taken from the
	// note's page of explanations, which it links to without JavaScript.
	link := `document.querySelector("#block-0 a.read-on")`
	if href := eval[string](tb, link+`.getAttribute("href")`); href != "explained/#block-0" {
		t.Errorf("Read on links to %q", href)
	}
	want := eval[int](tb, `+`+link+`.textContent.match(/\d+/)[0]`)
	eval[chromedp.Void](tb, link+`.click()`)
	tb.waitFor(`document.querySelector("#block-0 .explain .more") !== null`)
	if got := eval[int](tb, `document.querySelector("#block-0 .explain .more").children.length`); got != want || eval[string](tb, `location.pathname`) != "/"+seedNote {
		t.Errorf("Read on showed %d more paragraphs, want %d, at %s", got, want, eval[string](tb, `location.pathname`))
	}
	if !eval[bool](tb, `document.activeElement === document.querySelector("#block-0 .explain .more")`) {
		t.Errorf("after Read on, the focus is not on what it showed")
	}

	tb.do(chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile))
	defer tb.do(chromedp.EmulateViewport(1280, 900))
	tb.do(chromedp.Reload())
	order := []string{"explain", "original", "original output", "go", "go output"}
	for _, p := range eval[[]pair](tb, measure) {
		prev := ""
		for _, name := range order {
			r, ok := p.Places[name]
			if !ok {
				continue
			}
			if prev != "" && r[1] < p.Places[prev][3] {
				t.Errorf("#%s at 375 px: %s (top %v) is not below %s (bottom %v)", p.ID, name, r[1], prev, p.Places[prev][3])
			}
			prev = name
		}
	}
	t.Logf("at 375 px the seed note is %d px high", eval[int](tb, `document.documentElement.scrollHeight`))

	// The page's weight as a reader's browser fetches it.
	files := []string{filepath.Join(real.dir, "2018-10-30", "index.html")}
	for _, pattern := range []string{"style.*.css", "site.*.js", "theme.*.js"} {
		m, err := filepath.Glob(filepath.Join(real.dir, "assets", pattern))
		if err != nil || len(m) != 1 {
			t.Fatalf("assets/%s: %q %v", pattern, m, err)
		}
		files = append(files, m[0])
	}
	total := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		w.Write(data)
		w.Close()
		total += b.Len()
		t.Logf("%s: %d bytes, %d compressed", filepath.Base(f), len(data), b.Len())
	}
	t.Logf("the seed note's page with its style sheet and scripts: %d bytes compressed", total)
}
