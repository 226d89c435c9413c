package snippets

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Scaffold creates the folder of a new snippet below root with a main.go to
// fill in: a complete program whose leading comment quotes the original
// block (in lang) and asks for the Go-side explanation. It returns the
// folder. It never overwrites a snippet that exists.
func Scaffold(root, id, lang, original string) (string, error) {
	if err := CheckID(id); err != nil {
		return "", err
	}
	dir := filepath.Join(root, filepath.FromSlash(id))
	main := filepath.Join(dir, MainFile)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("// TODO: say what this program shows and how Go's approach differs from\n")
	fmt.Fprintf(&b, "// %s's. This comment is shown beside the code; the block it answers:\n//\n", cmp.Or(lang, "the original"))
	for l := range strings.SplitSeq(strings.TrimRight(original, "\n"), "\n") {
		b.WriteString(strings.TrimRight("//\t"+l, " \t") + "\n")
	}
	b.WriteString("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"TODO\")\n}\n")
	// O_EXCL: of two scaffolds of one id, or a scaffold and an editor,
	// the second fails rather than overwrite the first.
	f, err := os.OpenFile(main, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("%s exists already", main)
	}
	if err != nil {
		return "", err
	}
	_, werr := f.WriteString(b.String())
	if err := errors.Join(werr, f.Close()); err != nil {
		os.Remove(main)
		return "", err
	}
	return dir, nil
}
