package snippets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/internal/wire"
)

// writeTree writes files, by slash-separated path, below a new folder and
// returns it.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	return testfiles.Dir(t, files)
}

// write writes the file name below root.
func write(t *testing.T, root, name, text string) {
	t.Helper()
	testfiles.Write(t, root, map[string]string{name: text})
}

var treeFiles = map[string]string{
	"a/main.go":          "// A says a.\npackage main\n\nfunc main() { println(\"a\") }\n",
	"a/expected.txt":     "a\nt=\\d+ (re)\n",
	"a/snippet.yaml":     "engine: yaegi\nargs: [x]\nenv: []\nunordered: true\n",
	"a/data.txt":         "read by the program\n",
	"b/main.go":          "package main\n\nfunc main() {}\n",
	"b/inner/main.go":    "package main\n\nfunc main() {}\n",
	"b/inner/other.go":   "package main\n",
	"testdata/x/main.go": "package main\n",
	"_hidden/main.go":    "package main\n",
	".dot/main.go":       "package main\n",
	"main.go":            "package main\n",
}

// aged returns ix as if its load had begun long enough after every file
// was written for it to trust them all.
func aged(ix *Index) *Index {
	c := *ix
	c.stamp = time.Now().Add(2 * RacyWindow).UnixNano()
	return &c
}

// nextTick returns once a file written now gets a change time later than
// that of the file at p, so that a write to p after it shows in p's
// signature whatever else it keeps: the file system's clock may tick
// coarsely.
func nextTick(t *testing.T, p string) {
	t.Helper()
	info, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	was := signature(info).CTime
	probe := filepath.Join(t.TempDir(), "probe")
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if err := os.WriteFile(probe, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		info, err := os.Lstat(probe)
		if err != nil {
			t.Fatal(err)
		}
		if signature(info).CTime > was {
			return
		}
	}
	t.Fatal("the file system's clock did not move in 10s")
}

// readBack returns ix encoded and decoded.
func readBack(t *testing.T, ix *Index) *Index {
	t.Helper()
	data, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Index
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	return &back
}

