package cell

import (
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
	case continues(lastTok):
		return Completeness{Status: "incomplete"}
	}
	if _, err := Parse(src); err != nil {
		return Completeness{Status: "invalid"}
	}
	return Completeness{Status: "complete"}
}

// scanState scans the Go lines of src (magic lines are skipped, see scan).
func scanState(src string) (depth int, unterminated bool, last token.Token) {
	var code strings.Builder
	for _, line := range strings.SplitAfter(src, "\n") {
		t := strings.TrimSpace(line)
		if (strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!")) && atTopLevel(code.String()) {
			code.WriteString("\n")
			continue
		}
		code.WriteString(line)
	}
	return scan(code.String())
}
