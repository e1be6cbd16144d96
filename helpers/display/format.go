package display

import (
	"fmt"
	"reflect"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
)

// Formatter writes values in Go syntax, the way a cell shows its last expression: 42, "abab",
// []int{1, 2, 3}, T{A: 1, B: "x"}. Long collections, deep nesting and cycles are cut short.
type Formatter struct {
	// TypeName names a type; when nil or when it returns "", the reflect name is used. The kernel sets it to
	// name types declared in the session, which the interpreter represents without names.
	TypeName func(reflect.Type) string
	// MaxItems is the most elements shown of a slice, array or map (default 100).
	MaxItems int
	// MaxDepth is the deepest nesting shown (default 8).
	MaxDepth int
	// MaxLen is the longest output, in bytes (default 20000).
	MaxLen int
}

// Format writes v in Go syntax with the default Formatter. An error shows as its message and a fmt.Stringer
// by its String method.
func Format(v any) string { return Formatter{}.Format(v) }

// Format writes v in Go syntax; an error shows as its message and a fmt.Stringer by its String method.
func (f Formatter) Format(v any) string {
	if _, funcs, ok := interpreted(reflect.ValueOf(v)); ok {
		// A value of an interpreted type: its Error or String method, if the wrapper carries it.
		for _, name := range []string{"Error", "String"} {
			if m := funcs[name]; m.IsValid() && m.CanInterface() {
				if fn, ok := m.Interface().(func() string); ok {
					return safeCall(fn)
				}
			}
		}
	}
	v = unwrapInterpreted(v)
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return f.Value(rv) // a nil pointer: not worth calling String or Error on
	}
	switch x := v.(type) {
	case nil:
		return "nil"
	case error:
		return safeCall(func() string { return x.Error() })
	case fmt.Stringer:
		return safeCall(func() string { return x.String() })
	}
	return f.Value(reflect.ValueOf(v))
}

// Value writes a reflect.Value in Go syntax.
func (f Formatter) Value(v reflect.Value) string {
	if f.MaxItems <= 0 {
		f.MaxItems = 100
	}
	if f.MaxDepth <= 0 {
		f.MaxDepth = 8
	}
	if f.MaxLen <= 0 {
		f.MaxLen = 20000
	}
	p := &printer{f: f, seen: map[uintptr]bool{}}
	if err := p.safeValue(v); err != nil {
		return fmt.Sprintf("<%s: cannot be shown: %v>", v.Type(), err)
	}
	s := p.String()
	if len(s) > f.MaxLen {
		s = s[:f.MaxLen] + "…"
	}
	return s
}

// unwrapInterpreted returns the value inside a wrapper the interpreter made to pass an interpreted value
// as an interface to compiled code (see interpreted), so that it formats as the value itself.
func unwrapInterpreted(v any) any {
	if inner, _, ok := interpreted(reflect.ValueOf(v)); ok && inner.IsValid() && inner.CanInterface() {
		return inner.Interface()
	}
	return v
}

func safeCall(fn func() string) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("<panic in String/Error method: %v>", r)
		}
	}()
	return fn()
}

type printer struct {
	strings.Builder
	f    Formatter
	seen map[uintptr]bool
}

func (p *printer) typeName(t reflect.Type) string {
	if p.f.TypeName != nil {
		if n := p.f.TypeName(t); n != "" {
			return n
		}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + p.typeName(t.Elem())
	case reflect.Slice:
		if t.Name() == "" {
			return "[]" + p.typeName(t.Elem())
		}
	case reflect.Array:
		if t.Name() == "" {
			return fmt.Sprintf("[%d]%s", t.Len(), p.typeName(t.Elem()))
		}
	case reflect.Map:
		if t.Name() == "" {
			return "map[" + p.typeName(t.Key()) + "]" + p.typeName(t.Elem())
		}
	}
	s := t.String()
	if strings.HasPrefix(s, "main.") {
		s = s[len("main."):]
	}
	return s
}

// safeValue writes v, turning a fault (a value whose memory is not what its type says, as some internals
// of the standard library hold) into an error instead of a crash.
func (p *printer) safeValue(v reflect.Value) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	p.value(v, 0, true)
	return nil
}

// internal reports whether a struct type belongs to the standard library, whose unexported fields are
// implementation details (and sometimes hold values that are not what their types say).
func internal(t reflect.Type) bool {
	path := t.PkgPath()
	if path == "" {
		return false
	}
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && path != "main"
}

