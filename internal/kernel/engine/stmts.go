package engine

import (
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"log"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
)

// The interpreter mishandles some statements at the top level of a cell, where it runs them in a
// synthetic main function: a two-value := inside a block fails ("undefined: err"), and a function literal
// called as a statement runs again on later cells. Inside a named function both work. So a compound
// statement (if, for, switch, select, a block, go, defer, a labeled statement) and a call of a function
// literal without results run in a function of their own, declared for the purpose and called at once.
// Variables they declare are local to them in Go anyway.

// needsWrapping reports whether a top-level statement must run in a function of its own.
func needsWrapping(st ast.Stmt) bool {
	switch st := st.(type) {
	case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt,
		*ast.BlockStmt, *ast.GoStmt, *ast.DeferStmt, *ast.LabeledStmt:
		return true
	case *ast.AssignStmt:
		// v, ok = <-ch and the like, assigning variables that exist: at top level the interpreter can
		// assign the wrong variable (quirk comma-ok-assign).
		return st.Tok == token.ASSIGN && commaOKForm(st)
	case *ast.ExprStmt:
		call, ok := ast.Unparen(st.X).(*ast.CallExpr)
		if !ok {
			return false
		}
		lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit)
		return ok && lit.Type.Results.NumFields() == 0
	}
	return false
}

// runStmts evaluates top-level statements of a piece in order: runs of simple statements together, and each
// statement that needs it in a function of its own.
func (s *Session) runStmts(ctx context.Context, src string, p *cell.Piece, stmts []ast.Stmt) error {
	gotoRuns := gotoRuns(stmts)
	for i := 0; i < len(stmts); {
		st := stmts[i]
		line := p.FileSet.Position(st.Pos()).Line
		if end, ok := gotoRuns[i]; ok {
			// A goto and its label among the top-level statements: they run in one function.
			s.blocks++
			name := fmt.Sprintf("__golm_b%d", s.blocks)
			text := p.Src[p.Offset(st.Pos()):p.Offset(stmts[end].End())]
			if _, err := s.eval(ctx, src, pad(line-1)+"func "+name+"() {\n"+text+"\n}"); err != nil {
				return err
			}
			if _, err := s.eval(ctx, src, pad(line)+name+"()"); err != nil {
				return err
			}
			i = end + 1
			continue
		}
		if r, ok := st.(*ast.ReturnStmt); ok { // a return ends the cell (see body.go)
			if len(r.Results) > 0 {
				pos := p.FileSet.Position(r.Pos())
				return compileError(src, pos.Line, pos.Column, "too many return values: a cell's statements are a function without results")
			}
			return errReturned
		}
		if needsWrapping(st) {
			s.blocks++
			name := fmt.Sprintf("__golm_b%d", s.blocks)
			text := p.Text(st)
			returns := hasReturn(st)
			if returns {
				var err error
				if text, err = wrapReturns(src, p, st); err != nil {
					return err
				}
			}
			if _, err := s.eval(ctx, src, pad(line-1)+"func "+name+"() {\n"+text+"\n}"); err != nil {
				return err
			}
			if _, err := s.eval(ctx, src, pad(line)+name+"()"); err != nil {
				return err
			}
			if returns && s.returned {
				return errReturned
			}
			i++
			continue
		}
		if commaOK(st) {
			if err := s.runCommaOK(ctx, src, p, st); err != nil {
				return err
			}
			i++
			continue
		}
		j := i + 1
		for j < len(stmts) && !needsWrapping(stmts[j]) && !commaOK(stmts[j]) && !isReturn(stmts[j]) && !isRunStart(gotoRuns, j) {
			j++
		}
		text := p.Src[p.Offset(st.Pos()):p.Offset(stmts[j-1].End())]
		if _, err := s.eval(ctx, src, pad(line)+text); err != nil {
			if !definitionLoop(err) && !s.genericDefine(err, definedValues(stmts[i:j], nil)) {
				return err
			}
			// Nothing ran (the run failed to compile): go again one statement at a time, with types.
			if err := s.runTyped(ctx, src, p, stmts[i:j]); err != nil {
				return err
			}
		}
		i = j
	}
	return nil
}

