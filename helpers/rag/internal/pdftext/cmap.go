package pdftext

import (
	"io"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// toUnicode is a font's ToUnicode CMap: character codes (as big-endian integers) to text. The parser's own
// decoder adds a bfrange's offset to the last byte only (U+03B4 comes out as U+00B4), so the map is read
// here.
type toUnicode map[int]string

// maxCMapEntries bounds the codes one map expands to (bfranges can name up to 2^32 codes).
const maxCMapEntries = 1 << 17

// readToUnicode parses a ToUnicode stream's bfchar and bfrange sections; nil when there are none.
func readToUnicode(v pdf.Value) toUnicode {
	rc := v.Reader()
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, 4<<20))
	if err != nil {
		return nil
	}
	m := toUnicode{}
	var ops []cmapToken
	for _, tok := range cmapTokens(data) {
		if tok.kind != kwTok {
			ops = append(ops, tok)
			continue
		}
		switch tok.s {
		case "endbfchar":
			for i := 0; i+1 < len(ops) && len(m) < maxCMapEntries; i += 2 {
				if ops[i].kind == hexTok && ops[i+1].kind == hexTok {
					m[code(ops[i].s)] = utf16BE(ops[i+1].s)
				}
			}
		case "endbfrange":
			for i := 0; i+2 < len(ops); i += 3 {
				lo, hi, dst := ops[i], ops[i+1], ops[i+2]
				if lo.kind != hexTok || hi.kind != hexTok {
					continue
				}
				a, b := code(lo.s), code(hi.s)
				switch dst.kind {
				case hexTok:
					base := []rune(utf16BE(dst.s))
					if len(base) == 0 {
						continue
					}
					for c := a; c <= b && len(m) < maxCMapEntries; c++ {
						r := append([]rune(nil), base...)
						r[len(r)-1] += rune(c - a)
						m[c] = string(r)
					}
				case arrTok:
					for j, s := range dst.arr {
						if a+j <= b && len(m) < maxCMapEntries {
							m[a+j] = utf16BE(s)
						}
					}
				}
			}
		}
		ops = ops[:0]
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

func code(s string) int {
	c := 0
	for i := 0; i < len(s) && i < 4; i++ {
		c = c<<8 | int(s[i])
	}
	return c
}

func utf16BE(s string) string {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	if len(s)%2 == 1 { // a one-byte destination: a code point below 256
		u = append(u, uint16(s[len(s)-1]))
	}
	return string(utf16.Decode(u))
}

type tokKind int

const (
	hexTok   tokKind = iota // <hex string>, decoded
	arrTok                  // [ <hex> ... ]
	kwTok                   // a keyword such as endbfchar
	otherTok                // a number, name, literal string or anything else
)

type cmapToken struct {
	kind tokKind
	s    string
	arr  []string
}

// cmapTokens splits a CMap into tokens; only hex strings, arrays of them and keywords matter here.
func cmapTokens(b []byte) []cmapToken {
	var out []cmapToken
	var arr []string
	inArr := false
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '%':
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		case c == '<' && i+1 < len(b) && b[i+1] == '<', c == '>' && i+1 < len(b) && b[i+1] == '>':
			i += 2
		case c == '<':
			j := i + 1
			var hex []byte
			for j < len(b) && b[j] != '>' {
				if v, ok := unhex(b[j]); ok {
					hex = append(hex, v)
				}
				j++
			}
			if len(hex)%2 == 1 {
				hex = append(hex, 0)
			}
			s := make([]byte, len(hex)/2)
			for k := range s {
				s[k] = hex[2*k]<<4 | hex[2*k+1]
			}
			if inArr {
				arr = append(arr, string(s))
			} else {
				out = append(out, cmapToken{kind: hexTok, s: string(s)})
			}
			i = j + 1
		case c == '[':
			inArr, arr = true, nil
			i++
		case c == ']':
			if inArr {
				out = append(out, cmapToken{kind: arrTok, arr: arr})
			}
			inArr = false
			i++
		case c == '(':
			depth := 0
			for ; i < len(b); i++ {
				if b[i] == '\\' {
					i++
					continue
				}
				if b[i] == '(' {
					depth++
				} else if b[i] == ')' {
					if depth--; depth == 0 {
						i++
						break
					}
				}
			}
			out = append(out, cmapToken{kind: otherTok})
		case c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0:
			i++
		default:
			j := i
			for j < len(b) && !isDelim(b[j]) {
				j++
			}
			if j == i {
				j++
			}
			w := string(b[i:j])
			kind := otherTok
			if w[0] >= 'a' && w[0] <= 'z' {
				kind = kwTok
			}
			if !inArr {
				out = append(out, cmapToken{kind: kind, s: w})
			}
			i = j
		}
	}
	return out
}

func isDelim(c byte) bool {
	switch c {
	case ' ', '\n', '\r', '\t', '\f', 0, '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
