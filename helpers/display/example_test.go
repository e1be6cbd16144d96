package display_test

import (
	"fmt"

	"github.com/golm-dev/golm/helpers/display"
)

// Outside a notebook, displays print their text form: code from a lesson keeps working in a program.
func ExampleMarkdown() {
	display.Markdown("**Tokens** are pieces of text.")
	// Output: **Tokens** are pieces of text.
}

// A type renders richly by having a method such as HTML, without importing this package.
type Temperature float64

func (t Temperature) HTML() string   { return fmt.Sprintf("<b>%.1f °C</b>", float64(t)) }
func (t Temperature) String() string { return fmt.Sprintf("%.1f °C", float64(t)) }

func ExampleRender() {
	b := display.Render(Temperature(21.5))
	fmt.Println(b.Data["text/html"])
	fmt.Println(b.Text())
	// Output:
	// <b>21.5 °C</b>
	// 21.5 °C
}

// An updatable display replaces its output in place: a live answer, a counter, a chart.
func ExampleNew() {
	d := display.New("thinking…")
	d.Markdown("The answer is **42**.")
	// Output:
	// thinking…
	// The answer is **42**.
}

func ExampleFormat() {
	type point struct{ X, Y int }
	fmt.Println(display.Format([]point{{1, 2}}))
	fmt.Println(display.Format(map[string]int{"b": 2, "a": 1}))
	// Output:
	// []display_test.point{{X: 1, Y: 2}}
	// map[string]int{"a": 1, "b": 2}
}

func ExampleNewProgress() {
	p := display.NewProgress("embedding", 3)
	for i := 0; i < 3; i++ {
		p.Add(1)
	}
	p.Done()
	fmt.Println(p.Count())
}