// gotoRuns finds the runs of top-level statements that hold a label and a goto to it (retry: i++; if i <
// 3 { goto retry }), which the interpreter cannot join when they run apart: by the index of the first, the
// index of the last. A run that declares a variable at its top (which later statements would not see, run
// in a function) or returns is left out: golm then says the label is undefined, as before.
func gotoRuns(stmts []ast.Stmt) map[int]int {
	labels := map[string]int{}
	for i, st := range stmts {
		if l, ok := st.(*ast.LabeledStmt); ok {
			labels[l.Label.Name] = i
		}
	}
	if len(labels) == 0 {
		return nil
	}
	type run struct{ first, last int }
	var runs []run
	for i, st := range stmts {
		ast.Inspect(st, func(n ast.Node) bool {
			if b, ok := n.(*ast.BranchStmt); ok && b.Tok == token.GOTO && b.Label != nil {
				if at, ok := labels[b.Label.Name]; ok && at != i {
					runs = append(runs, run{min(at, i), max(at, i)})
				}
			}
			return true
		})
	}
	if len(runs) == 0 {
		return nil
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].first < runs[j].first })
	out := map[int]int{}
	cur := runs[0]
	flush := func() {
		for _, st := range stmts[cur.first : cur.last+1] {
			if isReturn(st) || hasReturn(st) {
				return
			}
			switch x := st.(type) {
			case *ast.AssignStmt:
				if x.Tok == token.DEFINE {
					return
				}
			case *ast.DeclStmt:
				return
			case *ast.LabeledStmt:
				if a, ok := x.Stmt.(*ast.AssignStmt); ok && a.Tok == token.DEFINE {
					return
				}
			}
		}
		out[cur.first] = cur.last
	}
	for _, r := range runs[1:] {
		if r.first <= cur.last {
			cur.last = max(cur.last, r.last)
			continue
		}
		flush()
		cur = r
	}
	flush()
	return out
}

// isRunStart reports whether statement i starts one of gotoRuns' runs.
func isRunStart(runs map[int]int, i int) bool {
	_, ok := runs[i]
	return ok
}

func isReturn(st ast.Stmt) bool {
	_, ok := st.(*ast.ReturnStmt)
	return ok
}

// srcEdit replaces src[start:end] of a cell's source with text.
type srcEdit struct {
	start, end int
	text       string
}

// applyEdits applies non-overlapping edits to src, the last first, so that earlier positions stay valid;
// edits at the same position are applied in the order given, each going before the one applied already.
func applyEdits(src string, edits []srcEdit) string {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	// Edits that do not overlap are written in one pass, last first in the order above (the prelude has
	// hundreds: copying the source once per edit was a sixth of a worker's start).
	var b strings.Builder
	b.Grow(len(src))
	end := len(src)
	for _, e := range edits {
		if e.end > end {
			return applyEach(src, edits)
		}
		end = e.start
	}
	cursor := 0
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		b.WriteString(src[cursor:e.start])
		b.WriteString(e.text)
		cursor = e.end
	}
	b.WriteString(src[cursor:])
	return b.String()
}

// applyEach applies edits one by one, in order, each to the result of the ones before.
func applyEach(src string, edits []srcEdit) string {
	for _, e := range edits {
		src = src[:e.start] + e.text + src[e.end:]
	}
	return src
}

// inspectPieces walks every declaration and statement of each piece of c with the visitor that visitor(p)
// returns for that piece (see ast.Inspect).
func inspectPieces(c *cell.Cell, visitor func(p *cell.Piece) func(ast.Node) bool) {
	for i := range c.Pieces {
		p := &c.Pieces[i]
		visit := visitor(p)
		for _, d := range p.Decls {
			ast.Inspect(d, visit)
		}
		for _, st := range p.Stmts {
			ast.Inspect(st, visit)
		}
	}
}

