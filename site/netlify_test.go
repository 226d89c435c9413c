package site

import (
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/site/internal/netlify"
)

// TestNetlifyConfig checks netlify.toml: what it builds and publishes, the
// Go release, the security headers, caching and the 404 page.
func TestNetlifyConfig(t *testing.T) {
	cfg, err := netlify.Load("../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Build.Publish != "public" {
		t.Errorf("publish = %q, want public", cfg.Build.Publish)
	}
	if !strings.Contains(cfg.Build.Command, "./cmd/notebook build") {
		t.Errorf("build command %q does not build the site", cfg.Build.Command)
	}

	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := cfg.Build.Environment["GO_VERSION"]
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(goVersion) {
		t.Errorf("GO_VERSION = %q: want a full release such as 1.26.8", goVersion)
	}
	if m := regexp.MustCompile(`(?m)^toolchain go(\S+)$`).FindSubmatch(gomod); m != nil {
		if goVersion != string(m[1]) {
			t.Errorf("GO_VERSION = %q, but go.mod asks for toolchain go%s", goVersion, m[1])
		}
	} else if m := regexp.MustCompile(`(?m)^go (\d+\.\d+)(\.\d+)?$`).FindSubmatch(gomod); m == nil {
		t.Errorf("go.mod has no go line")
	} else if !strings.HasPrefix(goVersion, string(m[1])+".") || compareVersions(goVersion, string(m[1])+string(m[2])) < 0 {
		t.Errorf("GO_VERSION = %q does not meet go.mod's go %s%s", goVersion, m[1], m[2])
	}

	page := cfg.HeadersFor("/2018-10-30/")
	csp := page.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self' 'wasm-unsafe-eval';", "style-src 'self'", "base-uri 'none'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy lacks %s: %q", want, csp)
		}
	}
	// 'wasm-unsafe-eval', which the in-browser interpreter needs, is the
	// one exception: it allows compiling WebAssembly, not eval.
	if rest := strings.Replace(csp, "'wasm-unsafe-eval'", "", 1); strings.Contains(rest, "unsafe-") || strings.Contains(csp, "*") || strings.Contains(csp, "http") {
		t.Errorf("Content-Security-Policy allows inline code or other hosts: %q", csp)
	}
	if got := page.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	if page.Get("Referrer-Policy") == "" {
		t.Errorf("no Referrer-Policy")
	}

	// Only fingerprinted assets may be cached for long.
	long := regexp.MustCompile(`max-age=[1-9]|immutable`)
	for _, p := range []string{"/", "/index.html", "/2018-10-30/", "/search.json", "/feed.xml", "/404.html"} {
		if cc := cfg.HeadersFor(p).Get("Cache-Control"); long.MatchString(cc) {
			t.Errorf("%s: Cache-Control %q, but only fingerprinted assets may be cached for long", p, cc)
		}
	}
	for _, h := range cfg.Headers {
		if long.MatchString(h.Values["Cache-Control"]) && h.For != "/assets/*" {
			t.Errorf("long caching for %s, which is not the fingerprinted assets", h.For)
		}
	}
	if cc := cfg.HeadersFor("/assets/style.0123456789.css").Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
		t.Errorf("fingerprinted assets: Cache-Control %q, want a year, immutable", cc)
	}
	if got := cfg.NotFound("/no/such/page/"); got != "/404.html" {
		t.Errorf("a missing page gets %q, want /404.html", got)
	}
}

// TestNetlifyCaches checks that every deploy keeps Go's build and module
// caches and the snippets' results cache under the folder Netlify carries
// from one build to the next, and that no build command bypasses them.
func TestNetlifyCaches(t *testing.T) {
	cfg, err := netlify.Load("../netlify.toml")
	if err != nil {
		t.Fatal(err)
	}
	const kept = "/opt/build/cache/"
	seen := map[string]string{}
	for _, key := range []string{"GOCACHE", "GOMODCACHE", "NOTEBOOK_CACHE"} {
		dir := cfg.Build.Environment[key]
		if !strings.HasPrefix(dir, kept) || len(dir) == len(kept) || path.Clean(dir) != dir {
			t.Errorf("%s = %q: want a folder of its own below %s, which Netlify keeps between builds", key, dir, kept)
		}
		for other, d := range seen {
			if dir == d || strings.HasPrefix(dir, d+"/") || strings.HasPrefix(d, dir+"/") {
				t.Errorf("%s and %s share the folder %q", key, other, dir)
			}
		}
		seen[key] = dir
	}

	commands := map[string]string{"build": cfg.Build.Command}
	for name, ctx := range cfg.Context {
		if c, ok := ctx["command"].(string); ok {
			commands["context."+name] = c
		}
		if env, ok := ctx["environment"].(map[string]any); ok {
			for key := range seen {
				if v, ok := env[key]; ok && v != seen[key] {
					t.Errorf("context.%s sets %s = %v, away from the kept %s", name, key, v, seen[key])
				}
			}
		}
	}
	for name, c := range commands {
		if strings.Contains(c, "-no-cache") || strings.Contains(c, "-cache ") || strings.Contains(c, "-cache=") {
			t.Errorf("%s command %q bypasses NOTEBOOK_CACHE", name, c)
		}
	}
}

// compareVersions compares dotted release numbers such as 1.26 and 1.26.8.
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x = atoi(as[i])
		}
		if i < len(bs) {
			y = atoi(bs[i])
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
