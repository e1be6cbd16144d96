package engine

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"reflect"
	"strings"

	"github.com/traefik/yaegi/interp"
)

// fmt's Printf, Sprintf and Fprintf see a value of a cell's struct type as the interpreter's reflect type of
// it, unnamed, with X before each unexported field's name (quirk unnamed-types), and a value of a cell's type
// with a String method as the interpreter's wrapper struct (quirk maptypes-first-interface). So %T printed
// struct { Xx int; Xy int } for main.point, %+v {Xx:1 Xy:2}, %#v the wrapper's type, and %d of a Stringer
// the wrapper {3 5545472}. The session's versions of these functions rewrite such arguments first: %T, %+v
// and %#v of a cell's struct type are written as Go writes them (main.point, {x:1 y:2}, main.point{x:1,
// y:2}), and a wrapper is unwrapped for the verbs that do not call String (%d, %o...). Not done: a format
// with explicit argument indexes (%[1]T), cell types inside slices and maps, Print and Println (whose %v
// is right already), Errorf.

// fmtFuncs returns the session's versions of fmt's printing functions, for the interpreter's Use (after
// its own, which binds Print, Printf and Println to the session's stdout). Their arguments of a cell's types
// arrive in the wrappers of methodwrap.go (the MapTypes given here), which keep Error, GoString and String,
// and are given to fmt with the methods Go's method set of the value has (printArgs); Printf's formats are
// rewritten as fmtArgs says.
func (s *Session) fmtFuncs() interp.Exports {
	out := s.opts.Stdout
	funcs := map[string]reflect.Value{
		"Print": reflect.ValueOf(func(a ...any) (int, error) {
			return fmt.Fprint(out, plainGoStringers(s.printArgs(a))...)
		}),
		"Println": reflect.ValueOf(func(a ...any) (int, error) {
			return fmt.Fprintln(out, plainGoStringers(s.printArgs(a))...)
		}),
		"Printf": reflect.ValueOf(func(format string, a ...any) (int, error) {
			format, a = s.fmtArgs(format, a)
			return fmt.Fprintf(out, format, a...)
		}),
		"Sprint": reflect.ValueOf(func(a ...any) string {
			return fmt.Sprint(plainGoStringers(s.printArgs(a))...)
		}),
		"Sprintln": reflect.ValueOf(func(a ...any) string {
			return fmt.Sprintln(plainGoStringers(s.printArgs(a))...)
		}),
		"Sprintf": reflect.ValueOf(func(format string, a ...any) string {
			format, a = s.fmtArgs(format, a)
			return fmt.Sprintf(format, a...)
		}),
		"Fprint": reflect.ValueOf(func(w io.Writer, a ...any) (int, error) {
			return fmt.Fprint(w, plainGoStringers(s.printArgs(a))...)
		}),
		"Fprintln": reflect.ValueOf(func(w io.Writer, a ...any) (int, error) {
			return fmt.Fprintln(w, plainGoStringers(s.printArgs(a))...)
		}),
		"Fprintf": reflect.ValueOf(func(w io.Writer, format string, a ...any) (int, error) {
			format, a = s.fmtArgs(format, a)
			return fmt.Fprintf(w, format, a...)
		}),
		"Append": reflect.ValueOf(func(b []byte, a ...any) []byte {
			return fmt.Append(b, plainGoStringers(s.printArgs(a))...)
		}),
		"Appendln": reflect.ValueOf(func(b []byte, a ...any) []byte {
			return fmt.Appendln(b, plainGoStringers(s.printArgs(a))...)
		}),
		"Appendf": reflect.ValueOf(func(b []byte, format string, a ...any) []byte {
			format, a = s.fmtArgs(format, a)
			return fmt.Appendf(b, format, a...)
		}),
	}
	mapped := map[reflect.Value][]reflect.Type{}
	for _, v := range funcs {
		mapped[v] = fmtMapTypes()
	}
	// Errorf sees a cell's error through the error interface first, so that %w wraps it with its Unwrap, Is
	// and As (see methodwrap.go); its arguments keep every method (Go refuses a value whose Error is the
	// pointer's).
	errorf := reflect.ValueOf(func(format string, a ...any) error {
		format, a = s.formatArgs(format, a)
		return fmt.Errorf(format, a...)
	})
	funcs["Errorf"] = errorf
	mapped[errorf] = append([]reflect.Type{reflect.TypeFor[error]()}, fmtMapTypes()...)
	// The key names package fmt (Use takes the path's directory, cleaned, and its last element) without
	// being "fmt/fmt", which would make Use bind fmt's and log's functions to the interpreter's own again.
	return interp.Exports{"fmt/./fmt": funcs, ".": {"MapTypes": reflect.ValueOf(mapped)}}
}