// rewriteRangeInts turns loops over an integer (for i := range 10, Go 1.22), which the interpreter cannot
// compile, into three-clause loops, wherever they are in the cell. The limit is evaluated once, as in Go.
// With an existing variable (for i = range n), the loop runs in a block that leaves i as Go does: not
// assigned when n <= 0, n-1 after the last iteration:
//
//	{ __golm_nN := n; if __golm_nN > 0 { L: for i = 0; i < __golm_nN; i++ { body }; if i == __golm_nN { i-- } } }
//
// (a constant n is used as written, so that it takes i's type).
func (s *Session) rewriteRangeInts(src string, c *cell.Cell) string {
	var edits []srcEdit
	n := 0
	done := map[*ast.RangeStmt]bool{}
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(node ast.Node) bool {
			var label *ast.LabeledStmt
			r, ok := node.(*ast.RangeStmt)
			if l, isLabel := node.(*ast.LabeledStmt); isLabel {
				label = l
				r, ok = l.Stmt.(*ast.RangeStmt)
			}
			if !ok || done[r] || r.Value != nil {
				return true
			}
			typ, isInt := s.intType(c, r.X, 0)
			if !isInt {
				return true
			}
			done[r] = true // not again as the labeled statement's child
			limit := p.Text(r.X)
			zero := "0" // the counter has the limit's type, as in Go (for i := range n with an int64 n)
			if typ != "" {
				zero = typ + "(0)"
			}
			var header string
			switch {
			case r.Key == nil:
				header = fmt.Sprintf("__golm_i, __golm_n := %s, %s; __golm_i < __golm_n; __golm_i++", zero, limit)
			case r.Tok == token.DEFINE:
				k := p.Text(r.Key)
				header = fmt.Sprintf("%s, __golm_n := %s, %s; %s < __golm_n; %s++", k, zero, limit, k, k)
			default:
				n++
				k := p.Text(r.Key)
				open, lim := "{ ", "("+limit+")"
				if !s.constExpr(c, r.X) {
					lim = fmt.Sprintf("__golm_n%d", n)
					open += lim + " := " + limit + "; "
				}
				open += "if " + lim + " > 0 { "
				start := r.For
				if label != nil {
					start = label.Pos()
					open += label.Label.Name + ": "
				}
				open += fmt.Sprintf("for %s = 0; %s < %s; %s++ {", k, k, lim, k)
				edits = append(edits,
					srcEdit{start: p.Start + p.Offset(start), end: p.Start + p.Offset(r.Body.Lbrace) + 1, text: open},
					srcEdit{start: p.Start + p.Offset(r.Body.Rbrace), end: p.Start + p.Offset(r.Body.Rbrace) + 1,
						text: fmt.Sprintf("}; if %s == %s { %s-- } } }", k, lim, k)})
				return true
			}
			edits = append(edits, srcEdit{
				start: p.Start + p.Offset(r.For) + len("for"),
				end:   p.Start + p.Offset(r.Body.Lbrace),
				text:  " " + header + " ",
			})
			return true
		}
	})
	return applyEdits(src, edits)
}

// rewriteRecvConds turns a receive used as a condition (an operand of && or ||, the condition of an if or a
// for) into a comparison, <-ch == true, wherever it is in the cell: run with a context, the interpreter
// leaves such a receive's value stale when it has to wait (quirk recv-condition).
func (s *Session) rewriteRecvConds(src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		wrap := func(e ast.Expr) {
			if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				start, end := p.Start+p.Offset(u.Pos()), p.Start+p.Offset(u.End())
				edits = append(edits, srcEdit{start: start, end: start, text: "("}, srcEdit{start: end, end: end, text: " == true)"})
			}
		}
		return func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BinaryExpr:
				if n.Op == token.LAND || n.Op == token.LOR {
					wrap(n.X)
					wrap(n.Y)
				}
			case *ast.IfStmt:
				wrap(n.Cond)
			case *ast.ForStmt:
				if n.Cond != nil {
					wrap(n.Cond)
				}
			}
			return true
		}
	})
	return applyEdits(src, edits)
}

// rewriteReturnRecvs turns return <-ch, which the interpreter fails to run (quirk return-recv), into
// { v := <-ch; return v }, wherever it is in the cell.
func (s *Session) rewriteReturnRecvs(src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			r, ok := n.(*ast.ReturnStmt)
			if !ok || len(r.Results) != 1 {
				return true
			}
			if u, ok := ast.Unparen(r.Results[0]).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
				name := fmt.Sprintf("__golm_rv%d", len(edits))
				edits = append(edits, srcEdit{
					start: p.Start + p.Offset(r.Pos()),
					end:   p.Start + p.Offset(r.End()),
					text:  "{ " + name + " := " + p.Text(u) + "; return " + name + " }",
				})
			}
			return true
		}
	})
	return applyEdits(src, edits)
}

