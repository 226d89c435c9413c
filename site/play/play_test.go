package play

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/internal/store"
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
	wasm := []byte("\x00asm")
	in := &Interpreter{wasm: wasm, Sum: store.Sum(wasm), Exec: []byte("// loader")}
	short := func(data string) string {
		sum := sha256.Sum256([]byte(data))
		return hex.EncodeToString(sum[:1])
	}
	files := in.Files(func(plain string, sum store.ID) string {
		return "assets/" + plain + "-" + hex.EncodeToString(sum[:1])
	})
	wasmName, exec := "play.wasm-"+short("\x00asm"), "wasm_exec.js-"+short("// loader")
	if len(files) != 3 || files[0].Name != "assets/"+wasmName || files[1].Name != "assets/"+exec || !strings.HasPrefix(files[2].Name, "assets/play-worker.js-") {
		t.Fatalf("files named %v; want %s, %s and the worker", []string{files[0].Name, files[1].Name, files[2].Name}, wasmName, exec)
	}
	var buf bytes.Buffer
	if err := files[2].CopyTo(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	for _, want := range []string{`var EXEC = "` + exec + `";`, `var WASM = "` + wasmName + `";`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the worker lacks %s", want)
		}
	}
	if files[2].Name != "assets/play-worker.js-"+short(string(data)) {
		t.Errorf("the worker is named %s, not by its contents", files[2].Name)
	}
}

// TestBuild builds the interpreter into a store, then takes it from there
// with nothing compiled, and reads it only when its bytes are asked for.
func TestBuild(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b := &Builder{}
	first, err := b.Build(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if first.Cached || !bytes.HasPrefix(first.wasm, []byte("\x00asm")) || first.Size != int64(len(first.wasm)) {
		t.Fatalf("first build: cached %v, %d bytes, size %d; want a WebAssembly program compiled", first.Cached, len(first.wasm), first.Size)
	}
	again, err := b.Build(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Cached || again.wasm != nil || again.Sum != first.Sum {
		t.Fatalf("second build: cached %v, held %d bytes, sum %v; want the first's, unread, from the store", again.Cached, len(again.wasm), again.Sum)
	}
	files := again.Files(func(plain string, sum store.ID) string { return plain })
	var data bytes.Buffer
	if err := files[0].CopyTo(&data); err != nil || !bytes.Equal(data.Bytes(), first.wasm) {
		t.Errorf("the stored interpreter reads back as %d bytes (%v), want the %d built", data.Len(), err, len(first.wasm))
	}
}

// TestIDCoversTheSettings checks that the interpreter's ID changes with
// the Go release, its loader and every build setting.
func TestIDCoversTheSettings(t *testing.T) {
	seen := map[store.ID]string{interpreterID("go1.26.8", []byte("exec")): "nothing"}
	differs := func(what string, id store.ID) {
		t.Helper()
		if prev, ok := seen[id]; ok {
			t.Errorf("%s left the ID as after %s", what, prev)
		}
		seen[id] = what
	}
	differs("the release", interpreterID("go1.26.9", []byte("exec")))
	differs("wasm_exec.js", interpreterID("go1.26.8", []byte("exec2")))
	for _, k := range buildSettings {
		t.Setenv(k, "x")
		differs(k, interpreterID("go1.26.8", []byte("exec")))
		os.Unsetenv(k)
	}
}
