// Package golike makes a Go program that yaegi interprets in the browser
// fail as the same program compiled by Go fails.
//
// yaegi runs most programs as Go does; where they go wrong, it speaks of
// itself: an import it lacks is "unable to find source related to", a
// panic is placed at the first statement of the function it left, an
// index out of range is reflect's, and a panic on another goroutine
// prints the interpreter's own goroutines. Prepare and a Tracker make it
// speak Go:
//
//   - a program that does not parse, or that imports a package the
//     browser lacks, is not run, and each problem is one line that names
//     the file, line and column ("main.go:3:8: os is not available in the
//     browser; ...");
//   - a panic that ends the program prints, as Go does, "panic: " and its
//     value, then the goroutine that panicked, with each function it left
//     and the line it was at, innermost first, and exits with status 2;
//     on another goroutine than main's, it also says where that goroutine
//     was started;
//   - an index or slice out of range prints Go's own message ("panic:
//     runtime error: index out of range [5] with length 3"), wherever the
//     type of what is indexed is known from the program alone; an index
//     out of range elsewhere, and a nil pointer dereference, print Go's
//     message without the numbers.
//
// To do so Prepare rewrites the program, keeping the position of every
// node of the original, so that yaegi's own compile errors name the
// reader's lines: each function records the line of the statement it is
// at, and a deferred function of its own adds the function and that line
// to the trace of a panic that leaves it; a panic that a program recovers
// drops what it had added. A statement that indexes a slice, an array or
// a string first checks the index, and a go statement starts its function
// through the Tracker, which catches a panic that would end the program
// there. A function costs a deferred call more, and a statement a
// variable's assignment.
package golike

import (
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// Name is the name of a program's one file, as errors and traces name it.
const Name = "main.go"

// Path is the import path through which a rewritten program reaches the
// Tracker's functions (see Tracker.Exports).
const Path = "notebook.internal/golike"

// The names the rewritten program adds: the Tracker's package, and each
// function's line.
const (
	pkgName = "_nb"
	lineVar = "_nbL"
)

// maxErrors is how many problems Prepare reports, as the go command does.
const maxErrors = 10

// Errors are the problems that keep a program from running, one a line.
type Errors []string

func (e Errors) Error() string { return strings.Join(e, "\n") }

// Prepare parses src, a program's one file, into fset under Name, checks
// that it imports only packages the browser has (has reports whether it
// does), and returns the program rewritten to report its panics as Go does
// (see the package doc), for yaegi's CompileAST. A program that does not
// parse or imports what the browser lacks gives Errors.
func Prepare(fset *token.FileSet, src string, has func(importPath string) bool) (*ast.File, error) {
	f, err := parser.ParseFile(fset, Name, src, parser.AllErrors|parser.SkipObjectResolution)
	if err != nil {
		var list scanner.ErrorList
		if !errors.As(err, &list) {
			return nil, Errors{err.Error()}
		}
		var errs Errors
		for i, e := range list {
			if i == maxErrors {
				errs = append(errs, "too many errors")
				break
			}
			errs = append(errs, e.Error())
		}
		return nil, errs
	}
	var errs Errors
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err == nil && p == Path || err == nil && has(p) {
			continue
		}
		errs = append(errs, fmt.Sprintf("%s: %s is not available in the browser; a program that imports it runs only when the site is built", fset.Position(imp.Path.Pos()), imp.Path.Value[1:len(imp.Path.Value)-1]))
	}
	if errs != nil {
		return nil, errs
	}
	// Types tell a slice's index from a map's key. The program is checked
	// alone: what comes from imported packages has no known type, and is
	// left as it is.
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}}
	conf := types.Config{Error: func(error) {}}
	conf.Check("main", fset, []*ast.File{f}, info)
	in := &instrumenter{fset: fset, info: info}
	if err := in.file(f); err != nil {
		return nil, err
	}
	helper, err := parser.ParseFile(fset, "golike.go", helpers, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	f.Decls = append(f.Decls, helper.Decls...)
	return f, nil
}

// recoveredFunc is what the program calls recover() through, and
// catchFunc what each function defers: see helpers.
const (
	recoveredFunc = "_nbRecovered"
	catchFunc     = "_nbCatch"
)

// helpers are added to every program: catchFunc adds a function, at the
// line it was at, to the trace of the panic r that leaves it, and panics
// on; recoveredFunc drops the trace of a panic the program recovered, and
// makes one of yaegi's from reflect the run-time error Go would have
// raised (see Tracker.Recover). The values stay in interpreted code,
// which keeps what yaegi knows of the program's own types.
var helpers = `package main

func ` + catchFunc + `(r any, frame string, line int) {
	` + pkgName + `.Frame(frame, line)
	panic(r)
}

func ` + recoveredFunc + `(v any) any {
	if v != nil {
		if e, ok := ` + pkgName + `.Recover(v); ok {
			return e
		}
	}
	return v
}
`