// rewriteCommaOKZero makes a failed comma-ok map index or type assertion set its value to the zero value,
// as Go does, wherever the cell has one in a list of statements: the interpreter leaves the value as it was
// (quirk comma-ok-stale), which shows in loops and in assignments to variables that exist. After
// v, ok := m[k] comes if !ok { v = m[k] } (a missing key reads as the zero value; only for a map and key
// that are names, fields or constants, which read again the same), after v, ok := x.(T) comes
// if !ok { var z T; v = z }. In the init of an if statement, the condition becomes
// __golm.ZeroUnless(ok, &v) && (cond), which sets v to its zero value when ok is false. Top-level
// declarations are left to runCommaOK, whose variables are new.
func (s *Session) rewriteCommaOKZero(src string, c *cell.Cell) string {
	var edits []srcEdit
	n := 0
	fix := func(p *cell.Piece, st ast.Stmt, top bool) {
		a, ok := st.(*ast.AssignStmt)
		if !ok || !commaOKForm(a) || (top && a.Tok == token.DEFINE) {
			return
		}
		okName, isIdent := a.Lhs[1].(*ast.Ident)
		v := a.Lhs[0]
		if !isIdent || okName.Name == "_" || isBlank(v) {
			return
		}
		var body string
		switch x := ast.Unparen(a.Rhs[0]).(type) {
		case *ast.IndexExpr:
			if !plainExpr(x.X) || !plainExpr(x.Index) {
				return
			}
			body = p.Text(v) + " = " + p.Text(x)
		case *ast.TypeAssertExpr:
			if x.Type == nil {
				return
			}
			n++
			z := fmt.Sprintf("__golm_z%d", n)
			body = "var " + z + " " + p.Text(x.Type) + "; " + p.Text(v) + " = " + z
		default:
			return
		}
		end := p.Start + p.Offset(st.End())
		edits = append(edits, srcEdit{start: end, end: end, text: "; if !" + okName.Name + " { " + body + " }"})
	}
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			var list []ast.Stmt
			switch x := n.(type) {
			case *ast.IfStmt:
				// if v, ok := m[k]; cond: the value is set to its zero value before cond is evaluated,
				// by a call that always gives true.
				if a, isAssign := x.Init.(*ast.AssignStmt); isAssign && commaOKForm(a) {
					okName, isIdent := a.Lhs[1].(*ast.Ident)
					if isIdent && okName.Name != "_" && !isBlank(a.Lhs[0]) {
						start, end := p.Start+p.Offset(x.Cond.Pos()), p.Start+p.Offset(x.Cond.End())
						edits = append(edits,
							srcEdit{start: start, end: start, text: "__golm.ZeroUnless(" + okName.Name + ", &" + p.Text(a.Lhs[0]) + ") && ("},
							srcEdit{start: end, end: end, text: ")"})
					}
				}
			case *ast.BlockStmt:
				list = x.List
			case *ast.CaseClause:
				list = x.Body
			case *ast.CommClause:
				list = x.Body
			}
			for _, st := range list {
				fix(p, st, false)
			}
			return true
		}
	})
	for i := range c.Pieces { // the top-level statements of each piece are a list too
		for _, st := range c.Pieces[i].Stmts {
			fix(&c.Pieces[i], st, true)
		}
	}
	return applyEdits(src, edits)
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// plainExpr reports whether an expression reads the same when evaluated again: a name, a field of one, a
// constant.
func plainExpr(e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.SelectorExpr:
		return plainExpr(x.X)
	}
	return false
}

