package main

import "fmt"

type person struct {
	name string
	age  int
}

func newPerson(name string) *person {
	p := person{name: name}
	p.age = 42
	return &p
}

type rect struct {
	width, height int
}

func (r *rect) area() int { return r.width * r.height }

func (r rect) perim() int { return 2*r.width + 2*r.height }

func (r *rect) scale(k int) {
	r.width *= k
	r.height *= k
}

func main() {
	fmt.Println(person{"Bob", 20})
	fmt.Println(person{name: "Alice", age: 30})
	fmt.Println(person{name: "Fred"})
	fmt.Println(&person{name: "Ann", age: 40})
	fmt.Println(newPerson("Jon"))
	s := person{name: "Sean", age: 50}
	fmt.Println(s.name)
	sp := &s
	fmt.Println(sp.age)
	sp.age = 51
	fmt.Println(sp.age, s.age)
	dog := struct {
		name   string
		isGood bool
	}{"Rex", true}
	fmt.Println(dog)
	r := rect{width: 10, height: 5}
	fmt.Println("area:", r.area(), "perim:", r.perim())
	rp := &r
	rp.scale(2)
	fmt.Println("area:", rp.area(), "perim:", rp.perim())
	fmt.Printf("%v %+v %#v\n", r, r, r)
}
