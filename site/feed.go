package site

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"time"
)

// The Atom feed (RFC 4287): one entry per published note, the newest
// feedSize, newest first,
// whose content is the note with each block's Go program and output as
// plain preformatted text, since feed readers drop style sheets.

type atomFeed struct {
	XMLName xml.Name   `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Links   []atomLink `xml:"link"`
	Author  atomAuthor `xml:"author"`
	Entries []atomEntry
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
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
	Content    atomContent    `xml:"content"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// abs returns the absolute address of a URL path from the site root.
func (b *builder) abs(rel string) string {
	u, err := url.Parse(rel)
	if err != nil {
		panic(fmt.Sprintf("site: bad internal path %q", rel)) // paths come from this package
	}
	return b.base.ResolveReference(u).String()
}

// feedSize is how many notes the feed holds, the newest.
const feedSize = 20

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// writeFeed writes the feed from the bodies writeNotes rendered, unless
// writeNotes reused the previous build's.
func (b *builder) writeFeed(key string) error {
	if b.has("feed.xml") {
		return nil
	}
	updated := b.cfg.Now
	if updated.IsZero() && len(b.site.Notes) > 0 {
		updated = b.site.Notes[len(b.site.Notes)-1].Date
	}
	if updated.IsZero() {
		updated = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	f := atomFeed{
		Title:   siteName,
		ID:      b.base.String(),
		Updated: atomTime(updated),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: b.abs("feed.xml")},
			{Rel: "alternate", Type: "text/html", Href: b.base.String()},
		},
		Author: atomAuthor{Name: siteName},
	}
	for i, n := range reversed(b.site.Notes)[:len(b.feed)] {
		e := atomEntry{
			Base:    b.abs(n.URL()),
			Title:   n.Title,
			ID:      b.abs(n.URL()),
			Updated: atomTime(n.Date),
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: b.abs(n.URL())},
			Summary: describe(n),
			Content: atomContent{Type: "html", Body: b.feed[i]},
		}
		for _, t := range n.Tags {
			e.Categories = append(e.Categories, atomCategory{Term: t})
		}
		f.Entries = append(f.Entries, e)
	}
	return b.writeXML("feed.xml", key, f)
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
func (b *builder) writeSitemap(key string) error {
	if !b.reuse("sitemap.xml", key) {
		if err := b.writeXML("sitemap.xml", key, b.sitemap()); err != nil {
			return err
		}
	}
	return b.writeFile("robots.txt", []byte("User-agent: *\nAllow: /\n\nSitemap: "+b.abs("sitemap.xml")+"\n"))
}

// sitemap lists the pages of the site map.
func (b *builder) sitemap() sitemap {
	sm := sitemap{URLs: []sitemapURL{{Loc: b.base.String()}}}
	for _, n := range reversed(b.site.Notes) {
		sm.URLs = append(sm.URLs, sitemapURL{Loc: b.abs(n.URL()), LastMod: n.DateString()})
	}
	if len(b.site.Tags) > 0 {
		sm.URLs = append(sm.URLs, sitemapURL{Loc: b.abs("tags/")})
	}
	for _, t := range b.site.Tags {
		sm.URLs = append(sm.URLs, sitemapURL{Loc: b.abs(tagPath(t.Name))})
	}
	return sm
}

// writeXML writes v as XML into the file at rel, made from the inputs key
// names.
func (b *builder) writeXML(rel, key string, v any) error {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("%s: %v", rel, err)
	}
	buf.WriteByte('\n')
	return b.writeKeyed(rel, key, buf.Bytes())
}