// rewriteMainCalls points the uses of main in a cell (main(), or main as a value) at __golm_main, the name
// func main is declared under (see declSource), once the session or this cell has declared it. A cell that
// declares main as a variable or constant (main := 3, as a local variable of func main may be) has it
// renamed __golm_var_main, which the interpreter can declare, and so do the uses of main in later cells,
// until a cell declares func main again.
func (s *Session) rewriteMainCalls(src string, c *cell.Cell, info cell.Info) string {
	declaresVar := slices.Contains(info.Vars, "main") || slices.Contains(info.Consts, "main")
	if info.Main != nil {
		s.mainVar = false
	}
	var to string
	switch {
	case declaresVar:
		s.mainVar, to = true, mainVarName
	case s.mainVar:
		to = mainVarName
	case s.hasMain || info.Main != nil:
		to = "__golm_main"
	default:
		return src
	}
	var edits []srcEdit
	rename := func(p *cell.Piece, id *ast.Ident) {
		off := p.Start + p.Offset(id.Pos())
		edits = append(edits, srcEdit{start: off, end: off + len("main"), text: to})
	}
	for i := range c.Pieces {
		p := &c.Pieces[i]
		for _, id := range p.Unresolved {
			if id.Name == "main" {
				rename(p, id)
			}
		}
		if !declaresVar {
			continue
		}
		for _, st := range p.Stmts { // the declaration and the uses it resolves
			ast.Inspect(st, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && id.Name == "main" && id.Obj != nil && id.Obj.Kind != ast.Fun {
					if a, ok := id.Obj.Decl.(*ast.AssignStmt); ok && slices.ContainsFunc(p.Stmts, func(st ast.Stmt) bool { return st == ast.Stmt(a) }) {
						rename(p, id)
					}
				}
				return true
			})
		}
		for _, d := range p.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && (gd.Tok == token.VAR || gd.Tok == token.CONST) {
				for _, spec := range gd.Specs {
					for _, n := range spec.(*ast.ValueSpec).Names {
						if n.Name == "main" {
							rename(p, n)
						}
					}
				}
			}
		}
	}
	return applyEdits(src, edits)
}

// mainVarName is the name a cell's variable main is declared under (see rewriteMainCalls).
const mainVarName = "__golm_var_main"

// goRecover is put first in the body of each function literal a cell starts as a goroutine: a panic there
// would end the whole session (a Go program ends when any goroutine panics), so it is reported instead and
// the session goes on. It is interpreted code, since the interpreter recovers panics before compiled deferred
// functions run.
const goRecover = " defer func() { if __golm_r := recover(); __golm_r != nil { __golm.GoPanic(__golm_r) } }();"

// rewriteGoroutines adds goRecover to the goroutines a cell starts with a function literal (go func() {...}()),
// wherever they are in the cell. Other go statements (go f(x)) are left as written: wrapping their call in a
// closure would change when the arguments are evaluated, and the interpreter's closures get that wrong.
func (s *Session) rewriteGoroutines(src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			if g, ok := n.(*ast.GoStmt); ok {
				if lit, ok := ast.Unparen(g.Call.Fun).(*ast.FuncLit); ok {
					at := p.Start + p.Offset(lit.Body.Lbrace) + 1
					edits = append(edits, srcEdit{start: at, end: at, text: goRecover})
				}
			}
			return true
		}
	})
	return applyEdits(src, edits)
}

// goPanic reports a panic that a cell's goroutine recovered (see goRecover).
func (s *Session) goPanic(r any) {
	if _, ok := r.(exitPanic); ok {
		return // os.Exit in a goroutine: its cell ended with the exit (see exit)
	}
	msg := fmt.Sprint(r)
	if err, ok := r.(error); ok {
		msg = err.Error()
	}
	fmt.Fprintf(s.opts.Stderr, "panic in a goroutine: %s\n(golm stopped that goroutine; in a program the panic would "+
		"end it. The session goes on.)\n", msg)
}

