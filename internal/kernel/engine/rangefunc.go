package engine

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
)

// Range over a function (Go 1.23 iterators: for x := range seq, with seq an iter.Seq or any
// func(yield func(V) bool)) panics in the interpreter's compiler (quirk range-over-func). The engine
// rewrites each such loop whose sequence it can recognise into a for loop over the prelude's __golmPull,
// which runs the sequence in turn with the loop, as Go does:
//
//	for k, v := range seq { body }
//	→ { __golm_nN, __golm_sN := __golmPull2(seq); __golm_kN := __golm_lM.push(__golm_sN); L: for { k, v, __golm_okN := __golm_nN(); if !__golm_okN { break }; { body } }; __golm_sN(); __golm_lM.cut(__golm_kN) }
//
// so break, continue, labels and return in the body keep their meaning, and the sequence stops however the
// loop ends (__golm_lM is the stop list of the function the loop is in, see rewriteRangeFuncs). The
// rewrite keeps the cell's lines.
//
// A sequence is recognised by its type where the engine can tell it without running anything: a call of a
// compiled function (strings.Lines), of a stand-in (maps.Keys), of a function or method the cell or session
// declared with a sequence result (iter.Seq[int], func(yield func(int) bool)); a variable, parameter or
// session value of such a type; a function literal.

// rewriteRangeFuncs rewrites the loops over functions of a cell (see above).
//
// Each function (and each top-level statement of the cell) that holds such loops keeps the stop functions of
// its loops still running on a list of its own, __golm_lN := __golmStops(), whose run is deferred once, at
// the function's start: a loop pushes its stop when it starts and cuts it off when it ends (also by break
// or continue to an outer loop, or goto), so the list holds only the loops a return or a panic leaves, and
// a loop run many times in one call of its function defers nothing more.
func (s *Session) rewriteRangeFuncs(ctx context.Context, src string, c *cell.Cell) string {
	var edits []srcEdit
	n, frames := 0, 0
	type frame struct {
		name string
		used bool
	}
	newFrame := func() *frame {
		frames++
		return &frame{name: fmt.Sprintf("__golm_l%d", frames)}
	}
	var walk func(p *cell.Piece, root ast.Node, f *frame)
	walk = func(p *cell.Piece, root ast.Node, f *frame) {
		ast.Inspect(root, func(node ast.Node) bool {
			var body *ast.BlockStmt
			switch x := node.(type) {
			case *ast.FuncLit:
				body = x.Body
			case *ast.FuncDecl:
				body = x.Body
			}
			if body != nil {
				inner := newFrame()
				walk(p, body, inner)
				if inner.used {
					off := p.Start + p.Offset(body.Lbrace) + 1
					edits = append(edits, srcEdit{start: off, end: off, text: " " + inner.name + " := __golmStops(); defer " + inner.name + ".run();"})
				}
				return false
			}
			var label *ast.LabeledStmt
			r, ok := node.(*ast.RangeStmt)
			if l, isLabel := node.(*ast.LabeledStmt); isLabel {
				label = l
				r, ok = l.Stmt.(*ast.RangeStmt)
			}
			if !ok || f == nil {
				return true
			}
			arity := s.seqArity(c, p, r.X)
			if arity == 0 {
				return true
			}
			n++
			f.used = true
			edits = append(edits, s.rangeFuncEdits(ctx, src, p, r, label, arity, n, f.name)...)
			walk(p, r.Body, f) // loops in the body; the sequence's expression is copied as written
			return false
		})
	}
	for i := range c.Pieces {
		p := &c.Pieces[i]
		for _, d := range p.Decls {
			walk(p, d, nil)
		}
		for _, st := range p.Stmts {
			// A statement of the cell's own: its list lives in a block around it, and the deferred run
			// becomes one of the cell's (see body.go). The block's end goes first, to come after the loop's
			// own end at the same place (see applyEdits).
			top, closing := newFrame(), len(edits)
			edits = append(edits, srcEdit{start: p.Start + p.Offset(st.End()), end: p.Start + p.Offset(st.End()), text: " }"})
			walk(p, st, top)
			if !top.used {
				edits = append(edits[:closing], edits[closing+1:]...)
				continue
			}
			edits = append(edits, srcEdit{start: p.Start + p.Offset(st.Pos()), end: p.Start + p.Offset(st.Pos()),
				text: "{ " + top.name + " := __golmStops(); defer " + top.name + ".run(); "})
		}
	}
	return applyEdits(src, edits)
}

