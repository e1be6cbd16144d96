package engine

import (
	"fmt"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/golm-dev/golm/helpers/display"
)

var builtinDocs = map[string]string{
	"append":  "func append(slice []Type, elems ...Type) []Type\n\nappend appends elements to the end of a slice and returns the updated slice.",
	"cap":     "func cap(v Type) int\n\ncap returns the capacity of v.",
	"clear":   "func clear[T ~[]Type | ~map[Type]Type1](t T)\n\nclear deletes all entries of a map, or zeroes the elements of a slice.",
	"close":   "func close(c chan<- Type)\n\nclose closes a channel.",
	"complex": "func complex(r, i FloatType) ComplexType",
	"copy":    "func copy(dst, src []Type) int\n\ncopy copies elements from a source slice into a destination slice and returns the number copied.",
	"delete":  "func delete(m map[Type]Type1, key Type)\n\ndelete deletes the element with the given key from the map.",
	"imag":    "func imag(c ComplexType) FloatType",
	"len":     "func len(v Type) int\n\nlen returns the length of v: bytes of a string, elements of a slice, array or map, items in a channel's buffer.",
	"make":    "func make(t Type, size ...IntegerType) Type\n\nmake allocates and initializes a slice, map or channel.",
	"max":     "func max[T cmp.Ordered](x T, y ...T) T\n\nmax returns the largest of its arguments.",
	"min":     "func min[T cmp.Ordered](x T, y ...T) T\n\nmin returns the smallest of its arguments.",
	"new":     "func new(Type) *Type\n\nnew allocates a zero value of a type and returns a pointer to it.",
	"panic":   "func panic(v any)\n\npanic stops normal execution; in a cell it ends the cell with an error.",
	"print":   "func print(args ...Type)",
	"println": "func println(args ...Type)",
	"real":    "func real(c ComplexType) FloatType",
	"recover": "func recover() any\n\nrecover regains control of a panicking goroutine inside a deferred function.",
}

var predeclaredTypes = []string{"any", "bool", "byte", "comparable", "complex64", "complex128", "error",
	"float32", "float64", "int", "int8", "int16", "int32", "int64", "rune", "string", "uint", "uint8",
	"uint16", "uint32", "uint64", "uintptr", "true", "false", "nil", "iota"}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// identBefore returns the identifier (possibly empty) that ends at byte offset end of code.
func identBefore(code string, end int) int {
	start := end
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:start])
		if !isIdentRune(r) {
			break
		}
		start -= size
	}
	return start
}

// chainBefore returns the start of a chain of identifiers joined by dots ("a.b.c") that ends at end.
func chainBefore(code string, end int) int {
	start := identBefore(code, end)
	for start > 0 && code[start-1] == '.' {
		s := identBefore(code, start-1)
		if s == start-1 {
			break
		}
		start = s
	}
	return start
}

// Complete returns completions for the code at a byte offset, and the byte range they replace.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cursor = max(0, min(cursor, len(code)))
	start = identBefore(code, cursor)
	prefix := code[start:cursor]
	end = cursor
	if start > 0 && code[start-1] == '.' {
		baseStart := chainBefore(code, start-1)
		base := code[baseStart : start-1]
		if base == "" {
			return nil, start, end
		}
		return filter(s.members(base), prefix), start, end
	}
	lineStart := strings.LastIndexByte(code[:start], '\n') + 1
	if strings.TrimSpace(code[lineStart:start]) == "%" {
		for _, m := range Magics {
			if strings.HasPrefix(m.Name, "%") {
				matches = append(matches, strings.TrimPrefix(m.Name, "%"))
			}
		}
		return filter(matches, prefix), start, end
	}
	var cands []string
	for n := range s.names {
		cands = append(cands, n)
	}
	for n := range s.pkgNames {
		cands = append(cands, n)
	}
	for n := range s.imported {
		cands = append(cands, n)
	}
	for n := range shimmed {
		cands = append(cands, n)
	}
	for n := range builtinDocs {
		cands = append(cands, n)
	}
	cands = append(cands, predeclaredTypes...)
	for t := token.BREAK; t <= token.VAR; t++ {
		if t.IsKeyword() {
			cands = append(cands, t.String())
		}
	}
	return filter(cands, prefix), start, end
}