var intTypes = map[string]bool{"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true, "byte": true, "rune": true}

// isInt guesses from syntax, and from the session's values, whether an expression is an integer.
func (s *Session) isInt(c *cell.Cell, e ast.Expr) bool {
	_, ok := s.intType(c, e, 0)
	return ok
}

// intType is isInt that also gives the integer's type as written, "" for an untyped constant or an int
// (range n gives its variable that type: for i := range n with an int64 n counts in int64). It gives up
// past 10 declarations deep, so that a variable declared with itself (var a = a, invalid but parsed)
// cannot recurse without end.
func (s *Session) intType(c *cell.Cell, e ast.Expr, depth int) (string, bool) {
	if depth > 10 {
		return "", false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return "", x.Kind == token.INT
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok {
			if id.Name == "len" || id.Name == "cap" {
				return "", true
			}
			if s.isIntTypeName(c, id.Name) && len(x.Args) == 1 { // a conversion: int64(n)
				return id.Name, true
			}
		}
	case *ast.BinaryExpr:
		switch x.Op {
		case token.SHL, token.SHR:
			return s.intType(c, x.X, depth)
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR:
			tx, okx := s.intType(c, x.X, depth)
			ty, oky := s.intType(c, x.Y, depth)
			if tx == "" {
				tx = ty
			}
			return tx, okx || oky
		}
	case *ast.UnaryExpr:
		if x.Op == token.SUB {
			return s.intType(c, x.X, depth)
		}
	case *ast.Ident:
		if x.Obj != nil {
			return s.declaredInt(c, x.Name, x.Obj.Decl, depth+1)
		}
		if d := cellDecl(c, x.Name); d != nil {
			return s.declaredInt(c, x.Name, d, depth+1)
		}
		if v, ok := s.value(x.Name); ok {
			switch v.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
				if t := v.Type(); t.PkgPath() == "" && intTypes[t.Name()] && t.Name() != "int" {
					return t.Name(), true
				}
				return "", true // int, or a type whose name is not known here (the counter is an int then)
			}
		}
	}
	return "", false
}

// isIntTypeName reports whether a name is an integer type: a predeclared one, or one the cell or the
// session declares as type Name <integer type>.
func (s *Session) isIntTypeName(c *cell.Cell, name string) bool {
	if intTypes[name] {
		return true
	}
	if info, ok := s.names[name]; ok && info.kind == kindType {
		f := strings.Fields(info.src)
		return len(f) == 3 && f[1] == name && intTypes[f[2]]
	}
	for _, p := range c.Pieces {
		for _, d := range p.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, spec := range gd.Specs {
					if ts := spec.(*ast.TypeSpec); ts.Name.Name == name && ts.TypeParams == nil {
						u, ok := ts.Type.(*ast.Ident)
						return ok && intTypes[u.Name]
					}
				}
			}
		}
	}
	return false
}

// declaredInt looks at the declaration of a name resolved within the cell: a parameter or variable of an
// integer type, or one assigned an integer expression.
func (s *Session) declaredInt(c *cell.Cell, name string, decl any, depth int) (string, bool) {
	switch d := decl.(type) {
	case *ast.Field:
		if t, ok := d.Type.(*ast.Ident); ok && s.isIntTypeName(c, t.Name) {
			return t.Name, true
		}
	case *ast.ValueSpec:
		if d.Type != nil {
			if t, ok := d.Type.(*ast.Ident); ok && s.isIntTypeName(c, t.Name) {
				return t.Name, true
			}
			return "", false
		}
		for i, n := range d.Names {
			if n.Name == name && i < len(d.Values) {
				return s.intType(c, d.Values[i], depth)
			}
		}
	case *ast.AssignStmt:
		for i, l := range d.Lhs {
			if n, ok := l.(*ast.Ident); ok && n.Name == name && len(d.Lhs) == len(d.Rhs) {
				return s.intType(c, d.Rhs[i], depth)
			}
		}
	}
	return "", false
}

// cellDecl finds where another piece of the cell declares a name at its top level: a short variable
// declaration (*ast.AssignStmt) or a var or const specification (*ast.ValueSpec); nil if none does.
func cellDecl(c *cell.Cell, name string) any {
	if c == nil {
		return nil
	}
	for _, p := range c.Pieces {
		for _, st := range p.Stmts {
			if a, ok := st.(*ast.AssignStmt); ok && a.Tok == token.DEFINE {
				for _, l := range a.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == name {
						return a
					}
				}
			}
		}
		for _, d := range p.Decls {
			if gd, ok := d.(*ast.GenDecl); ok && (gd.Tok == token.VAR || gd.Tok == token.CONST) {
				for _, spec := range gd.Specs {
					for _, n := range spec.(*ast.ValueSpec).Names {
						if n.Name == name {
							return spec
						}
					}
				}
			}
		}
	}
	return nil
}

