package local

import (
	"strings"
	"unicode/utf8"
)

// textStream turns the pieces of generated tokens into text that is safe to show: it holds back the end of the
// text while it could be the start of a stop string or an incomplete UTF-8 character (a byte-fallback token
// carries one byte of a character), and it finds stop strings that span pieces.
type textStream struct {
	stops    []string
	trimLeft bool // drop leading white space (chat answers)
	started  bool
	pending  string
	text     strings.Builder // everything emitted
	maxHold  int
	stopped  bool
}

func newTextStream(stops []string, trimLeft bool) *textStream {
	s := &textStream{trimLeft: trimLeft}
	for _, st := range stops {
		if st != "" {
			s.stops = append(s.stops, st)
			s.maxHold = max(s.maxHold, len(st)-1)
		}
	}
	return s
}

// push adds a piece and returns the text that can be emitted now; stopped reports that a stop string was found
// (the text before it is returned and nothing after it will be).
func (s *textStream) push(piece string) (out string, stopped bool) {
	if s.stopped {
		return "", true
	}
	s.pending += piece
	if s.trimLeft && !s.started {
		s.pending = strings.TrimLeft(s.pending, " \t\r\n")
		if s.pending == "" {
			return "", false
		}
	}
	// The earliest stop string wins.
	cut := -1
	for _, st := range s.stops {
		if i := strings.Index(s.pending, st); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if cut >= 0 {
		out = s.pending[:cut]
		s.pending = ""
		s.stopped = true
		s.emit(out)
		return out, true
	}
	hold := s.holdBack()
	out = s.pending[:len(s.pending)-hold]
	s.pending = s.pending[len(s.pending)-hold:]
	s.emit(out)
	return out, false
}

// holdBack returns how many bytes at the end of pending must wait for more text.
func (s *textStream) holdBack() int {
	p := s.pending
	hold := 0
	// A suffix that is a proper prefix of a stop string.
	for n := min(s.maxHold, len(p)); n > 0; n-- {
		suffix := p[len(p)-n:]
		found := false
		for _, st := range s.stops {
			if strings.HasPrefix(st, suffix) {
				found = true
				break
			}
		}
		if found {
			hold = n
			break
		}
	}
	// An incomplete UTF-8 sequence at the end.
	if n := incompleteUTF8(p); n > hold {
		hold = n
	}
	return hold
}

// incompleteUTF8 returns the length of an incomplete multi-byte UTF-8 sequence at the end of s (0 if none).
func incompleteUTF8(s string) int {
	for n := 1; n <= 3 && n <= len(s); n++ {
		b := s[len(s)-n]
		if b < 0x80 {
			return 0 // ASCII: complete
		}
		if b >= 0xC0 { // a leading byte: does the sequence fit in the n bytes we have?
			need := 0
			switch {
			case b >= 0xF0:
				need = 4
			case b >= 0xE0:
				need = 3
			default:
				need = 2
			}
			if need > n {
				return n
			}
			return 0
		}
	}
	return 0
}

// flush returns the text still held back at the end of generation.
func (s *textStream) flush() string {
	if s.stopped {
		return ""
	}
	out := s.pending
	s.pending = ""
	s.emit(out)
	return out
}

func (s *textStream) emit(out string) {
	if out != "" {
		s.started = true
		s.text.WriteString(out)
	}
}

// String returns all text emitted so far.
func (s *textStream) String() string { return s.text.String() }

// validUTF8 replaces invalid bytes so that callers always get valid UTF-8.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
