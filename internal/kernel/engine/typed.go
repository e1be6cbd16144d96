package engine

import (
	"context"
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"strconv"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
)

// The interpreter fails to compile some top-level short variable declarations whose value comes out of a
// compiled slice or struct (quirk definition-loop): choice := resp.Choices[0] reports "constant definition
// loop", and msg := resp.Choices[0].Message a nil pointer dereference. Declaring the variable with its type
// first and assigning it afterwards works. runTyped does that, finding the type from the value itself when
// the right-hand side can be evaluated without side effects.

// defineFromValue runs x := call, which the interpreter cannot compile at top level when call is of a
// generic function (quirk generic-result-define), as the bare call, whose value it gives, then var x T
// with T that value's type, and x set to it. done is false when the call compiled but its type cannot be
// written (nothing ran then).
func (s *Session) defineFromValue(ctx context.Context, src string, line int, name string, callExpr ast.Expr, call string) (done bool, err error) {
	prog, err := s.compile(src, pad(line)+call)
	if err != nil {
		return false, nil
	}
	v, err := s.exec(ctx, src, prog)
	if err != nil {
		return true, err
	}
	if !v.IsValid() || isNoValue(v) {
		return true, compileError(src, line, 0, call+" (no value) used as value")
	}
	typ, ok := s.typeExpr(ctx, src, v.Type())
	if ce, isCall := ast.Unparen(callExpr).(*ast.CallExpr); !ok && isCall {
		typ, ok = s.resultTypeOf(ctx, src, ce) // a generic type's instance: from the function's result
	}
	if !ok && strings.HasPrefix(call, "__golm_") {
		// The result of a stand-in of a generic type (unique.Make, weak.Make): its type is the stand-in's.
		if fn, _, ok := strings.Cut(call, "("); ok {
			if pkg, fname, ok := strings.Cut(strings.TrimPrefix(fn, "__golm_"), "_"); ok {
				if f, ok := s.generic[pkg][fname]; ok {
					result := f.sig[strings.LastIndex(f.sig, ")")+1:]
					result = strings.TrimSpace(strings.ReplaceAll(result, "__golm_"+pkg+"_", pkg+"."))
					return true, compileError(src, line, 0, fmt.Sprintf("the interpreter cannot declare %s := %s.%s(...) at the top "+
						"of a cell: declare it with its type, var %s %s (T written out), and assign it, or declare it in a function",
						name, pkg, fname, name, result))
				}
			}
		}
	}
	if !ok {
		return true, compileError(src, line, 0, fmt.Sprintf("the interpreter cannot declare %s with the type of its value, %s: declare it with var %s T, T written out", name, v.Type(), name))
	}
	if _, err := s.eval(ctx, src, pad(line)+"var "+name+" "+typ); err != nil {
		return true, err
	}
	ptr, err := s.i.Eval("&" + name)
	if err != nil || ptr.Kind() != reflect.Pointer || !v.Type().AssignableTo(ptr.Type().Elem()) {
		return true, compileError(src, line, 0, fmt.Sprintf("the interpreter cannot set %s to a value of type %s", name, v.Type()))
	}
	ptr.Elem().Set(v)
	return true, nil
}

