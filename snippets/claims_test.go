package snippets_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/gonotebook/notebook/runner"
	"github.com/gonotebook/notebook/snippets"
)

// TestParallelFailsOnOneCore checks that gil/parallel proves what it
// claims: held to one core by a file added beside it, the same program
// fails its expectation. (Its own run, in TestSnippets, passes with every
// core.)
func TestParallelFailsOnOneCore(t *testing.T) {
	root := t.TempDir()
	dst := filepath.Join(root, "gil", "parallel")
	if err := os.CopyFS(dst, os.DirFS(filepath.Join("gil", "parallel"))); err != nil {
		t.Fatal(err)
	}
	one := "package main\n\nimport \"runtime\"\n\nfunc init() { runtime.GOMAXPROCS(1) }\n"
	if err := os.WriteFile(filepath.Join(dst, "onecore.go"), []byte(one), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := snippets.Load(root, "gil/parallel")
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&runner.Runner{}).Run(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if runner.Verdict(s, res) == nil {
		t.Errorf("held to one core, gil/parallel still meets its expectation:\n%s", res.Output)
	}
}
