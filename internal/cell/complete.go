package cell

import (
	"errors"
	"go/scanner"
	"go/token"
	"strings"
)

// Completeness is the answer to Jupyter's is_complete_request.
type Completeness struct {
	Status string // "complete", "incomplete" or "invalid"
	Indent string // for "incomplete": the indentation of the next line
}

// IsComplete tells a console front end whether a cell can run as typed, needs more lines (an open bracket,
// an unterminated raw string, a trailing operator), or can never be valid.
func IsComplete(src string) Completeness {
	if strings.TrimSpace(src) == "" {
		return Completeness{Status: "complete"}
	}
	depth, unterminated, lastTok := scanState(src)
	switch {
	case depth < 0:
		return Completeness{Status: "invalid"}
	case unterminated:
		return Completeness{Status: "incomplete"}
	case brokenBeforeEnd(src):
		return Completeness{Status: "invalid"} // no continuation can mend an error in what is already typed
	case depth > 0:
		return Completeness{Status: "incomplete", Indent: strings.Repeat("\t", depth)}
	case continues(lastTok):
		return Completeness{Status: "incomplete"}
	}
	if _, err := Parse(src); err != nil {
		return Completeness{Status: "invalid"}
	}
	return Completeness{Status: "complete"}
}

// scanState scans the Go lines of src (see goLines and scan).
func scanState(src string) (depth int, unterminated bool, last token.Token) {
	return scan(goLines(src))
}

// goLines returns src with its magic lines (! and % at the top level) blanked.
func goLines(src string) string {
	var code strings.Builder
	for _, line := range strings.SplitAfter(src, "\n") {
		t := strings.TrimSpace(line)
		if (strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!")) && atTopLevel(code.String()) {
			code.WriteString("\n")
			continue
		}
		code.WriteString(line)
	}
	return code.String()
}

// brokenBeforeEnd reports whether src has a syntax error that more lines cannot mend: a closing bracket that
// matches no open one, or a parse error other than running out of input. The parser sees a cell wrapped in a
// function, so running out of input shows as finding 'EOF' or the wrapper's closing '}'.
func brokenBeforeEnd(src string) bool {
	if mismatchedBracket(goLines(src)) {
		return true
	}
	_, err := Parse(src)
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return !strings.Contains(e.Msg, "found 'EOF'") && !strings.HasSuffix(e.Msg, "found '}'")
}

// mismatchedBracket reports whether a closing bracket of src closes nothing or closes a bracket of another
// kind, as in "func ) {".
func mismatchedBracket(src string) bool {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", fset.Base(), len(src)), []byte(src), nil, 0)
	var open []token.Token
	closes := map[token.Token]token.Token{token.RPAREN: token.LPAREN, token.RBRACE: token.LBRACE, token.RBRACK: token.LBRACK}
	for {
		_, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			return false
		case token.LPAREN, token.LBRACE, token.LBRACK:
			open = append(open, tok)
		case token.RPAREN, token.RBRACE, token.RBRACK:
			if len(open) == 0 || open[len(open)-1] != closes[tok] {
				return true
			}
			open = open[:len(open)-1]
		}
	}
}
