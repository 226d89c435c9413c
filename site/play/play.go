// Package play lets readers run and edit a snippet's Go program in their
// browser, with no server: yaegi, the interpreter the yaegi engine uses,
// compiled to WebAssembly and run in a Web Worker.
//
// # The interpreter
//
// The program in wasm/ is yaegi with the standard-library packages listed
// in Packages, whose symbol tables go generate copies from yaegi's (see
// internal/gensymbols): yaegi's stdlib package registers every package at
// once, and those a browser cannot use would triple the program's size.
// Go's own wasm_exec.js, from the release that built it, loads it in the
// worker (worker.js), which streams what the program writes to the page.
// The page starts the worker on the first Run, so no byte of the
// interpreter is fetched before, and ends it to stop a program (Stop, or
// the snippet's time limit); the next Run starts a new one.
//
// A Builder compiles the interpreter with the go command and keeps it in
// the store, under a key made of the Go release, the interpreter's sources
// and the build settings: a build with a warm store runs no compiler.
// Files gives the three files the site serves, under fingerprinted names.
//
// # Eligibility
//
// A snippet can run in the browser (Eligible) when its engine is yaegi,
// so that the build ran it with the same interpreter and its output is what
// the browser prints; its program is main.go alone; it needs no standard
// input, arguments or environment; and it imports only Packages. Otherwise
// the page says why in one short line, such as "starts a subprocess: runs
// only when the site is built".
//
// # Differences from the build's yaegi engine
//
// The browser's interpreter fails as a compiled program does, and says so
// as Go would (see internal/golike). Each function costs a deferred call
// more than in the build's engine, and each index a call, which makes
// programs that call functions or index in tight loops a few times
// slower. Time is the browser's: timings differ, and the program's clock
// is the reader's.
package play

import (
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/gonotebook/notebook/snippets"
)

//go:generate go run ./internal/gensymbols

// builtOnly ends every reason a snippet is not eligible.
const builtOnly = ": runs only when the site is built"

// Eligible reports whether s can run in the browser, and if not, why, in
// one short line.
func Eligible(s *snippets.Snippet) (ok bool, why string) {
	switch {
	case s.Options.Engine != snippets.Yaegi:
		return false, "compiled, not interpreted" + builtOnly
	case s.Options.Stdin != "":
		return false, "reads its standard input" + builtOnly
	case len(s.Options.Args) > 0:
		return false, "takes arguments" + builtOnly
	case len(s.Options.Env) > 0:
		return false, "reads its environment" + builtOnly
	}
	for _, f := range s.Files {
		if f != snippets.MainFile && strings.HasSuffix(f, ".go") {
			return false, "is more than one file" + builtOnly
		}
	}
	f, err := parser.ParseFile(token.NewFileSet(), snippets.MainFile, s.Source, parser.ImportsOnly)
	if err != nil {
		return false, "does not parse" + builtOnly
	}
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); !slices.Contains(Packages, p) {
			return false, lacks(p) + builtOnly
		}
	}
	return true, ""
}

// Packages are the standard-library packages the browser's interpreter
// carries: those a program can use with no file system, network, processes
// or signals. The interpreter's symbol tables are generated from this list
// (go generate); a snippet that imports anything else is not eligible.
var Packages = []string{
	"bufio", "bytes", "cmp",
	"container/heap", "container/list", "container/ring",
	"context",
	"crypto/md5", "crypto/sha1", "crypto/sha256", "crypto/sha512",
	"encoding", "encoding/base32", "encoding/base64", "encoding/binary",
	"encoding/csv", "encoding/hex", "encoding/json", "encoding/xml",
	"errors", "fmt",
	"hash", "hash/crc32", "hash/fnv",
	"html", "io", "log", "maps",
	"math", "math/big", "math/bits", "math/cmplx", "math/rand",
	"path", "regexp", "slices", "sort", "strconv", "strings",
	"sync", "sync/atomic",
	"text/scanner", "text/tabwriter", "text/template",
	"time", "unicode", "unicode/utf16", "unicode/utf8",
}

// lacks says, for an import path the interpreter does not carry, what a
// program that imports it does that a browser cannot.
func lacks(path string) string {
	switch {
	case path == "os/exec":
		return "starts a subprocess"
	case path == "net" || strings.HasPrefix(path, "net/"):
		return "uses the network"
	case path == "syscall" || path == "os/signal" || strings.HasPrefix(path, "golang.org/x/sys"):
		return "makes system calls"
	case path == "os" || path == "io/fs" || path == "io/ioutil" || path == "path/filepath":
		return "uses the file system"
	case path == "runtime" || strings.HasPrefix(path, "runtime/"):
		return "depends on the Go runtime"
	case strings.Contains(strings.SplitN(path, "/", 2)[0], "."):
		return "imports " + path
	}
	return "imports " + path + ", which the browser lacks"
}
