// Code evaluated in every golm session before the first cell.
//
// The interpreter cannot call the generic functions of the compiled standard library (its symbol tables
// skip them), and interpreted generic packages fail to import. So the common functions of slices, maps
// and cmp are declared here, in the session's own scope, as __golm_<package>_<Name>; the engine rewrites
// slices.Sort(x) in a cell to __golm_slices_Sort(x). The interpreter's generics are limited: each function
// is written on []E and map[K]V (not S ~[]E), spells out its constraint, and calls no other generic
// function.
//
// The engine evaluates the stand-ins (__golm_<package>_<Name>, __golmSpread_...) one by one when a cell
// first uses them (see lazy.go), and the rest at the session's start.
//
// Nothing here may collide with a cell's names, since it shares the session's scope: the builtins min,
// max and clear are __golmMin, __golmMax and __golmClear (a cell's min(a, b) is rewritten to call them
// unless the session declares its own min), sort is imported as __golmsort, and the engine renames each
// type parameter (T, E, K, V) to __golm_tp_<name> before evaluating this file, since the interpreter
// resolves a type parameter's name in the session's scope when it instantiates a generic function (a
// cell's type E would break slices.Sort).

package main

import (
	__golmmaphash "hash/maphash"
	__golmreflect "reflect"
	__golmruntime "runtime"
	__golmsort "sort"
	__golmsync "sync"
)

// __golmMin is min: it returns the smallest of its arguments.
func __golmMin[T ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string](x T, y ...T) T {
	m := x
	for _, v := range y {
		if v < m {
			m = v
		}
	}
	return m
}

// __golmMax is max: it returns the largest of its arguments.
func __golmMax[T ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string](x T, y ...T) T {
	m := x
	for _, v := range y {
		if v > m {
			m = v
		}
	}
	return m
}

// __golmClear is clear: it deletes all entries of a map, or zeroes the elements of a slice.
func __golmClear(x any) { __golm.Clear(x) }

// ctx is the context of the running cell: interrupting the cell cancels it. The engine sets it to a new
// context for each cell, cancelled when the cell ends.
var ctx = __golm.Context()

// __golmMany hands the results of a call over to the engine (see Session.defineManyFromCall).
var __golmMany []any

// Sort sorts a slice of any ordered type in ascending order.
func __golm_slices_Sort[E ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string](x []E) {
	__golmsort.Slice(x, func(i, j int) bool { return x[i] < x[j] })
}

// SortFunc sorts the slice x in ascending order as determined by the cmp function.
func __golm_slices_SortFunc[E any](x []E, cmp func(a, b E) int) {
	__golmsort.Slice(x, func(i, j int) bool { return cmp(x[i], x[j]) < 0 })
}

// SortStableFunc sorts the slice x while keeping the original order of equal elements.
func __golm_slices_SortStableFunc[E any](x []E, cmp func(a, b E) int) {
	__golmsort.SliceStable(x, func(i, j int) bool { return cmp(x[i], x[j]) < 0 })
}

// IsSorted reports whether x is sorted in ascending order.
func __golm_slices_IsSorted[E ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string](x []E) bool {
	for i := len(x) - 1; i > 0; i-- {
		if x[i] < x[i-1] {
			return false
		}
	}
	return true
}

// BinarySearch searches for target in a sorted slice and returns the position where target is found, or
// where it would appear, and whether it was found.
func __golm_slices_BinarySearch[E ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string](x []E, target E) (int, bool) {
	i := __golmsort.Search(len(x), func(i int) bool { return x[i] >= target })
	return i, i < len(x) && x[i] == target
}

// Contains reports whether v is present in s.
func __golm_slices_Contains[E comparable](s []E, v E) bool {
	for i := range s {
		if v == s[i] {
			return true
		}
	}
	return false
}

// ContainsFunc reports whether at least one element e of s satisfies f(e).
func __golm_slices_ContainsFunc[E any](s []E, f func(E) bool) bool {
	for i := range s {
		if f(s[i]) {
			return true
		}
	}
	return false
}

// Index returns the index of the first occurrence of v in s, or -1 if not present.
func __golm_slices_Index[E comparable](s []E, v E) int {
	for i := range s {
		if v == s[i] {
			return i
		}
	}
	return -1
}