// rangeFuncEdits writes the edits that turn one loop over a function into a loop over __golmPull; list is
// the name of the stop list of the function the loop is in.
func (s *Session) rangeFuncEdits(ctx context.Context, src string, p *cell.Piece, r *ast.RangeStmt, label *ast.LabeledStmt, arity, n int, list string) []srcEdit {
	next, stop, ok := fmt.Sprintf("__golm_n%d", n), fmt.Sprintf("__golm_s%d", n), fmt.Sprintf("__golm_ok%d", n)
	mark := fmt.Sprintf("__golm_k%d", n)
	seq := p.Text(r.X)
	if conv, convOK := s.seqConversion(ctx, src, r.X); convOK {
		seq = "(" + conv + ")(" + seq + ")"
	}
	pull := "__golmPull"
	if arity == 2 {
		pull = "__golmPull2"
	}
	vars := []string{"_", "_"}[:arity]
	var assign string
	for i, e := range []ast.Expr{r.Key, r.Value} {
		if e == nil || i >= arity {
			continue
		}
		if r.Tok == token.DEFINE || isBlank(e) {
			vars[i] = p.Text(e)
			continue
		}
		tmp := fmt.Sprintf("__golm_v%d_%d", n, i)
		vars[i] = tmp
		assign += p.Text(e) + " = " + tmp + "; "
	}
	// The sequence stops whichever way the loop ends: a return, a goto or a panic of the body too (Go
	// unwinds the sequence then, running its defers; a sequence left waiting in its yield would keep its
	// locks and files, and its goroutine): the function's list stops it then.
	header := "{ " + next + ", " + stop + " := " + pull + "(" + seq + "); " + mark + " := " + list + ".push(" + stop + "); "
	end := stop + "(); " + list + ".cut(" + mark + ")"

	start := r.Pos()
	if label != nil {
		start = label.Pos()
		header += label.Label.Name + ": "
	}
	header += "for { " + strings.Join(vars, ", ") + ", " + ok + " := " + next + "(); if !" + ok + " { break }; " + assign
	edits := []srcEdit{
		// The body stays a block of its own, so that it may declare the loop's variables again (line :=
		// strings.TrimSpace(line)).
		{start: p.Start + p.Offset(start), end: p.Start + p.Offset(r.Body.Lbrace), text: header},
		{start: p.Start + p.Offset(r.Body.Rbrace) + 1, end: p.Start + p.Offset(r.Body.Rbrace) + 1, text: " }; " + end + " }"},
	}
	// A break, continue or goto to a label outside the loop, and a return without results, stop the
	// sequence first, as Go does (its yield returns false before the statement takes effect).
	own := map[string]bool{}
	if label != nil {
		own[label.Label.Name] = true
	}
	ast.Inspect(r.Body, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			own[l.Label.Name] = true
		}
		return true
	})
	ast.Inspect(r.Body, func(node ast.Node) bool {
		outer := false
		switch x := node.(type) {
		case *ast.FuncLit:
			return false
		case *ast.BranchStmt:
			outer = x.Label != nil && !own[x.Label.Name]
		case *ast.ReturnStmt:
			outer = len(x.Results) == 0
		}
		if outer {
			edits = append(edits,
				srcEdit{start: p.Start + p.Offset(node.Pos()), end: p.Start + p.Offset(node.Pos()), text: "{ " + end + "; "},
				srcEdit{start: p.Start + p.Offset(node.End()), end: p.Start + p.Offset(node.End()), text: " }"})
		}
		return true
	})
	return edits
}

