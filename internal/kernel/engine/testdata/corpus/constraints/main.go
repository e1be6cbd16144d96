package main

import (
	"fmt"
	"strings"
)

type Number interface {
	~int | ~int32 | ~int64 | ~float64
}

type Celsius float64
type Score int

func Sum[T Number](xs ...T) T {
	var total T
	for _, x := range xs {
		total += x
	}
	return total
}

func Max[T Number](a, b T) T {
	if a > b {
		return a
	}
	return b
}

type Stringish interface{ ~string }

type Name string

func Join[S Stringish](parts []S, sep string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = string(p)
	}
	return strings.Join(out, sep)
}

type Stack[T any] struct {
	items []T
}

func (s *Stack[T]) Push(v T) { s.items = append(s.items, v) }

func (s *Stack[T]) Pop() (T, bool) {
	var zero T
	if len(s.items) == 0 {
		return zero, false
	}
	v := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}

func (s *Stack[T]) Len() int { return len(s.items) }

func Filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func Keys[K comparable, V any](m map[K]V) int { return len(m) }

func main() {
	fmt.Println(Sum(1, 2, 3), Sum(1.5, 2.5))
	fmt.Println(Sum(Celsius(20), Celsius(1.5)), Sum[Score](7, 8))
	fmt.Println(Max(3, 9), Max(Celsius(-1), Celsius(-2)))
	fmt.Println(Join([]Name{"ada", "alan"}, " & "))

	var s Stack[string]
	s.Push("a")
	s.Push("b")
	v, ok := s.Pop()
	fmt.Println(v, ok, s.Len())

	ints := &Stack[int]{}
	for i := range 4 {
		ints.Push(i * i)
	}
	top, _ := ints.Pop()
	fmt.Println(top, ints.Len())

	evens := Filter([]int{1, 2, 3, 4, 5, 6}, func(n int) bool { return n%2 == 0 })
	fmt.Println(evens)
	fmt.Println(Keys(map[string]bool{"x": true, "y": false}))
}
