package tokens

import "unicode/utf8"

// This file holds the pre-tokenizers: for each split pattern of tiktoken (tiktoken_ext/openai_public.py), a
// function that returns where the piece starting at byte offset i of s ends, as the pattern's leftmost match
// at i would. s must be valid UTF-8 and i < len(s). Each follows its pattern's alternatives in order and, within
// one, the backtracking of a regular-expression engine; the comments quote the alternative they stand for.
// A pattern matches at every position, so the pieces cover the text.

// splitFunc returns the end of the piece that starts at byte offset i of s.
type splitFunc func(s string, i int) int

// nextO200k follows o200k_base's pattern:
//
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//	|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//	|\p{N}{1,3}
//	| ?[^\s\p{L}\p{N}]+[\r\n/]*
//	|\s*[\r\n]+
//	|\s+(?!\S)
//	|\s+
func nextO200k(s string, i int) int {
	if b := s[i]; b < utf8.RuneSelf { // fast paths for the words of ASCII text
		c := asciiClass[b]
		if c&cL != 0 {
			if e := asciiWordO200k(s, i); e >= 0 {
				return e
			}
		} else if c&(cN|cNL) == 0 && i+1 < len(s) && s[i+1] < utf8.RuneSelf && asciiClass[s[i+1]]&cL != 0 {
			if e := asciiWordO200k(s, i+1); e >= 0 {
				return e
			}
		}
	}
	return nextO200kAny(s, i)
}

// asciiWordO200k matches the first two alternatives of o200k_base's pattern, without their first character,
// at start, where s[start] is an ASCII letter: upper case letters, then lower case ones, then a contraction.
// It returns -1 where the word goes on with a character beyond ASCII, for nextO200kAny to read.
func asciiWordO200k(s string, start int) int {
	j := start
	for j < len(s) && 'A' <= s[j] && s[j] <= 'Z' {
		j++
	}
	if j < len(s) {
		b := s[j]
		if b >= utf8.RuneSelf {
			return -1
		}
		if 'a' <= b && b <= 'z' {
			j++
			for j < len(s) && 'a' <= s[j] && s[j] <= 'z' {
				j++
			}
			if j < len(s) && s[j] >= utf8.RuneSelf {
				return -1
			}
		}
	}
	// Upper case letters alone match the second alternative: the first needs a lower case letter.
	return contractionI(s, j)
}

// nextO200kAny is nextO200k for any text.
func nextO200kAny(s string, i int) int {
	c, n := runeAt(s, i)
	if c&(cL|cN|cNL) == 0 { // one character of [^\r\n\p{L}\p{N}], then a word
		if i+n < len(s) {
			if e := o200kWord1(s, i+n); e >= 0 {
				return e
			}
		}
		if c&cLw != 0 { // a mark: the regexp backtracks and reads it as part of the word
			if e := o200kWord1(s, i); e >= 0 {
				return e
			}
		}
		if i+n < len(s) {
			if e := o200kWord2(s, i+n); e >= 0 {
				return e
			}
		}
		if c&cUp != 0 {
			if e := o200kWord2(s, i); e >= 0 {
				return e
			}
		}
	} else if c&cL != 0 { // a letter: the first two alternatives without their first character
		if e := o200kWord1(s, i); e >= 0 {
			return e
		}
		return o200kWord2(s, i) // matches: s[i] is in its first class or the first alternative had matched
	}
	if c&cN != 0 {
		return numbers3(s, i)
	}
	if e := punctuation(s, i, true); e >= 0 {
		return e
	}
	return whitespace(s, i, true, false)
}

// o200kWord1 matches [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|…)? at start, or
// returns -1.
func o200kWord1(s string, start int) int {
	u := start
	for u < len(s) {
		c, n := runeAt(s, u)
		if c&cUp == 0 {
			if c&cLw != 0 { // the greedy first class ends where the second class starts
				return contractionI(s, classRun(s, u, cLw))
			}
			break
		}
		u += n
	}
	// The first class gives characters back until one of them is in the second class.
	for k := u; k > start; {
		r, n := utf8.DecodeLastRuneInString(s[start:k])
		k -= n
		if classOf(r)&cLw != 0 {
			return contractionI(s, classRun(s, k, cLw))
		}
	}
	return -1
}

// o200kWord2 matches [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|…)? at start, or
// returns -1.
func o200kWord2(s string, start int) int {
	u := classRun(s, start, cUp)
	if u == start {
		return -1
	}
	return contractionI(s, classRun(s, u, cLw))
}

// nextCl100k follows cl100k_base's pattern:
//
//	'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s
func nextCl100k(s string, i int) int {
	if b := s[i]; b < utf8.RuneSelf && b != '\'' { // fast paths for the words of ASCII text
		c := asciiClass[b]
		if c&cL != 0 {
			return classRun(s, i+1, cL)
		}
		if c&(cN|cNL) == 0 && i+1 < len(s) && s[i+1] < utf8.RuneSelf && asciiClass[s[i+1]]&cL != 0 {
			return classRun(s, i+2, cL)
		}
	}
	if s[i] == '\'' {
		if m := contractionLen(s, i, true); m > 0 {
			return i + m
		}
	}
	c, n := runeAt(s, i)
	if c&cL != 0 {
		return classRun(s, i, cL)
	}
	if c&(cN|cNL) == 0 && i+n < len(s) { // one character of [^\r\n\p{L}\p{N}], then letters
		if c2, _ := runeAt(s, i+n); c2&cL != 0 {
			return classRun(s, i+n, cL)
		}
	}
	if c&cN != 0 {
		return numbers3(s, i)
	}
	if e := punctuation(s, i, false); e >= 0 {
		return e
	}
	return whitespace(s, i, true, true)
}