// defineManyFromCall runs a, b := call, which the interpreter cannot compile at top level when call is of
// a generic function (quirk generic-result-define; next, stop := iter.Pull(seq)), inside a function
// literal, where it can, which hands back pointers to the variables: then var a T for each, T the type of
// its variable, set to its value. done is false when that did not compile (nothing ran then).
func (s *Session) defineManyFromCall(ctx context.Context, src string, line int, lhs []ast.Expr, call string) (done bool, err error) {
	names := make([]string, len(lhs))
	var tmps, ptrs []string
	for i, l := range lhs {
		id, ok := l.(*ast.Ident)
		if !ok {
			return false, nil
		}
		names[i] = id.Name
		tmp := "_"
		if id.Name != "_" {
			tmp = fmt.Sprintf("__golm_r%d", i)
			ptrs = append(ptrs, "&"+tmp)
		}
		tmps = append(tmps, tmp)
	}
	prog, err := s.compile(src, pad(line)+"__golmMany = func() []any { "+strings.Join(tmps, ", ")+" := "+call+"; return []any{"+strings.Join(ptrs, ", ")+"} }()")
	if err != nil {
		return false, nil
	}
	if _, err := s.exec(ctx, src, prog); err != nil {
		return true, err
	}
	many, err := s.i.Eval("__golmMany")
	if err != nil || many.Kind() != reflect.Slice || many.Len() != len(ptrs) {
		return true, compileError(src, line, 0, "the interpreter cannot declare the results of "+call)
	}
	defer s.i.Eval("__golmMany = nil")
	v := many
	k := 0
	for _, name := range names {
		if name == "_" {
			continue
		}
		ptr := v.Index(k)
		k++
		if ptr.Kind() == reflect.Interface {
			ptr = ptr.Elem()
		}
		if ptr.Kind() != reflect.Pointer {
			return true, compileError(src, line, 0, "the interpreter cannot declare "+name+" from "+call)
		}
		typ, ok := s.typeExpr(ctx, src, ptr.Type().Elem())
		if !ok {
			return true, compileError(src, line, 0, fmt.Sprintf("the interpreter cannot declare %s with the type of its value, %s: declare it with var %s T, T written out", name, ptr.Type().Elem(), name))
		}
		if _, err := s.eval(ctx, src, pad(line)+"var "+name+" "+typ); err != nil {
			return true, err
		}
		dst, err := s.i.Eval("&" + name)
		if err != nil || dst.Kind() != reflect.Pointer || !ptr.Elem().Type().AssignableTo(dst.Type().Elem()) {
			return true, compileError(src, line, 0, fmt.Sprintf("the interpreter cannot set %s to a value of type %s", name, ptr.Elem().Type()))
		}
		dst.Elem().Set(ptr.Elem())
		if _, known := s.names[name]; !known {
			s.names[name] = nameInfo{kind: kindVar, cell: s.count}
		}
	}
	return true, nil
}

// runTyped evaluates statements one at a time, declaring x := pure-expression as var x T; x = expression.
func (s *Session) runTyped(ctx context.Context, src string, p *cell.Piece, stmts []ast.Stmt) error {
	for _, st := range stmts {
		line := p.FileSet.Position(st.Pos()).Line
		if a, ok := st.(*ast.AssignStmt); ok && a.Tok == token.DEFINE && len(a.Lhs) == 1 && len(a.Rhs) == 1 {
			if id, ok := a.Lhs[0].(*ast.Ident); ok {
				if v, ok := s.pure(a.Rhs[0]); ok {
					if typ, ok := s.typeExpr(ctx, src, v.Type()); ok {
						if _, err := s.eval(ctx, src, pad(line)+"var "+id.Name+" "+typ); err != nil {
							return err
						}
						if _, err := s.eval(ctx, src, pad(line)+id.Name+" = "+p.Text(a.Rhs[0])); err != nil {
							return err
						}
						continue
					}
				}
				if _, isCall := ast.Unparen(a.Rhs[0]).(*ast.CallExpr); isCall {
					done, err := s.defineFromValue(ctx, src, line, id.Name, a.Rhs[0], p.Text(a.Rhs[0]))
					if err != nil {
						return err
					}
					if done {
						if _, known := s.names[id.Name]; !known {
							s.names[id.Name] = nameInfo{kind: kindVar, cell: s.count}
						}
						continue
					}
				}
			}
		}
		if a, ok := st.(*ast.AssignStmt); ok && a.Tok == token.DEFINE && len(a.Lhs) > 1 && len(a.Rhs) == 1 {
			if _, isCall := ast.Unparen(a.Rhs[0]).(*ast.CallExpr); isCall {
				done, err := s.defineManyFromCall(ctx, src, line, a.Lhs, p.Text(a.Rhs[0]))
				if err != nil {
					return err
				}
				if done {
					continue
				}
			}
		}
		if _, err := s.eval(ctx, src, pad(line)+p.Text(st)); err != nil {
			return err
		}
		// Later statements may need the variables this one declared.
		if a, ok := st.(*ast.AssignStmt); ok && a.Tok == token.DEFINE {
			for _, l := range a.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					if _, known := s.names[id.Name]; !known {
						s.names[id.Name] = nameInfo{kind: kindVar, cell: s.count}
					}
				}
			}
		}
	}
	return nil
}