func loadTree(t *testing.T, root string, prev *Index) *Tree {
	t.Helper()
	tree, err := LoadTree(root, prev)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// TestLoadTreeIsLoad checks that LoadTree finds what Find finds and loads
// each snippet as Load does, from the folders and from an index.
func TestLoadTreeIsLoad(t *testing.T) {
	root := writeTree(t, treeFiles)
	ids, err := Find(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b", "b/inner"}; !slices.Equal(ids, want) {
		t.Fatalf("Find = %q, want %q", ids, want)
	}
	first := loadTree(t, root, nil)
	if !slices.Equal(first.IDs, ids) || first.Reused != 0 || !first.Changed {
		t.Fatalf("first LoadTree: ids %q, reused %d, changed %v", first.IDs, first.Reused, first.Changed)
	}
	again := loadTree(t, root, aged(readBack(t, first.Index)))
	if again.Reused != len(ids) || again.Changed {
		t.Errorf("LoadTree with an index of nothing changed reused %d of %d snippets, changed %v", again.Reused, len(ids), again.Changed)
	}
	for _, tree := range []*Tree{first, again} {
		if len(tree.Snippets) != len(ids) {
			t.Fatalf("LoadTree loaded %d snippets, want %d", len(tree.Snippets), len(ids))
		}
		for i, id := range ids {
			want, err := Load(root, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := tree.Snippets[i]; !reflect.DeepEqual(got, want) {
				t.Errorf("%s: LoadTree gave\n%+v\nLoad gives\n%+v", id, got, want)
			}
		}
	}
	a := again.Snippets[0]
	if a.Sum == "" || a.Options.Env == nil || a.Options.Args[0] != "x" || a.Expect.Items[1].Re == nil || !slices.Equal(a.Files, []string{"data.txt", "expected.txt", "main.go", "snippet.yaml"}) {
		t.Errorf("snippet a from the index: %+v", a)
	}
}

// TestLoadTreeNoticesChanges checks that every change to what a snippet
// is made of is read, however little it changes.
func TestLoadTreeNoticesChanges(t *testing.T) {
	type change struct {
		name string
		do   func(t *testing.T, root string)
		// check says what the snippets must show after it.
		check func(t *testing.T, tree *Tree)
	}
	sumOf := func(tree *Tree, id string) string {
		for _, s := range tree.Snippets {
			if s.ID == id {
				return s.Sum
			}
		}
		return ""
	}
	snippet := func(t *testing.T, tree *Tree, id string) *Snippet {
		t.Helper()
		for _, s := range tree.Snippets {
			if s.ID == id {
				return s
			}
		}
		t.Fatalf("no snippet %s in %q", id, tree.IDs)
		return nil
	}
	before := loadTree(t, writeTree(t, treeFiles), nil)
	for _, c := range []change{
		{"main.go, same size, same modification time", func(t *testing.T, root string) {
			p := filepath.Join(root, "b", "main.go")
			info, _ := os.Stat(p)
			write(t, root, "b/main.go", strings.Replace(treeFiles["b/main.go"], "{}", "{ }", 1)[:info.Size()])
			os.Chtimes(p, info.ModTime(), info.ModTime())
		}, func(t *testing.T, tree *Tree) {
			if s := snippet(t, tree, "b"); !strings.Contains(string(s.Source), "{ }") || s.Sum == sumOf(before, "b") {
				t.Errorf("main.go edited in place: source %q, sum unchanged", s.Source)
			}
		}},
		{"main.go replaced by rename, same size, same modification time", func(t *testing.T, root string) {
			p := filepath.Join(root, "b", "main.go")
			info, _ := os.Stat(p)
			write(t, root, "b/main.go.new", strings.Replace(treeFiles["b/main.go"], "{}", "{ }", 1)[:info.Size()])
			os.Chtimes(p+".new", info.ModTime(), info.ModTime())
			if err := os.Rename(p+".new", p); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, tree *Tree) {
			if s := snippet(t, tree, "b"); !strings.Contains(string(s.Source), "{ }") {
				t.Errorf("main.go replaced: source %q", s.Source)
			}
		}},
		{"main.go edited through a hard link, same size, same modification time", func(t *testing.T, root string) {
			p := filepath.Join(root, "b", "main.go")
			info, _ := os.Stat(p)
			f, err := os.OpenFile(filepath.Join(filepath.Dir(root), "outside"), os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.WriteAt([]byte("{ "), int64(strings.Index(treeFiles["b/main.go"], "{}")))
			if err := errors.Join(err, f.Close()); err != nil {
				t.Fatal(err)
			}
			os.Chtimes(p, info.ModTime(), info.ModTime())
		}, func(t *testing.T, tree *Tree) {
			if s := snippet(t, tree, "b"); !strings.Contains(string(s.Source), "{ ") {
				t.Errorf("main.go edited through a link: source %q", s.Source)
			}
		}},
		{"a snippet folder replaced by a link to a copy", func(t *testing.T, root string) {
			inner := filepath.Join(root, "b", "inner")
			if err := os.Rename(inner, filepath.Join(filepath.Dir(root), "inner")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(filepath.Dir(root), "inner"), inner); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, tree *Tree) {
			if slices.Contains(tree.IDs, "b/inner") {
				t.Errorf("a folder that is a link holds a snippet: ids %q", tree.IDs)
			}
		}},
		{"expected.txt", func(t *testing.T, root string) { write(t, root, "a/expected.txt", "b\n") }, func(t *testing.T, tree *Tree) {
			if e := snippet(t, tree, "a").Expect; len(e.Items) != 1 || e.Items[0].Text != "b" {
				t.Errorf("expectation %+v", e)
			}
		}},
		{"expected.txt removed", func(t *testing.T, root string) { os.Remove(filepath.Join(root, "a", "expected.txt")) }, func(t *testing.T, tree *Tree) {
			if e := snippet(t, tree, "a").Expect; e != nil {
				t.Errorf("expectation %+v of a removed expected.txt", e)
			}
		}},
		{"snippet.yaml", func(t *testing.T, root string) { write(t, root, "a/snippet.yaml", "engine: native\n") }, func(t *testing.T, tree *Tree) {
			if s := snippet(t, tree, "a"); s.Options.Engine != Native || s.Sum == sumOf(before, "a") {
				t.Errorf("options %+v", s.Options)
			}
		}},
		{"a file the program reads", func(t *testing.T, root string) { write(t, root, "a/data.txt", "read by the program!\n") }, func(t *testing.T, tree *Tree) {
			if s := snippet(t, tree, "a"); s.Sum == sumOf(before, "a") {
				t.Error("the sum did not change")
			}
		}},
		{"a new file", func(t *testing.T, root string) { write(t, root, "b/helper.go", "package main\n") }, func(t *testing.T, tree *Tree) {
			if s := snippet(t, tree, "b"); !slices.Contains(s.Files, "helper.go") || s.Sum == sumOf(before, "b") {
				t.Errorf("files %q", s.Files)
			}
		}},
		{"a file removed", func(t *testing.T, root string) { os.Remove(filepath.Join(root, "a", "data.txt")) }, func(t *testing.T, tree *Tree) {
			if s := snippet(t, tree, "a"); slices.Contains(s.Files, "data.txt") || s.Sum == sumOf(before, "a") {
				t.Errorf("files %q", s.Files)
			}
		}},
		{"a new snippet", func(t *testing.T, root string) { write(t, root, "b/inner/deeper/main.go", "package main\n") }, func(t *testing.T, tree *Tree) {
			snippet(t, tree, "b/inner/deeper")
		}},
		{"a snippet removed", func(t *testing.T, root string) { os.RemoveAll(filepath.Join(root, "b", "inner")) }, func(t *testing.T, tree *Tree) {
			if slices.Contains(tree.IDs, "b/inner") {
				t.Errorf("ids %q", tree.IDs)
			}
		}},
		{"main.go removed", func(t *testing.T, root string) { os.Remove(filepath.Join(root, "b", "inner", "main.go")) }, func(t *testing.T, tree *Tree) {
			if slices.Contains(tree.IDs, "b/inner") {
				t.Errorf("ids %q", tree.IDs)
			}
		}},
		{"a folder renamed", func(t *testing.T, root string) { os.Rename(filepath.Join(root, "b"), filepath.Join(root, "c")) }, func(t *testing.T, tree *Tree) {
			if !slices.Equal(tree.IDs, []string{"a", "c", "c/inner"}) {
				t.Errorf("ids %q", tree.IDs)
			}
		}},
		{"main.go replaced by a link", func(t *testing.T, root string) {
			write(t, root, "elsewhere.go", "package main\n\n// linked\nfunc main() {}\n")
			os.Remove(filepath.Join(root, "b", "main.go"))
			if err := os.Symlink(filepath.Join(root, "elsewhere.go"), filepath.Join(root, "b", "main.go")); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, tree *Tree) {
			if s := snippet(t, tree, "b"); !strings.Contains(string(s.Source), "linked") {
				t.Errorf("source %q", s.Source)
			}
			if tree.Index.snips["b"] != nil {
				t.Error("the index holds a snippet whose main.go is a link")
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "snippets")
			for name, text := range treeFiles {
				write(t, root, name, text)
			}
			// A link to b/main.go from outside the tree, made before the
			// index, as another checkout or a backup might hold one.
			if err := os.Link(filepath.Join(root, "b", "main.go"), filepath.Join(filepath.Dir(root), "outside")); err != nil {
				t.Fatal(err)
			}
			first := loadTree(t, root, nil)
			for _, name := range []string{"a/expected.txt", "b/main.go", "b/inner/main.go"} {
				nextTick(t, filepath.Join(root, name))
			}
			c.do(t, root)
			tree := loadTree(t, root, aged(first.Index))
			if !tree.Changed {
				t.Error("the index did not change")
			}
			c.check(t, tree)
			fresh := loadTree(t, root, nil)
			if !reflect.DeepEqual(tree.Snippets, fresh.Snippets) || !slices.Equal(tree.IDs, fresh.IDs) {
				t.Errorf("with the index: %q\nwithout: %q", tree.IDs, fresh.IDs)
			}
		})
	}
}

// TestLoadTreeRacy checks that an index does not trust files written too
// shortly before the load that read them: they are read again.
func TestLoadTreeRacy(t *testing.T) {
	root := writeTree(t, treeFiles)
	first := loadTree(t, root, nil)
	again := loadTree(t, root, first.Index)
	if again.Reused != 0 || !again.Changed {
		t.Errorf("files written just before the index was made: %d reused, changed %v", again.Reused, again.Changed)
	}
	// The index of that second load still does not trust them (nothing
	// has aged), but one made later does.
	if third := loadTree(t, root, aged(again.Index)); third.Reused != 3 {
		t.Errorf("a later load reused %d of 3", third.Reused)
	}
}

// TestLoadTreeOtherRoot checks that the index of one folder says nothing
// about another.
func TestLoadTreeOtherRoot(t *testing.T) {
	root := writeTree(t, treeFiles)
	ix := aged(loadTree(t, root, nil).Index)
	other := filepath.Join(t.TempDir(), "copy")
	if err := os.Rename(root, other); err != nil {
		t.Fatal(err)
	}
	if tree := loadTree(t, other, ix); tree.Reused != 0 {
		t.Errorf("the index of %s gave %d snippets of %s", root, tree.Reused, other)
	}
}

// TestLoadTreeErrors checks that every folder that is not a snippet id
// and every snippet that does not load is reported, and the others load.
func TestLoadTreeErrors(t *testing.T) {
	root := writeTree(t, map[string]string{
		"Bad/main.go":     "package main\n",
		"none/main.go":    "package main\n",
		"y/main.go":       "package main\n",
		"y/snippet.yaml":  "engine: perl\n",
		"z/main.go":       "package main\n",
		"lib/z/main.go":   "package lib\n",
		"ok/main.go":      "package main\n",
		"ok/expected.txt": "fine\n",
	})
	tree, err := LoadTree(root, nil)
	var idErr *IDError
	if !errors.As(err, &idErr) {
		t.Errorf("error %v: want an *IDError", err)
	}
	for _, want := range []string{filepath.Join(root, "Bad", "main.go"), filepath.Join(root, "none", "main.go"), `engine "perl"`, "not package lib"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v: want it to say %s", err, want)
		}
	}
	if !slices.Equal(tree.IDs, []string{"lib/z", "ok", "y", "z"}) || len(tree.Snippets) != 2 {
		t.Errorf("ids %q, %d loaded", tree.IDs, len(tree.Snippets))
	}
}

// TestLoadTreeNoFolder checks that a notebook with no snippets folder has
// no snippets, and no error.
func TestLoadTreeNoFolder(t *testing.T) {
	tree, err := LoadTree(filepath.Join(t.TempDir(), "snippets"), nil)
	if err != nil || len(tree.IDs) != 0 {
		t.Errorf("LoadTree = %q, %v", tree.IDs, err)
	}
}

// TestIndexKeepsEveryField checks that an index read back holds every
// field of every snippet: a field added to Snippet or Options that the
// index forgets fails here.
func TestIndexKeepsEveryField(t *testing.T) {
	var s Snippet
	fill(reflect.ValueOf(&s).Elem())
	s.ID, s.Dir, s.Expect = "x/y", "", nil
	ix := &Index{root: "/r", stamp: 42,
		dirs:  map[string]*dirState{".": {sig: Signature{1, 2, 3, 4, 5, 6}, entries: []dirent{{"x", kindDir}, {"main.go", kindFile}, {"l", kindOther}}}},
		snips: map[string]*indexed{s.ID: {files: make([]Signature, len(s.Files)), s: s, expect: []byte("e\n")}},
	}
	data, err := ix.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Index
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, ix) {
		t.Errorf("read back:\n%+v\nwritten:\n%+v", back.snips[s.ID].s, s)
	}
	// nil and empty lists stay what they were.
	s.Files, s.Options.Args, s.Options.Env, s.Source = nil, []string{}, nil, []byte{}
	ix.snips[s.ID] = &indexed{s: s}
	data, _ = ix.MarshalBinary()
	if err := back.UnmarshalBinary(data); err != nil || !reflect.DeepEqual(&back, ix) {
		t.Errorf("read back (%v):\n%+v\nwritten:\n%+v", err, back.snips[s.ID].s, s)
	}
}

// fill sets every field below v to a value other than its zero, each
// different.
func fill(v reflect.Value) {
	n := 0
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		n++
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i))
			}
		case reflect.String:
			v.SetString(strings.Repeat("s", n))
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int, reflect.Int64:
			v.SetInt(int64(n))
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			walk(v.Index(0))
			walk(v.Index(1))
		case reflect.Uint8:
			v.SetUint(uint64(n))
		case reflect.Pointer:
			// Expect, which the index keeps as the file's bytes.
		default:
			panic("fill: no case for " + v.Kind().String())
		}
	}
	walk(v)
}