// IndexFunc returns the first index i satisfying f(s[i]), or -1 if none do.
func __golm_slices_IndexFunc[E any](s []E, f func(E) bool) int {
	for i := range s {
		if f(s[i]) {
			return i
		}
	}
	return -1
}

// Reverse reverses the elements of the slice in place.
func __golm_slices_Reverse[E any](s []E) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// Max returns the maximal value in x. It panics if x is empty.
func __golm_slices_Max[E ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string](x []E) E {
	if len(x) < 1 {
		panic("slices.Max: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if x[i] > m {
			m = x[i]
		}
	}
	return m
}

// Min returns the minimal value in x. It panics if x is empty.
func __golm_slices_Min[E ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string](x []E) E {
	if len(x) < 1 {
		panic("slices.Min: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if x[i] < m {
			m = x[i]
		}
	}
	return m
}

// Equal reports whether two slices are equal: the same length and all elements equal.
func __golm_slices_Equal[E comparable](s1, s2 []E) bool {
	if len(s1) != len(s2) {
		return false
	}
	for i := range s1 {
		if s1[i] != s2[i] {
			return false
		}
	}
	return true
}

// Compact replaces consecutive runs of equal elements with a single copy.
func __golm_slices_Compact[E comparable](s []E) []E {
	if len(s) < 2 {
		return s
	}
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

// Clone returns a copy of the slice.
func __golm_slices_Clone[E any](s []E) []E {
	if s == nil {
		return nil
	}
	return append([]E{}, s...)
}

// Insert inserts the values v... into s at index i, returning the modified slice.
func __golm_slices_Insert[E any](s []E, i int, v ...E) []E {
	out := make([]E, 0, len(s)+len(v))
	out = append(out, s[:i]...)
	out = append(out, v...)
	return append(out, s[i:]...)
}

// Delete removes the elements s[i:j] from s, returning the modified slice.
func __golm_slices_Delete[E any](s []E, i, j int) []E {
	_ = s[i:j:len(s)] // bounds check
	if i == j {
		return s
	}
	n := len(s)
	s = append(s[:i], s[j:]...)
	var zero E
	for k := len(s); k < n; k++ {
		s[:n][k] = zero // the obsolete elements, as Go 1.22 does
	}
	return s
}

// Collect collects the values of an iterator into a new slice.
func __golm_slices_Collect[E any](seq func(yield func(E) bool)) []E {
	var out []E
	seq(func(v E) bool {
		out = append(out, v)
		return true
	})
	return out
}

// Sorted collects the values of an iterator into a new slice, sorts it and returns it.
func __golm_slices_Sorted[E ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string](seq func(yield func(E) bool)) []E {
	var out []E
	seq(func(v E) bool {
		out = append(out, v)
		return true
	})
	__golmsort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Values returns an iterator over the slice elements.
func __golm_slices_Values[E any](s []E) func(yield func(E) bool) {
	return func(yield func(E) bool) {
		for _, v := range s {
			if !yield(v) {
				return
			}
		}
	}
}

// All returns an iterator over index-value pairs in the slice in the usual order.
func __golm_slices_All[E any](s []E) func(yield func(int, E) bool) {
	return func(yield func(int, E) bool) {
		for i, v := range s {
			if !yield(i, v) {
				return
			}
		}
	}
}

// Backward returns an iterator over index-value pairs in the slice, traversing it backward with
// descending indices.
func __golm_slices_Backward[E any](s []E) func(yield func(int, E) bool) {
	return func(yield func(int, E) bool) {
		for i := len(s) - 1; i >= 0; i-- {
			if !yield(i, s[i]) {
				return
			}
		}
	}
}

// AppendSeq appends the values from seq to the slice and returns the extended slice.
func __golm_slices_AppendSeq[E any](s []E, seq func(yield func(E) bool)) []E {
	seq(func(v E) bool {
		s = append(s, v)
		return true
	})
	return s
}

// SortedFunc collects the values from seq into a new slice, sorts the slice using the comparison
// function, and returns it.
func __golm_slices_SortedFunc[E any](seq func(yield func(E) bool), cmp func(E, E) int) []E {
	var out []E
	seq(func(v E) bool {
		out = append(out, v)
		return true
	})
	__golmsort.SliceStable(out, func(i, j int) bool { return cmp(out[i], out[j]) < 0 })
	return out
}

// Repeat returns a new slice that repeats the provided slice the given number of times.
func __golm_slices_Repeat[E any](x []E, count int) []E {
	if count < 0 {
		panic("cannot be negative")
	}
	out := make([]E, 0, len(x)*count)
	for i := 0; i < count; i++ {
		out = append(out, x...)
	}
	return out
}

// All returns an iterator over key-value pairs from m. The iteration order is not specified.
func __golm_maps_All[K comparable, V any](m map[K]V) func(yield func(K, V) bool) {
	return func(yield func(K, V) bool) {
		for k, v := range m {
			if !yield(k, v) {
				return
			}
		}
	}
}

// Collect collects key-value pairs from seq into a new map and returns it.
func __golm_maps_Collect[K comparable, V any](seq func(yield func(K, V) bool)) map[K]V {
	out := map[K]V{}
	seq(func(k K, v V) bool {
		out[k] = v
		return true
	})
	return out
}

// Insert adds the key-value pairs from seq to m, overwriting the values of keys already in m.
func __golm_maps_Insert[K comparable, V any](m map[K]V, seq func(yield func(K, V) bool)) {
	seq(func(k K, v V) bool {
		m[k] = v
		return true
	})
}

// Keys returns an iterator over the keys of m (collect them with slices.Collect or slices.Sorted).
func __golm_maps_Keys[K comparable, V any](m map[K]V) func(yield func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Values returns an iterator over the values of m.
func __golm_maps_Values[K comparable, V any](m map[K]V) func(yield func(V) bool) {
	return func(yield func(V) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

// Clone returns a copy of m.
func __golm_maps_Clone[K comparable, V any](m map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	out := make(map[K]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Copy copies all key/value pairs in src adding them to dst.
func __golm_maps_Copy[K comparable, V any](dst, src map[K]V) {
	for k, v := range src {
		dst[k] = v
	}
}

// Equal reports whether two maps contain the same key/value pairs.
func __golm_maps_Equal[K, V comparable](m1, m2 map[K]V) bool {
	if len(m1) != len(m2) {
		return false
	}
	for k, v1 := range m1 {
		if v2, ok := m2[k]; !ok || v1 != v2 {
			return false
		}
	}
	return true
}

// DeleteFunc deletes any key/value pairs from m for which del returns true.
func __golm_maps_DeleteFunc[K comparable, V any](m map[K]V, del func(K, V) bool) {
	for k, v := range m {
		if del(k, v) {
			delete(m, k)
		}
	}
}

// Compare returns -1, 0 or +1 as x is less than, equal to or greater than y.
func __golm_cmp_Compare[T ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string](x, y T) int {
	xNaN := x != x
	yNaN := y != y
	if xNaN {
		if yNaN {
			return 0
		}
		return -1
	}
	if yNaN {
		return +1
	}
	if x < y {
		return -1
	}
	if x > y {
		return +1
	}
	return 0
}

// Less reports whether x is less than y.
func __golm_cmp_Less[T ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string](x, y T) bool {
	return (x != x && y == y) || x < y
}

// __golmPull turns a sequence into next and stop functions, for the engine's rewrite of range over a
// function: for x := range seq { ... } runs as a for loop that calls next (see rangefunc.go). The sequence
// runs in a goroutine of its own, strictly in turn with the loop: next lets it run until it yields the
// next value or returns, and its yield returns only when the loop asks for the value after (true) or
// stops (false); stop ends the sequence and waits for it to return. A panic of the sequence is raised
// again by next or stop.
func __golmPull[V any](seq func(yield func(V) bool)) (func() (V, bool), func()) {
	req := make(chan struct{})
	vals := make(chan V)
	finished := make(chan any, 1)
	go func() {
		defer func() {
			finished <- recover()
			close(vals)
		}()
		if _, ok := <-req; !ok {
			return
		}
		seq(func(v V) bool {
			vals <- v
			_, ok := <-req
			return ok
		})
	}()
	stopped := false
	next := func() (V, bool) {
		var v V
		if stopped {
			return v, false
		}
		req <- struct{}{}
		v, ok := <-vals
		if !ok {
			stopped = true
			if r := <-finished; r != nil {
				panic(r)
			}
		}
		return v, ok
	}
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		close(req)
		for range vals {
		}
		if r := <-finished; r != nil {
			panic(r)
		}
	}
	return next, stop
}

// __golmStopList holds the stop functions of the loops over functions still running in one call of a
// function (see rangefunc.go): its run, deferred once, stops those a return or a panic left.
type __golmStopList struct{ stops []func() }

func __golmStops() *__golmStopList { return &__golmStopList{} }

// push adds a loop's stop and returns its place, for cut.
func (l *__golmStopList) push(stop func()) int {
	l.stops = append(l.stops, stop)
	return len(l.stops) - 1
}

// cut drops the stops from place k on: their loops ended.
func (l *__golmStopList) cut(k int) {
	for i := k; i < len(l.stops); i++ {
		l.stops[i] = nil
	}
	if k < len(l.stops) {
		l.stops = l.stops[:k]
	}
}

// run stops the loops still running, the innermost first.
func (l *__golmStopList) run() {
	for len(l.stops) > 0 {
		stop := l.stops[len(l.stops)-1]
		l.stops = l.stops[:len(l.stops)-1]
		stop()
	}
}

// __golmPull2 is __golmPull for sequences of pairs.
func __golmPull2[K, V any](seq func(yield func(K, V) bool)) (func() (K, V, bool), func()) {
	next, stop := __golmPull(func(yield func(__golmPair[K, V]) bool) {
		seq(func(k K, v V) bool { return yield(__golmPair[K, V]{k, v}) })
	})
	return func() (K, V, bool) {
		p, ok := next()
		return p.k, p.v, ok
	}, stop
}

// __golmPair is a pair of a sequence of pairs.
type __golmPair[K, V any] struct {
	k K
	v V
}

// Seq is an iterator over sequences of individual values.
type __golm_iter_Seq[V any] func(yield func(V) bool)

// Seq2 is an iterator over sequences of pairs of values.
type __golm_iter_Seq2[K, V any] func(yield func(K, V) bool)

// AsType finds the first error in err's tree that has the type E, and if one is found, returns that error
// value and true. Otherwise, it returns the zero value of E and false.
func __golm_errors_AsType[E error](err error) (E, bool) {
	// An error of a cell's type is found by assertion first; errorsAs (prelude.go) knows the rest.
	for e := err; e != nil; {
		if found, ok := e.(E); ok {
			return found, true
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	var target E
	return target, __golm.ErrorsAs(err, &target)
}

// As finds the first error in err's tree that matches target, and if one is found, sets target to that
// error value and returns true. Otherwise, it returns false.
func __golm_errors_As(err error, target any) bool {
	return __golm.ErrorsAs(err, target)
}

// N returns a pseudo-random number in the half-open interval [0,n) from the default Source. It panics
// if n <= 0.
func __golm_rand_N[Int ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr](n Int) Int {
	r, _ := __golm.RandN(n).(Int) // the interpreter cannot convert to a type parameter
	return r
}

// Ordered is a constraint that permits any ordered type: any type that supports the operators < <= >= >.
type __golm_cmp_Ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}

// Or returns the first of its arguments that is not equal to the zero value. If no argument is non-zero,
// it returns the zero value.
func __golm_cmp_Or[T comparable](first T, rest ...T) T {
	// The interpreter cannot infer T from a variadic parameter alone: the engine calls this with the first
	// argument apart, and __golmSpread_cmp_Or for cmp.Or(vals...).
	var zero T
	if first != zero {
		return first
	}
	for _, v := range rest {
		if v != zero {
			return v
		}
	}
	return zero
}

func __golmSpread_cmp_Or[T comparable](vals []T) T {
	var zero T
	for _, v := range vals {
		if v != zero {
			return v
		}
	}
	return zero
}

// BinarySearchFunc works like BinarySearch, but uses a custom comparison function.
func __golm_slices_BinarySearchFunc[E, T any](x []E, target T, cmp func(E, T) int) (int, bool) {
	i := __golmsort.Search(len(x), func(i int) bool { return cmp(x[i], target) >= 0 })
	return i, i < len(x) && cmp(x[i], target) == 0
}

// Chunk returns an iterator over consecutive sub-slices of up to n elements of s. All but the last
// sub-slice will have size n. It panics if n is less than 1.
func __golm_slices_Chunk[E any](s []E, n int) func(yield func([]E) bool) {
	if n < 1 {
		panic("cannot be less than 1")
	}
	return func(yield func([]E) bool) {
		for i := 0; i < len(s); i += n {
			end := i + n
			if end > len(s) {
				end = len(s)
			}
			if !yield(s[i:end:end]) {
				return
			}
		}
	}
}

// Clip removes unused capacity from the slice, returning s[:len(s):len(s)].
func __golm_slices_Clip[E any](s []E) []E {
	return s[:len(s):len(s)]
}

// CompactFunc is like Compact but uses an equality function to compare elements.
func __golm_slices_CompactFunc[E any](s []E, eq func(E, E) bool) []E {
	if len(s) < 2 {
		return s
	}
	n := len(s)
	out := s[:1]
	for _, v := range s[1:] {
		if !eq(out[len(out)-1], v) {
			out = append(out, v)
		}
	}
	var zero E
	for k := len(out); k < n; k++ {
		s[k] = zero
	}
	return out
}

// Compare compares the elements of s1 and s2, using cmp.Compare on each pair of elements.
func __golm_slices_Compare[E ~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string](s1, s2 []E) int {
	for i, v1 := range s1 {
		if i >= len(s2) {
			return +1
		}
		if c := __golm_cmp_Compare(v1, s2[i]); c != 0 {
			return c
		}
	}
	if len(s1) < len(s2) {
		return -1
	}
	return 0
}

// CompareFunc is like Compare but uses a custom comparison function on each pair of elements.
func __golm_slices_CompareFunc[E1, E2 any](s1 []E1, s2 []E2, cmp func(E1, E2) int) int {
	for i, v1 := range s1 {
		if i >= len(s2) {
			return +1
		}
		if c := cmp(v1, s2[i]); c != 0 {
			return c
		}
	}
	if len(s1) < len(s2) {
		return -1
	}
	return 0
}

// Concat returns a new slice concatenating the passed in slices.
func __golm_slices_Concat[E any](first []E, rest ...[]E) []E {
	// See cmp.Or: the engine calls __golmSpread_slices_Concat for slices.Concat(parts...).
	return __golmSpread_slices_Concat(append([][]E{first}, rest...))
}

func __golmSpread_slices_Concat[E any](ss [][]E) []E {
	size := 0
	for _, s := range ss {
		size += len(s)
	}
	if size == 0 {
		return nil
	}
	out := make([]E, 0, size)
	for _, s := range ss {
		out = append(out, s...)
	}
	return out
}

// DeleteFunc removes any elements from s for which del returns true, returning the modified slice.
func __golm_slices_DeleteFunc[E any](s []E, del func(E) bool) []E {
	n := len(s)
	out := s[:0]
	for _, v := range s {
		if !del(v) {
			out = append(out, v)
		}
	}
	var zero E
	for k := len(out); k < n; k++ {
		s[k] = zero
	}
	return out
}

// EqualFunc reports whether two slices are equal using an equality function on each pair of elements.
func __golm_slices_EqualFunc[E1, E2 any](s1 []E1, s2 []E2, eq func(E1, E2) bool) bool {
	if len(s1) != len(s2) {
		return false
	}
	for i, v1 := range s1 {
		if !eq(v1, s2[i]) {
			return false
		}
	}
	return true
}

// Grow increases the slice's capacity, if necessary, to guarantee space for another n elements.
func __golm_slices_Grow[E any](s []E, n int) []E {
	if n < 0 {
		panic("cannot be negative")
	}
	if n -= cap(s) - len(s); n > 0 {
		s = append(s[:cap(s)], make([]E, n)...)[:len(s)]
	}
	return s
}

// IsSortedFunc reports whether x is sorted in ascending order, with cmp as the comparison function.
func __golm_slices_IsSortedFunc[E any](x []E, cmp func(a, b E) int) bool {
	for i := len(x) - 1; i > 0; i-- {
		if cmp(x[i], x[i-1]) < 0 {
			return false
		}
	}
	return true
}

// MaxFunc returns the maximal value in x, using cmp to compare elements (the first maximal one). It
// panics if x is empty.
func __golm_slices_MaxFunc[E any](x []E, cmp func(a, b E) int) E {
	if len(x) < 1 {
		panic("slices.MaxFunc: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if cmp(x[i], m) > 0 {
			m = x[i]
		}
	}
	return m
}

// MinFunc returns the minimal value in x, using cmp to compare elements (the first minimal one). It
// panics if x is empty.
func __golm_slices_MinFunc[E any](x []E, cmp func(a, b E) int) E {
	if len(x) < 1 {
		panic("slices.MinFunc: empty list")
	}
	m := x[0]
	for i := 1; i < len(x); i++ {
		if cmp(x[i], m) < 0 {
			m = x[i]
		}
	}
	return m
}

// Replace replaces the elements s[i:j] by the given v, and returns the modified slice.
func __golm_slices_Replace[E any](s []E, i, j int, v ...E) []E {
	_ = s[i:j] // bounds check
	tail := append([]E{}, s[j:]...)
	n := len(s)
	out := append(append(s[:i], v...), tail...)
	if len(out) < n {
		var zero E
		for k := len(out); k < n; k++ {
			s[:n][k] = zero
		}
	}
	return out
}

// SortedStableFunc collects the values from seq into a new slice, sorts the slice using the comparison
// function while keeping the original order of equal elements, and returns it.
func __golm_slices_SortedStableFunc[E any](seq func(yield func(E) bool), cmp func(E, E) int) []E {
	var out []E
	seq(func(v E) bool {
		out = append(out, v)
		return true
	})
	__golmsort.SliceStable(out, func(i, j int) bool { return cmp(out[i], out[j]) < 0 })
	return out
}

// EqualFunc is like Equal, but compares values using eq. Keys are still compared with ==.
func __golm_maps_EqualFunc[K comparable, V1, V2 any](m1 map[K]V1, m2 map[K]V2, eq func(V1, V2) bool) bool {
	if len(m1) != len(m2) {
		return false
	}
	for k, v1 := range m1 {
		if v2, ok := m2[k]; !ok || !eq(v1, v2) {
			return false
		}
	}
	return true
}

// Pull converts the "push-style" iterator sequence seq into a "pull-style" iterator accessed by the two
// functions next and stop.
func __golm_iter_Pull[V any](seq func(yield func(V) bool)) (func() (V, bool), func()) {
	return __golmPull(seq)
}

// Pull2 converts the "push-style" iterator sequence seq into a "pull-style" iterator accessed by the two
// functions next and stop.
func __golm_iter_Pull2[K, V any](seq func(yield func(K, V) bool)) (func() (K, V, bool), func()) {
	return __golmPull2(seq)
}

// OnceValue returns a function that invokes f only once and returns the value returned by f. If f
// panics, the returned function will panic with the same value on every call.
func __golm_sync_OnceValue[T any](f func() T) func() T {
	var once __golmsync.Once
	var result T
	var p any
	failed := true
	return func() T {
		once.Do(func() {
			defer func() {
				if failed {
					p = recover()
				}
			}()
			result = f()
			f = nil
			failed = false
		})
		if failed {
			panic(p)
		}
		return result
	}
}

// OnceValues returns a function that invokes f only once and returns the values returned by f. If f
// panics, the returned function will panic with the same value on every call.
func __golm_sync_OnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2) {
	var once __golmsync.Once
	var r1 T1
	var r2 T2
	var p any
	failed := true
	return func() (T1, T2) {
		once.Do(func() {
			defer func() {
				if failed {
					p = recover()
				}
			}()
			r1, r2 = f()
			f = nil
			failed = false
		})
		if failed {
			panic(p)
		}
		return r1, r2
	}
}

// A Pointer is an atomic pointer of type *T. The zero value is a nil *T.
type __golm_atomic_Pointer[T any] struct {
	mu __golmsync.Mutex
	v  *T
}

// Load atomically loads and returns the value stored in x.
func (x *__golm_atomic_Pointer[T]) Load() *T {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.v
}

// Store atomically stores val into x.
func (x *__golm_atomic_Pointer[T]) Store(val *T) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.v = val
}

// Swap atomically stores new into x and returns the previous value.
func (x *__golm_atomic_Pointer[T]) Swap(new *T) (old *T) {
	x.mu.Lock()
	defer x.mu.Unlock()
	old, x.v = x.v, new
	return old
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *__golm_atomic_Pointer[T]) CompareAndSwap(old, new *T) (swapped bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.v != old {
		return false
	}
	x.v = new
	return true
}

// TypeFor returns the Type that represents the type argument T.
func __golm_reflect_TypeFor[T any]() __golmreflect.Type {
	var v T
	return __golmreflect.TypeOf(&v).Elem()
}

// TypeAssert is semantically equivalent to v.Interface().(T), but it may avoid unnecessary allocations.
func __golm_reflect_TypeAssert[T any](v __golmreflect.Value) (T, bool) {
	x, ok := v.Interface().(T)
	return x, ok
}

// Key derives a key from the password, salt and iteration count, returning a []byte of length keyLength
// that can be used as cryptographic key (PBKDF2 with the hash function h, a func() H of a hash.Hash H:
// the interpreter cannot infer H from a compiled function, so h is checked when it runs).
func __golm_pbkdf2_Key(h any, password string, salt []byte, iter, keyLength int) ([]byte, error) {
	return __golm.PBKDF2Key(h, password, salt, iter, keyLength)
}

// Key derives a key from the given hash, secret, salt and context info, returning a []byte of length
// keyLength (HKDF extract and expand).
func __golm_hkdf_Key(h any, secret, salt []byte, info string, keyLength int) ([]byte, error) {
	return __golm.HKDFKey(h, secret, salt, info, keyLength)
}

// Extract generates a pseudorandom key for use with Expand from an input secret and an optional
// independent salt.
func __golm_hkdf_Extract(h any, secret, salt []byte) ([]byte, error) {
	return __golm.HKDFExtract(h, secret, salt)
}

// Expand derives a key from the given hash, key, and optional context info, returning a []byte of length
// keyLength.
func __golm_hkdf_Expand(h any, pseudorandomKey []byte, info string, keyLength int) ([]byte, error) {
	return __golm.HKDFExpand(h, pseudorandomKey, info, keyLength)
}

// Comparable returns the hash of comparable value v with the given seed such that Comparable(s, v1) ==
// Comparable(s, v2) if v1 == v2.
func __golm_maphash_Comparable[T comparable](seed __golmmaphash.Seed, v T) uint64 {
	return __golm.MaphashComparable(seed, v)
}

// WriteComparable adds x to the data hashed by h.
func __golm_maphash_WriteComparable[T comparable](h *__golmmaphash.Hash, x T) {
	__golm.MaphashWriteComparable(h, x)
}

// AddCleanup attaches a cleanup function to ptr. Some time after ptr is no longer reachable, the runtime
// will call cleanup(arg) in a separate goroutine.
func __golm_runtime_AddCleanup[T, S any](ptr *T, cleanup func(S), arg S) __golmruntime.Cleanup {
	return __golm.AddCleanup(ptr, func(a any) {
		v, _ := a.(S)
		cleanup(v)
	}, arg)
}

// Handle is a globally unique identity for some value of type T. Two handles compare equal exactly if
// the two values used to create the handles would have also compared equal.
type __golm_unique_Handle[T comparable] struct {
	h __golm.UniqueHandle
}

// Value returns a shallow copy of the T value that produced the Handle.
func (h __golm_unique_Handle[T]) Value() T {
	v, _ := h.h.Value().(T)
	return v
}

// Make returns a globally unique handle for a value of type T.
func __golm_unique_Make[T comparable](value T) __golm_unique_Handle[T] {
	return __golm_unique_Handle[T]{__golm.UniqueMake(value)}
}

// Pointer is a weak pointer to a value of type T.
type __golm_weak_Pointer[T any] struct {
	p    __golm.WeakPointer
	hint *T // always nil: the type Value returns
}

// Value returns the original pointer used to create the weak pointer, or nil if the value it points to
// has been reclaimed.
func (p __golm_weak_Pointer[T]) Value() *T {
	v := p.hint
	__golm.WeakValue(p.p, &v)
	return v
}

// Make creates a weak pointer from a pointer to some value of type T.
func __golm_weak_Make[T any](ptr *T) __golm_weak_Pointer[T] {
	return __golm_weak_Pointer[T]{p: __golm.WeakMake(ptr)}
}
