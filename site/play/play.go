// Package play lets readers run and edit a snippet's Go program in their
// browser, with no server: yaegi, the interpreter the yaegi engine uses,
// compiled to WebAssembly and run in a Web Worker.
//
// # The interpreter
//
// The program in wasm/ is yaegi with the standard-library packages listed
// in Packages, built with GOOS=js GOARCH=wasm. Its symbol tables are
// yaegi's own for those packages, copied by go generate (see
// internal/gensymbols): yaegi's stdlib package registers every package at
// once, and the ones a browser cannot use (os/exec, net, syscall, ...) would
// triple its size. It is loaded by Go's own wasm_exec.js, from the Go
// release that built it, in the worker (worker.js), which streams what the
// program writes to its standard output and error to the page as it is
// written. The page starts the worker on the first Run, so no byte of the
// interpreter is fetched before; the worker fetches it once and reuses it
// for every later run. To stop a program (Stop, or the snippet's time
// limit), the page ends the worker; the next Run starts a new one.
//
// A Builder compiles the interpreter with the go command and keeps the
// result in a cache folder, under a key made of the Go version, the
// interpreter's sources and the yaegi module's version: a build with a
// warm cache runs no compiler. Files gives the three files the site
// serves: the interpreter, wasm_exec.js and the worker, each under a
// fingerprinted name.
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