// printArgs gives fmt the arguments of Print, Println and the like: a cell's value in a wrapper with the
// methods its type has in Go (see methodSet).
func (s *Session) printArgs(a []any) []any {
	var out []any
	for i, x := range a {
		if y, changed := s.methodSet(x); changed {
			if out == nil {
				out = append([]any(nil), a...)
			}
			out[i] = y
		}
	}
	if out == nil {
		return a
	}
	return out
}

// plainGoStringers gives Print, Println and the like, which never call GoString, the value inside a
// wrapper whose only method is GoString, rather than the wrapper.
func plainGoStringers(a []any) []any {
	var out []any
	for i, x := range a {
		if !goStringOnly(x) {
			continue
		}
		if inner, ok := wrappedValue(x); ok {
			if out == nil {
				out = append([]any(nil), a...)
			}
			out[i] = inner
		}
	}
	if out == nil {
		return a
	}
	return out
}

// methodSet returns x, a wrapper of a cell's value that is not a pointer, without the methods declared on
// the pointer, which the value's method set lacks in Go (fmt.Println(v) does not call a String of *T): as a
// smaller wrapper, or the bare value when none is left, and true. Anything else is returned as it is, and
// false.
func (s *Session) methodSet(x any) (any, bool) {
	v := reflect.ValueOf(x)
	if v.Kind() != reflect.Struct || !isWrapper(v.Type()) {
		return x, false
	}
	ptr := false // a method of the wrapper is declared on a pointer by some type (else nothing to drop)
	for i := 1; i < v.NumField(); i++ {
		ptr = ptr || s.ptrMethods[v.Type().Field(i).Name[1:]]
	}
	if !ptr {
		return x, false
	}
	inner, ok := wrappedValue(x)
	if !ok {
		return x, false
	}
	it := reflect.TypeOf(inner)
	if it.Kind() == reflect.Pointer {
		return x, false
	}
	ti := s.types[s.typeName[it]]
	if ti == nil {
		return x, false
	}
	kept := map[string]reflect.Value{}
	dropped := false
	for i := 1; i < v.NumField(); i++ {
		m := v.Type().Field(i).Name[1:]
		if m == selfMethod {
			kept[m] = v.Field(i)
			continue
		}
		text, ok := ti.methods[m]
		if !ok {
			return x, false // not this type's wrapper after all (two types of one shape)
		}
		if ptrReceiver(text) {
			dropped = true
			continue
		}
		kept[m] = v.Field(i)
	}
	if !dropped {
		return x, false
	}
	if _, self := kept[selfMethod]; len(kept) == 0 || self && len(kept) == 1 {
		return inner, true
	}
	for _, w := range fmtWrappers {
		if w.NumField() != len(kept)+1 {
			continue
		}
		nw := reflect.New(w).Elem()
		nw.Field(0).Set(v.Field(0))
		match := true
		for i := 1; i < w.NumField() && match; i++ {
			m, ok := kept[w.Field(i).Name[1:]]
			if match = ok; ok {
				nw.Field(i).Set(m)
			}
		}
		if match {
			return nw.Interface(), true
		}
	}
	return inner, true
}

// ptrReceiver reports whether a method's declaration text has a pointer receiver: func (p *T) M().
func ptrReceiver(text string) bool {
	recv, _, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "func")), ")")
	return ok && strings.HasPrefix(recv, "(") && strings.Contains(recv, "*")
}

// fmtArgs rewrites a format and its arguments (see above). A format with explicit argument indexes
// (%[1]d) is left as it is.
func (s *Session) fmtArgs(format string, a []any) (string, []any) {
	return s.formatArgs(format, s.printArgs(a))
}

