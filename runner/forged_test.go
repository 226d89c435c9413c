package runner

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/snippets"
)

// TestForgedResult forges, as something without the store's key would,
// the result a run kept: its output changed in place, its entry pointed
// at a forged output, or the entry and output of another store, signed
// with that store's key. The Runner refuses each, runs the snippet again
// and returns what it really prints.
func TestForgedResult(t *testing.T) {
	root := testfiles.Dir(t, map[string]string{
		"snippets/a/main.go":      "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"output of a\") }\n",
		"snippets/a/expected.txt": "output of a\n",
		"snippets/a/snippet.yaml": "engine: yaegi\n",
	})
	s, err := snippets.Load(filepath.Join(root, "snippets"), "a")
	if err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, st *store.Store) *Result {
		t.Helper()
		r := &Runner{Store: st}
		res, err := r.Run(context.Background(), s, "")
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// forged returns the result JSON st keeps, printing "forged of a".
	forged := func(t *testing.T, data []byte) []byte {
		t.Helper()
		var res Result
		if err := json.Unmarshal(data, &res); err != nil {
			t.Fatal(err)
		}
		res.Output = []byte("forged of a\n")
		data, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	for name, forge := range map[string]func(t *testing.T, dir string, entry, output string){
		"output changed": func(t *testing.T, dir, entry, output string) {
			data, err := os.ReadFile(output)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(output, forged(t, data), 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"entry pointed at another output": func(t *testing.T, dir, entry, output string) {
			data, err := os.ReadFile(output)
			if err != nil {
				t.Fatal(err)
			}
			fake := forged(t, data)
			sum := store.Sum(fake).String()
			name := filepath.Join(dir, sum[:2], sum+"-d")
			if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, fake, 0o600); err != nil {
				t.Fatal(err)
			}
			line, err := os.ReadFile(entry)
			if err != nil {
				t.Fatal(err)
			}
			old := strings.TrimSuffix(filepath.Base(output), "-d")
			if err := os.WriteFile(entry, []byte(strings.Replace(string(line), old, sum, 1)), 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"signed by another store": func(t *testing.T, dir, entry, output string) {
			other, err := store.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(output)
			if err != nil {
				t.Fatal(err)
			}
			key, err := store.ParseID(strings.TrimSuffix(filepath.Base(entry), "-a"))
			if err != nil {
				t.Fatal(err)
			}
			e, err := other.Put(key, forged(t, data))
			if err != nil {
				t.Fatal(err)
			}
			sum := e.Output.String()
			for _, name := range []string{filepath.Join(key.String()[:2], key.String()+"-a"), filepath.Join(sum[:2], sum+"-d")} {
				data, err := os.ReadFile(filepath.Join(other.Dir(), name))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
					t.Fatal(err)
				}
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			st, err := store.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if res := run(t, st); res.Cached {
				t.Fatal("a result found in an empty store")
			}
			if res := run(t, st); !res.Cached {
				t.Fatal("the result was not kept")
			}
			entry, output := keptResult(t, dir)
			forge(t, dir, entry, output)
			res := run(t, st)
			if res.Cached || string(res.Output) != "output of a\n" {
				t.Errorf("with a forged result: cached %v, output %q; want the snippet run again", res.Cached, res.Output)
			}
			if res := run(t, st); !res.Cached || string(res.Output) != "output of a\n" {
				t.Errorf("the result of the run again: cached %v, output %q; want it kept", res.Cached, res.Output)
			}
		})
	}
}

// keptResult returns the entry and the output files of the one result the
// store in dir keeps.
func keptResult(t *testing.T, dir string) (entry, output string) {
	t.Helper()
	var entries, outputs []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil || d.IsDir():
			return err
		case strings.HasSuffix(p, "-a"):
			entries = append(entries, p)
		case strings.HasSuffix(p, "-d"):
			outputs = append(outputs, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || len(outputs) != 1 {
		t.Fatalf("the store holds entries %q and outputs %q; want one result", entries, outputs)
	}
	return entries[0], outputs[0]
}
