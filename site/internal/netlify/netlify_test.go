package netlify

import "testing"

func TestMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, path string
		want          bool
	}{
		{"/*", "/", true},
		{"/*", "/a/b.html", true},
		{"/assets/*", "/assets/style.0123456789.css", true},
		{"/assets/*", "/assetsx/a.css", false},
		{"/assets/*", "/index.html", false},
		{"/notes/:date", "/notes/2018-10-30", true},
		{"/notes/:date", "/notes/a/b", false},
		{"/feed.xml", "/feed.xml", true},
		{"/feed.xml", "/feedxxml", false},
	} {
		if got := Match(c.pattern, c.path); got != c.want {
			t.Errorf("Match(%q, %q) = %v, want %v", c.pattern, c.path, got, c.want)
		}
	}
}
