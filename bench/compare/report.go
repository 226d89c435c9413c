//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"
)

// preamble opens the file -o writes: how to make it again, and what each
// part measures.
const preamble = `# Benchmarks

This file is written by bench/compare; do not edit it by hand. The tools
and their flags are described by go doc ./bench/compare and go doc
./bench/corpus, and by -h. To write it again, on a quiet machine, from the
repository's root:

	%s

It measures on this machine, writing everything below -dir (the notebook's
store included, so that no build reuses what another run left):

- corpus: a generated notebook built with notebook build -no-cache and
  with Hugo from an empty output folder (cold), then again with nothing
  changed (rebuild).
- seed: the repository's own notebook rebuilt with nothing changed, its
  results cached.
- linked: a generated notebook whose blocks are linked to snippets, built
  from the results cache in full, then after a prose edit in one note.
- cold-seed: the repository's notebook built with an empty results cache,
  in full and with -no-originals, against go run of each snippet one
  after another.
- serve: notebook serve on a copy of the repository's notebook and on the
  generated corpus; the time from an edit to one note's prose to the
  reload event open pages get, and to the reloaded page showing the edit.
- tests, when -parts names it: go test -count=1 ./... in each command's
  source tree, once warm (after an unmeasured run) and once cold (empty
  Go build cache and store).

Each figure is the median of the runs: the wall time and the peak resident
memory of the process and its children. With -baseline, "baseline" is the
notebook command built at that revision, measured build by build in turn
with this tree's ("notebook").

Run on %s with:

	%s

`

// writeReport writes the report to name: the preamble, then what was
// printed.
func (b *bench) writeReport(name string, args []string, printed []byte) error {
	cmd := "go run ./bench/compare " + quoteArgs(args)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, preamble, cmd, time.Now().UTC().Format("2006-01-02 15:04 UTC"), cmd)
	buf.Write(bytes.TrimRight(printed, "\n"))
	buf.WriteString("\n")
	return os.WriteFile(name, buf.Bytes(), 0o644)
}

// quoteArgs joins args as a shell would read them back.
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsFunc(a, special) {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// special reports whether a shell reads r as more than itself.
func special(r rune) bool {
	const plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./,:+@"
	return !strings.ContainsRune(plain, r)
}
