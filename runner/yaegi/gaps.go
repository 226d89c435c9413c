package yaegi

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io/fs"
	"strings"
)

// Gaps finds, in the Go files of fsys, the constructs the yaegi
// release the notebook uses is known not to compile although they are
// valid Go, and says where they are: range over an integer (Go 1.22), which
// stops yaegi v0.16.1 with the bare internal error "nil type", and range
// over a function (Go 1.23). It explains a failure; it is not a check that
// yaegi will succeed.
//
// The files are type-checked alone, without the packages they import,
// which is enough to know the type of most range expressions.
func Gaps(fsys fs.FS) []string {
	fset := token.NewFileSet()
	var files []*ast.File
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			return nil // yaegi reports syntax errors itself
		}
		files = append(files, f)
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Error: func(error) {}} // imports stay unresolved
	conf.Check("main", fset, files, info)

	var gaps []string
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			r, ok := n.(*ast.RangeStmt)
			if !ok {
				return true
			}
			tv, ok := info.Types[r.X]
			if !ok || tv.Type == nil {
				return true
			}
			what := ""
			switch t := tv.Type.Underlying().(type) {
			case *types.Basic:
				if t.Info()&types.IsInteger != 0 {
					what = "range over an integer (Go 1.22)"
				}
			case *types.Signature:
				what = "range over a function (Go 1.23)"
			}
			if what != "" {
				gaps = append(gaps, fmt.Sprintf("%s: %s, which yaegi %s cannot compile", fset.Position(r.For), what, Release))
			}
			return true
		})
	}
	return gaps
}
