package browser

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// linkOptions adjust a check.
type linkOptions struct {
	// BasePath is the site's path on its host, "/" if empty.
	BasePath string
}

// A linkProblem is one finding, on a page at a line.
type linkProblem struct {
	Page string // the page's path in the site
	Line int
	Msg  string
}

func (p linkProblem) String() string { return fmt.Sprintf("%s:%d: %s", p.Page, p.Line, p.Msg) }

// linkPage is what a check learns from one HTML file.
type linkPage struct {
	ids   map[string]bool
	links []link
}

type link struct {
	line int
	attr string // "href", "src" or "action"
	tag  string
	ref  string
}

// checkLinks checks every .html file of a built static site: that every page is
// well-formed HTML, that every internal link and #anchor resolves, and that
// pages load nothing from other hosts and hold no inline scripts or styles
// (which a Content-Security-Policy without 'unsafe-inline' would block).
//
// A link is internal when it has no scheme and no host. A path is resolved
// against the page's own address, a link ending in "/" names the folder's
// index.html, and a fragment must be the id of an element of the target
// page. Root-relative links ("/notes/") are resolved against BasePath.
//
// It returns every problem found, sorted by page and line.
func checkLinks(site fs.FS, opt linkOptions) ([]linkProblem, error) {
	base := opt.BasePath
	if base == "" {
		base = "/"
	}
	pages := map[string]*linkPage{}
	var probs []linkProblem
	err := fs.WalkDir(site, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		data, err := fs.ReadFile(site, p)
		if err != nil {
			return err
		}
		pg, ps := parse(p, data)
		pages[p] = pg
		probs = append(probs, ps...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for name, pg := range pages {
		for _, l := range pg.links {
			if msg := resolve(site, pages, base, name, l); msg != "" {
				probs = append(probs, linkProblem{name, l.line, msg})
			}
		}
	}
	slices.SortFunc(probs, func(a, b linkProblem) int {
		if c := strings.Compare(a.Page, b.Page); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return probs, nil
}

// resolve checks one link and says what is wrong with it, or "".
func resolve(site fs.FS, pages map[string]*linkPage, base, from string, l link) string {
	u, err := url.Parse(strings.TrimSpace(l.ref))
	if err != nil {
		return fmt.Sprintf("<%s %s=%q>: %v", l.tag, l.attr, l.ref, err)
	}
	if u.Scheme != "" || u.Host != "" {
		if l.tag == "a" || l.tag == "form" {
			return "" // a link away is the reader's choice
		}
		return fmt.Sprintf("<%s %s=%q> loads from another host", l.tag, l.attr, l.ref)
	}
	target := from
	switch {
	case strings.HasPrefix(u.Path, "/"):
		rel, ok := strings.CutPrefix(u.Path, base)
		if !ok && u.Path+"/" != base {
			return fmt.Sprintf("<%s %s=%q> is outside the site's base path %s", l.tag, l.attr, l.ref, base)
		}
		target = rel
		if target == "" || strings.HasSuffix(u.Path, "/") {
			target = strings.TrimSuffix(target, "/") + "/index.html"
		}
		target = strings.TrimPrefix(path.Clean("/"+target), "/")
	case u.Path != "":
		target = path.Join(path.Dir(from), u.Path)
		if strings.HasSuffix(u.Path, "/") {
			target = path.Join(target, "index.html")
		}
		if strings.HasPrefix(target, "../") || target == ".." {
			return fmt.Sprintf("<%s %s=%q> leaves the site", l.tag, l.attr, l.ref)
		}
	}
	info, err := fs.Stat(site, target)
	if err == nil && info.IsDir() {
		// A folder link without its slash works only through a redirect.
		return fmt.Sprintf("<%s %s=%q> names a folder: end it with /", l.tag, l.attr, l.ref)
	}
	if err != nil {
		return fmt.Sprintf("<%s %s=%q>: no file %s", l.tag, l.attr, l.ref, target)
	}
	if u.Fragment == "" {
		return ""
	}
	tp := pages[target]
	if tp == nil {
		return fmt.Sprintf("<%s %s=%q>: #%s in a file that is not a page", l.tag, l.attr, l.ref, u.Fragment)
	}
	if !tp.ids[u.Fragment] {
		return fmt.Sprintf("<%s %s=%q>: %s has no element with id %q", l.tag, l.attr, l.ref, target, u.Fragment)
	}
	return ""
}

// voids are the elements that have no end tag.
var voids = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true,
	atom.Hr: true, atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true,
	atom.Source: true, atom.Track: true, atom.Wbr: true,
}

// optionalEnd are the elements whose end tag HTML lets a page leave out
// (go/doc/comment leaves out </p>, for one); the check closes them as a
// parser would.
var optionalEnd = map[atom.Atom]bool{
	atom.P: true, atom.Li: true, atom.Dt: true, atom.Dd: true, atom.Option: true, atom.Optgroup: true,
	atom.Tr: true, atom.Td: true, atom.Th: true, atom.Thead: true, atom.Tbody: true, atom.Tfoot: true,
	atom.Colgroup: true, atom.Rt: true, atom.Rp: true,
}

// closesP are the start tags that close an open <p>.
var closesP = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Details: true,
	atom.Div: true, atom.Dl: true, atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true,
	atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Header: true, atom.Hgroup: true, atom.Hr: true, atom.Main: true,
	atom.Menu: true, atom.Nav: true, atom.Ol: true, atom.P: true, atom.Pre: true, atom.Section: true,
	atom.Table: true, atom.Ul: true,
}

// parse reads one page: its ids, its links, and any problem with its
// markup. The page must be a complete document whose every non-void
// element is closed in order, with unique ids and no duplicate attributes.
func parse(name string, data []byte) (*linkPage, []linkProblem) {
	pg := &linkPage{ids: map[string]bool{}}
	var probs []linkProblem
	add := func(line int, format string, args ...any) {
		probs = append(probs, linkProblem{name, line, fmt.Sprintf(format, args...)})
	}
	z := html.NewTokenizer(bytes.NewReader(data))
	line := 1
	type open struct {
		a    atom.Atom
		name string
		line int
	}
	var stack []open
	sawDoctype, sawHTML := false, false
	inScript := false
	for {
		tt := z.Next()
		raw := z.Raw()
		tokLine := line
		line += bytes.Count(raw, []byte("\n"))
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				add(tokLine, "HTML: %v", z.Err())
			}
			for i := len(stack) - 1; i >= 0; i-- {
				if !optionalEnd[stack[i].a] {
					add(stack[i].line, "<%s> is never closed", stack[i].name)
				}
			}
			if !sawDoctype {
				add(1, "no <!doctype html>")
			}
			if !sawHTML {
				add(1, "no <html> element")
			}
			return pg, probs
		case html.DoctypeToken:
			sawDoctype = true
		case html.TextToken:
			if inScript && strings.TrimSpace(string(raw)) != "" {
				add(tokLine, "inline script: a Content-Security-Policy without 'unsafe-inline' blocks it")
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if tok.DataAtom == atom.Html {
				sawHTML = true
			}
			seen := map[string]bool{}
			for _, a := range tok.Attr {
				if seen[a.Key] {
					add(tokLine, "<%s> has two %s attributes", tok.Data, a.Key)
				}
				seen[a.Key] = true
				switch a.Key {
				case "id":
					if pg.ids[a.Val] {
						add(tokLine, "id %q is used twice", a.Val)
					}
					pg.ids[a.Val] = true
				case "style":
					add(tokLine, "<%s style=...>: a Content-Security-Policy without 'unsafe-inline' blocks it", tok.Data)
				case "href", "src", "action":
					if a.Val != "" || a.Key != "action" {
						pg.links = append(pg.links, link{tokLine, a.Key, tok.Data, a.Val})
					}
				}
				if strings.HasPrefix(a.Key, "on") {
					add(tokLine, "<%s %s=...>: inline event handlers are inline scripts", tok.Data, a.Key)
				}
			}
			if tok.DataAtom == atom.A && seen["name"] {
				for _, a := range tok.Attr {
					if a.Key == "name" {
						pg.ids[a.Val] = true
					}
				}
			}
			switch tok.DataAtom {
			case atom.Style:
				add(tokLine, "<style> element: a Content-Security-Policy without 'unsafe-inline' blocks it")
			case atom.Script:
				inScript = tt == html.StartTagToken
			}
			if n := len(stack); n > 0 {
				top := stack[n-1].a
				if top == atom.P && closesP[tok.DataAtom] ||
					top == tok.DataAtom && (top == atom.Li || top == atom.Option || top == atom.Tr || top == atom.Td || top == atom.Th) ||
					(top == atom.Dt || top == atom.Dd) && (tok.DataAtom == atom.Dt || tok.DataAtom == atom.Dd) {
					stack = stack[:n-1]
				}
			}
			if tt == html.StartTagToken && !voids[tok.DataAtom] {
				stack = append(stack, open{tok.DataAtom, tok.Data, tokLine})
			}
			if tt == html.SelfClosingTagToken && !voids[tok.DataAtom] && tok.DataAtom != 0 {
				add(tokLine, "<%s/> is not a void element: close it with </%s>", tok.Data, tok.Data)
			}
		case html.EndTagToken:
			tok := z.Token()
			if tok.DataAtom == atom.Script {
				inScript = false
			}
			if voids[tok.DataAtom] {
				add(tokLine, "</%s>: %s has no end tag", tok.Data, tok.Data)
				continue
			}
			// An end tag closes open elements whose end tag may be left out.
			for len(stack) > 1 && stack[len(stack)-1].name != tok.Data && optionalEnd[stack[len(stack)-1].a] &&
				slices.ContainsFunc(stack, func(o open) bool { return o.name == tok.Data }) {
				stack = stack[:len(stack)-1]
			}
			if len(stack) == 0 || stack[len(stack)-1].name != tok.Data {
				want := "nothing"
				if len(stack) > 0 {
					want = fmt.Sprintf("</%s> for line %d", stack[len(stack)-1].name, stack[len(stack)-1].line)
				}
				add(tokLine, "</%s> does not match what is open: want %s", tok.Data, want)
				// Recover by closing up to a matching element, if any.
				for i := len(stack) - 1; i >= 0; i-- {
					if stack[i].name == tok.Data {
						stack = stack[:i]
						break
					}
				}
				continue
			}
			stack = stack[:len(stack)-1]
		}
	}
}
