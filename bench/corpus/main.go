// Command corpus writes a generated notebook shaped like real "today I
// learned" notes, and the same notes as a Hugo site, for benchmarks:
//
//	go run ./bench/corpus -notes 2500 -seed 1 -o /dev/shm/corpus
//	go run ./bench/corpus -notes 1000 -snippets 10 -o /dev/shm/linked
//
// DIR then holds notes/ (and snippets/), a notebook for notebook build
// -root DIR, and hugo/, a Hugo site for hugo -s DIR/hugo. The same flags
// give the same bytes. See bench/internal/corpus for what the notes hold.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/gonotebook/notebook/bench/internal/corpus"
)

func main() {
	var o corpus.Options
	var out string
	flag.IntVar(&o.Notes, "notes", 2500, "how many `notes` to write")
	flag.Uint64Var(&o.Seed, "seed", 1, "the `seed` that chooses the corpus")
	flag.IntVar(&o.Snippets, "snippets", 0, "link `M` blocks of every note to a snippet of their own")
	flag.StringVar(&o.Engine, "engine", "yaegi", "the snippets' `engine`: native or yaegi")
	flag.BoolVar(&o.Tame, "tame", false, "give blocks with odd info strings a plain language instead")
	flag.StringVar(&out, "o", "", "write into `dir`, which must not exist yet")
	flag.Parse()
	if out == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := os.Mkdir(out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
	st, err := corpus.Generate(o, corpus.Dir(out))
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "%d notes (%d drafts), %d KB, %d blocks in %d languages (%d odd info strings, %d linked) in %s\n",
		st.Notes, st.Drafts, st.Bytes/1024, st.Blocks, st.Languages, st.OddInfo, st.Linked, out)
}
