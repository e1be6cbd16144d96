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

// asciiClass holds the classes of the ASCII characters.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = computeClass(r)
	}
	return t
}()

// bmpClass holds the classes of the characters of the Basic Multilingual Plane, built on first use (64 KB).
var bmpClass = sync.OnceValue(func() *[1 << 16]uint8 {
	t := new([1 << 16]uint8)
	for r := range rune(len(t)) {
		t[r] = computeClass(r)
	}
	return t
})

// classOf returns the class bits of r.
func classOf(r rune) uint8 {
	if r < utf8.RuneSelf {
		return asciiClass[r]
	}
	if r < 1<<16 {
		return bmpClass()[r]
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

// runeAt decodes the character at byte offset i of s (valid UTF-8) and returns it with its class and size.
func runeAt(s string, i int) (class uint8, size int) {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiClass[c], 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return classOf(r), n
}