// formatArgs is fmtArgs without printArgs.
func (s *Session) formatArgs(format string, a []any) (string, []any) {
	if !strings.Contains(format, "%") || len(a) == 0 {
		return format, a
	}
	var b strings.Builder
	out := append([]any(nil), a...)
	arg := 0
	changed := false
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		if j < len(format) && format[j] == '%' {
			b.WriteString("%%")
			i = j
			continue
		}
		flagsStart := j
		for j < len(format) && strings.IndexByte("+-# 0", format[j]) >= 0 {
			j++
		}
		flags := format[flagsStart:j]
		restStart := j
		for j < len(format) && (format[j] >= '0' && format[j] <= '9' || format[j] == '.' || format[j] == '*') {
			if format[j] == '*' {
				arg++
			}
			j++
		}
		if j >= len(format) || format[j] == '[' {
			return format, a // an explicit index, or a format cut short: as written
		}
		rest := format[restStart:j]
		verb := format[j]
		i = j
		if arg >= len(a) {
			b.WriteString("%" + flags + rest + string(verb))
			continue
		}
		if goStringOnly(a[arg]) && (verb != 'v' || !strings.Contains(flags, "#")) {
			if inner, ok := wrappedValue(a[arg]); ok { // fmt calls GoString for %#v only
				out[arg] = inner
				changed = true
			}
		}
		if nm, ok := a[arg].(named); ok { // see rewriteTypeNames
			out[arg] = nm.v
			if verb == 'T' {
				out[arg] = nm.name
				verb = 's'
			}
			b.WriteString("%" + flags + rest + string(verb))
			changed = true
		} else if _, ok := a[arg].(fmt.Formatter); ok && verb != 'T' { // fmt calls its Format for every verb
			b.WriteString("%" + flags + rest + string(verb))
		} else if text, ok := s.fmtArg(a[arg], verb, flags); ok {
			out[arg] = text
			b.WriteString("%" + strings.NewReplacer("#", "", "+", "").Replace(flags) + rest + "s")
			changed = true
		} else if inner, ok := s.unwrapped(a[arg]); ok && strings.IndexByte("vsxXqw", verb) < 0 { // the verbs that call Error or String
			out[arg] = inner
			b.WriteString("%" + flags + rest + string(verb))
			changed = true
		} else {
			b.WriteString("%" + flags + rest + string(verb))
		}
		arg++
	}
	if !changed {
		return format, a
	}
	return b.String(), out
}

// unwrapped returns the value of a cell's type inside the interpreter's interface wrapper. The wrapper of a
// struct value may hold something else than the value (an int): only a value of one of the session's types
// is returned.
func (s *Session) unwrapped(x any) (any, bool) {
	inner, ok := wrappedValue(x)
	if !ok {
		return nil, false
	}
	t := reflect.TypeOf(inner)
	if _, own := s.typeName[t]; !own {
		if t == nil || t.Kind() != reflect.Pointer {
			return nil, false
		}
		if _, own := s.typeName[t.Elem()]; !own {
			return nil, false
		}
	}
	return inner, true
}

// wrappedValue returns the value inside the interpreter's interface wrapper x: its selfMethod's result if
// the wrapper has it (IValue holds a struct's last field, see methodwrap.go), else IValue.
func wrappedValue(x any) (any, bool) {
	v := reflect.ValueOf(x)
	if v.Kind() != reflect.Struct || !isWrapper(v.Type()) {
		return nil, false
	}
	f := v.FieldByName("IValue")
	if !f.IsValid() || !f.CanInterface() {
		return nil, false
	}
	if m := v.FieldByName("W" + selfMethod); m.IsValid() {
		if _, ok := m.Interface().(func() any); ok {
			return selfValue(m.Interface(), f.Interface()), true
		}
	}
	if f.IsNil() {
		return nil, false
	}
	return f.Interface(), true
}

// fromLastField reports whether p is what the interpreter puts in a wrapper's IValue for the struct value
// sv: its last field that holds something (quirk wrapper-struct-value), here a pointer to sv's type (the
// next node of a list), rather than a pointer to sv.
func fromLastField(sv any, p reflect.Value) bool {
	v := reflect.ValueOf(sv)
	for i := v.NumField() - 1; i >= 0; i-- {
		f := v.Field(i)
		if f.Kind() == reflect.Interface {
			f = f.Elem()
		}
		if f.IsValid() {
			return f.Kind() == reflect.Pointer && f.Type() == p.Type() && f.Pointer() == p.Pointer()
		}
	}
	return false
}

// isWrapper reports whether t is the type of a wrapper of a cell's value: the interpreter's or the
// engine's (methodwrap.go).
func isWrapper(t reflect.Type) bool {
	if ownWrappers[t] {
		return true
	}
	return strings.HasPrefix(t.PkgPath(), "github.com/traefik/yaegi") && t.NumField() > 1 && t.Field(0).Name == "IValue"
}