// pure evaluates an expression made of names, fields, constant or named indexes and dereferences, with
// reflect, so that nothing runs twice.
func (s *Session) pure(e ast.Expr) (reflect.Value, bool) {
	switch x := e.(type) {
	case *ast.ParenExpr:
		return s.pure(x.X)
	case *ast.Ident:
		return s.value(x.Name)
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && s.pkgPath(id.Name) != "" {
			return s.value(id.Name + "." + x.Sel.Name)
		}
		v, ok := s.pure(x.X)
		if !ok {
			return reflect.Value{}, false
		}
		return walk(v, []string{x.Sel.Name})
	case *ast.StarExpr:
		v, ok := s.pure(x.X)
		if !ok || v.Kind() != reflect.Pointer || v.IsNil() {
			return reflect.Value{}, false
		}
		return v.Elem(), true
	case *ast.IndexExpr:
		v, ok := s.pure(x.X)
		if !ok {
			return reflect.Value{}, false
		}
		for v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Array && !v.IsNil() {
			v = v.Elem()
		}
		switch v.Kind() {
		case reflect.Slice, reflect.Array, reflect.String:
			i, ok := s.pureInt(x.Index)
			if !ok || i < 0 || i >= v.Len() {
				return reflect.Value{}, false
			}
			return v.Index(i), true
		case reflect.Map:
			// The element type is all that matters here; the zero value carries it.
			return reflect.Zero(v.Type().Elem()), true
		}
	}
	return reflect.Value{}, false
}

func (s *Session) pureInt(e ast.Expr) (int, bool) {
	if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.INT {
		n, err := strconv.Atoi(lit.Value)
		return n, err == nil
	}
	v, ok := s.pure(e)
	if !ok || !v.CanInt() {
		return 0, false
	}
	return int(v.Int()), true
}

// typeExpr writes a type as Go source the session can compile, importing the packages it needs under
// hidden names.
func (s *Session) typeExpr(ctx context.Context, src string, t reflect.Type) (string, bool) {
	if n, ok := s.typeName[t]; ok {
		return n, true
	}
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name(), true // a predeclared type
		}
		alias, ok := s.importAlias(ctx, src, t.PkgPath())
		if !ok {
			return "", false
		}
		return alias + "." + t.Name(), true
	}
	elem := func(prefix string, et reflect.Type) (string, bool) {
		e, ok := s.typeExpr(ctx, src, et)
		return prefix + e, ok
	}
	switch t.Kind() {
	case reflect.Pointer:
		return elem("*", t.Elem())
	case reflect.Slice:
		return elem("[]", t.Elem())
	case reflect.Array:
		return elem(fmt.Sprintf("[%d]", t.Len()), t.Elem())
	case reflect.Map:
		k, ok := s.typeExpr(ctx, src, t.Key())
		if !ok {
			return "", false
		}
		return elem("map["+k+"]", t.Elem())
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any", true
		}
	case reflect.Func:
		list := func(n int, at func(int) reflect.Type) (string, bool) {
			parts := make([]string, n)
			for i := range parts {
				e, ok := s.typeExpr(ctx, src, at(i))
				if !ok {
					return "", false
				}
				parts[i] = e
			}
			return strings.Join(parts, ", "), true
		}
		in, ok := list(t.NumIn(), t.In)
		if !ok {
			return "", false
		}
		if t.IsVariadic() {
			in = in[:strings.LastIndex(in, "[]")] + "..." + in[strings.LastIndex(in, "[]")+2:]
		}
		out, ok := list(t.NumOut(), t.Out)
		if !ok {
			return "", false
		}
		if t.NumOut() > 1 {
			out = "(" + out + ")"
		}
		return strings.TrimSpace("func(" + in + ") " + out), true
	}
	return "", false
}

// importAlias returns the name under which the session knows a compiled package, importing it under a
// hidden name if the session has not imported it.
func (s *Session) importAlias(ctx context.Context, src, path string) (string, bool) {
	for name, p := range s.imported {
		if p == path {
			return name, true
		}
	}
	if _, ok := s.pkgs[path]; !ok {
		return "", false
	}
	alias := fmt.Sprintf("__golm_p%d", len(s.imported))
	if _, err := s.eval(ctx, src, fmt.Sprintf("import %s %q", alias, path)); err != nil {
		return "", false
	}
	s.imported[alias] = path
	return alias, true
}

