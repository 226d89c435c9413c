package play

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonotebook/notebook/internal/testfiles"
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
	short := func(data string) string {
		sum := sha256.Sum256([]byte(data))
		return hex.EncodeToString(sum[:1])
	}
	files, err := in.Files(func(plain string, sum [sha256.Size]byte) string {
		return "assets/" + plain + "-" + hex.EncodeToString(sum[:1])
	})
	if err != nil {
		t.Fatal(err)
	}
	wasm, exec := "play.wasm-"+short("\x00asm"), "wasm_exec.js-"+short("// loader")
	if len(files) != 3 || files[0].Name != "assets/"+wasm || files[1].Name != "assets/"+exec || !strings.HasPrefix(files[2].Name, "assets/play-worker.js-") {
		t.Fatalf("files named %v; want %s, %s and the worker", []string{files[0].Name, files[1].Name, files[2].Name}, wasm, exec)
	}
	data, err := files[2].Data()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`var EXEC = "` + exec + `";`, `var WASM = "` + wasm + `";`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the worker lacks %s", want)
		}
	}
	if files[2].Name != "assets/play-worker.js-"+short(string(data)) {
		t.Errorf("the worker is named %s, not by its contents", files[2].Name)
	}
}

// TestBuildCached checks that an interpreter in the cache under its key is
// taken from there, with nothing compiled, and read only when its bytes
// are asked for if its SHA-256 is kept beside it.
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
	key, _, err := b.key(context.Background(), env.version, exec)
	if err != nil {
		t.Fatal(err)
	}
	cached := filepath.Join(dir, key+".wasm")
	if err := os.WriteFile(cached, []byte("cached"), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := b.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !in.Cached || in.Key != key || in.Size != int64(len("cached")) {
		t.Errorf("Build = cached %v, %d bytes, key %s; want the cached file under %s", in.Cached, in.Size, in.Key, key)
	}
	if got := wasmData(t, in); got != "cached" {
		t.Errorf("the interpreter's file holds %q; want the cached file's", got)
	}
	// A second Build, as notebook serve's rebuilds do, asks nothing again.
	if again, err := (b.Build(context.Background())); err != nil || !again.Cached || again.Key != key {
		t.Errorf("second Build = %v, %v", again, err)
	}
	// Another Go release is another key.
	if other, _, _ := b.key(context.Background(), env.version+"-other", exec); other == key {
		t.Errorf("the key does not depend on the Go version")
	}

	// The first Build kept the program's SHA-256 beside it: the next
	// Builder reads the program only when asked for its bytes, and then
	// notices that it changed.
	if _, err := os.Stat(cached + sumSuffix); err != nil {
		t.Fatalf("Build kept no SHA-256 beside the cached program: %v", err)
	}
	in, err = (&Builder{Cache: dir}).Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if in.Wasm != nil {
		t.Errorf("Build read the cached program, %q, though its SHA-256 was kept", in.Wasm)
	}
	if got := wasmData(t, in); got != "cached" {
		t.Errorf("the interpreter's file holds %q; want the cached file's", got)
	}
	if err := os.WriteFile(cached, []byte("changed"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := in.Files(func(plain string, _ [sha256.Size]byte) string { return plain })
	if err != nil {
		t.Fatal(err)
	}
	if data, err := files[0].Data(); err == nil {
		t.Errorf("a cached program changed after it was built gave %q and no error", data)
	}
}

// wasmData returns the bytes of in's program, as its file gives them.
func wasmData(t *testing.T, in *Interpreter) string {
	t.Helper()
	files, err := in.Files(func(plain string, _ [sha256.Size]byte) string { return plain })
	if err != nil {
		t.Fatal(err)
	}
	data, err := files[0].Data()
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestKeyMemo checks that the key an earlier build kept is used while the
// interpreter's package folder it names hashes the same, and worked out
// again from the go command once a file there changes.
func TestKeyMemo(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	cache := t.TempDir()
	b := &Builder{Cache: cache}
	ctx := context.Background()
	env, err := b.goEnv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !env.local {
		t.Skip("this go command's release is not read from its installation (GOTOOLCHAIN is not local), so no memo is kept")
	}
	exec, err := os.ReadFile(filepath.Join(env.root, "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := b.key(ctx, env.version, exec)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.cachedKey(ctx, env, exec); err != nil || got != want {
		t.Fatalf("cachedKey = %q, %v; want %q", got, err, want)
	}
	head, err := b.memoHead(env, exec)
	if err != nil {
		t.Fatal(err)
	}
	memo := filepath.Join(cache, "key-"+head+".memo")
	if _, err := os.Stat(memo); err != nil {
		t.Fatalf("cachedKey kept no memo: %v", err)
	}
	// A memo that names another folder, with that folder's hash, is
	// believed...
	pkg := t.TempDir()
	file := filepath.Join(pkg, "main.go")
	if err := os.WriteFile(file, []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := hashDir(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(memo, []byte(pkg+"\n"+sum+"\nfrom-the-memo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := b.cachedKey(ctx, env, exec); err != nil || got != "from-the-memo" {
		t.Errorf("with a memo whose folder is unchanged, cachedKey = %q, %v; want the memo's key", got, err)
	}
	// ...until a file in that folder changes, or one is added.
	for _, change := range []func() error{
		func() error { return os.WriteFile(file, []byte("package main // changed\n"), 0o644) },
		func() error { return os.WriteFile(filepath.Join(pkg, "more.go"), nil, 0o644) },
	} {
		if err := os.WriteFile(memo, []byte(pkg+"\n"+sum+"\nfrom-the-memo\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := change(); err != nil {
			t.Fatal(err)
		}
		if got, err := b.cachedKey(ctx, env, exec); err != nil || got != want {
			t.Errorf("after a change in the memo's folder, cachedKey = %q, %v; want %q, from the go command", got, err, want)
		}
		if sum, err = hashDir(pkg); err != nil {
			t.Fatal(err)
		}
	}
	// Another go.mod is another memo.
	other := &Builder{Cache: cache, Dir: t.TempDir()}
	if err := os.WriteFile(filepath.Join(other.Dir, "go.mod"), []byte("module example.com/x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if h, err := other.memoHead(env, exec); err != nil || h == head {
		t.Errorf("memoHead in a folder with another go.mod = %q, %v; want other than %q", h, err, head)
	}
}

// TestKeyMemoUnbuildable checks that where the interpreter cannot be
// built (a module that does not require the notebook's), the memo keeps
// the go command's answer, and asks again once go.mod changes.
func TestKeyMemoUnbuildable(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	mod := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(mod, []byte("module example.com/notes\n\ngo 1.20\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := &Builder{Cache: t.TempDir(), Dir: dir}
	ctx := context.Background()
	env, err := b.goEnv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !env.local {
		t.Skip("this go command's release is not read from its installation, so no memo is kept")
	}
	exec, err := os.ReadFile(filepath.Join(env.root, "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.cachedKey(ctx, env, exec)
	if err == nil || !unbuildable(err) {
		t.Fatalf("cachedKey in a module without the notebook = %v; want the go command's no required module", err)
	}
	head, err := b.memoHead(env, exec)
	if err != nil {
		t.Fatal(err)
	}
	memo := filepath.Join(b.Cache, "key-"+head+".memo")
	// A memo that says otherwise shows that the next call reads it.
	if err := os.WriteFile(memo, []byte("failed\n\"from the memo\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := b.cachedKey(ctx, env, exec); err == nil || err.Error() != "from the memo" {
		t.Errorf("with a failure in the memo, cachedKey = %v; want the memo's", err)
	}
	if err := os.WriteFile(mod, []byte("module example.com/notes\n\ngo 1.21\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := b.cachedKey(ctx, env, exec); err == nil || err.Error() == "from the memo" {
		t.Errorf("after go.mod changed, cachedKey = %v; want the go command asked again", err)
	}
}

// TestMemoHeadLocalModules checks that the memo's head changes when the
// go.mod of a module that decides the build, but is neither the main
// module's go.mod nor the go.work, changes: a module the go.work uses, or
// one a replace directive takes from a local folder. Their requirements
// choose the versions the interpreter is built with (yaegi's among
// them), so a memo kept before such an edit would name an interpreter
// built from other modules.
func TestMemoHeadLocalModules(t *testing.T) {
	t.Setenv("GOWORK", "")
	t.Setenv("GOFLAGS", "")
	env := goEnv{version: "go1.26.0", root: "/go", local: true}
	for _, c := range []struct {
		name   string
		files  map[string]string
		dir    string // where the go command runs
		edited string // the file edited
	}{
		{"a module the go.work uses", map[string]string{
			"go.work":         "go 1.26\n\nuse (\n\t./site\n\t\"./notebook\" // the notebook's module\n)\n",
			"site/go.mod":     "module example.com/site\n\ngo 1.26\n",
			"notebook/go.mod": "module github.com/gonotebook/notebook\n\ngo 1.26\n\nrequire github.com/traefik/yaegi v0.16.1\n",
		}, "site", "notebook/go.mod"},
		{"a local replacement in go.mod", map[string]string{
			"site/go.mod":     "module example.com/site\n\ngo 1.26\n\nrequire github.com/gonotebook/notebook v0.1.0\n\nreplace github.com/gonotebook/notebook v0.1.0 => ../notebook\n",
			"notebook/go.mod": "module github.com/gonotebook/notebook\n\ngo 1.26\n\nrequire github.com/traefik/yaegi v0.16.1\n",
		}, "site", "notebook/go.mod"},
		{"a local replacement in a replace block of go.work", map[string]string{
			"go.work":      "go 1.26\n\nuse ./site\n\nreplace (\n\tgithub.com/traefik/yaegi => ./yaegi\n)\n",
			"site/go.mod":  "module example.com/site\n\ngo 1.26\n",
			"yaegi/go.mod": "module github.com/traefik/yaegi\n\ngo 1.21\n",
		}, "site", "yaegi/go.mod"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := testfiles.Dir(t, c.files)
			b := &Builder{Dir: filepath.Join(root, c.dir)}
			before, err := b.memoHead(env, nil)
			if err != nil {
				t.Fatal(err)
			}
			edited := filepath.Join(root, filepath.FromSlash(c.edited))
			text := c.files[c.edited] + "\nrequire golang.org/x/text v0.40.0\n"
			if err := os.WriteFile(edited, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if after, err := b.memoHead(env, nil); err != nil || after == before {
				t.Errorf("after %s changed, memoHead = %q, %v; want other than %q", c.edited, after, err, before)
			}
		})
	}
}

// TestKeyBuildSettings checks that the key changes with the settings that
// change what the go command compiles from the same files: a program
// built with other flags or experiments is another program, and must not
// be taken from the cache for this one.
func TestKeyBuildSettings(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	for _, k := range []string{"GOFLAGS", "GOEXPERIMENT", "GOWASM"} {
		t.Setenv(k, "")
	}
	b := &Builder{}
	ctx := context.Background()
	env, err := b.goEnv(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plain, _, err := b.key(ctx, env.version, nil)
	if err != nil {
		t.Skipf("the interpreter's key cannot be worked out here: %v", err)
	}
	for k, v := range map[string]string{"GOFLAGS": "-gcflags=all=-N", "GOWASM": "satconv"} {
		t.Run(k, func(t *testing.T) {
			t.Setenv(k, v)
			if key, _, err := b.key(ctx, env.version, nil); err != nil || key == plain {
				t.Errorf("with %s=%s, key = %q, %v; want other than %q", k, v, key, err, plain)
			}
		})
	}
}