// rewriteNotCases puts the negations that are cases of a switch without a tag in parentheses: the
// interpreter takes case !x when x is a constant or a compiled package's variable, whatever its value
// (quirk not-case). Wherever the switch is in the cell.
func (s *Session) rewriteNotCases(src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			sw, ok := n.(*ast.SwitchStmt)
			if !ok || sw.Tag != nil {
				return true
			}
			for _, cl := range sw.Body.List {
				for _, e := range cl.(*ast.CaseClause).List {
					if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.NOT {
						start, end := p.Start+p.Offset(u.Pos()), p.Start+p.Offset(u.End())
						edits = append(edits, srcEdit{start: start, end: start, text: "("}, srcEdit{start: end, end: end, text: ")"})
					}
				}
			}
			return true
		}
	})
	return applyEdits(src, edits)
}

// rewriteMultiDefines runs a top-level a, b := f() as __golm_mvN_0, __golm_mvN_1 := f(); a, b :=
// __golm_mvN_0, __golm_mvN_1, N counting such statements in the cell, and var a, b T = f() likewise as
// var __golm_mvN_0, __golm_mvN_1 = f(); var a, b T = __golm_mvN_0, __golm_mvN_1: a function that reads a variable
// declared by a top-level definition from a call of several results reads the wrong value when it is called
// from another function (quirk multi-define-global). The hidden variables are declared again by the next
// cell with such statements, so that they keep no value alive for long.
func (s *Session) rewriteMultiDefines(src string, c *cell.Cell) string {
	var edits []srcEdit
	for i := range c.Pieces {
		p := &c.Pieces[i]
		for _, d := range p.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if len(vs.Names) < 2 || len(vs.Values) != 1 {
					continue
				}
				if _, ok := ast.Unparen(vs.Values[0]).(*ast.CallExpr); !ok {
					continue
				}
				var temps, names []string
				for j, n := range vs.Names {
					temps, names = append(temps, fmt.Sprintf("__golm_mv%d_%d", len(edits), j)), append(names, n.Name)
				}
				text := strings.Join(temps, ", ") + " = " + p.Text(vs.Values[0]) + "; "
				if !gd.Lparen.IsValid() {
					text += "var "
				}
				text += strings.Join(names, ", ")
				if vs.Type != nil {
					text += " " + p.Text(vs.Type)
				}
				edits = append(edits, srcEdit{
					start: p.Start + p.Offset(vs.Pos()),
					end:   p.Start + p.Offset(vs.End()),
					text:  text + " = " + strings.Join(temps, ", "),
				})
			}
		}
		for _, st := range p.Stmts {
			a, ok := st.(*ast.AssignStmt)
			if !ok || a.Tok != token.DEFINE || len(a.Lhs) < 2 || len(a.Rhs) != 1 {
				continue
			}
			if _, ok := ast.Unparen(a.Rhs[0]).(*ast.CallExpr); !ok {
				continue
			}
			var temps, names, values []string
			for j, l := range a.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok {
					temps = nil
					break
				}
				if id.Name == "_" {
					temps = append(temps, "_")
					continue
				}
				temp := fmt.Sprintf("__golm_mv%d_%d", len(edits), j)
				temps, names, values = append(temps, temp), append(names, id.Name), append(values, temp)
			}
			if len(temps) == 0 || len(names) == 0 {
				continue
			}
			edits = append(edits, srcEdit{
				start: p.Start + p.Offset(a.Pos()),
				end:   p.Start + p.Offset(a.End()),
				text: strings.Join(temps, ", ") + " := " + p.Text(a.Rhs[0]) + "; " +
					strings.Join(names, ", ") + " := " + strings.Join(values, ", "),
			})
		}
	}
	return applyEdits(src, edits)
}

// loggerType is the standard library's *log.Logger.
var loggerType = reflect.TypeFor[*log.Logger]()

