package main

import (
	"fmt"
	"strings"
)

type Color int

const (
	Red Color = iota
	Green
	Blue
)

func (c Color) String() string {
	switch c {
	case Red:
		return "red"
	case Green:
		return "green"
	case Blue:
		return "blue"
	}
	return fmt.Sprintf("Color(%d)", int(c))
}

type Point struct{ X, Y int }

func (p Point) String() string { return fmt.Sprintf("(%d,%d)", p.X, p.Y) }

type Secret struct{ value string }

func (s Secret) String() string   { return "***" }
func (s Secret) GoString() string { return `Secret("***")` }

type Temp float64

func (t Temp) String() string { return fmt.Sprintf("%.1f°C", float64(t)) }

type Counter struct{ n int }

func (c *Counter) String() string { return fmt.Sprintf("counter at %d", c.n) }

type Grid [2][2]int

func main() {
	fmt.Println(Red, Blue, Color(9))
	fmt.Printf("%v %s %d %q %x\n", Green, Green, Green, Green, Green)
	p := Point{1, 2}
	fmt.Println(p, &p)
	fmt.Printf("%v %+v %s %T\n", p, p, p, p)
	s := Secret{"hunter2"}
	fmt.Printf("%v %#v %s\n", s, s, s)
	fmt.Println(Temp(21.55), Temp(-3))
	fmt.Printf("%v|%.2f|%T\n", Temp(1), float64(Temp(1)), Temp(1))
	c := Counter{n: 4}
	fmt.Println(&c)
	c.n++
	fmt.Println(c.String())
	var sb strings.Builder
	fmt.Fprint(&sb, Blue, " ", p)
	fmt.Fprintf(&sb, " %v", Temp(0.5))
	fmt.Println(sb.String())
	fmt.Println(fmt.Sprint(Red) + "/" + fmt.Sprintln(Green))
	g := Grid{{1, 2}, {3, 4}}
	fmt.Println(g, len(g))
	var st fmt.Stringer = Temp(5)
	fmt.Println(st.String(), st)
}
