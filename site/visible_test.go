package site

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestVisible(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"plain text\n\tindented\n", "plain text\n\tindented\n"},
		{"héllo, 世界, 🙂, \uFFFD", "héllo, 世界, 🙂, \uFFFD"},
		{"\xff\xfe", `\xff\xfe`},
		{"a\x80b", `a\x80b`},
		{"\xe4\xb8", `\xe4\xb8`},               // a character cut short
		{"\xed\xa0\x80", `\xed\xa0\x80`},       // a surrogate, which UTF-8 excludes
		{"\xc0\xaf", `\xc0\xaf`},               // an overlong "/"
		{"\x1b[31mred\x1b[0m", "␛[31mred␛[0m"}, // ESC
		{"\x00\x01\x07\x08\x1f", "␀␁␇␈␟"},      // C0 controls
		{"50%\r100%\r\n", "50%␍100%␍\n"},       // CR is not a newline
		{"\x7f", "␡"},                          // DEL
		{"\u0085\u009b", `\u0085\u009b`},       // C1 controls
		{"\u00a0\u00e9", "\u00a0\u00e9"},       // just above the C1 range
		{"ok\xffok\x1bok", `ok\xffok` + "␛ok"},
	} {
		got := visible([]byte(c.in))
		if got != c.want {
			t.Errorf("visible(%q) = %q, want %q", c.in, got, c.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("visible(%q) = %q is not valid UTF-8", c.in, got)
		}
	}
}

// TestBuiltFilesAreUTF8 builds a notebook whose snippet prints bytes that
// are not UTF-8 and terminal escapes: every file of the site is valid
// UTF-8 with no control character in it, and the page and the feed show
// what was printed.
func TestBuiltFilesAreUTF8(t *testing.T) {
	// The program's source must not hold what the page is to show.
	const printed = "out: \xff\xfe\n\x1b[31mred\n"
	shown := []string{`out: \xff\xfe`, "␛[31mred"} // the feed writes newlines as &#xA;
	root := writeFiles(t, map[string]string{
		"notes/2020-01-02.md": "# Bytes\n\n```python {snippet=bytes}\nprint(b\"\\xff\\xfe\")\n```\n",
		"snippets/bytes/main.go": `// Bytes prints what is not text.
package main

import "os"

func main() {
	esc := byte(27)
	os.Stdout.Write([]byte{'o', 'u', 't', ':', ' ', 0xff, 0xfe, '\n', esc, '[', '3', '1', 'm'})
	os.Stdout.WriteString("red\n")
}
`,
		"snippets/bytes/expected.txt": printed,
	})
	cfg := &Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Store: openStore(t)}
	nb, err := Build(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(nb.Results["bytes"].Output); got != printed {
		t.Fatalf("the snippet printed %q, want %q", got, printed)
	}
	files := map[string]string{}
	err = filepath.WalkDir(cfg.OutDir(), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(cfg.OutDir(), p)
		files[filepath.ToSlash(rel)] = string(data)
		if !utf8.Valid(data) {
			t.Errorf("%s is not valid UTF-8", rel)
		}
		if i := bytes.IndexFunc(data, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' && r != '\r' }); i >= 0 {
			t.Errorf("%s holds the control character %q at byte %d", rel, data[i], i)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"2020-01-02/index.html", "feed.xml"} {
		for _, line := range shown {
			if !strings.Contains(files[rel], line) {
				t.Errorf("%s does not show the output line as %q:\n%s", rel, line, files[rel])
			}
		}
	}
	if _, ok := files["search.json"]; !ok {
		t.Error("the site has no search.json")
	}
}
