package engine

import (
	"errors"
	"fmt"
	"reflect"
)

// Compiled code sees a value of a cell's type through a wrapper that the interpreter builds: a struct whose
// first field, IValue, holds the value, and whose other fields, W<method>, hold its methods as functions
// (quirk maptypes-first-interface). The interpreter's own wrappers carry the methods of one interface
// only: an error, kept in a variable of type error or passed where compiled code wants one, kept Error and
// lost Unwrap, Is and As (errors.Is and errors.As did not see through a cell's wrapper type); a value given
// to fmt kept Format or String, so an Error method was never called and GoString ignored. The interpreter
// takes, for an interface, the first wrapper of its MapTypes list whose methods the value all has: the
// types below are those lists, for error (errWrappers) and for fmt's printing functions (fmtWrappers),
// largest first. Their W fields are of type any but WError, which the interpreter fills only for a type
// that implements error: a method of an unexpected signature (an Is(int) bool) is then left uncalled
// rather than panicking in the interpreter; and a func field makes each error wrapper incomparable, so
// errors.Is compares two of them through their Is method (wrappedIs), which compares the values inside.
// The wrapper of a struct value holds in IValue the struct's last field, not the struct (quirk
// wrapper-struct-value): a cell's struct types get a method, selfMethod, that returns the value, and the
// wrappers come with and without it (W__golmSelf). The types are in zz_methodwrap.go (written by
// TestMethodWrapperTypes): for error, a wrapper for each set of Unwrap, Is and As, all with Error and Is;
// for fmt, called first with Format (the interpreter's own wrapper, first in the MapTypes list), then
// GoString for %#v, Error, String: one for each set of GoString, Error and String.

// selfValue returns the value a wrapper holds, from its selfMethod (self) and IValue: IValue where the
// wrapper has no selfMethod or the value is a pointer to the struct (whose method gave a copy), else
// selfMethod's result.
func selfValue(self, ivalue any) any {
	f, ok := self.(func() any)
	if !ok {
		return ivalue
	}
	sv := f()
	if p := reflect.ValueOf(ivalue); p.Kind() == reflect.Pointer && p.Type().Elem() == reflect.TypeOf(sv) && !fromLastField(sv, p) {
		return ivalue
	}
	return sv
}

// wrappedUnwrap calls a cell's Unwrap method: Unwrap() error, or Unwrap() []error, whose errors are
// joined (errors.Is and errors.As walk a join as they walk the list).
func wrappedUnwrap(f any) error {
	switch f := f.(type) {
	case func() error:
		return f()
	case func() []error:
		return errors.Join(f()...)
	}
	return nil
}

// wrappedIs is errors.Is's test of one error of the tree: the value inside the wrapper equals target (or
// the value inside target's wrapper), as == would tell in Go, or the cell's Is method, f, says so.
func wrappedIs(v, f any, target error) bool {
	t := any(target)
	if inner, ok := wrappedValue(target); ok {
		t = inner
	}
	if equalValues(v, t) {
		return true
	}
	is, ok := f.(func(error) bool)
	return ok && is(target)
}

// equalValues reports v == t, false where Go would panic (an uncomparable value inside an interface).
func equalValues(v, t any) (eq bool) {
	if v == nil || t == nil || reflect.TypeOf(v) != reflect.TypeOf(t) || !reflect.TypeOf(v).Comparable() {
		return false
	}
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return v == t
}

// wrappedAs calls a cell's As method.
func wrappedAs(f, target any) bool {
	as, ok := f.(func(any) bool)
	return ok && as(target)
}

// callString calls a method returning a string; one of another signature is not called, and the value is
// written as fmt writes it without methods.
func callString(f, v any) string {
	if m, ok := f.(func() string); ok {
		return m()
	}
	return fmt.Sprint(v)
}

// Twins of fmt.GoStringer, error and fmt.Stringer for the MapTypes lists of fmt's printing functions: the
// interpreter finds a twin's wrappers under the twin's name in the twins' package, which all lead to
// fmtWrappers. A wrapper whose only method is GoString is given to fmt as the value it holds but for %#v
// (see plainGoStringers and formatArgs), as fmt would write it.
type (
	twinGoStringer interface{ GoString() string }
	twinError      interface{ Error() string }
	twinStringer   interface{ String() string }
)

// fmtTwins are the twins, in the order fmt calls their methods.
var fmtTwins = []reflect.Type{reflect.TypeFor[twinGoStringer](), reflect.TypeFor[twinError](), reflect.TypeFor[twinStringer]()}

// goStringOnly reports whether x is one of the engine's wrappers whose only method is GoString.
func goStringOnly(x any) bool {
	switch x.(type) {
	case fmtWG, fmtWGSelf:
		return true
	}
	return false
}

// fmtTwinKey keys fmtWrappers in the interpreter's MapTypes.
type fmtTwinKey struct{}

// methodWrappers returns the MapTypes entries and the twins' symbols that make the interpreter use the
// wrappers above: errKey is the interpreter's key of its error wrapper (see New).
func methodWrappers(errKey reflect.Value) (mapTypes map[reflect.Value][]reflect.Type, twinSyms map[string]reflect.Value) {
	key := reflect.ValueOf((*fmtTwinKey)(nil))
	mapTypes = map[reflect.Value][]reflect.Type{key: fmtWrappers}
	if errKey.IsValid() {
		mapTypes[errKey] = errWrappers
	}
	twinSyms = map[string]reflect.Value{}
	for _, t := range fmtTwins {
		twinSyms["_"+t.Name()] = key
	}
	return mapTypes, twinSyms
}

// fmtMapTypes is the MapTypes list of fmt's printing functions: Format first, which fmt calls for every
// verb, then the twins.
func fmtMapTypes() []reflect.Type {
	return append([]reflect.Type{reflect.TypeFor[fmt.Formatter]()}, fmtTwins...)
}
