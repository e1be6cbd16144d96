package symbols

import (
	"fmt"
	"reflect"

	"github.com/golm-dev/golm/helpers/display"
)

// renderers are the interfaces through which a value renders richly, most specific first. When a cell
// passes a value of an interpreted type to one of the functions below, the interpreter wraps it so that
// the compiled function sees the first of these interfaces that the type implements.
var renderers = []reflect.Type{
	reflect.TypeOf((*display.MIMEBundler)(nil)).Elem(),
	reflect.TypeOf((*display.HTMLer)(nil)).Elem(),
	reflect.TypeOf((*display.Markdowner)(nil)).Elem(),
	reflect.TypeOf((*display.SVGer)(nil)).Elem(),
	reflect.TypeOf((*display.PNGer)(nil)).Elem(),
	reflect.TypeOf((*display.JPEGer)(nil)).Elem(),
	reflect.TypeOf((*display.LaTeXer)(nil)).Elem(),
	reflect.TypeOf((*display.JSONer)(nil)).Elem(),
	reflect.TypeOf((*error)(nil)).Elem(),
	reflect.TypeOf((*fmt.Stringer)(nil)).Elem(),
}

// MapTypes tells the interpreter which interfaces to expose interpreted values through when they are
// passed to compiled functions that take any (yaegi's MapTypes mechanism).
var MapTypes = map[reflect.Value][]reflect.Type{
	reflect.ValueOf(display.Show):   renderers,
	reflect.ValueOf(display.New):    renderers,
	reflect.ValueOf(display.Render): renderers,
	reflect.ValueOf(display.Format): renderers,
}