// ownWrappers are the engine's wrapper types.
var ownWrappers = func() map[reflect.Type]bool {
	m := map[reflect.Type]bool{}
	for _, t := range append(append([]reflect.Type(nil), errWrappers...), fmtWrappers...) {
		m[t] = true
	}
	return m
}()

// fmtArg writes x for verb as Go would when x is of a cell's struct type (or a pointer to one) and verb
// is %T, %+v or %#v.
func (s *Session) fmtArg(x any, verb byte, flags string) (string, bool) {
	if _, ok := x.(fmt.GoStringer); ok && verb == 'v' && strings.Contains(flags, "#") {
		return "", false // fmt calls its GoString
	}
	switch x.(type) {
	case error, fmt.Stringer:
		if verb == 'v' && !strings.Contains(flags, "#") {
			return "", false // fmt calls its Error or String for %+v too
		}
	}
	if inner, ok := s.unwrapped(x); ok {
		x = inner
	}
	v := reflect.ValueOf(x)
	if !v.IsValid() {
		return "", false
	}
	t, ptr := v.Type(), ""
	if t.Kind() == reflect.Pointer {
		t, ptr = t.Elem(), "*"
	}
	name, fields := s.cellStruct(t)
	if name == "" {
		return "", false
	}
	switch {
	case verb == 'T':
		return ptr + "main." + name, true
	case verb == 'v' && strings.Contains(flags, "#"):
		if ptr != "" {
			if v.IsNil() {
				return "(*main." + name + ")(nil)", true
			}
			return "&" + s.goSyntax(v.Elem(), name, fields), true
		}
		return s.goSyntax(v, name, fields), true
	case verb == 'v' && strings.Contains(flags, "+"):
		if ptr != "" {
			if v.IsNil() {
				return "<nil>", true
			}
			return "&" + s.plusSyntax(v.Elem(), fields), true
		}
		return s.plusSyntax(v, fields), true
	}
	return "", false
}

// cellStruct returns the name and field names of a cell's struct type, from its declaration, when t is
// the interpreter's type of it.
func (s *Session) cellStruct(t reflect.Type) (string, []string) {
	if t.Kind() != reflect.Struct || t.Name() != "" {
		return "", nil
	}
	name, ok := s.typeName[t]
	if !ok {
		return "", nil
	}
	ti := s.types[name]
	if ti == nil {
		return "", nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\ntype "+ti.src, 0)
	if err != nil || len(f.Decls) != 1 {
		return "", nil
	}
	ts, ok := f.Decls[0].(*ast.GenDecl).Specs[0].(*ast.TypeSpec)
	if !ok {
		return "", nil
	}
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return "", nil
	}
	var fields []string
	for _, fl := range st.Fields.List {
		if len(fl.Names) == 0 { // embedded: the type's name
			fields = append(fields, strings.TrimPrefix(exprName(fl.Type), "*"))
			continue
		}
		for _, n := range fl.Names {
			fields = append(fields, n.Name)
		}
	}
	if len(fields) != t.NumField() {
		return "", nil
	}
	return name, fields
}

// goSyntax writes a struct value as %#v does.
func (s *Session) goSyntax(v reflect.Value, name string, fields []string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f + ":" + s.fieldText(v.Field(i), 'v', "#")
	}
	return "main." + name + "{" + strings.Join(parts, ", ") + "}"
}

// plusSyntax writes a struct value as %+v does.
func (s *Session) plusSyntax(v reflect.Value, fields []string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f + ":" + s.fieldText(v.Field(i), 'v', "+")
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// fieldText writes a field's value with the verb and flags, a cell's struct type as above.
func (s *Session) fieldText(f reflect.Value, verb byte, flags string) string {
	if !f.CanInterface() {
		return fmt.Sprint(f)
	}
	x := f.Interface()
	if f.Kind() == reflect.Pointer { // below the top, a pointer is written as its address
		if name, _ := s.cellStruct(f.Type().Elem()); name != "" && strings.Contains(flags, "#") {
			if f.IsNil() {
				return "(*main." + name + ")(nil)"
			}
			return fmt.Sprintf("(*main.%s)(%p)", name, x)
		}
		if verb == 'v' && !strings.Contains(flags, "#") {
			if f.IsNil() {
				return "<nil>"
			}
			return fmt.Sprintf("%p", x)
		}
		return fmt.Sprintf("%"+flags+string(verb), x)
	}
	if text, ok := s.fmtArg(x, verb, flags); ok {
		return text
	}
	return fmt.Sprintf("%"+flags+string(verb), x)
}
