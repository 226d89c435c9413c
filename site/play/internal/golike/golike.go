// Package golike makes a Go program that yaegi interprets in the browser
// fail as the same program compiled by Go fails, where yaegi would speak
// of itself: "unable to find source related to" an import, a panic placed
// at the first statement of the function it left, reflect's index out of
// range, the interpreter's own goroutines after a panic on another one.
//
//   - A program that does not parse, or imports a package the browser
//     lacks, is not run, and each problem is one line that names the
//     file, line and column ("main.go:3:8: os is not available in the
//     browser; ...").
//   - A panic that ends the program prints "panic: " and its value, then
//     the goroutine that panicked, with each function it left and the
//     line it was at, innermost first; on another goroutine than main's,
//     also where that goroutine was started.
//   - An index or slice out of range prints Go's own message ("panic:
//     runtime error: index out of range [5] with length 3") wherever the
//     type of what is indexed is known from the program alone; elsewhere,
//     and for a nil pointer dereference, Go's message without the numbers.
//
// Prepare rewrites the program to do so, keeping the position of every
// node of the original, so that yaegi's compile errors name the reader's
// lines. Each function records the line of the statement it is at, and a
// deferred function of its own adds the function and that line to the
// trace that a panic leaving it carries (see Frame), which a recovered
// panic drops. Each index of a slice, an array or a string goes through
// Index, each slicing of one through Slice, and each go statement through
// the Tracker, which catches a panic that would end the program there.
package golike

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"golang.org/x/tools/go/ast/astutil"
)

// Name is the name of a program's one file, as errors and traces name it.
const Name = "main.go"

// Path is the import path through which a rewritten program reaches the
// Tracker's functions (see Tracker.Exports).
const Path = "notebook.internal/golike"

// The names the rewritten program adds (see helper).
const (
	pkgName       = "_nb"
	lineVar       = "_nbL"
	recoveredFunc = "_nbRecovered"
)

// helper is added to every program: the import of the Tracker's
// functions, and the function the program calls recover() through (see
// Tracker.Recover), which keeps the value in interpreted code, and so
// what yaegi knows of the program's types.
const helper = `package main

import ` + pkgName + ` "` + Path + `"

func ` + recoveredFunc + `(v any) any {
	if v != nil {
		if e, ok := ` + pkgName + `.Recover(v); ok {
			return e
		}
	}
	return v
}
`

// Prepare parses src, a program's one file, into fset under Name, checks
// that it imports only packages the browser has (has reports whether it
// does), and returns the program rewritten to report its panics as Go does
// (see the package doc), for yaegi's CompileAST. A program that does not
// parse (its first ten problems, as the go command says) or imports what
// the browser lacks gives an error of one line a problem.
func Prepare(fset *token.FileSet, src string, has func(importPath string) bool) (*ast.File, error) {
	f, err := parser.ParseFile(fset, Name, src, parser.SkipObjectResolution)
	var list scanner.ErrorList
	if err != nil && !errors.As(err, &list) {
		return nil, err
	}
	if err == nil {
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); !has(p) {
				list.Add(fset.Position(imp.Path.Pos()), p+" is not available in the browser; a program that imports it runs only when the site is built")
			}
		}
	}
	if len(list) > 0 {
		var b strings.Builder
		scanner.PrintError(&b, list)
		return nil, errors.New(strings.TrimSuffix(b.String(), "\n"))
	}
	// Types tell a slice's index from a map's key. The program is checked
	// alone: what comes from imported packages has no known type, and is
	// left as it is.
	r := &rewriter{fset: fset, funcs: []*function{{prefix: "main.glob..func"}}, checked: map[ast.Node]bool{}, inRange: map[[2]types.Object]bool{}, info: &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{},
		Uses:  map[*ast.Ident]types.Object{},
		Defs:  map[*ast.Ident]types.Object{},
	}}
	(&types.Config{Error: func(error) {}}).Check("main", fset, []*ast.File{f}, r.info)
	astutil.Apply(f, r.pre, r.post)
	h := parse(fset, helper)
	f.Decls = append(append(h.Decls[:1:1], f.Decls...), h.Decls[1:]...)
	f.Imports = append(f.Imports, h.Imports...)
	return f, nil
}

