package symbols

import (
	"reflect"

	"github.com/golm-dev/golm/helpers/display"
)

// renderers are the interfaces through which a value renders (display.Methods, most specific first). When
// a cell passes a value of an interpreted type to one of the functions below, the interpreter wraps it so
// that the compiled function sees the first of these interfaces that the type implements (the golm kernel
// adds wrappers that carry all of them).
var renderers = func() []reflect.Type {
	var out []reflect.Type
	for _, m := range display.Methods() {
		out = append(out, m.Type)
	}
	return out
}()

// MapTypes tells the interpreter which interfaces to expose interpreted values through when they are
// passed to compiled functions that take any (yaegi's MapTypes mechanism).
var MapTypes = map[reflect.Value][]reflect.Type{
	reflect.ValueOf(display.Show):   renderers,
	reflect.ValueOf(display.New):    renderers,
	reflect.ValueOf(display.Render): renderers,
	reflect.ValueOf(display.Format): renderers,
}
