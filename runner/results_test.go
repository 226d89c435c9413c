package runner

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/snippets"
)

// TestCachedAll keeps the results of a build's runs at once and takes
// them back in one read, the same as each is kept on its own; a set of
// runs that differs in one snippet, or one whose result fails its
// expectation, is not taken or kept at once.
func TestCachedAll(t *testing.T) {
	root := testfiles.Dir(t, map[string]string{
		"snippets/a/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"a\") }\n",
		"snippets/a/expected.txt": "a\n",
		"snippets/a/snippet.yaml": "engine: yaegi\n",
		"snippets/b/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"b\") }\n",
		"snippets/b/expected.txt": "b\n",
		"snippets/b/snippet.yaml": "engine: yaegi\n",
		"snippets/c/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"c\") }\n",
		"snippets/c/expected.txt": "not what c prints\n",
		"snippets/c/snippet.yaml": "engine: yaegi\n",
	})
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := &Runner{Store: st}
	load := func(ids ...string) []*Run {
		var runs []*Run
		for _, id := range ids {
			s, err := snippets.Load(filepath.Join(root, "snippets"), id)
			if err != nil {
				t.Fatal(err)
			}
			runs = append(runs, r.NewRun(s, ""))
		}
		return runs
	}
	runAll := func(runs []*Run) {
		for _, run := range runs {
			if err := r.Prepare(context.Background(), run); err != nil {
				t.Fatal(err)
			}
			if err := r.Exec(context.Background(), run); err != nil {
				t.Fatal(err)
			}
		}
	}

	first := load("a", "b")
	id, ok := r.CachedAll(first)
	if ok || id == (store.ID{}) {
		t.Fatalf("CachedAll of runs never kept = %v, %v; want an ID to keep them under and false", id, ok)
	}
	runAll(first)
	r.KeepAll(id, first)

	again := load("a", "b")
	if id2, ok := r.CachedAll(again); !ok || id2 != id {
		t.Fatalf("CachedAll of the runs kept = %v, %v; want %v, true", id2, ok, id)
	}
	for i, run := range again {
		got, want := run.Result, first[i].Result
		if !got.Cached || got.Sum != want.Sum || string(got.Output) != string(want.Output) {
			t.Errorf("%s: taken at once: cached %v, sum %v, output %q; want cached, sum %v, output %q",
				run.Snippet.ID, got.Cached, got.Sum, got.Output, want.Sum, want.Output)
		}
	}

	if _, ok := r.CachedAll(load("a")); ok {
		t.Error("CachedAll took the results of a but not b as those of a and b")
	}
	failing := load("a", "c")
	id, _ = r.CachedAll(failing)
	runAll(failing)
	r.KeepAll(id, failing)
	if _, ok := r.CachedAll(load("a", "c")); ok {
		t.Error("KeepAll kept a result that fails its expectation")
	}
}
