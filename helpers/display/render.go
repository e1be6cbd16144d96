package display

import (
	"encoding/json"
	"fmt"
	"html"
	"image"
	"reflect"
	"strings"
)

// Renderer interfaces. A type implements any of them to render richly as a cell's last expression or through
// Show, without importing this package (the kernel looks for the methods, not for these names).
type (
	// HTMLer renders as an HTML fragment.
	HTMLer interface{ HTML() string }
	// Markdowner renders as Markdown.
	Markdowner interface{ Markdown() string }
	// SVGer renders as an SVG image.
	SVGer interface{ SVG() string }
	// PNGer renders as a PNG image.
	PNGer interface{ PNG() []byte }
	// JPEGer renders as a JPEG image.
	JPEGer interface{ JPEG() []byte }
	// LaTeXer renders as LaTeX.
	LaTeXer interface{ LaTeX() string }
	// JSONer renders as a JSON tree.
	JSONer interface{ JSON() any }
	// MIMEBundler renders as any set of MIME types at once (keys are MIME types).
	MIMEBundler interface{ MIMEBundle() map[string]any }
)

// Method is a method through which a value renders: a value has it when it implements Type.
type Method struct {
	// Name is the method's name, e.g. "HTML".
	Name string
	// MIME is the MIME type its result is shown as: "" for MIMEBundle, whose result is a whole bundle, and
	// MIMEText for the text methods Error and String.
	MIME string
	// Type is the interface with this one method (HTMLer, ..., error, fmt.Stringer).
	Type reflect.Type
}

// methods is the one list of the methods through which values render, in the order they are tried.
var methods = []Method{
	{"MIMEBundle", "", reflect.TypeFor[MIMEBundler]()},
	{"HTML", MIMEHTML, reflect.TypeFor[HTMLer]()},
	{"Markdown", MIMEMarkdown, reflect.TypeFor[Markdowner]()},
	{"SVG", MIMESVG, reflect.TypeFor[SVGer]()},
	{"PNG", MIMEPNG, reflect.TypeFor[PNGer]()},
	{"JPEG", MIMEJPEG, reflect.TypeFor[JPEGer]()},
	{"LaTeX", MIMELaTeX, reflect.TypeFor[LaTeXer]()},
	{"JSON", MIMEJSON, reflect.TypeFor[JSONer]()},
	{"Error", MIMEText, reflect.TypeFor[error]()},
	{"String", MIMEText, reflect.TypeFor[fmt.Stringer]()},
}

// Methods returns the methods through which a value renders, in the order they are tried: the rich ones
// (MIMEBundle, HTML, Markdown, SVG, PNG, JPEG, LaTeX, JSON), then the text ones (Error, String). Render uses
// this list, and so does the golm kernel for the last expression of a cell.
func Methods() []Method { return append([]Method(nil), methods...) }

// Render returns the MIME bundle of a value with the default Formatter (see Formatter.Render).
func Render(v any) Bundle { return Formatter{}.Render(v) }

// Render returns the MIME bundle of a value: its rich forms when its type has methods of Methods (or it is an
// image.Image or a Bundle), and always a text/plain form. The text is, in order: the text/plain of its
// MIMEBundle, its Error or String method, the size of an image, the text of its richest form (Markdown, LaTeX
// or JSON as they are; "[HTML]", "[SVG image]", "[PNG image, N bytes]" for the others, as HTMLBundle and the
// other constructors make it), and when it has no rich form, the value in Go syntax (see Format). A table of
// data without rich forms — a slice of structs, a map — also renders as an HTML table of at most
// MaxTableRows rows.
func (f Formatter) Render(v any) Bundle {
	switch x := v.(type) {
	case Bundle:
		return withText(x)
	case *Bundle:
		if x != nil {
			return withText(*x)
		}
	}
	img, _ := v.(image.Image)
	b := f.render(methodsOf(v), img, func() string { return f.Format(v) })
	if len(b.Data) == 1 { // text only: a table of data shows as an HTML table too
		if t, ok := f.tableHTML(v); ok {
			b.Data[MIMEHTML] = t
		}
	}
	return b
}

// RenderCalls returns the MIME bundle of a value whose methods cannot be found by reflection (a value of a
// type declared in an interpreter): call returns the result of the value's method of that name (of Methods,
// called without arguments) and whether it has one; a result of another type than the method's is ignored.
// The bundle is built as Render builds it, with v written in Go syntax as the last resort for the text.
func (f Formatter) RenderCalls(call func(name string) (result any, ok bool), v reflect.Value) Bundle {
	return f.render(checked(call), nil, func() string { return f.Value(v) })
}

// caller calls a method of Methods on a value and returns its result, and whether the value has the method.
type caller func(m Method) (any, bool)

