// Package netlify reads the parts of netlify.toml that decide how the
// built site is served (its headers and redirects), so that notebook serve
// and the tests serve it as Netlify does, from the same file, and the
// tests can check it.
package netlify

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
)

// Config is netlify.toml, as far as this package reads it.
type Config struct {
	Build struct {
		Command     string            `toml:"command"`
		Publish     string            `toml:"publish"`
		Environment map[string]string `toml:"environment"`
	} `toml:"build"`
	Context   map[string]map[string]any `toml:"context"`
	Redirects []Redirect                `toml:"redirects"`
	Headers   []Headers                 `toml:"headers"`
}

// A Redirect is one [[redirects]] rule.
type Redirect struct {
	From   string `toml:"from"`
	To     string `toml:"to"`
	Status int    `toml:"status"`
	Force  bool   `toml:"force"`
}

// Headers is one [[headers]] rule: the headers for the paths For matches.
type Headers struct {
	For    string            `toml:"for"`
	Values map[string]string `toml:"values"`
}

// Load reads netlify.toml. Keys it does not know are an error, so a typo in
// the file fails the tests rather than being ignored by Netlify.
func Load(path string) (*Config, error) {
	var c Config
	md, err := toml.DecodeFile(path, &c)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, k := range md.Undecoded() {
		if k[0] != "context" { // per-context settings are kept as they are
			keys = append(keys, k.String())
		}
	}
	if len(keys) > 0 {
		return nil, fmt.Errorf("%s: unknown keys: %s", path, strings.Join(keys, ", "))
	}
	return &c, nil
}

// Match reports whether a Netlify path pattern matches an address path:
// "*" at the end matches anything (the splat); ":name" one path segment.
func Match(pattern, path string) bool {
	var re strings.Builder
	re.WriteString("^")
	for i, part := range strings.Split(pattern, "/") {
		if i > 0 {
			re.WriteString("/")
		}
		switch {
		case part == "*":
			re.WriteString(".*")
		case strings.HasPrefix(part, ":"):
			re.WriteString("[^/]+")
		default:
			re.WriteString(regexp.QuoteMeta(part))
		}
	}
	re.WriteString("$")
	return regexp.MustCompile(re.String()).MatchString(path)
}

// HeadersFor returns the headers Netlify adds to a response for path:
// those of every matching rule, a later rule's value replacing an earlier
// one's.
func (c *Config) HeadersFor(path string) http.Header {
	h := http.Header{}
	for _, r := range c.Headers {
		if Match(r.For, path) {
			for k, v := range r.Values {
				h.Set(k, v)
			}
		}
	}
	return h
}

// NotFound returns the page served, with status 404, for a path that has
// no file, or "" if the file names none.
func (c *Config) NotFound(path string) string {
	for _, r := range c.Redirects {
		if r.Status == http.StatusNotFound && Match(r.From, path) {
			return r.To
		}
	}
	return ""
}