// seqConversion converts a sequence whose type comes from compiled code (iter.Seq[string] of strings.Lines)
// to its func type written out: the interpreter cannot infer a type parameter from a compiled generic type.
func (s *Session) seqConversion(ctx context.Context, src string, e ast.Expr) (string, bool) {
	t, ok := s.staticType(e)
	if !ok || t.Kind() != reflect.Func || t.Name() == "" || s.declaredType(t) != nil {
		return "", false
	}
	in := make([]reflect.Type, t.NumIn())
	for i := range in {
		in[i] = t.In(i)
	}
	out := make([]reflect.Type, t.NumOut())
	for i := range out {
		out[i] = t.Out(i)
	}
	return s.typeExpr(ctx, src, reflect.FuncOf(in, out, t.IsVariadic()))
}

// seqArity tells whether an expression is a sequence (a function that takes a yield function), and the
// number of values it yields (1 or 2); 0 when it is not one, or the engine cannot tell.
func (s *Session) seqArity(c *cell.Cell, p *cell.Piece, e ast.Expr) int {
	return s.seqArityAt(c, p, e, 0)
}

// seqArityAt is seqArity, depth variables deep into the declarations it follows: it gives up past 10, so
// that a variable declared with itself (var a = a, invalid but parsed) cannot recurse without end.
func (s *Session) seqArityAt(c *cell.Cell, p *cell.Piece, e ast.Expr, depth int) int {
	if depth > 10 {
		return 0
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.FuncLit:
		return funcTypeArity(x.Type)
	case *ast.CallExpr:
		if name := exprName(x.Fun); name != "" {
			if n, ok := s.preludeSeqs[name]; ok {
				return n
			}
		}
		if t, ok := s.resultType(x, 0); ok {
			return reflectArity(t)
		}
		if id, ok := x.Fun.(*ast.Ident); ok {
			if fd := cellFunc(c, id); fd != nil {
				return resultsArity(fd.Type)
			}
			if id.Obj != nil {
				if fd, ok := id.Obj.Decl.(*ast.FuncDecl); ok {
					return resultsArity(fd.Type)
				}
				return 0
			}
			if info, ok := s.names[id.Name]; ok && info.kind == kindFunc {
				return s.sigArity(info.src)
			}
		}
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
			return s.methodArity(c, sel.Sel.Name)
		}
	case *ast.Ident:
		if fd := cellFunc(c, x); fd != nil {
			return funcTypeArity(fd.Type)
		}
		if x.Obj == nil {
			if v, ok := s.value(x.Name); ok {
				return reflectArity(v.Type())
			}
			if vs, i := cellVar(c, x.Name); vs != nil { // declared in another piece of the cell
				if vs.Type != nil {
					return typeArity(vs.Type)
				}
				if i < len(vs.Values) {
					return s.seqArityAt(c, p, vs.Values[i], depth+1)
				}
			}
			if rhs := cellDefine(c, x.Name); rhs != nil { // seq := f() in another piece of the cell
				return s.seqArityAt(c, p, rhs, depth+1)
			}
			return 0
		}
		switch d := x.Obj.Decl.(type) {
		case *ast.Field:
			return typeArity(d.Type)
		case *ast.ValueSpec:
			if d.Type != nil {
				return typeArity(d.Type)
			}
			for i, name := range d.Names {
				if name.Name == x.Name && i < len(d.Values) {
					return s.seqArityAt(c, p, d.Values[i], depth+1)
				}
			}
		case *ast.AssignStmt:
			if len(d.Lhs) == len(d.Rhs) {
				for i, l := range d.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == x.Name {
						return s.seqArityAt(c, p, d.Rhs[i], depth+1)
					}
				}
			}
		}
	case *ast.SelectorExpr:
		if t, ok := s.staticType(x); ok {
			return reflectArity(t)
		}
	}
	return 0
}

// methodArity looks for the methods of that name that the cell and the session declared: when they all
// return sequences of the same arity, that is the answer.
func (s *Session) methodArity(c *cell.Cell, name string) int {
	arity := 0
	agree := func(n int) bool {
		if arity != 0 && n != arity {
			arity = -1
		} else if arity == 0 {
			arity = n
		}
		return arity > 0
	}
	for _, p := range c.Pieces {
		for _, d := range p.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.Name == name && !agree(resultsArity(fd.Type)) {
				return 0
			}
		}
	}
	for _, ti := range s.types {
		if text, ok := ti.methods[name]; ok {
			if body := strings.Index(text, "{"); body > 0 && !agree(s.sigArity(text[:body])) {
				return 0
			}
		}
	}
	return max(arity, 0)
}