// filter keeps the candidates with the prefix (hidden __golm names never), sorted without duplicates.
func filter(cands []string, prefix string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cands {
		if strings.HasPrefix(c, "__golm") || seen[c] || !strings.HasPrefix(c, prefix) {
			continue
		}
		seen[c] = true
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// pkgPath returns the import path a name refers to in the session, or "".
func (s *Session) pkgPath(name string) string {
	if _, ok := s.names[name]; ok {
		return ""
	}
	if p, ok := s.imported[name]; ok {
		return p
	}
	if shimmed[name] {
		return name
	}
	return s.pkgNames[name]
}

// members lists what can follow "base." : a package's exported names, or a value's fields and methods.
func (s *Session) members(base string) []string {
	if !strings.Contains(base, ".") {
		if path := s.pkgPath(base); path != "" {
			var out []string
			for name := range s.symbolsOf(path) {
				out = append(out, name)
			}
			for name := range s.generic[path] {
				out = append(out, name)
			}
			return out
		}
	}
	v, ok := s.value(base)
	if !ok {
		return nil
	}
	return s.fieldsAndMethods(v.Type())
}

// symbolsOf returns the compiled symbols of a package path.
func (s *Session) symbolsOf(path string) map[string]reflect.Value {
	name := s.pkgs[path]
	if name == "" {
		return nil
	}
	out := map[string]reflect.Value{}
	for k, v := range s.syms[path+"/"+name] {
		if !strings.HasPrefix(k, "_") {
			out[k] = v
		}
	}
	return out
}

// value evaluates a chain of identifiers (no calls, so no side effects) in the session.
func (s *Session) value(chain string) (v reflect.Value, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	parts := strings.Split(chain, ".")
	root := parts[0]
	if _, declared := s.names[root]; declared {
		// Only a plain name goes through the interpreter, and the rest of the chain is walked with reflect,
		// so that nothing runs (evaluating a method value was seen to leave the interpreter in a broken
		// state; the quirk probes do not reproduce that with yaegi v0.16.1).
		if v, err := s.i.Eval(root); err == nil && v.IsValid() {
			return walk(v, parts[1:])
		}
		return reflect.Value{}, false
	}
	if path := s.pkgPath(root); path != "" && len(parts) > 1 {
		if v, ok := s.symbolsOf(path)[parts[1]]; ok {
			if v.Kind() == reflect.Pointer && v.IsNil() {
				return reflect.Value{}, false // a type, not a value
			}
			return walk(v, parts[2:])
		}
	}
	return reflect.Value{}, false
}

// walk follows fields and methods from a value.
func walk(v reflect.Value, names []string) (reflect.Value, bool) {
	for _, n := range names {
		if !v.IsValid() {
			return reflect.Value{}, false
		}
		if m := v.MethodByName(n); m.IsValid() {
			v = m
			continue
		}
		// A method with a pointer receiver of a variable that holds a value (var mu sync.Mutex; mu.Lock):
		// reflect's method set of a value lacks it, so take it from a pointer to a copy. The result serves
		// for its type and documentation (completion, inspection, how many results a call has), which is all
		// this function is used for.
		if v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface {
			if _, ok := reflect.PointerTo(v.Type()).MethodByName(n); ok {
				p := reflect.New(v.Type())
				p.Elem().Set(v)
				v = p.MethodByName(n)
				continue
			}
		}
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return reflect.Value{}, false
		}
		f := v.FieldByName(n)
		if !f.IsValid() {
			return reflect.Value{}, false
		}
		v = f
	}
	return v, v.IsValid()
}

// fieldsAndMethods lists the exported (or session-declared) fields and methods of a type.
func (s *Session) fieldsAndMethods(t reflect.Type) []string {
	var out []string
	declared := s.declaredType(t)
	if t.Kind() == reflect.Interface {
		for i := 0; i < t.NumMethod(); i++ {
			out = append(out, t.Method(i).Name)
		}
		return out
	}
	for i := 0; i < t.NumMethod(); i++ {
		out = append(out, t.Method(i).Name)
	}
	if t.Kind() != reflect.Pointer {
		pt := reflect.PointerTo(t)
		for i := 0; i < pt.NumMethod(); i++ {
			out = append(out, pt.Method(i).Name)
		}
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for i := 0; i < st.NumField(); i++ {
			f := st.Field(i)
			if f.IsExported() || declared != nil {
				out = append(out, f.Name)
			}
		}
	}
	if declared != nil {
		for m := range declared.methods {
			out = append(out, m)
		}
	}
	return out
}

// Inspect returns help for the name at or before a byte offset: a signature and doc comment for functions
// and types, the type and value of variables.
func (s *Session) Inspect(code string, cursor int, detail int) (display.Bundle, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	chain := chainAt(code, cursor)
	if chain == "" {
		return display.Bundle{}, false
	}
	text, ok := s.describe(chain)
	if !ok {
		return display.Bundle{}, false
	}
	return display.Bundle{Data: map[string]any{display.MIMEText: text}}, true
}

// chainAt finds the identifier chain under the cursor; when the cursor is in a call's arguments, the
// called function's name.
func chainAt(code string, cursor int) string {
	cursor = max(0, min(cursor, len(code)))
	end := cursor
	for end < len(code) {
		r, size := utf8.DecodeRuneInString(code[end:])
		if !isIdentRune(r) {
			break
		}
		end += size
	}
	if start := chainBefore(code, end); start < end {
		return code[start:end]
	}
	depth := 0
	for i := cursor - 1; i >= 0; i-- {
		switch code[i] {
		case ')':
			depth++
		case '(':
			if depth == 0 {
				if start := chainBefore(code, i); start < i {
					return code[start:i]
				}
				return ""
			}
			depth--
		case '\n':
			if depth == 0 && i < cursor-1 && strings.TrimSpace(code[i:cursor]) == "" {
				return ""
			}
		}
	}
	return ""
}

// describe returns the help text of a name.
func (s *Session) describe(chain string) (string, bool) {
	parts := strings.Split(chain, ".")
	if len(parts) == 1 {
		name := parts[0]
		if info, ok := s.names[name]; ok {
			return s.describeName(name, info), true
		}
		if doc, ok := builtinDocs[name]; ok {
			return doc, true
		}
		if path := s.pkgPath(name); path != "" {
			doc := "package " + name + ` // import "` + path + `"`
			if s.opts.Docs != nil {
				if d, ok := s.opts.Docs(path, ""); ok {
					doc += "\n\n" + d
				}
			}
			return doc, true
		}
		return "", false
	}
	if path := s.pkgPath(parts[0]); path != "" && len(parts) == 2 {
		name := parts[1]
		if g, ok := s.generic[path][name]; ok {
			return g.sig + "\n\n" + g.doc, true
		}
		if s.opts.Docs != nil {
			if d, ok := s.opts.Docs(path, name); ok {
				return d, true
			}
		}
		if v, ok := s.symbolsOf(path)[name]; ok {
			return describeSymbol(parts[0], name, v), true
		}
		return "", false
	}
	// A method of a value: the documentation of its compiled type's method, or the declared method.
	if i := strings.LastIndex(chain, "."); i > 0 {
		if recv, ok := s.value(chain[:i]); ok {
			method := chain[i+1:]
			t := recv.Type()
			for _, tt := range []reflect.Type{t, derefType(t)} {
				if _, has := tt.MethodByName(method); has && tt.PkgPath() != "" && s.opts.Docs != nil {
					if d, ok := s.opts.Docs(tt.PkgPath(), tt.Name()+"."+method); ok {
						return d, true
					}
				}
			}
			if ti := s.declaredType(t); ti != nil {
				if src, ok := ti.methods[method]; ok {
					return strings.TrimSpace(src[:strings.Index(src+"{", "{")]), true
				}
			}
		}
	}
	v, ok := s.value(chain)
	if !ok {
		return "", false
	}
	return s.secrets(v).text(fmt.Sprintf("%s: %s\n\n%s", chain, s.typeString(v.Type()), s.formatter().Value(v))), true
}

func derefType(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer {
		return t.Elem()
	}
	return t
}

func (s *Session) describeName(name string, info nameInfo) string {
	switch info.kind {
	case kindFunc, kindType:
		text := info.src
		if info.doc != "" {
			text += "\n\n" + info.doc
		}
		if info.kind == kindType {
			if ti := s.types[name]; ti != nil && len(ti.methods) > 0 {
				var ms []string
				for m := range ti.methods {
					ms = append(ms, m)
				}
				sort.Strings(ms)
				text += "\n\nmethods: " + strings.Join(ms, ", ")
			}
		}
		return text
	}
	v, ok := s.value(name)
	if !ok {
		return info.src
	}
	text := s.secrets(v).text(fmt.Sprintf("%s: %s = %s", name, s.typeString(v.Type()), s.formatter().Value(v)))
	if info.doc != "" {
		text += "\n\n" + info.doc
	}
	return text
}

func (s *Session) typeString(t reflect.Type) string {
	if n := s.typeName[t]; n != "" {
		return n
	}
	if t.Kind() == reflect.Pointer {
		if n := s.typeName[t.Elem()]; n != "" {
			return "*" + n
		}
	}
	return t.String()
}

// describeSymbol describes a compiled package member without documentation: its kind and type.
func describeSymbol(pkg, name string, v reflect.Value) string {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Func && v.Kind() == reflect.Func:
		return "func " + pkg + "." + name + strings.TrimPrefix(t.String(), "func")
	case v.Kind() == reflect.Pointer && t.Elem().Kind() != reflect.Struct && v.IsNil():
		return "type " + pkg + "." + name + " " + t.Elem().String()
	case v.Kind() == reflect.Pointer && v.IsNil():
		return "type " + pkg + "." + name
	default:
		return fmt.Sprintf("%s.%s: %s", pkg, name, t)
	}
}
