package engine

import (
	"context"
	"io"
	"testing"
)

// BenchmarkNewSession measures starting a session (the interpreter, its symbol tables and the prelude).
func BenchmarkNewSession(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{Stdout: io.Discard, Stderr: io.Discard}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCellLatency measures the cells a learner runs most, one after the other in one session:
// printing values of the session's types (with methods fmt calls), Printf, an error test, a small loop.
func BenchmarkCellLatency(b *testing.B) {
	s, err := New(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	setup := "type point struct{ x, y int }\n\nfunc (p point) String() string { return \"p\" }\n\n" +
		"type notFound struct{ name string }\n\nfunc (e *notFound) Error() string { return e.name }\n\nvar errBase = errors.New(\"base\")"
	if _, err := s.Execute(ctx, setup); err != nil {
		b.Fatal(err)
	}
	cells := []string{
		"fmt.Println(point{1, 2}, &point{3, 4})",
		"fmt.Printf(\"%v %+v %T %d\\n\", point{1, 2}, point{1, 2}, point{1, 2}, 42)",
		"err := fmt.Errorf(\"w: %w\", &notFound{\"x\"})\nvar nf *notFound\nfmt.Println(errors.As(err, &nf), errors.Is(err, errBase))",
		"total := 0\nfor i := range 100 {\n\ttotal += i\n}\ntotal",
		"x := 41\nx + 1",
	}
	for b.Loop() {
		for _, c := range cells {
			if _, err := s.Execute(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkTrivialCells measures cells that print nothing of the session's types: what every cell pays for
// golm's rewrites and the interpreter's compile.
func BenchmarkTrivialCells(b *testing.B) {
	s, err := New(Options{Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	cells := []string{"x := 41\nx + 1", "fmt.Println(\"hi\", 3)", "s := []int{3, 1, 2}\nsort.Ints(s)\nlen(s)"}
	for b.Loop() {
		for _, c := range cells {
			if _, err := s.Execute(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
	}
}
