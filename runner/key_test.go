package runner

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gonotebook/notebook/internal/store"
	"github.com/gonotebook/notebook/internal/testfiles"
	"github.com/gonotebook/notebook/snippets"
)

// TestCacheKeyCoversTheBuild checks that a native snippet's key changes
// with what changes its build besides its files: the go command's
// environment and the module that holds it.
func TestCacheKeyCoversTheBuild(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "snippets", "hello")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("snippets/hello/main.go", "package main\n\nfunc main() {}\n")
	s, err := snippets.Load(filepath.Join(root, "snippets"), "hello")
	if err != nil {
		t.Fatal(err)
	}
	key := func() store.ID {
		t.Helper()
		k, err := Key(s, snippets.Native, "go1.26.8")
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	seen := map[store.ID]string{}
	differs := func(what string) {
		t.Helper()
		k := key()
		if prev, ok := seen[k]; ok {
			t.Errorf("%s left the key as it was after %s", what, prev)
		}
		seen[k] = what
	}
	differs("nothing")
	write("go.mod", "module example.com/nb\n\ngo 1.26\n")
	differs("a go.mod around the snippet")
	write("go.mod", "module example.com/nb\n\ngo 1.25\n")
	differs("a changed go.mod")
	write("go.sum", "example.com/x v1.0.0 h1:abc=\n")
	differs("a go.sum")
	t.Setenv("GOFLAGS", "-tags=extra")
	differs("GOFLAGS")
	t.Setenv("CGO_ENABLED", "0")
	differs("CGO_ENABLED")
	// The go command reads its settings from the user's go env file too
	// (go env -w), or from the file GOENV names.
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	t.Setenv("GOENV", "")
	if err := os.MkdirAll(filepath.Join(config, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(config, "go", "env"), []byte("GOFLAGS=-race\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	differs("GOFLAGS in the go env file")
	other := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(other, []byte("GOAMD64=v3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOENV", other)
	differs("GOENV naming another go env file")
	if k, err := Key(s, snippets.Yaegi, "go1.26.8"); err != nil || seen[k] != "" {
		t.Errorf("the yaegi key %s (%v) is one of the native keys", k, err)
	}
}

// TestCacheKeyCoversTheFiles checks that a key changes with every file of
// the snippet but expected.txt, as loaded.
func TestCacheKeyCoversTheFiles(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, "hello", name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "hello"), 0o755); err != nil {
		t.Fatal(err)
	}
	key := func() store.ID {
		t.Helper()
		s, err := snippets.Load(root, "hello")
		if err != nil {
			t.Fatal(err)
		}
		k, err := Key(s, snippets.Yaegi, "yaegi")
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write("main.go", "package main\n\nfunc main() {}\n")
	seen := map[store.ID]string{key(): "main.go"}
	for _, c := range []struct{ what, name, text string }{
		{"main.go edited", "main.go", "package main\n\nfunc main() { }\n"},
		{"snippet.yaml", "snippet.yaml", "args: [a]\n"},
		{"a file it reads", "data.txt", "data\n"},
		{"that file edited", "data.txt", "data!\n"},
	} {
		write(c.name, c.text)
		k := key()
		if prev, ok := seen[k]; ok {
			t.Errorf("%s left the key as it was after %s", c.what, prev)
		}
		seen[k] = c.what
	}
	before := key()
	write("expected.txt", "anything\n")
	if key() != before {
		t.Error("expected.txt changed the key: a result would be run again for a new expectation, not checked against it")
	}
}

// TestKeysOfTwoModules checks that each snippet's key covers its own
// module's files.
func TestKeysOfTwoModules(t *testing.T) {
	root := t.TempDir()
	var keys []store.ID
	for _, mod := range []string{"one", "two"} {
		testfiles.Write(t, filepath.Join(root, mod), map[string]string{
			"go.mod":          "module example.com/" + mod + "\n\ngo 1.26\n",
			"s/a/main.go":     "package main\n\nfunc main() {}\n",
			"s/b/c/d/main.go": "package main\n\nfunc main() {}\n",
		})
		for _, id := range []string{"a", "b/c/d"} {
			s, err := snippets.Load(filepath.Join(root, mod, "s"), id)
			if err != nil {
				t.Fatal(err)
			}
			k, err := Key(s, snippets.Native, "go1.26.8")
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
	}
	if keys[0] == keys[2] || keys[1] == keys[3] {
		t.Errorf("the same program in two modules has one key: %v", keys)
	}
}

// TestCacheKeyCoversTheOptions checks that a key changes with every
// option that can change a run, each changed alone, and with none of those
// that cannot (tagged json:"-"), nor with the engine, which the key is given.
func TestCacheKeyCoversTheOptions(t *testing.T) {
	s := &snippets.Snippet{ID: "hello", Sum: "sum", Options: snippets.Options{Timeout: snippets.Duration(time.Second)}}
	key := func(s *snippets.Snippet) store.ID {
		t.Helper()
		k, err := Key(s, snippets.Yaegi, "yaegi")
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := key(s)
	seen := map[store.ID]string{base: "nothing"}
	var changeEach func(v reflect.Value, path string)
	changeEach = func(v reflect.Value, path string) {
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			if !sf.IsExported() {
				continue
			}
			f, name := v.Field(i), path+sf.Name
			ignored := sf.Tag.Get("json") == "-" || name == "Engine"
			old := reflect.ValueOf(f.Interface())
			switch f.Kind() {
			case reflect.Struct:
				if !ignored {
					changeEach(f, name+".")
					continue
				}
				f.FieldByName("Reason").SetString("x")
			case reflect.String:
				f.SetString(f.String() + "x")
			case reflect.Int, reflect.Int64:
				f.SetInt(f.Int() + 1)
			case reflect.Bool:
				f.SetBool(!f.Bool())
			case reflect.Slice:
				f.Set(reflect.Append(f, reflect.New(f.Type().Elem()).Elem()))
			default:
				t.Fatalf("option %s is a %s, which this test cannot change", name, f.Kind())
			}
			k := key(s)
			prev, ok := seen[k]
			switch {
			case ignored && k != base:
				t.Errorf("changing option %s, which cannot change a run, changed the key", name)
			case !ignored && ok:
				t.Errorf("changing option %s left the key as after changing %s", name, prev)
			}
			seen[k] = name
			f.Set(old)
		}
	}
	changeEach(reflect.ValueOf(&s.Options).Elem(), "")
	if len(seen) < 10 {
		t.Errorf("only %d keys: the options were not walked", len(seen))
	}
}
