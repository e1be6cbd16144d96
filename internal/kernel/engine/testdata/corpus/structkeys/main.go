package main

import (
	"fmt"
	"sort"
)

type Point struct{ X, Y int }

type Edge struct {
	From, To Point
}

type Grid [2][2]bool

func main() {
	visits := map[Point]int{}
	for _, p := range []Point{{1, 2}, {0, 0}, {1, 2}, {3, 4}, {1, 2}} {
		visits[p]++
	}
	keys := make([]Point, 0, len(visits))
	for k := range visits {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].X != keys[j].X {
			return keys[i].X < keys[j].X
		}
		return keys[i].Y < keys[j].Y
	})
	for _, k := range keys {
		fmt.Println(k, visits[k])
	}

	a, b := Point{1, 2}, Point{1, 2}
	fmt.Println(a == b, a != Point{2, 1})
	pa, pb := &a, &b
	fmt.Println(pa == pb, *pa == *pb)

	edges := map[Edge]string{{Point{0, 0}, Point{1, 1}}: "diag"}
	fmt.Println(edges[Edge{Point{0, 0}, Point{1, 1}}], len(edges[Edge{}]))

	seen := map[[2]int]bool{{1, 2}: true}
	fmt.Println(seen[[2]int{1, 2}], seen[[2]int{2, 1}])

	var g Grid
	g[1][0] = true
	states := map[Grid]int{g: 1}
	var h Grid
	h[1][0] = true
	fmt.Println(states[h], g == h)

	nested := map[string]map[string]int{}
	for _, pair := range [][2]string{{"a", "x"}, {"a", "y"}, {"b", "x"}} {
		if nested[pair[0]] == nil {
			nested[pair[0]] = map[string]int{}
		}
		nested[pair[0]][pair[1]]++
	}
	fmt.Println(nested)

	type key struct {
		name string
		age  int
	}
	people := map[key]bool{{"ann", 30}: true}
	_, ok := people[key{"ann", 30}]
	fmt.Println(ok, len(people))
}
