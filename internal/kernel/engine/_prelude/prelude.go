// Code evaluated in every golm session before the first cell.
//
// The interpreter cannot call the generic functions of the compiled standard library (its symbol tables
// skip them), and interpreted generic packages fail to import. So the common functions of slices, maps
// and cmp are declared here, in the session's own scope, as __golm_<package>_<Name>; the engine rewrites
// slices.Sort(x) in a cell to __golm_slices_Sort(x). The interpreter's generics are limited: each function
// is written on []E and map[K]V (not S ~[]E), spells out its constraint, and calls no other generic
// function.
//
// Nothing here may collide with a cell's names, since it shares the session's scope: the builtins min,
// max and clear are __golmMin, __golmMax and __golmClear (a cell's min(a, b) is rewritten to call them
// unless the session declares its own min), sort is imported as __golmsort, and the engine renames each
// type parameter (T, E, K, V) to __golm_tp_<name> before evaluating this file, since the interpreter
// resolves a type parameter's name in the session's scope when it instantiates a generic function (a
// cell's type E would break slices.Sort).

package main

import __golmsort "sort"

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
	return append(s[:i], s[j:]...)
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
