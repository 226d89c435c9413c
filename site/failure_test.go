package site

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/runner/cache"
)

// TestEntrySnippetFailureNamesItsHeading fails a snippet that answers an
// entry with no block (its entry option): the build names the note and
// the heading's line, as it names a block's.
func TestEntrySnippetFailureNamesItsHeading(t *testing.T) {
	files := originalFiles("hello, \\d+ times (re)\n")
	files["snippets/entry/expected.txt"] = "hello from somewhere else\n"
	root := writeFiles(t, files)
	cfg := &Config{Root: root, Out: filepath.Join(t.TempDir(), "public"), Runner: &runner.Runner{Cache: &cache.Cache{Dir: t.TempDir()}}}
	_, err := Build(context.Background(), cfg)
	if err == nil {
		t.Fatal("the build passed, though the entry's snippet fails")
	}
	// "### 4 - prose only" is line 21 of the note.
	if want := "notes/2020-01-02.md:21: snippet entry: "; !strings.Contains(err.Error(), want) {
		t.Errorf("the error lacks %q:\n%v", want, err)
	}
}