// TestIndexCorrupt checks that an index cut short or altered anywhere is
// rejected, not misread.
func TestIndexCorrupt(t *testing.T) {
	root := writeTree(t, treeFiles)
	data, err := loadTree(t, root, nil).Index.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(data) {
		var ix Index
		if ix.UnmarshalBinary(data[:n]) == nil {
			t.Fatalf("the index cut to %d of %d bytes was accepted", n, len(data))
		}
	}
	var ix Index
	if err := ix.UnmarshalBinary(append(data, 0)); !errors.Is(err, wire.ErrCorrupt) {
		t.Errorf("an index with a byte more: %v", err)
	}
	for _, bad := range []string{"", "notebook snippets index v0\n", "garbage"} {
		if ix.UnmarshalBinary([]byte(bad)) == nil {
			t.Errorf("%q was accepted as an index", bad)
		}
	}
}

// FuzzIndex checks that no bytes make UnmarshalBinary panic, and that
// what it accepts encodes back to the same bytes.
func FuzzIndex(f *testing.F) {
	root := testfiles.Dir(f, treeFiles)
	tree, err := LoadTree(root, nil)
	if err != nil {
		f.Fatal(err)
	}
	data, _ := tree.Index.MarshalBinary()
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		var ix Index
		if ix.UnmarshalBinary(data) != nil {
			return
		}
		again, err := ix.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back Index
		if err := back.UnmarshalBinary(again); err != nil || !reflect.DeepEqual(&back, &ix) {
			t.Errorf("accepted, but does not read back alike (%v)", err)
		}
	})
}

// BenchmarkLoadTree loads 1,000 snippets of three files each, as a
// generated notebook has them: afresh, and from the index of a load made
// long enough after they were written for it to trust them.
func BenchmarkLoadTree(b *testing.B) {
	root := b.TempDir()
	for i := range 1000 {
		dir := filepath.Join(root, "gen", fmt.Sprintf("n%04d", i/10), fmt.Sprintf("b%02d", i%10))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for name, text := range map[string]string{
			MainFile:    fmt.Sprintf("// This program prints one line.\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"block %d\")\n}\n", i),
			ExpectFile:  fmt.Sprintf("block %d\n", i),
			OptionsFile: "engine: yaegi\n",
		} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	first, err := LoadTree(root, nil)
	if err != nil {
		b.Fatal(err)
	}
	data, err := aged(first.Index).MarshalBinary()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("fresh", func(b *testing.B) {
		for b.Loop() {
			if _, err := LoadTree(root, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("indexed", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var ix Index
			if err := ix.UnmarshalBinary(data); err != nil {
				b.Fatal(err)
			}
			tree, err := LoadTree(root, &ix)
			if err != nil || tree.Reused != 1000 {
				b.Fatalf("reused %d of 1000 (%v)", tree.Reused, err)
			}
		}
	})
}