// parse parses src, Go that Prepare adds to a program.
func parse(fset *token.FileSet, src string) *ast.File {
	f, err := parser.ParseFile(fset, "golike.go", src, parser.SkipObjectResolution)
	if err != nil {
		panic(err)
	}
	return f
}

// A rewriter rewrites one program (see Prepare) in one walk of its tree.
type rewriter struct {
	fset    *token.FileSet
	info    *types.Info
	funcs   []*function       // the functions the walk is in, innermost last
	checked map[ast.Node]bool // the indexes and slicings to go through Index and Slice
	// inRange holds x and k of each loop for k := range x whose body
	// assigns neither: x[k] is in range there.
	inRange map[[2]types.Object]bool
}

// A function is one the walk is in, or the package's declarations.
type function struct {
	name     string // as Go's traces name it
	prefix   string // of the names of the function literals in it
	closures int    // the function literals met in it
}

// pre names each function as Go's traces do, puts the line of each
// statement in lineVar before it, and decides, on the tree as it was
// written, which indexes and slicings post will check.
func (r *rewriter) pre(c *astutil.Cursor) bool {
	switch n := c.Node().(type) {
	case *ast.FuncDecl:
		name := funcName(n)
		r.funcs = append(r.funcs, &function{name: name, prefix: name + ".func"})
	case *ast.FuncLit:
		outer := r.funcs[len(r.funcs)-1]
		outer.closures++
		name := outer.prefix + strconv.Itoa(outer.closures)
		r.funcs = append(r.funcs, &function{name: name, prefix: name + "."})
	case *ast.RangeStmt:
		r.rangeIndex(n)
	case *ast.IndexExpr:
		t := r.indexable(n.X)
		_, array := t.(*types.Array)
		r.checked[n] = t != nil && r.pure(n.X) && r.integer(n.Index) && !(array && r.info.Types[n.Index].Value != nil) &&
			!r.inRange[[2]types.Object{r.uses(n.X), r.uses(n.Index)}]
	case *ast.SliceExpr:
		r.checked[n] = r.indexable(n.X) != nil && r.pure(n.X) &&
			(n.Low == nil || r.integer(n.Low)) &&
			(n.High == nil || r.integer(n.High) && r.pure(n.High)) &&
			(n.Max == nil || r.integer(n.Max) && r.pure(n.Max))
	}
	switch n := c.Node().(type) {
	case *ast.CaseClause, *ast.CommClause:
	case ast.Stmt:
		if c.Index() >= 0 {
			line := r.fset.Position(n.Pos()).Line
			c.InsertBefore(&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent(lineVar)}, Tok: token.ASSIGN, Rhs: []ast.Expr{intLit(line)}})
		}
	}
	return true
}

// post rewrites what pre decided, and each function's body, go statement
// and call of recover(), once what is in them is rewritten.
func (r *rewriter) post(c *astutil.Cursor) bool {
	switch n := c.Node().(type) {
	case *ast.FuncDecl:
		r.function(n.Type, n.Recv, n.Body)
	case *ast.FuncLit:
		r.function(n.Type, nil, n.Body)
	case *ast.IndexExpr:
		if r.checked[n] {
			n.Index = call(selector("Index"), r.asInt(n.Index), call(ast.NewIdent("len"), n.X))
		}
	case *ast.SliceExpr:
		if r.checked[n] {
			n.Low = r.sliceCheck(n)
		}
	case *ast.GoStmt:
		if s := r.goCall(n); s != nil {
			c.Replace(s)
		}
	case *ast.CallExpr:
		// recover() becomes _nbRecovered(recover()), which the deferred
		// function still calls itself, as recover must be.
		if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "recover" && len(n.Args) == 0 && r.builtin(id) {
			c.Replace(call(ast.NewIdent(recoveredFunc), n))
		}
	}
	return true
}

