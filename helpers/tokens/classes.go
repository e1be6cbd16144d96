package tokens

import (
	"sync"
	"unicode"
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
// and the CJK ideographs (emoji and rarer characters beyond it are looked up in Go's Unicode tables).
const tableMax = 0x40000

// classTable holds the class bits of the characters below tableMax, filled once by loadClasses, before any
// Encoding exists; it is never written after.
var (
	classTable     [tableMax]uint8
	loadClassTable sync.Once
)

// asciiClass holds the classes of the ASCII characters (a copy of the start of classTable, always ready).
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = computeClass(r)
	}
	return t
}()

// loadClasses fills classTable from Go's Unicode tables (well under a millisecond).
func loadClasses() {
	loadClassTable.Do(func() {
		set := func(t *unicode.RangeTable, bits uint8) {
			for _, r := range t.R16 {
				for c := rune(r.Lo); c <= rune(r.Hi); c += rune(r.Stride) {
					classTable[c] |= bits
				}
			}
			for _, r := range t.R32 {
				for c := rune(r.Lo); c <= rune(r.Hi) && c < tableMax; c += rune(r.Stride) {
					classTable[c] |= bits
				}
			}
		}
		set(unicode.Lu, cL|cUp)
		set(unicode.Lt, cL|cUp)
		set(unicode.Ll, cL|cLw)
		set(unicode.Lm, cL|cUp|cLw)
		set(unicode.Lo, cL|cUp|cLw)
		set(unicode.M, cUp|cLw)
		set(unicode.N, cN)
		set(unicode.White_Space, cWS)
		classTable['\r'] |= cNL
		classTable['\n'] |= cNL
	})
}

// classOf returns the class bits of r.
func classOf(r rune) uint8 {
	if r < tableMax {
		return classTable[r]
	}
	return computeClass(r)
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