// checked makes a caller of a call function, keeping the results whose type fits the method.
func checked(call func(name string) (any, bool)) caller {
	return func(m Method) (any, bool) {
		r, ok := call(m.Name)
		if !ok {
			return nil, false
		}
		want := m.Type.Method(0).Type.Out(0)
		if r == nil {
			return nil, want.Kind() == reflect.Interface
		}
		return r, reflect.TypeOf(r).AssignableTo(want)
	}
}

// render builds a bundle from a value's methods, called through call; img is the value when it is an image,
// text writes the value in Go syntax.
func (f Formatter) render(call caller, img image.Image, text func() string) Bundle {
	data := map[string]any{}
	if r, ok := call(methods[0]); ok { // MIMEBundle: the complete set of rich forms
		if m, ok := r.(map[string]any); ok {
			for k, val := range m {
				data[k] = val
			}
		}
	} else {
		for _, m := range methods[1:] {
			if m.MIME == MIMEText {
				continue
			}
			if r, ok := call(m); ok {
				data[m.MIME] = r
			}
		}
	}
	rich := len(data) > 0
	if img != nil && !rich {
		if ib, err := ImageBundle(img); err == nil {
			for k, val := range ib.Data {
				data[k] = val
			}
			rich = true
		}
	}
	if _, ok := data[MIMEText]; ok {
		return Bundle{Data: data}
	}
	for _, m := range methods {
		if m.MIME != MIMEText {
			continue
		}
		if r, ok := call(m); ok {
			if s, ok := r.(string); ok {
				data[MIMEText] = s
				return Bundle{Data: data}
			}
		}
	}
	switch {
	case img != nil:
		r := img.Bounds()
		data[MIMEText] = fmt.Sprintf("[%d×%d image]", r.Dx(), r.Dy())
	case rich:
		data[MIMEText] = richText(data, text)
	default:
		data[MIMEText] = text()
	}
	return Bundle{Data: data}
}

// richText is the text/plain form of a bundle's richest form, as the bundle constructors write it.
func richText(data map[string]any, text func() string) string {
	for _, m := range []string{MIMEMarkdown, MIMELaTeX} {
		if s, ok := data[m].(string); ok {
			return s
		}
	}
	if v, ok := data[MIMEJSON]; ok {
		return indentJSON(v)
	}
	if _, ok := data[MIMEHTML]; ok {
		return "[HTML]"
	}
	if _, ok := data[MIMESVG]; ok {
		return "[SVG image]"
	}
	for _, k := range []struct{ kind, mime string }{{"PNG", MIMEPNG}, {"JPEG", MIMEJPEG}} {
		if p, ok := data[k.mime].([]byte); ok {
			return imageText(k.kind, p)
		}
	}
	return text()
}

// methodsOf returns the caller of a compiled value's methods, or of a value of an interpreted type that the
// interpreter wrapped to pass it to compiled code (see interpreted).
func methodsOf(v any) caller {
	rv := reflect.ValueOf(v)
	_, funcs, wrapped := interpreted(rv)
	return func(m Method) (out any, ok bool) {
		var fn reflect.Value
		switch {
		case wrapped:
			fn = funcs[m.Name]
		case rv.IsValid():
			if m.MIME == MIMEText && rv.Kind() == reflect.Pointer && rv.IsNil() {
				return nil, false // a nil pointer: not worth calling String or Error on
			}
			fn = rv.MethodByName(m.Name)
		}
		if !fn.IsValid() || fn.Type() != m.Type.Method(0).Type {
			return nil, false
		}
		if m.MIME == MIMEText {
			return safeCall(func() string { return fn.Call(nil)[0].String() }), true
		}
		return fn.Call(nil)[0].Interface(), true
	}
}

// interpreted recognises a value of an interpreted type wrapped by the interpreter to pass it to compiled
// code: a struct whose first field IValue holds the value and whose other fields, W followed by a method's
// name, hold its methods as functions (yaegi's wrappers, and the golm kernel's wrappers for several
// methods at once). It returns the value and the methods by name.
func interpreted(rv reflect.Value) (inner reflect.Value, funcs map[string]reflect.Value, ok bool) {
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return reflect.Value{}, nil, false
	}
	t := rv.Type()
	if t.NumField() == 0 || t.Field(0).Name != "IValue" ||
		(t.Name() != "" && !strings.HasPrefix(t.Name(), "_")) {
		return reflect.Value{}, nil, false
	}
	funcs = map[string]reflect.Value{}
	for i := 1; i < t.NumField(); i++ {
		name, isMethod := strings.CutPrefix(t.Field(i).Name, "W")
		if !isMethod {
			return reflect.Value{}, nil, false
		}
		fn := rv.Field(i)
		if fn.Kind() == reflect.Interface {
			fn = fn.Elem()
		}
		if fn.Kind() == reflect.Func && !fn.IsNil() {
			funcs[name] = fn
		}
	}
	inner = rv.Field(0)
	if inner.Kind() == reflect.Interface {
		inner = inner.Elem()
	}
	return inner, funcs, true
}

func indentJSON(v any) string {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(out)
}

func escapeHTML(s string) string { return html.EscapeString(s) }