// An instrumenter rewrites one program (see Prepare).
type instrumenter struct {
	fset *token.FileSet
	info *types.Info
	fn   string // the function whose statements are being rewritten
	// inRange holds, while the body of a loop for k := range x is
	// rewritten, x and k, if the body assigns neither: x[k] is in range.
	inRange map[[2]types.Object]bool
}

// file rewrites every function of f, and adds the import of Path.
func (in *instrumenter) file(f *ast.File) error {
	imp := &ast.ImportSpec{Name: ast.NewIdent(pkgName), Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(Path)}}
	f.Decls = append([]ast.Decl{&ast.GenDecl{Tok: token.IMPORT, Specs: []ast.Spec{imp}}}, f.Decls...)
	f.Imports = append(f.Imports, imp)
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body != nil {
				if err := in.function(funcName(d), false, d.Type, d.Recv, d.Body); err != nil {
					return err
				}
			}
		case *ast.GenDecl:
			// Function literals in package-level declarations: Go names
			// them main.glob..func1 and so on.
			n := 0
			for _, s := range d.Specs {
				if err := in.literals("main.glob..func", &n, s); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// funcName is the name Go's traces give a function or method.
func funcName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return "main." + d.Name.Name
	}
	t := d.Recv.List[0].Type
	if ix, ok := t.(*ast.IndexExpr); ok { // a generic type's method
		t = ix.X
	} else if ix, ok := t.(*ast.IndexListExpr); ok {
		t = ix.X
	}
	if star, ok := t.(*ast.StarExpr); ok {
		x := star.X
		if ix, ok := x.(*ast.IndexExpr); ok {
			x = ix.X
		} else if ix, ok := x.(*ast.IndexListExpr); ok {
			x = ix.X
		}
		if id, ok := x.(*ast.Ident); ok {
			return "main.(*" + id.Name + ")." + d.Name.Name
		}
	}
	if id, ok := t.(*ast.Ident); ok {
		return "main." + id.Name + "." + d.Name.Name
	}
	return "main." + d.Name.Name
}

// literals rewrites the function literals in n, not those inside them,
// naming each prefix and a number counted by count.
func (in *instrumenter) literals(prefix string, count *int, n ast.Node) error {
	var err error
	ast.Inspect(n, func(n ast.Node) bool {
		lit, ok := n.(*ast.FuncLit)
		if !ok || err != nil {
			return err == nil
		}
		*count++
		err = in.function(prefix+strconv.Itoa(*count), true, lit.Type, nil, lit.Body)
		return false
	})
	return err
}

// function rewrites a function's body: its literals first, then its
// statements (see stmts), and then it adds, before them, its line and its
// deferred function (see frameDefer). Closures are named after the
// function they are in, as Go names them: main.main.func1 in a function,
// main.main.func1.1 in a closure.
func (in *instrumenter) function(name string, closure bool, typ *ast.FuncType, recv *ast.FieldList, body *ast.BlockStmt) error {
	count := 0
	prefix := name + ".func"
	if closure {
		prefix = name + "."
	}
	if err := in.literals(prefix, &count, body); err != nil {
		return err
	}
	in.fn = name
	in.rewriteRecover(body)
	body.List = in.stmts(body.List)
	frame := name + "()"
	if typ.Params != nil && len(typ.Params.List) > 0 || recv != nil {
		frame = name + "(...)"
	}
	head, err := in.frameDefer(frame)
	if err != nil {
		return err
	}
	body.List = append(head, body.List...)
	return nil
}

// frameDefer returns the statements that start a function named frame:
// its line, and the deferred closure that adds it to the trace of a panic
// that leaves it (see catchFunc). It must be a closure: yaegi's recover
// answers for the function a closure is in, not for the one that defers
// a named function.
func (in *instrumenter) frameDefer(frame string) ([]ast.Stmt, error) {
	src := fmt.Sprintf(`package p

func _() {
	var %[1]s int
	defer func() {
		if r := recover(); r != nil {
			%[2]s(r, %[3]q, %[1]s)
		}
	}()
}
`, lineVar, catchFunc, frame)
	f, err := parser.ParseFile(in.fset, "golike.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	return f.Decls[0].(*ast.FuncDecl).Body.List, nil
}

// rewriteRecover rewrites, in a function's own code (not in its closures,
// which have been rewritten already), each call of recover() as
// _nbRecovered(recover()), which is still called by the deferred function
// itself, as recover must be (see recovered).
func (in *instrumenter) rewriteRecover(body *ast.BlockStmt) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "recover" && len(n.Args) == 0 && in.builtin(id) {
				inner := &ast.CallExpr{Fun: id, Lparen: n.Lparen, Rparen: n.Rparen}
				n.Fun = ast.NewIdent(recoveredFunc)
				n.Args = []ast.Expr{inner}
				return false
			}
		}
		return true
	})
}

