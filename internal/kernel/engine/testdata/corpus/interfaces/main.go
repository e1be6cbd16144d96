package main

import (
	"fmt"
	"math"
)

type geometry interface {
	area() float64
	perim() float64
}

type rect struct {
	width, height float64
}

type circle struct {
	radius float64
}

func (r rect) area() float64  { return r.width * r.height }
func (r rect) perim() float64 { return 2*r.width + 2*r.height }

func (c circle) area() float64  { return math.Pi * c.radius * c.radius }
func (c circle) perim() float64 { return 2 * math.Pi * c.radius }

func measure(g geometry) {
	fmt.Println(g)
	fmt.Printf("%.2f %.2f\n", g.area(), g.perim())
}

func detectCircle(g geometry) {
	if c, ok := g.(circle); ok {
		fmt.Println("circle with radius", c.radius)
	}
}

func describe(i any) string {
	switch v := i.(type) {
	case int:
		return fmt.Sprintf("int %d", v)
	case string:
		return "string " + v
	case nil:
		return "nil"
	default:
		return fmt.Sprintf("other %T", v)
	}
}

type celsius float64

func (c celsius) String() string { return fmt.Sprintf("%.1f°C", float64(c)) }

func main() {
	r := rect{width: 3, height: 4}
	c := circle{radius: 5}
	measure(r)
	measure(c)
	detectCircle(r)
	detectCircle(c)
	fmt.Println(describe(1), describe("x"), describe(nil), describe(2.5))
	var s fmt.Stringer = celsius(21.5)
	fmt.Println(s, celsius(3))
	shapes := []geometry{r, c}
	total := 0.0
	for _, sh := range shapes {
		total += sh.area()
	}
	fmt.Printf("%.3f\n", total)
}