// sigArity parses a function's signature (as the session keeps it) for the arity of its sequence result.
func (s *Session) sigArity(sig string) int {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+sig+"{}", 0)
	if err != nil || len(f.Decls) != 1 {
		return 0
	}
	if fd, ok := f.Decls[0].(*ast.FuncDecl); ok {
		return resultsArity(fd.Type)
	}
	return 0
}

// resultsArity is the arity of a function's single result, if it is a sequence.
func resultsArity(ft *ast.FuncType) int {
	if ft.Results == nil || len(ft.Results.List) != 1 || len(ft.Results.List[0].Names) > 1 {
		return 0
	}
	return typeArity(ft.Results.List[0].Type)
}

// typeArity is the arity of a sequence type written in Go: iter.Seq[V], iter.Seq2[K, V], or
// func(yield func(...) bool).
func typeArity(t ast.Expr) int {
	switch x := t.(type) {
	case *ast.FuncType:
		return funcTypeArity(x)
	case *ast.IndexExpr:
		return typeArity(x.X)
	case *ast.IndexListExpr:
		return typeArity(x.X)
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "iter" {
			return map[string]int{"Seq": 1, "Seq2": 2}[x.Sel.Name]
		}
	case *ast.Ident:
		return map[string]int{"__golm_iter_Seq": 1, "__golm_iter_Seq2": 2}[x.Name]
	}
	return 0
}

// funcTypeArity is the arity of func(yield func(...) bool).
func funcTypeArity(ft *ast.FuncType) int {
	if ft.Params == nil || len(ft.Params.List) != 1 || len(ft.Params.List[0].Names) > 1 || ft.Results.NumFields() != 0 {
		return 0
	}
	y, ok := ft.Params.List[0].Type.(*ast.FuncType)
	if !ok || y.Results.NumFields() != 1 {
		return 0
	}
	if r, ok := y.Results.List[0].Type.(*ast.Ident); !ok || r.Name != "bool" {
		return 0
	}
	if n := y.Params.NumFields(); n == 1 || n == 2 {
		return n
	}
	return 0
}

// reflectArity is the arity of a sequence type from compiled code or a session value.
func reflectArity(t reflect.Type) int {
	if t.Kind() != reflect.Func || t.NumIn() != 1 || t.NumOut() != 0 {
		return 0
	}
	y := t.In(0)
	if y.Kind() != reflect.Func || y.NumOut() != 1 || y.Out(0).Kind() != reflect.Bool || (y.NumIn() != 1 && y.NumIn() != 2) {
		return 0
	}
	return y.NumIn()
}

// cellVar finds the declaration of a package-level variable of the cell by name, and its index there.
func cellVar(c *cell.Cell, name string) (*ast.ValueSpec, int) {
	for _, p := range c.Pieces {
		for _, d := range p.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if n.Name == name {
						return vs, i
					}
				}
			}
		}
	}
	return nil, 0
}

// cellDefine finds the value of a short variable declaration at the top of a statements piece of the cell
// (seq := slices.Values(xs)), by name, or nil.
func cellDefine(c *cell.Cell, name string) ast.Expr {
	for _, p := range c.Pieces {
		for _, st := range p.Stmts {
			a, ok := st.(*ast.AssignStmt)
			if !ok || a.Tok != token.DEFINE || len(a.Lhs) != len(a.Rhs) {
				continue
			}
			for i, l := range a.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == name {
					return a.Rhs[i]
				}
			}
		}
	}
	return nil
}

// cellFunc returns the function declaration a name refers to when the cell declares it (in any piece),
// else nil.
func cellFunc(c *cell.Cell, id *ast.Ident) *ast.FuncDecl {
	if id.Obj != nil {
		fd, _ := id.Obj.Decl.(*ast.FuncDecl)
		return fd
	}
	for _, p := range c.Pieces {
		for _, d := range p.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == id.Name {
				return fd
			}
		}
	}
	return nil
}