// builtin reports whether id is one of Go's builtin functions.
func (in *instrumenter) builtin(id *ast.Ident) bool {
	_, ok := in.info.Uses[id].(*types.Builtin)
	return ok
}

// selector returns _nb.name.
func selector(name string) *ast.SelectorExpr {
	return &ast.SelectorExpr{X: ast.NewIdent(pkgName), Sel: ast.NewIdent(name)}
}

// stmts rewrites a list of statements: before each, the assignment of
// its line and the checks of its indexes (see checks); each go statement
// through the Tracker; and every list of statements inside each.
func (in *instrumenter) stmts(list []ast.Stmt) []ast.Stmt {
	out := make([]ast.Stmt, 0, 2*len(list))
	for _, s := range list {
		line := in.fset.Position(s.Pos()).Line
		out = append(out, &ast.AssignStmt{
			Lhs: []ast.Expr{ast.NewIdent(lineVar)},
			Tok: token.ASSIGN,
			Rhs: []ast.Expr{&ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(line)}},
		})
		inner := s
		for {
			l, ok := inner.(*ast.LabeledStmt)
			if !ok {
				break
			}
			inner = l.Stmt
		}
		out = append(out, in.checks(inner)...)
		if g, ok := inner.(*ast.GoStmt); ok {
			if call := in.goCall(g, line); call != nil {
				s = call
			}
		}
		in.nested(inner)
		out = append(out, s)
	}
	return out
}

// nested rewrites the lists of statements inside s.
func (in *instrumenter) nested(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.BlockStmt:
		s.List = in.stmts(s.List)
	case *ast.IfStmt:
		in.nested(s.Body)
		if s.Else != nil {
			in.nested(s.Else)
		}
	case *ast.ForStmt:
		in.nested(s.Body)
	case *ast.RangeStmt:
		if pair, ok := in.rangeIndex(s); ok {
			if in.inRange == nil {
				in.inRange = map[[2]types.Object]bool{}
			}
			in.inRange[pair] = true
			defer delete(in.inRange, pair)
		}
		in.nested(s.Body)
	case *ast.SwitchStmt:
		in.nested(s.Body)
	case *ast.TypeSwitchStmt:
		in.nested(s.Body)
	case *ast.SelectStmt:
		in.nested(s.Body)
	case *ast.CaseClause:
		s.Body = in.stmts(s.Body)
	case *ast.CommClause:
		s.Body = in.stmts(s.Body)
	case *ast.LabeledStmt:
		in.nested(s.Stmt)
	}
}

// rangeIndex returns, for the loop for k := range x (or k, v), where x
// is a variable of a slice, array or string type, x and k, if the body
// of the loop assigns neither nor takes the address of either.
func (in *instrumenter) rangeIndex(s *ast.RangeStmt) ([2]types.Object, bool) {
	x, ok1 := s.X.(*ast.Ident)
	k, ok2 := s.Key.(*ast.Ident)
	if !ok1 || !ok2 || s.Tok != token.DEFINE {
		return [2]types.Object{}, false
	}
	if ok, _ := in.indexable(x); !ok {
		return [2]types.Object{}, false
	}
	pair := [2]types.Object{in.info.Uses[x], in.info.Defs[k]}
	if pair[0] == nil || pair[1] == nil {
		return pair, false
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
			if id, ok := t.(*ast.Ident); ok && (in.info.Uses[id] == pair[0] || in.info.Uses[id] == pair[1]) {
				changed = true
			}
		}
		return !changed
	})
	return pair, !changed
}