// function ends the walk of a function: it starts the body with its line
// and a deferred closure that adds it to the trace of a panic that leaves
// it. That must be a closure: yaegi's recover answers for the function a
// closure is in, not for the one that defers a named function.
func (r *rewriter) function(typ *ast.FuncType, recv *ast.FieldList, body *ast.BlockStmt) {
	fn := r.funcs[len(r.funcs)-1]
	r.funcs = r.funcs[:len(r.funcs)-1]
	if body == nil {
		return
	}
	frame := fn.name + "()"
	if typ.Params != nil && len(typ.Params.List) > 0 || recv != nil {
		frame = fn.name + "(...)"
	}
	src := fmt.Sprintf(`package p

func _() {
	var %[1]s int
	defer func() {
		if r := recover(); r != nil {
			panic(%[2]s.Frame(r, %[3]q, %[1]s))
		}
	}()
}
`, lineVar, pkgName, frame)
	head := parse(r.fset, src).Decls[0].(*ast.FuncDecl).Body.List
	body.List = append(head, body.List...)
}

// funcName is the name Go's traces give a function or method.
func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return "main." + d.Name.Name
	}
	t, format := d.Recv.List[0].Type, "main.%s.%s"
	if s, ok := t.(*ast.StarExpr); ok {
		t, format = s.X, "main.(*%s).%s"
	}
	if x, ok := t.(*ast.IndexExpr); ok { // a generic type's method
		t = x.X
	} else if x, ok := t.(*ast.IndexListExpr); ok {
		t = x.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return fmt.Sprintf(format, id.Name, d.Name.Name)
	}
	return "main." + d.Name.Name
}

// rangeIndex adds x and k to inRange for the loop for k := range x (or
// k, v) where x is a variable of a slice, array or string type, if the
// body of the loop assigns neither nor takes the address of either.
func (r *rewriter) rangeIndex(s *ast.RangeStmt) {
	k, ok := s.Key.(*ast.Ident)
	if !ok || s.Tok != token.DEFINE || r.indexable(s.X) == nil {
		return
	}
	pair := [2]types.Object{r.uses(s.X), r.info.Defs[k]}
	if pair[0] == nil || pair[1] == nil {
		return
	}
	changed := false
	ast.Inspect(s.Body, func(n ast.Node) bool {
		var targets []ast.Expr
		switch n := n.(type) {
		case *ast.AssignStmt:
			targets = n.Lhs
		case *ast.IncDecStmt:
			targets = []ast.Expr{n.X}
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				targets = []ast.Expr{n.X}
			}
		case *ast.RangeStmt:
			targets = []ast.Expr{n.Key, n.Value}
		}
		for _, t := range targets {
			if o := r.uses(t); o != nil && (o == pair[0] || o == pair[1]) {
				changed = true
			}
		}
		return !changed
	})
	r.inRange[pair] = !changed
}

// uses returns the variable x names, if x is a name.
func (r *rewriter) uses(x ast.Expr) types.Object {
	if id, ok := x.(*ast.Ident); ok {
		return r.info.Uses[id]
	}
	return nil
}

// goCall returns go f(x) as the call _nb.Go(creator, line, spread, f, x),
// which evaluates f and x where the go statement did and starts f on a
// goroutine of the Tracker's; or nil for a builtin or a generic function,
// which cannot be passed as values.
func (r *rewriter) goCall(g *ast.GoStmt) ast.Stmt {
	fun := g.Call.Fun
	if id, ok := ast.Unparen(fun).(*ast.Ident); ok && r.builtin(id) {
		return nil
	}
	if tv, ok := r.info.Types[fun]; ok {
		if sig, ok := tv.Type.(*types.Signature); !ok || sig.TypeParams() != nil {
			return nil
		}
	} else if _, ok := fun.(*ast.IndexExpr); ok {
		return nil // perhaps an instantiation the check could not see
	}
	creator := &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(r.funcs[len(r.funcs)-1].name)}
	spread := ast.NewIdent(strconv.FormatBool(g.Call.Ellipsis.IsValid()))
	args := append([]ast.Expr{creator, ast.NewIdent(lineVar), spread, fun}, g.Call.Args...)
	return &ast.ExprStmt{X: &ast.CallExpr{Fun: selector("Go"), Lparen: g.Call.Lparen, Args: args, Rparen: g.Call.Rparen}}
}

