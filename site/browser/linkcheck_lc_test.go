package browser

import (
	"strings"
	"testing"
	"testing/fstest"
)

func doc(body string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("<!doctype html>\n<html lang=\"en\"><head><title>t</title></head>\n<body>\n" + body + "\n</body></html>\n")}
}

func TestCheckLinks(t *testing.T) {
	site := fstest.MapFS{
		"index.html":          doc(`<div><p>optional end tags<ul><li>one<li>two</ul></div><a href="a/">a</a> <a href="a/#x">x</a> <a href="https://go.dev/">away</a> <a href="#top" id="top">top</a>`),
		"a/index.html":        doc(`<h2 id="x">x</h2><a href="../">home</a> <a href="../style.css">css</a> <a href="../tags/c%23/">c#</a>`),
		"tags/c#/index.html":  doc(`<p>c#</p>`),
		"style.css":           {Data: []byte("body{}")},
		"404.html":            doc(`<a href="/">home</a> <a href="/a/#x">a</a>`),
		"sub/deeper/404.html": doc(`<a href="/sub/">x</a>`),
		"sub/index.html":      doc(`<p>sub</p>`),
	}
	probs, err := checkLinks(site, linkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		t.Errorf("unexpected: %s", p)
	}
}

func TestCheckLinksFindslinkProblems(t *testing.T) {
	site := fstest.MapFS{
		"index.html": doc(strings.Join([]string{
			`<a href="missing/">1</a>`,
			`<a href="a/#nope">2</a>`,
			`<a href="a">3</a>`,
			`<script src="https://cdn.example/x.js"></script>`,
			`<script>alert(1)</script>`,
			`<p style="color:red">4</p>`,
			`<div><span>5</div>`,
			`<p id="d">6</p><p id="d">7</p>`,
			`<a href="../up.html">8</a>`,
			`<button onclick="x()">9</button>`,
		}, "\n")),
		"a/index.html": doc(`<h2 id="x">x</h2>`),
	}
	probs, err := checkLinks(site, linkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	want := []string{
		`index.html:4: <a href="missing/">: no file missing/index.html`,
		`index.html:5: <a href="a/#nope">: a/index.html has no element with id "nope"`,
		`index.html:6: <a href="a"> names a folder: end it with /`,
		`index.html:7: <script src="https://cdn.example/x.js"> loads from another host`,
		`index.html:8: inline script: a Content-Security-Policy without 'unsafe-inline' blocks it`,
		`index.html:9: <p style=...>: a Content-Security-Policy without 'unsafe-inline' blocks it`,
		`index.html:10: </div> does not match what is open: want </span> for line 10`,
		`index.html:11: id "d" is used twice`,
		`index.html:12: <a href="../up.html"> leaves the site`,
		`index.html:13: <button onclick=...>: inline event handlers are inline scripts`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\n\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