// goCall returns go f(x) as the call _nb.Go(creator, line, f, x), which
// evaluates f and x where the go statement did and starts f on a
// goroutine of the Tracker's; or nil for a builtin or a generic function,
// which cannot be passed as values.
func (in *instrumenter) goCall(g *ast.GoStmt, line int) ast.Stmt {
	fun := g.Call.Fun
	if id, ok := ast.Unparen(fun).(*ast.Ident); ok && in.builtin(id) {
		return nil
	}
	if tv, ok := in.info.Types[fun]; ok {
		sig, isSig := tv.Type.(*types.Signature)
		if !isSig || sig.TypeParams() != nil {
			return nil
		}
	} else if _, ok := fun.(*ast.IndexExpr); ok {
		return nil // perhaps an instantiation the check could not see
	}
	name := "Go"
	if g.Call.Ellipsis.IsValid() {
		name = "GoSpread"
	}
	args := append([]ast.Expr{
		&ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(in.fn)},
		&ast.BasicLit{Kind: token.INT, Value: strconv.Itoa(line)},
		fun,
	}, g.Call.Args...)
	return &ast.ExprStmt{X: &ast.CallExpr{Fun: selector(name), Lparen: g.Call.Lparen, Args: args, Rparen: g.Call.Rparen}}
}

// checks returns the statements that check, before s runs, each index of
// a slice, array or string that s evaluates whatever happens, and each
// slicing of one (see indexCheck and sliceCheck): the expressions s
// evaluates once, before anything else it does, but not the right-hand
// side of && and ||, nor what is in function literals. An index the
// checks do not reach panics as yaegi makes it.
func (in *instrumenter) checks(s ast.Stmt) []ast.Stmt {
	var exprs []ast.Expr
	switch s := s.(type) {
	case *ast.ExprStmt:
		exprs = []ast.Expr{s.X}
	case *ast.AssignStmt:
		exprs = append(append(exprs, s.Rhs...), s.Lhs...)
	case *ast.IncDecStmt:
		exprs = []ast.Expr{s.X}
	case *ast.SendStmt:
		exprs = []ast.Expr{s.Chan, s.Value}
	case *ast.ReturnStmt:
		exprs = s.Results
	case *ast.DeclStmt:
		if g, ok := s.Decl.(*ast.GenDecl); ok {
			for _, spec := range g.Specs {
				if v, ok := spec.(*ast.ValueSpec); ok {
					exprs = append(exprs, v.Values...)
				}
			}
		}
	case *ast.GoStmt:
		exprs = append([]ast.Expr{s.Call.Fun}, s.Call.Args...)
	case *ast.DeferStmt:
		exprs = append([]ast.Expr{s.Call.Fun}, s.Call.Args...)
	case *ast.IfStmt:
		if s.Init == nil {
			exprs = []ast.Expr{s.Cond}
		}
	case *ast.SwitchStmt:
		if s.Init == nil && s.Tag != nil {
			exprs = []ast.Expr{s.Tag}
		}
	case *ast.RangeStmt:
		exprs = []ast.Expr{s.X}
	}
	var out []ast.Stmt
	for _, e := range exprs {
		in.collect(e, &out)
	}
	return out
}

// collect appends to out the checks of the indexes e evaluates whatever
// happens, those inside an index before the index itself.
func (in *instrumenter) collect(e ast.Expr, out *[]ast.Stmt) {
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BinaryExpr:
			if n.Op == token.LAND || n.Op == token.LOR {
				in.collect(n.X, out)
				return false
			}
		case *ast.IndexExpr:
			in.collect(n.X, out)
			in.collect(n.Index, out)
			if c := in.indexCheck(n); c != nil {
				*out = append(*out, c)
			}
			return false
		case *ast.SliceExpr:
			for _, x := range []ast.Expr{n.X, n.Low, n.High, n.Max} {
				if x != nil {
					in.collect(x, out)
				}
			}
			if c := in.sliceCheck(n); c != nil {
				*out = append(*out, c)
			}
			return false
		}
		return true
	})
}

// indexable reports whether x, by its type, is a slice, an array, a
// pointer to an array or a string, and whether its bound is its length
// rather than its capacity when sliced.
func (in *instrumenter) indexable(x ast.Expr) (ok, byLen bool) {
	tv, found := in.info.Types[x]
	if !found || tv.Type == nil {
		return false, false
	}
	switch t := tv.Type.Underlying().(type) {
	case *types.Slice:
		return true, false
	case *types.Array:
		return true, true
	case *types.Pointer:
		_, ok := t.Elem().Underlying().(*types.Array)
		return ok, true
	case *types.Basic:
		return t.Info()&types.IsString != 0, true
	}
	return false, false
}

