// Package mutate makes small wrong versions of a Go program, its mutants,
// from the program's syntax tree, for mutation testing: a test that a
// mutant passes does not check what the mutated code does.
//
// Each operator changes one place of the source and nothing else, so a
// mutant keeps the original's line numbers:
//
//	delete     removes a statement that does something by itself: a call,
//	           an assignment to existing variables (=, +=, ...), ++ or --,
//	           a send, a go or defer statement
//	empty      empties the body of a for or range loop
//	inline     runs a goroutine's work in place: go f(x) becomes f(x), and
//	           wg.Go(f) becomes f()
//	negate     negates the condition of an if or a for: c becomes !(c)
//	boundary   moves a comparison's boundary: < and <=, > and >= swap
//	constant   changes a number: 0 becomes 1, any other becomes 0
//	zero       replaces the result of a call of a bool, number, string or
//	           error by its zero value: false, 0, "" or nil
//
// Numbers in constant declarations at the top of a file are changed too;
// those in import paths, array lengths and struct tags are not, nor the
// size hints of make. The body of an if err != nil, which handles a failure
// that no run of a working program reaches, is left alone; its condition
// is negated like any other. A mutant
// that does not compile is of no use but costs nothing to try; the runner
// reports it as such.
package mutate

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
)

// A Mutant is a program with one change.
type Mutant struct {
	File string // the changed file's name, as given to Generate
	Line int    // the line where the change starts
	Op   string // the operator: "delete", "empty", ...
	// Old and New are the changed text, before and after. Start and End
	// are Old's byte offsets in the file.
	Old, New   string
	Start, End int
	// Before and After are the whole lines the change touches.
	Before, After string
}

// Name says what the mutant changes, in one line and without its line
// number, so that it stays the same when lines move:
// "boundary: if a < b { → if a <= b {". snippet.yaml acknowledges an
// equivalent mutant by its name.
func (m *Mutant) Name() string {
	switch m.Op {
	case "delete":
		return m.Op + ": " + squeeze(m.Old)
	case "empty":
		head, _, _ := strings.Cut(m.Before, "\n")
		return m.Op + ": " + squeeze(head)
	}
	return m.Op + ": " + squeeze(m.Before) + " → " + squeeze(m.After)
}

// Apply returns src with the mutant's change.
func (m *Mutant) Apply(src []byte) []byte {
	return slices.Concat(src[:m.Start], []byte(m.New), src[m.End:])
}

// Diff shows the change as the lines it touches, before ("-") and after
// ("+"), each line indented by a tab; a long change shows its first lines.
func (m *Mutant) Diff() string {
	var b strings.Builder
	write := func(prefix, text string) {
		lines := strings.Split(text, "\n")
		for i, l := range lines {
			if i == 6 && len(lines) > 7 {
				fmt.Fprintf(&b, "\t%s\t... (%d more lines)\n", prefix, len(lines)-i)
				break
			}
			fmt.Fprintf(&b, "\t%s%s\n", prefix, l)
		}
	}
	write("-", m.Before)
	if m.After != "" || m.Op != "delete" {
		write("+", m.After)
	}
	return b.String()
}

// squeeze is text on one line, its spaces squeezed, at most 100
// characters.
func squeeze(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 100 {
		return string(r[:99]) + "…"
	}
	return text
}

// Generate returns the mutants of the Go file src, one for each place
// and operator, in the order of their places. The other files of the
// package, if any, help to work out types. A file that does not parse is
// an error.
func Generate(name string, src []byte, others map[string][]byte) ([]Mutant, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	info := typesOf(fset, f, others)
	g := &generator{fset: fset, file: name, src: src, info: info, defines: map[*ast.CallExpr]bool{}}
	ast.Inspect(f, g.visit)
	slices.SortStableFunc(g.mutants, func(a, b Mutant) int { return a.Start - b.Start })
	return g.mutants, nil
}

// typesOf type-checks the package of f and the other files, as far as it
// can: the zero operator needs the types of calls, and makes no mutant of
// a call whose type is unknown.
func typesOf(fset *token.FileSet, f *ast.File, others map[string][]byte) *types.Info {
	files := []*ast.File{f}
	for name, src := range others {
		if o, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution); err == nil {
			files = append(files, o)
		}
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil), Error: func(error) {}}
	conf.Check("main", fset, files, info)
	return info
}

type generator struct {
	fset    *token.FileSet
	file    string
	src     []byte
	info    *types.Info
	defines map[*ast.CallExpr]bool // calls that declare variables with :=
	mutants []Mutant
}

// add records a mutant that replaces the text of n (or of [pos, end)) by
// repl.
func (g *generator) add(op string, pos, end token.Pos, repl string) {
	start, stop := g.fset.Position(pos).Offset, g.fset.Position(end).Offset
	first := strings.LastIndexByte(string(g.src[:start]), '\n') + 1
	last := stop + strings.IndexByte(string(g.src[stop:])+"\n", '\n')
	g.mutants = append(g.mutants, Mutant{
		File: g.file, Line: g.fset.Position(pos).Line, Op: op,
		Old: string(g.src[start:stop]), New: repl, Start: start, End: stop,
		Before: string(g.src[first:last]),
		After:  string(g.src[first:start]) + repl + string(g.src[stop:last]),
	})
}

