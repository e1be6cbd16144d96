package tokens

import (
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestClassTable checks the table of character classes against classRanges, and classRanges against Go's
// Unicode tables: tiktoken's tables may be newer (more characters in the classes), but never take a character
// out of the class that Go's tables give it.
func TestClassTable(t *testing.T) {
	loadClasses()
	newer := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		got := classOf(r)
		if got != searchClass(r) {
			t.Fatalf("class table and ranges differ at %U", r)
		}
		if r < utf8.RuneSelf && asciiClass[r] != got {
			t.Fatalf("ASCII class of %U differs", r)
		}
		if goClass := computeClass(r); goClass != got {
			if goClass != 0 {
				t.Errorf("%U: class %06b, Go's Unicode %s says %06b", r, got, unicode.Version, goClass)
			}
			newer++
		}
	}
	t.Logf("%d characters have classes that Go's Unicode %s does not give them", newer, unicode.Version)
}

// computeClass works out the class bits of r from Go's Unicode tables.
func computeClass(r rune) uint8 {
	var c uint8
	switch {
	case unicode.In(r, unicode.Lu, unicode.Lt):
		c = cL | cUp
	case unicode.Is(unicode.Ll, r):
		c = cL | cLw
	case unicode.In(r, unicode.Lm, unicode.Lo):
		c = cL | cUp | cLw
	case unicode.Is(unicode.M, r):
		c = cUp | cLw
	case unicode.Is(unicode.N, r):
		c = cN
	case unicode.Is(unicode.White_Space, r):
		c = cWS
		if r == '\r' || r == '\n' {
			c |= cNL
		}
	}
	return c
}