// sliceCheck returns, for x[lo:hi:max], the call
//
//	_nb.Slice(int(lo), int(hi), int(max), len(x), cap(x), three, byLen)
//
// with 0 for a missing lo, len(x) for a missing hi and cap(x) for a
// missing max (len(x) for a string), which checks them and returns lo.
func (r *rewriter) sliceCheck(n *ast.SliceExpr) ast.Expr {
	t := r.indexable(n.X)
	_, isSlice := t.(*types.Slice)
	length := call(ast.NewIdent("len"), n.X)
	capacity := call(ast.NewIdent("cap"), n.X)
	if _, ok := t.(*types.Basic); ok {
		capacity = length
	}
	bound := func(x ast.Expr, missing ast.Expr) ast.Expr {
		if x == nil {
			return missing
		}
		return r.asInt(x)
	}
	return call(selector("Slice"), bound(n.Low, intLit(0)), bound(n.High, length), bound(n.Max, capacity), length, capacity,
		ast.NewIdent(strconv.FormatBool(n.Slice3)), ast.NewIdent(strconv.FormatBool(!isSlice)))
}

// indexable returns the type of x if it is a slice, an array or a string
// (the array's, for a pointer to one), or else nil.
func (r *rewriter) indexable(x ast.Expr) types.Type {
	tv := r.info.Types[x]
	if tv.Type == nil {
		return nil
	}
	t := tv.Type.Underlying()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem().Underlying()
		if _, ok := t.(*types.Array); !ok {
			return nil
		}
	}
	switch t := t.(type) {
	case *types.Slice, *types.Array:
		return t
	case *types.Basic:
		if t.Info()&types.IsString != 0 {
			return t
		}
	}
	return nil
}

// integer reports whether x is of an integer type, or a constant.
func (r *rewriter) integer(x ast.Expr) bool {
	tv := r.info.Types[x]
	if tv.Value != nil {
		return true
	}
	if tv.Type == nil {
		return false
	}
	b, ok := tv.Type.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// asInt returns x, an integer, as an int.
func (r *rewriter) asInt(x ast.Expr) ast.Expr {
	if tv := r.info.Types[x]; tv.Value != nil || types.Identical(tv.Type, types.Typ[types.Int]) {
		return x
	}
	return call(ast.NewIdent("int"), x)
}

// pure reports whether evaluating x twice gives the same value and does
// nothing else: names, constants, fields, indexes, operators (but <-),
// conversions, len and cap of such.
func (r *rewriter) pure(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return r.pure(x.X)
	case *ast.SelectorExpr:
		return r.pure(x.X)
	case *ast.IndexExpr:
		return r.pure(x.X) && r.pure(x.Index)
	case *ast.StarExpr:
		return r.pure(x.X)
	case *ast.UnaryExpr:
		return x.Op != token.ARROW && r.pure(x.X)
	case *ast.BinaryExpr:
		return r.pure(x.X) && r.pure(x.Y)
	case *ast.CallExpr:
		id, ok := x.Fun.(*ast.Ident)
		if ok && (id.Name == "len" || id.Name == "cap") && r.builtin(id) || r.info.Types[x.Fun].IsType() {
			for _, a := range x.Args {
				if !r.pure(a) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// builtin reports whether id is one of Go's builtin functions.
func (r *rewriter) builtin(id *ast.Ident) bool {
	_, ok := r.info.Uses[id].(*types.Builtin)
	return ok
}

// selector returns _nb.name.
func selector(name string) *ast.SelectorExpr {
	return &ast.SelectorExpr{X: ast.NewIdent(pkgName), Sel: ast.NewIdent(name)}
}

// call returns the call fun(args...).
func call(fun ast.Expr, args ...ast.Expr) *ast.CallExpr {
	return &ast.CallExpr{Fun: fun, Args: args}
}

// intLit returns the literal n.
func intLit(n int) *ast.BasicLit {
	return &ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(n)}
}