// value writes v; typed says whether the type must be written (false inside a composite literal whose type
// already says it, as gofmt -s would).
func (p *printer) value(v reflect.Value, depth int, typed bool) {
	if p.Len() > p.f.MaxLen {
		return
	}
	if !v.IsValid() {
		p.WriteString("nil")
		return
	}
	t := v.Type()
	named := t.Name() != "" && t.PkgPath() != ""
	basic := func(s string) {
		if named && typed {
			fmt.Fprintf(p, "%s(%s)", p.typeName(t), s)
			return
		}
		p.WriteString(s)
	}
	switch v.Kind() {
	case reflect.Bool:
		basic(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		basic(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if t.Kind() == reflect.Uint8 && !named {
			basic(fmt.Sprintf("0x%x", v.Uint()))
			return
		}
		basic(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32:
		basic(strconv.FormatFloat(v.Float(), 'g', -1, 32))
	case reflect.Float64:
		basic(strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.Complex64, reflect.Complex128:
		basic(fmt.Sprint(v.Complex()))
	case reflect.String:
		basic(strconv.Quote(v.String()))
	case reflect.Interface:
		if v.IsNil() {
			p.WriteString("nil")
			return
		}
		p.value(v.Elem(), depth, true)
	case reflect.Pointer:
		if v.IsNil() {
			fmt.Fprintf(p, "(%s)(nil)", p.typeName(t))
			return
		}
		if p.seen[v.Pointer()] || depth >= p.f.MaxDepth || (depth > 0 && internal(t.Elem())) {
			fmt.Fprintf(p, "(%s)(%#x)", p.typeName(t), v.Pointer())
			return
		}
		switch t.Elem().Kind() {
		case reflect.Struct, reflect.Slice, reflect.Array, reflect.Map:
			p.seen[v.Pointer()] = true
			p.WriteString("&")
			p.value(v.Elem(), depth, true)
			delete(p.seen, v.Pointer())
		default:
			fmt.Fprintf(p, "(%s)(%#x)", p.typeName(t), v.Pointer())
		}
	case reflect.Struct:
		if typed {
			p.WriteString(p.typeName(t))
		}
		if depth >= p.f.MaxDepth {
			p.WriteString("{…}")
			return
		}
		p.WriteString("{")
		first := true
		skipped := false
		for i := 0; i < v.NumField(); i++ {
			sf := t.Field(i)
			if !sf.IsExported() && internal(t) {
				skipped = true
				continue
			}
			if !first {
				p.WriteString(", ")
			}
			first = false
			name := sf.Name
			if sf.Anonymous && name == "" {
				name = p.typeName(sf.Type)
			}
			p.WriteString(name)
			p.WriteString(": ")
			p.value(v.Field(i), depth+1, true)
		}
		if skipped {
			if !first {
				p.WriteString(", ")
			}
			p.WriteString("…")
		}
		p.WriteString("}")
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			fmt.Fprintf(p, "%s(nil)", p.typeName(t))
			return
		}
		if typed {
			p.WriteString(p.typeName(t))
		}
		p.WriteString("{")
		n := v.Len()
		elemTyped := t.Elem().Kind() == reflect.Interface
		for i := 0; i < n; i++ {
			if i > 0 {
				p.WriteString(", ")
			}
			if i >= p.f.MaxItems || depth >= p.f.MaxDepth {
				fmt.Fprintf(p, "… (%d more)", n-i)
				break
			}
			p.value(v.Index(i), depth+1, elemTyped)
		}
		p.WriteString("}")
	case reflect.Map:
		if v.IsNil() {
			fmt.Fprintf(p, "%s(nil)", p.typeName(t))
			return
		}
		if typed {
			p.WriteString(p.typeName(t))
		}
		p.WriteString("{")
		keys := v.MapKeys()
		sortKeys(keys)
		elemTyped := t.Elem().Kind() == reflect.Interface
		keyTyped := t.Key().Kind() == reflect.Interface
		for i, k := range keys {
			if i > 0 {
				p.WriteString(", ")
			}
			if i >= p.f.MaxItems || depth >= p.f.MaxDepth {
				fmt.Fprintf(p, "… (%d more)", len(keys)-i)
				break
			}
			p.value(k, depth+1, keyTyped)
			p.WriteString(": ")
			p.value(v.MapIndex(k), depth+1, elemTyped)
		}
		p.WriteString("}")
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		if v.IsNil() {
			fmt.Fprintf(p, "(%s)(nil)", p.typeName(t))
			return
		}
		fmt.Fprintf(p, "(%s)(%#x)", p.typeName(t), v.Pointer())
	default:
		fmt.Fprintf(p, "%v", v)
	}
}

func sortKeys(keys []reflect.Value) {
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.Kind() != b.Kind() {
			return a.Kind() < b.Kind()
		}
		switch a.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return a.Int() < b.Int()
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return a.Uint() < b.Uint()
		case reflect.Float32, reflect.Float64:
			return a.Float() < b.Float()
		case reflect.String:
			return a.String() < b.String()
		case reflect.Bool:
			return !a.Bool() && b.Bool()
		}
		return fmt.Sprint(a) < fmt.Sprint(b)
	})
}
