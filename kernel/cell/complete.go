package cell

import (
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
	case unterminated:
		return Completeness{Status: "incomplete"}
	case depth > 0:
		return Completeness{Status: "incomplete", Indent: strings.Repeat("\t", depth)}
	case depth < 0:
		return Completeness{Status: "invalid"}
	case lastTok.IsOperator() && lastTok != token.RPAREN && lastTok != token.RBRACE && lastTok != token.RBRACK &&
		lastTok != token.INC && lastTok != token.DEC && lastTok != token.SEMICOLON && lastTok != token.COLON:
		return Completeness{Status: "incomplete"}
	}
	if _, err := Parse(src); err != nil {
		return Completeness{Status: "invalid"}
	}
	return Completeness{Status: "complete"}
}

// scanState returns the bracket depth at the end of the Go lines of src (magic lines are skipped), whether a
// raw string or comment is left open, and the last token.
func scanState(src string) (depth int, unterminated bool, last token.Token) {
	var code strings.Builder
	for _, line := range strings.SplitAfter(src, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!") {
			if atTopLevel(code.String()) {
				code.WriteString("\n")
				continue
			}
		}
		code.WriteString(line)
	}
	text := code.String()
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(text))
	s.Init(file, []byte(text), func(_ token.Position, msg string) {
		if strings.Contains(msg, "not terminated") {
			unterminated = true
		}
	}, 0)
	last = token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		switch tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
		if tok == token.SEMICOLON && lit == "\n" {
			continue
		}
		last = tok
	}
	return depth, unterminated, last
}
