package tokens

import (
	"sync"
	"unicode/utf8"
)

// The pre-tokenizers (split.go) look at each character through one byte of class bits, the Unicode
// categories that tiktoken's split patterns name. A character has at most one of cL, cN and cWS.
const (
	cL  = 1 << iota // \p{L}: a letter
	cN              // \p{N}: a number
	cWS             // \s: Unicode White_Space
	cNL             // \r or \n
	cUp             // o200k's [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]: upper and title case, modifier and other letters, marks
	cLw             // o200k's [\p{Ll}\p{Lm}\p{Lo}\p{M}]: lower case, modifier and other letters, marks
)

// tableMax is the end of the characters whose classes are in classTable: the planes that hold the scripts
// and the CJK ideographs (the rarer characters beyond it are looked up in classRanges).
const tableMax = 0x40000

// classRange gives the class bits of the characters from lo to hi.
type classRange struct {
	lo, hi rune
	class  uint8
}

// classTable holds the class bits of the characters below tableMax, filled once by loadClasses, before any
// Encoding exists; it is never written after. The classes are those of tiktoken's regular-expression
// engine, whose Unicode tables are newer than Go's (classRanges, in unicode_classes.go, is generated from it).
var (
	classTable     [tableMax]uint8
	loadClassTable sync.Once
)

// asciiClass holds the classes of the ASCII characters (a copy of the start of classTable, always ready).
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = searchClass(r)
	}
	return t
}()

// loadClasses fills classTable from classRanges (well under a millisecond).
func loadClasses() {
	loadClassTable.Do(func() {
		for _, cr := range classRanges {
			for r := cr.lo; r <= cr.hi && r < tableMax; r++ {
				classTable[r] = cr.class
			}
		}
		classTable['\r'] |= cNL
		classTable['\n'] |= cNL
	})
}

// classOf returns the class bits of r.
func classOf(r rune) uint8 {
	if r < tableMax {
		return classTable[r]
	}
	return searchClass(r)
}

// searchClass finds the class bits of r in classRanges.
func searchClass(r rune) uint8 {
	i, j := 0, len(classRanges)
	for i < j {
		h := int(uint(i+j) >> 1)
		if classRanges[h].hi < r {
			i = h + 1
		} else {
			j = h
		}
	}
	var c uint8
	if i < len(classRanges) && classRanges[i].lo <= r {
		c = classRanges[i].class
	}
	if r == '\r' || r == '\n' {
		c |= cNL
	}
	return c
}

// runeAt returns the class bits and the size of the character at byte offset i of s (valid UTF-8).
func runeAt(s string, i int) (class uint8, size int) {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiClass[c], 1
	}
	return runeAtSlow(s, i)
}

func runeAtSlow(s string, i int) (uint8, int) {
	r, n := utf8.DecodeRuneInString(s[i:])
	return classOf(r), n
}