// nextR50k follows the pattern of r50k_base and p50k_base:
//
//	'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s
func nextR50k(s string, i int) int {
	if s[i] == '\'' {
		if m := contractionLen(s, i, false); m > 0 {
			return i + m
		}
	}
	j := i
	if s[i] == ' ' && i+1 < len(s) {
		j = i + 1 // the optional space; without it, none of the next three alternatives matches at a space
	}
	c, _ := runeAt(s, j)
	switch {
	case c&cL != 0:
		return classRun(s, j, cL)
	case c&cN != 0:
		return classRun(s, j, cN)
	case c&cWS == 0:
		return otherRun(s, j)
	}
	return whitespace(s, i, false, true)
}

// classRun returns the end of the run of characters from i that have one of the class bits of want.
func classRun(s string, i int, want uint8) int {
	for i < len(s) {
		if b := s[i]; b < utf8.RuneSelf {
			if asciiClass[b]&want == 0 {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if classOf(r)&want == 0 {
			return i
		}
		i += n
	}
	return i
}

// otherRun returns the end of the run of [^\s\p{L}\p{N}] from i.
func otherRun(s string, i int) int {
	for i < len(s) {
		c, n := runeAt(s, i)
		if c&(cWS|cL|cN) != 0 {
			return i
		}
		i += n
	}
	return i
}

// numbers3 matches \p{N}{1,3} at i, where s[i] is a number.
func numbers3(s string, i int) int {
	for k := 0; k < 3 && i < len(s); k++ {
		c, n := runeAt(s, i)
		if c&cN == 0 {
			break
		}
		i += n
	}
	return i
}

// punctuation matches ` ?[^\s\p{L}\p{N}]+[\r\n]*` at i (with slash, ` ?[^\s\p{L}\p{N}]+[\r\n/]*`), or
// returns -1.
func punctuation(s string, i int, slash bool) int {
	j := i
	if s[i] == ' ' {
		j++ // without the space, [^\s…]+ cannot match at a space
	}
	e := otherRun(s, j)
	if e == j {
		return -1
	}
	for e < len(s) && (s[e] == '\r' || s[e] == '\n' || slash && s[e] == '/') {
		e++
	}
	return e
}

// whitespace matches the last alternatives of a pattern at i, where s[i] is white space: \s*[\r\n]+ (with
// newlines; cl100k_base's \s*[\r\n] ends at the same place), then \s+(?!\S) and \s+ (\s+(?!\S)|\s ends at
// the same places). With atEnd, these come after \s++$ (in the patterns of the current tiktoken for
// cl100k_base, p50k_base and r50k_base): a run of white space that ends the text is one piece.
func whitespace(s string, i int, newlines, atEnd bool) int {
	w, last, lastNL := i, i, -1
	for w < len(s) {
		c, n := runeAt(s, w)
		if c&cWS == 0 {
			break
		}
		if c&cNL != 0 {
			lastNL = w
		}
		last = w
		w += n
	}
	if atEnd && w == len(s) {
		return w
	}
	if newlines && lastNL >= 0 {
		return lastNL + 1 // \s* gives characters back until [\r\n]+ matches the last newline of the run
	}
	if w < len(s) && last > i {
		return last // \s+(?!\S): the run but its last character, which is not followed by a non-space
	}
	return w
}

// contractionI extends a word that ends at e with (?i:'s|'t|'re|'ve|'m|'ll|'d) if one follows.
func contractionI(s string, e int) int {
	if e < len(s) && s[e] == '\'' {
		return e + contractionLen(s, e, true)
	}
	return e
}

// contractionLen returns the length of the contraction 's, 't, 're, 've, 'm, 'll or 'd at i (where s[i] is an
// apostrophe), or 0. With fold, letters match as (?i:…) does: in either case, and the s also as ſ (U+017F,
// which folds to s).
func contractionLen(s string, i int, fold bool) int {
	letter := func(j int, want byte) int { // the length of the letter at j if it is want, else 0
		if j >= len(s) {
			return 0
		}
		b := s[j]
		if b == want || fold && b == want-'a'+'A' {
			return 1
		}
		if fold && want == 's' && b == 0xC5 && j+1 < len(s) && s[j+1] == 0xBF {
			return 2
		}
		return 0
	}
	for _, c := range [...]string{"s", "t", "re", "ve", "m", "ll", "d"} {
		j := i + 1
		for k := range len(c) {
			n := letter(j, c[k])
			if n == 0 {
				j = -1
				break
			}
			j += n
		}
		if j > 0 {
			return j - i
		}
	}
	return 0
}