// commaOK reports whether a top-level statement is a comma-ok short variable declaration, v, ok := m[k],
// v, ok := <-ch or v, ok := x.(T), which the interpreter cannot compile at top level (quirk
// comma-ok-define).
func commaOK(st ast.Stmt) bool {
	a, ok := st.(*ast.AssignStmt)
	return ok && a.Tok == token.DEFINE && commaOKForm(a)
}

// commaOKForm reports whether an assignment or declaration has the comma-ok form: two on the left, and on
// the right a map index, a receive or a type assertion.
func commaOKForm(a *ast.AssignStmt) bool {
	if len(a.Lhs) != 2 || len(a.Rhs) != 1 {
		return false
	}
	switch x := ast.Unparen(a.Rhs[0]).(type) {
	case *ast.IndexExpr, *ast.TypeAssertExpr:
		return true
	case *ast.UnaryExpr:
		return x.Op == token.ARROW
	}
	return false
}

// runCommaOK runs a comma-ok declaration (see commaOK) as var v T; var ok bool; v, ok = expression. T is
// the asserted type, or the element type of the map or channel, read from its value; a map or channel
// given by an expression that is not a plain name is evaluated once, into a hidden variable, first.
func (s *Session) runCommaOK(ctx context.Context, src string, p *cell.Piece, st ast.Stmt) error {
	a := st.(*ast.AssignStmt)
	line := p.FileSet.Position(st.Pos()).Line
	rhs := p.Text(a.Rhs[0])
	var typ string
	switch x := ast.Unparen(a.Rhs[0]).(type) {
	case *ast.TypeAssertExpr:
		if x.Type != nil {
			typ = p.Text(x.Type)
		}
	case *ast.IndexExpr, *ast.UnaryExpr:
		var operand ast.Expr
		if ix, ok := x.(*ast.IndexExpr); ok {
			operand = ix.X
		} else {
			operand = x.(*ast.UnaryExpr).X
		}
		v, ok := s.lookup(operand)
		if !ok {
			// Evaluate the map or channel once, into a variable of its own.
			s.blocks++
			tmp := fmt.Sprintf("__golm_o%d", s.blocks)
			if _, err := s.eval(ctx, src, pad(line)+tmp+" := "+p.Text(operand)); err != nil {
				return err
			}
			if v, ok = s.lookup(&ast.Ident{Name: tmp}); !ok {
				break
			}
			start, end := p.Offset(operand.Pos())-p.Offset(a.Rhs[0].Pos()), p.Offset(operand.End())-p.Offset(a.Rhs[0].Pos())
			rhs = rhs[:start] + tmp + rhs[end:]
		}
		if v.Kind() == reflect.Map || v.Kind() == reflect.Chan {
			typ, _ = s.typeExpr(ctx, src, v.Type().Elem())
		}
	}
	if typ == "" {
		_, err := s.eval(ctx, src, pad(line)+p.Text(st))
		return err
	}
	var decl []string
	lhs := []string{p.Text(a.Lhs[0]), p.Text(a.Lhs[1])}
	for i, l := range a.Lhs {
		t := typ
		if i == 1 {
			t = "bool"
		}
		if id, ok := l.(*ast.Ident); ok && id.Name == "_" {
			// Assigning to _ at top level panics like assigning variables that exist (quirk
			// comma-ok-assign): a hidden variable takes the value instead.
			lhs[i] = fmt.Sprintf("__golm_blank%d", i)
			decl = append(decl, "var "+lhs[i]+" "+t)
		} else if ok {
			decl = append(decl, "var "+id.Name+" "+t)
		}
	}
	if len(decl) > 0 { // declarations and statements are evaluated apart (quirk mixed-cell)
		if _, err := s.eval(ctx, src, pad(line)+strings.Join(decl, "; ")); err != nil {
			return err
		}
	}
	_, err := s.eval(ctx, src, pad(line)+lhs[0]+", "+lhs[1]+" = "+rhs)
	return err
}
