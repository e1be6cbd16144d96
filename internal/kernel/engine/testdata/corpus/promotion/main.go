package main

import (
	"fmt"
	"strings"
)

type Named interface{ Name() string }

type Greeter interface {
	Named
	Greet() string
}

type Animal struct{ name string }

func (a Animal) Name() string     { return a.name }
func (a Animal) Greet() string    { return "hello from " + a.name }
func (a Animal) Legs() int        { return 4 }
func (a *Animal) Rename(n string) { a.name = n }

type Bird struct {
	Animal
	canFly bool
}

func (b Bird) Legs() int { return 2 } // shadows Animal.Legs

type Logger struct {
	lines []string
}

func (l *Logger) Log(s string) { l.lines = append(l.lines, s) }

type Service struct {
	*Logger
	Greeter
	id int
}

type ReadCounter struct {
	strings.Builder
	writes int
}

func (r *ReadCounter) WriteString(s string) (int, error) {
	r.writes++
	return r.Builder.WriteString(s)
}

func main() {
	b := Bird{Animal{"tweety"}, true}
	fmt.Println(b.Name(), b.Legs(), b.Animal.Legs(), b.canFly)
	b.Rename("polly")
	fmt.Println(b.Greet())

	var g Greeter = b
	fmt.Println(g.Name(), g.Greet())
	var n Named = &b
	fmt.Println(n.Name())

	s := Service{Logger: &Logger{}, Greeter: Animal{"rex"}, id: 1}
	s.Log("start")
	s.Log(s.Greet())
	fmt.Println(s.Name(), len(s.lines), s.lines)

	var rc ReadCounter
	rc.WriteString("ab")
	rc.WriteString("cd")
	fmt.Println(rc.String(), rc.Len(), rc.writes)

	greeters := []Greeter{Animal{"a"}, Bird{Animal: Animal{"b"}}}
	for _, gr := range greeters {
		if bird, ok := gr.(Bird); ok {
			fmt.Println("bird", bird.Name(), bird.Legs())
			continue
		}
		fmt.Println("other", gr.Name())
	}
}
