package site

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// visible returns a program's output as valid UTF-8 text in which every
// byte the program printed can be seen, for the page, the feed and the
// search index. Text, newlines and tabs are kept; everything a reader
// could not otherwise see, or that is not text, is shown for what it is:
//
//   - a byte that is not part of valid UTF-8 as \x and two hex digits
//     ("\xff");
//   - a C0 control character as its Unicode control picture (ESC as ␛, so
//     that a colour escape shows as ␛[31m; CR as ␍; NUL as ␀), and DEL
//     as ␡;
//   - a C1 control character (U+0080 to U+009F) as \u and four hex digits
//     ("\u009b").
//
// Output that already holds the text "\xff" or "␛" shows the same, so the
// result is for reading, not for recovering the bytes.
func visible(out []byte) string {
	var b strings.Builder
	b.Grow(len(out))
	for len(out) > 0 {
		r, size := utf8.DecodeRune(out)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, out[0])
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20:
			b.WriteRune(0x2400 + r) // the control pictures, in the same order
		case r == 0x7f:
			b.WriteRune('␡')
		case 0x80 <= r && r < 0xa0:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.Write(out[:size])
		}
		out = out[size:]
	}
	return b.String()
}