// rewriteStdLoggers passes a value through __golm.StdLogger where compiled code wants a *log.Logger: a
// field of a compiled struct literal (http.Server{ErrorLog: logger}), an argument of a compiled function,
// an assignment to a field of a compiled value. A cell's log.New gives golm's Logger (whose Fatal panics,
// see internal/log), which the interpreter would refuse there; StdLogger gives its standard logger.
func (s *Session) rewriteStdLoggers(src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		wrap := func(e ast.Expr) {
			if call, ok := e.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "StdLogger" {
					return
				}
			}
			start, end := p.Start+p.Offset(e.Pos()), p.Start+p.Offset(e.End())
			edits = append(edits, srcEdit{start: start, end: start, text: "__golm.StdLogger("}, srcEdit{start: end, end: end, text: ")"})
		}
		return func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CompositeLit:
				t, ok := s.compiledType(x.Type)
				if !ok || t.Kind() != reflect.Struct {
					return true
				}
				for _, elt := range x.Elts {
					kv, ok := elt.(*ast.KeyValueExpr)
					if !ok {
						continue
					}
					if key, ok := kv.Key.(*ast.Ident); ok {
						if f, ok := t.FieldByName(key.Name); ok && f.Type == loggerType && !isNilExpr(kv.Value) {
							wrap(kv.Value)
						}
					}
				}
			case *ast.CallExpr:
				ft, ok := s.funcType(x.Fun)
				if !ok || x.Ellipsis.IsValid() {
					return true
				}
				for i, a := range x.Args {
					var pt reflect.Type
					switch {
					case ft.IsVariadic() && i >= ft.NumIn()-1:
						pt = ft.In(ft.NumIn() - 1).Elem()
					case i < ft.NumIn():
						pt = ft.In(i)
					}
					if pt == loggerType && !isNilExpr(a) {
						wrap(a)
					}
				}
			case *ast.AssignStmt:
				if x.Tok != token.ASSIGN || len(x.Lhs) != len(x.Rhs) {
					return true
				}
				for i, l := range x.Lhs {
					if _, ok := l.(*ast.SelectorExpr); !ok {
						continue
					}
					if t, ok := s.typeIn(c, l, 0); ok && t == loggerType && !isNilExpr(x.Rhs[i]) {
						wrap(x.Rhs[i])
					}
				}
			}
			return true
		}
	})
	return applyEdits(src, edits)
}

// typeIn is staticType, also for names the cell declares with a compiled type (var srv http.Server, srv :=
// &http.Server{...}) and fields of them.
func (s *Session) typeIn(c *cell.Cell, e ast.Expr, depth int) (reflect.Type, bool) {
	if t, ok := s.staticType(e); ok || depth > 10 {
		return t, ok
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.SelectorExpr:
		t, ok := s.typeIn(c, x.X, depth+1)
		if ok && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if !ok || t.Kind() != reflect.Struct {
			return nil, false
		}
		f, ok := t.FieldByName(x.Sel.Name)
		return f.Type, ok
	case *ast.CompositeLit:
		return s.compiledType(x.Type)
	case *ast.UnaryExpr:
		if t, ok := s.typeIn(c, x.X, depth+1); ok && x.Op == token.AND {
			return reflect.PointerTo(t), true
		}
	case *ast.StarExpr: // a type: *http.Server
		if t, ok := s.compiledType(x.X); ok {
			return reflect.PointerTo(t), true
		}
	case *ast.Ident:
		var decl any
		if x.Obj != nil {
			decl = x.Obj.Decl
		} else if vs, _ := cellVar(c, x.Name); vs != nil {
			decl = vs
		} else {
			decl = cellDecl(c, x.Name)
		}
		switch d := decl.(type) {
		case *ast.ValueSpec:
			if d.Type != nil {
				if t, ok := s.compiledType(d.Type); ok {
					return t, true
				}
				return s.typeIn(c, d.Type, depth+1)
			}
			for i, n := range d.Names {
				if n.Name == x.Name && i < len(d.Values) {
					return s.typeIn(c, d.Values[i], depth+1)
				}
			}
		case *ast.AssignStmt:
			for i, l := range d.Lhs {
				if n, ok := l.(*ast.Ident); ok && n.Name == x.Name && len(d.Lhs) == len(d.Rhs) {
					return s.typeIn(c, d.Rhs[i], depth+1)
				}
			}
		}
	}
	return nil, false
}

// compiledType is the type a type expression names when it is a compiled package's (http.Server).
func (s *Session) compiledType(e ast.Expr) (reflect.Type, bool) {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return nil, false
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok || id.Obj != nil {
		return nil, false
	}
	path := s.pkgPath(id.Name)
	if path == "" {
		return nil, false
	}
	v, ok := s.symbolsOf(path)[sel.Sel.Name]
	if !ok || v.Kind() != reflect.Pointer || !v.IsNil() {
		return nil, false
	}
	return v.Type().Elem(), true
}
