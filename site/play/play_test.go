package play

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/snippets"
)

func TestEligible(t *testing.T) {
	yaegi := snippets.Options{Engine: snippets.Yaegi}
	for _, c := range []struct {
		name string
		opts snippets.Options
		src  string
		why  string // "" if eligible
	}{
		{"fmt only", yaegi, `package main; import "fmt"; func main() { fmt.Println() }`, ""},
		{"every package", yaegi, "package main\nimport (\n" + quoteAll(Packages) + ")\nfunc main() {}", ""},
		{"native", snippets.Options{Engine: snippets.Native}, `package main; func main() {}`, "compiled, not interpreted: runs only when the site is built"},
		{"subprocess", yaegi, `package main; import ("fmt"; "os/exec"); func main() { fmt.Println(exec.Command) }`, "starts a subprocess: runs only when the site is built"},
		{"network", yaegi, `package main; import "net/http"; func main() { _ = http.Get }`, "uses the network: runs only when the site is built"},
		{"syscall", yaegi, `package main; import "syscall"; func main() {}`, "makes system calls: runs only when the site is built"},
		{"os", yaegi, `package main; import "os"; func main() { os.Exit(1) }`, "uses the file system: runs only when the site is built"},
		{"runtime", yaegi, `package main; import "runtime"; func main() {}`, "depends on the Go runtime: runs only when the site is built"},
		{"stdin", snippets.Options{Engine: snippets.Yaegi, Stdin: "x"}, `package main; func main() {}`, "reads its standard input: runs only when the site is built"},
		{"args", snippets.Options{Engine: snippets.Yaegi, Args: []string{"a"}}, `package main; func main() {}`, "takes arguments: runs only when the site is built"},
		{"broken", yaegi, `package main; import "fmt`, "does not parse: runs only when the site is built"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &snippets.Snippet{ID: "x", Source: []byte(c.src), Options: c.opts, Files: []string{snippets.MainFile}}
			ok, why := Eligible(s)
			if ok != (c.why == "") || why != c.why {
				t.Errorf("Eligible = %v, %q; want %v, %q", ok, why, c.why == "", c.why)
			}
		})
	}
	s := &snippets.Snippet{ID: "x", Source: []byte("package main\nfunc main() {}"), Options: yaegi, Files: []string{"helper.go", snippets.MainFile}}
	if ok, why := Eligible(s); ok || why != "is more than one file: runs only when the site is built" {
		t.Errorf("two files: Eligible = %v, %q", ok, why)
	}
}

func quoteAll(paths []string) string {
	var b strings.Builder
	for _, p := range paths {
		b.WriteString("\t_ \"" + p + "\"\n")
	}
	return b.String()
}

// TestSymbols checks that the generated symbol tables are those of
// Packages, no more and no fewer.
func TestSymbols(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("wasm", "symbols_*.go"))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range files {
		have[strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "symbols_"), ".go")] = true
	}
	for _, p := range Packages {
		name := strings.ReplaceAll(p, "/", "_")
		if !have[name] {
			t.Errorf("no wasm/symbols_%s.go for %s: run go generate ./site/play", name, p)
		}
		delete(have, name)
	}
	for name := range have {
		t.Errorf("wasm/symbols_%s.go is for no package in Packages: run go generate ./site/play", name)
	}
}

func TestFiles(t *testing.T) {
	in := &Interpreter{Wasm: []byte("\x00asm"), Exec: []byte("// loader")}
	files, err := in.Files(func(plain string, data []byte) string {
		return "assets/" + plain + "-" + string(rune('a'+len(data)%26))
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files[0].Name != "assets/play.wasm-e" || files[1].Name != "assets/wasm_exec.js-j" || !strings.HasPrefix(files[2].Name, "assets/play-worker.js-") {
		t.Fatalf("files named %v", []string{files[0].Name, files[1].Name, files[2].Name})
	}
	worker := string(files[2].Data)
	for _, want := range []string{`var EXEC = "wasm_exec.js-j";`, `var WASM = "play.wasm-e";`} {
		if !strings.Contains(worker, want) {
			t.Errorf("the worker lacks %s", want)
		}
	}
}

// TestBuildCached checks that an interpreter in the cache under its key is
// taken from there, with nothing compiled.
func TestBuildCached(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	b := &Builder{Cache: dir}
	env, err := b.goEnv(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	exec, err := os.ReadFile(filepath.Join(env.root, "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := b.key(context.Background(), env.version, exec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, key+".wasm"), []byte("cached"), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := b.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !in.Cached || string(in.Wasm) != "cached" || in.Key != key {
		t.Errorf("Build = cached %v, %q, key %s; want the cached file under %s", in.Cached, in.Wasm, in.Key, key)
	}
	// A second Build, as notebook serve's rebuilds do, asks nothing again.
	if err := os.Remove(filepath.Join(dir, key+".wasm")); err != nil {
		t.Fatal(err)
	}
	if again, err := b.Build(context.Background()); err != nil || !again.Cached || string(again.Wasm) != "cached" {
		t.Errorf("second Build = %v, %v", again, err)
	}
	// Another Go release is another key.
	if other, _ := b.key(context.Background(), env.version+"-other", exec); other == key {
		t.Errorf("the key does not depend on the Go version")
	}
}
