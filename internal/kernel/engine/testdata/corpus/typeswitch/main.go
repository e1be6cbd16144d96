package main

import (
	"errors"
	"fmt"
	"strconv"
)

type Shape interface{ Area() float64 }

type Rect struct{ W, H float64 }
type Circle struct{ R float64 }

func (r Rect) Area() float64   { return r.W * r.H }
func (c Circle) Area() float64 { return 3 * c.R * c.R }

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int, int64:
		return fmt.Sprintf("integer %v", x)
	case string:
		return "string of " + strconv.Itoa(len(x))
	case []int:
		return fmt.Sprintf("%d ints", len(x))
	case error:
		return "error: " + x.Error()
	case Shape:
		return fmt.Sprintf("shape with area %.1f", x.Area())
	case func() int:
		return "func giving " + strconv.Itoa(x())
	default:
		return fmt.Sprintf("other %T", x)
	}
}

func kind[T any](v T) string {
	switch any(v).(type) {
	case int:
		return "int"
	case string:
		return "string"
	case Rect:
		return "rect"
	}
	return "something else"
}

func main() {
	values := []any{nil, 42, int64(7), "héllo", []int{1, 2}, errors.New("boom"), Rect{2, 3}, Circle{1}, func() int { return 5 }, 2.5}
	for _, v := range values {
		fmt.Println(describe(v))
	}
	fmt.Println(kind(1), kind("s"), kind(Rect{}), kind(1.5))

	var sh Shape = Circle{2}
	if c, ok := sh.(Circle); ok {
		fmt.Println("circle radius", c.R)
	}
	if _, ok := sh.(Rect); !ok {
		fmt.Println("not a rect")
	}
	shapes := []Shape{Rect{1, 1}, Circle{1}, Rect{2, 2}}
	total := 0.0
	rects := 0
	for _, s := range shapes {
		total += s.Area()
		switch s.(type) {
		case Rect:
			rects++
		}
	}
	fmt.Println(total, rects)
}
