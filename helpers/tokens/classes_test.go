package tokens

import (
	"testing"
	"unicode/utf8"
)

// TestClassTable checks the table of character classes against the classes worked out one by one.
func TestClassTable(t *testing.T) {
	loadClasses()
	for r := rune(0); r < tableMax; r++ {
		if got, want := classOf(r), computeClass(r); got != want {
			t.Fatalf("class of %U = %06b, want %06b", r, got, want)
		}
	}
	for r := range rune(utf8.RuneSelf) {
		if asciiClass[r] != classTable[r] {
			t.Fatalf("ASCII class of %U differs", r)
		}
	}
}