func (g *generator) text(n ast.Node) string {
	return string(g.src[g.fset.Position(n.Pos()).Offset:g.fset.Position(n.End()).Offset])
}

func (g *generator) visit(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.ImportSpec, *ast.ArrayType, *ast.Field:
		return false // paths, lengths and tags are not behaviour
	case *ast.BlockStmt:
		g.deletions(n.List)
	case *ast.CaseClause:
		g.deletions(n.Body)
	case *ast.ForStmt:
		g.emptyBody(n.Body)
		if n.Cond != nil {
			g.add("negate", n.Cond.Pos(), n.Cond.End(), "!("+g.text(n.Cond)+")")
		}
	case *ast.RangeStmt:
		g.emptyBody(n.Body)
	case *ast.IfStmt:
		g.add("negate", n.Cond.Pos(), n.Cond.End(), "!("+g.text(n.Cond)+")")
		if isErrCheck(n.Cond) {
			// What only handles a failure no run of a working program
			// reaches: its init, condition and else still count.
			for _, part := range []ast.Node{n.Init, n.Cond, n.Else} {
				if part != nil {
					ast.Inspect(part, g.visit)
				}
			}
			return false
		}
	case *ast.GoStmt:
		g.add("inline", n.Pos(), n.End(), g.text(n.Call))
	case *ast.CallExpr:
		if fun, ok := n.Fun.(*ast.Ident); ok && fun.Name == "make" {
			// A size hint changes no behaviour: only the type counts.
			ast.Inspect(n.Args[0], g.visit)
			return false
		}
		if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Go" && len(n.Args) == 1 {
			if _, ok := n.Args[0].(*ast.FuncLit); ok {
				g.add("inline", n.Pos(), n.End(), "("+g.text(n.Args[0])+")()")
			}
		}
		if zero := g.zero(n); zero != "" && !(zero == "nil" && g.defines[n]) {
			g.add("zero", n.Pos(), n.End(), zero)
		}
	case *ast.BinaryExpr:
		swap := map[token.Token]string{token.LSS: "<=", token.LEQ: "<", token.GTR: ">=", token.GEQ: ">"}
		if op, ok := swap[n.Op]; ok {
			g.add("boundary", n.OpPos, n.OpPos+token.Pos(len(n.Op.String())), op)
		}
	case *ast.AssignStmt:
		if n.Tok == token.DEFINE {
			for _, rhs := range n.Rhs {
				if call, ok := rhs.(*ast.CallExpr); ok {
					g.defines[call] = true // x := nil does not compile
				}
			}
		}
	case *ast.BasicLit:
		if n.Kind == token.INT || n.Kind == token.FLOAT {
			repl := "0"
			if constant.Sign(constant.MakeFromLiteral(n.Value, n.Kind, 0)) == 0 {
				repl = "1"
			}
			g.add("constant", n.Pos(), n.End(), repl)
		}
	}
	return true
}

// deletions adds a mutant that deletes each statement of list that does
// something by itself and that the program compiles without: not a
// declaration (:=, var), a return, a branch or a block.
func (g *generator) deletions(list []ast.Stmt) {
	for _, s := range list {
		switch x := s.(type) {
		case *ast.AssignStmt:
			if x.Tok == token.DEFINE {
				continue
			}
		case *ast.ExprStmt, *ast.IncDecStmt, *ast.SendStmt, *ast.GoStmt, *ast.DeferStmt:
		default:
			continue
		}
		g.add("delete", s.Pos(), s.End(), "")
	}
}

// emptyBody adds the mutant that empties a loop's body, if it has one.
func (g *generator) emptyBody(body *ast.BlockStmt) {
	if len(body.List) > 0 {
		g.add("empty", body.Lbrace+1, body.Rbrace, "")
	}
}

// zero returns the zero value that replaces the result of call, or "" if
// the call has no such result or its type is unknown. A call used as a
// statement, or whose result is a constant, is left alone.
func (g *generator) zero(call *ast.CallExpr) string {
	tv, ok := g.info.Types[call]
	if !ok || tv.Value != nil || !tv.IsValue() {
		return ""
	}
	if types.Identical(tv.Type, types.Universe.Lookup("error").Type()) {
		return "nil"
	}
	b, ok := tv.Type.(*types.Basic)
	if !ok {
		return ""
	}
	switch {
	case b.Info()&types.IsBoolean != 0:
		return "false"
	case b.Info()&types.IsString != 0:
		return `""`
	case b.Info()&types.IsNumeric != 0:
		return "0"
	}
	return ""
}

// isErrCheck reports whether cond is err != nil, for any name of the
// error.
func isErrCheck(cond ast.Expr) bool {
	b, ok := cond.(*ast.BinaryExpr)
	if !ok || b.Op != token.NEQ {
		return false
	}
	x, ok := b.X.(*ast.Ident)
	y, ok2 := b.Y.(*ast.Ident)
	return ok && ok2 && y.Name == "nil" && strings.HasSuffix(strings.ToLower(x.Name), "err")
}