// integer reports whether x is of an integer type, or a constant.
func (in *instrumenter) integer(x ast.Expr) bool {
	tv, ok := in.info.Types[x]
	if !ok || tv.Type == nil {
		return false
	}
	if tv.Value != nil {
		return true
	}
	b, ok := tv.Type.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// pure reports whether evaluating x twice gives the same value and does
// nothing else: names, constants, fields, indexes, operators (but <-),
// conversions, len and cap of such.
func (in *instrumenter) pure(x ast.Expr) bool {
	switch x := x.(type) {
	case nil:
		return true
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return in.pure(x.X)
	case *ast.SelectorExpr:
		return in.pure(x.X)
	case *ast.IndexExpr:
		return in.pure(x.X) && in.pure(x.Index)
	case *ast.StarExpr:
		return in.pure(x.X)
	case *ast.UnaryExpr:
		return x.Op != token.ARROW && in.pure(x.X)
	case *ast.BinaryExpr:
		return in.pure(x.X) && in.pure(x.Y)
	case *ast.CallExpr:
		tv := in.info.Types[x.Fun]
		if id, ok := x.Fun.(*ast.Ident); ok && (id.Name == "len" || id.Name == "cap") && in.builtin(id) || tv.IsType() {
			for _, a := range x.Args {
				if !in.pure(a) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// call returns the call fun(args...).
func call(fun ast.Expr, args ...ast.Expr) *ast.CallExpr {
	return &ast.CallExpr{Fun: fun, Args: args}
}

// indexCheck returns, for x[i] where x is a slice, an array or a string
// and both are pure, the statement
//
//	if _nbi, _nbn := int(i), len(x); _nbi < 0 || _nbi >= _nbn { _nb.Index(_nbi, _nbn) }
//
// or nil.
func (in *instrumenter) indexCheck(n *ast.IndexExpr) ast.Stmt {
	if ok, _ := in.indexable(n.X); !ok || !in.integer(n.Index) || !in.pure(n.X) || !in.pure(n.Index) {
		return nil
	}
	if x, ok := n.X.(*ast.Ident); ok {
		if k, ok := n.Index.(*ast.Ident); ok && in.inRange[[2]types.Object{in.info.Uses[x], in.info.Uses[k]}] {
			return nil
		}
	}
	index := n.Index
	if tv := in.info.Types[index]; !types.Identical(tv.Type, types.Typ[types.Int]) && (tv.Value == nil || tv.Value.Kind() != constant.Int) {
		index = call(ast.NewIdent("int"), index)
	}
	i, l := ast.NewIdent("_nbi"), ast.NewIdent("_nbn")
	return &ast.IfStmt{
		Init: &ast.AssignStmt{Lhs: []ast.Expr{i, l}, Tok: token.DEFINE, Rhs: []ast.Expr{index, call(ast.NewIdent("len"), n.X)}},
		Cond: &ast.BinaryExpr{
			X:  &ast.BinaryExpr{X: ast.NewIdent("_nbi"), Op: token.LSS, Y: &ast.BasicLit{Kind: token.INT, Value: "0"}},
			Op: token.LOR,
			Y:  &ast.BinaryExpr{X: ast.NewIdent("_nbi"), Op: token.GEQ, Y: ast.NewIdent("_nbn")},
		},
		Body: &ast.BlockStmt{List: []ast.Stmt{&ast.ExprStmt{X: call(selector("Index"), ast.NewIdent("_nbi"), ast.NewIdent("_nbn"))}}},
	}
}

// sliceCheck returns, for x[lo:hi:max] where x is a slice, an array or a
// string and all are pure, the statement
//
//	_nb.Slice(three, byLen, int(lo), int(hi), int(max), len(x), cap(x))
//
// with 0 for a missing lo, len(x) for a missing hi and cap(x) for a
// missing max (len(x) for a string); or nil.
func (in *instrumenter) sliceCheck(n *ast.SliceExpr) ast.Stmt {
	ok, byLen := in.indexable(n.X)
	if !ok || !in.pure(n.X) {
		return nil
	}
	for _, x := range []ast.Expr{n.Low, n.High, n.Max} {
		if x != nil && (!in.integer(x) || !in.pure(x)) {
			return nil
		}
	}
	str := false
	if tv := in.info.Types[n.X]; tv.Type != nil {
		if b, ok := tv.Type.Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
			str = true
		}
	}
	length := call(ast.NewIdent("len"), n.X)
	capacity := call(ast.NewIdent("cap"), n.X)
	if str {
		capacity = length
	}
	bound := func(x ast.Expr, missing ast.Expr) ast.Expr {
		if x == nil {
			return missing
		}
		return call(ast.NewIdent("int"), x)
	}
	return &ast.ExprStmt{X: call(selector("Slice"),
		ast.NewIdent(strconv.FormatBool(n.Slice3)), ast.NewIdent(strconv.FormatBool(byLen)),
		bound(n.Low, &ast.BasicLit{Kind: token.INT, Value: "0"}), bound(n.High, length), bound(n.Max, capacity),
		length, capacity)}
}
