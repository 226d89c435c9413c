package site

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/gonotebook/notebook/internal/store"
)

// The Atom feed (RFC 4287): one entry per published note, the newest
// feedSize, newest first, whose content is the note with each block's Go
// program and output as plain preformatted text, since feed readers drop
// style sheets.

type atomFeed struct {
	XMLName xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Entries []atomEntry
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	XMLName    xml.Name       `xml:"entry"`
	Base       string         `xml:"http://www.w3.org/XML/1998/namespace base,attr"` // relative links in the content are relative to the note's page
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Updated    string         `xml:"updated"`
	Link       atomLink       `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    string         `xml:"summary"`
	Content    struct {
		Type string `xml:"type,attr"`
		Body string `xml:",chardata"`
	} `xml:"content"`
}

// abs returns the absolute address of a URL path from the site root,
// escaped.
func (b *build) abs(rel string) string { return b.base.String() + rel }

// feedSize is how many notes the feed holds, the newest.
const feedSize = 20

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// writeFeed makes the feed of the given notes, newest first.
func (b *build) writeFeed(feed []*Note) error {
	h := b.key("feed")
	for _, n := range feed {
		b.noteKey(h, n)
	}
	return b.emit("feed.xml", h.Sum(), func() ([]byte, error) {
		var newest time.Time
		if len(feed) > 0 {
			newest = feed[0].Date
		}
		updated := cmp.Or(b.cfg.Now, newest, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC))
		f := atomFeed{Title: siteName, ID: b.base.String(), Updated: atomTime(updated), Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: b.abs("feed.xml")},
			{Rel: "alternate", Type: "text/html", Href: b.base.String()},
		}}
		f.Author.Name = siteName
		for _, n := range feed {
			var body strings.Builder
			opts := b.renderOptions(n, "feed-figure")
			opts.NoAnchors = true
			if err := n.Doc.Render(&body, opts); err != nil {
				return nil, fmt.Errorf("%s: %v", n.Path, err)
			}
			url := b.abs(n.URL())
			e := atomEntry{Base: url, Title: n.Title, ID: url, Updated: atomTime(n.Date),
				Link: atomLink{Rel: "alternate", Type: "text/html", Href: url}, Summary: describe(n)}
			e.Content.Type, e.Content.Body = "html", body.String()
			for _, t := range n.Tags {
				e.Categories = append(e.Categories, atomCategory{t})
			}
			f.Entries = append(f.Entries, e)
		}
		return xmlFile(f)
	})
}

type sitemap struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// writeSitemap lists every page a search engine should know: the index,
// the notes and the tag pages (not search or 404), and robots.txt, which
// points to it.
func (b *build) writeSitemap() error {
	err := b.emit("sitemap.xml", b.cards(b.key("sitemap"), b.notes).Sum(), func() ([]byte, error) {
		sm := sitemap{URLs: []sitemapURL{{Loc: b.base.String()}}}
		for _, n := range reversed(b.notes) {
			sm.URLs = append(sm.URLs, sitemapURL{Loc: b.abs(n.URL()), LastMod: n.DateString()})
		}
		if len(b.tags) > 0 {
			sm.URLs = append(sm.URLs, sitemapURL{Loc: b.abs("tags/")})
		}
		for _, t := range b.tags {
			sm.URLs = append(sm.URLs, sitemapURL{Loc: b.abs(tagPath(t.Name))})
		}
		return xmlFile(sm)
	})
	if err != nil {
		return err
	}
	robots := []byte("User-agent: *\nAllow: /\n\nSitemap: " + b.abs("sitemap.xml") + "\n")
	return b.out.Write("robots.txt", robots, store.Sum(robots))
}

// xmlFile returns v as an XML file.
func xmlFile(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}
