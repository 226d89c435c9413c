package render

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkBuild parses and renders a synthetic corpus (see corpus) the
// way a build does: one Markdown for the whole corpus, each note parsed
// once and rendered once. It reports the cost per note, which should not
// grow with the number of notes. "serial" uses one goroutine; "parallel"
// every core, as site does.
//
//	go test ./render -run '^$' -bench Build -benchtime 3x
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{250, 2500} {
		notes := corpus(n, 1)
		for _, mode := range []string{"serial", "parallel"} {
			b.Run(fmt.Sprintf("notes=%d/%s", n, mode), func(b *testing.B) {
				for b.Loop() {
					md := New()
					if mode == "serial" {
						for i, src := range notes {
							buildNote(b, md, i, src)
						}
						continue
					}
					var next atomic.Int64
					var wg sync.WaitGroup
					for range runtime.GOMAXPROCS(0) {
						wg.Go(func() {
							for i := int(next.Add(1) - 1); i < len(notes); i = int(next.Add(1) - 1) {
								buildNote(b, md, i, notes[i])
							}
						})
					}
					wg.Wait()
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/note")
			})
		}
	}
}

func buildNote(b *testing.B, md *Markdown, i int, src []byte) {
	d, err := md.Parse(fmt.Sprintf("notes/%d.md", i), src, 1)
	if err != nil {
		b.Error(err)
		return
	}
	if err := d.Render(io.Discard, Options{}); err != nil {
		b.Error(err)
	}
}
