// Package cell splits the source of a notebook cell into the pieces the Go engine evaluates one by one:
// magic lines (%time, !cmd, ...), imports, declarations and statements, in the order they appear.
//
// The interpreter cannot evaluate a mix of declarations and statements at once, nor a repeated import, so
// the engine evaluates each run of declarations or statements separately. Splitting is purely syntactic
// (go/scanner and go/parser); it needs no interpreter, so the kernel also uses it to answer is_complete.
package cell

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// Kind is the kind of a piece of a cell.
type Kind int

// The kinds of pieces.
const (
	Stmts  Kind = iota // a run of statements
	Decls              // a run of declarations (func, type, var, const)
	Import             // one import declaration
	Magic              // a magic line: %name args, or !shell command
)

func (k Kind) String() string {
	switch k {
	case Stmts:
		return "statements"
	case Decls:
		return "declarations"
	case Import:
		return "import"
	case Magic:
		return "magic"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Piece is one part of a cell, to be evaluated on its own.
type Piece struct {
	Kind Kind
	// Src is the Go source (or the magic line without its leading % or !).
	Src string
	// Line is the 1-based line of the cell where Src starts.
	Line int
	// Start is the byte offset of Src in the cell.
	Start int
	// Shell is true for a !command magic.
	Shell bool
	// Decls holds the parsed declarations of a Decls or Import piece.
	Decls []ast.Decl
	// Stmts holds the parsed statements of a Stmts piece.
	Stmts []ast.Stmt
	// FileSet holds the positions of Decls and Stmts; their lines are cell lines.
	FileSet *token.FileSet
	// Unresolved are the identifiers the piece uses but does not declare.
	Unresolved []*ast.Ident

	base int // bytes of wrapper text before Src in the parsed file
}

// Offset returns the byte offset in Src of a position in Decls or Stmts.
func (p *Piece) Offset(pos token.Pos) int {
	return p.FileSet.Position(pos).Offset - p.base
}

// Text returns the source text of a node of the piece.
func (p *Piece) Text(n ast.Node) string {
	start := max(0, min(p.Offset(n.Pos()), len(p.Src)))
	end := max(start, min(p.Offset(n.End()), len(p.Src)))
	return p.Src[start:end]
}

// Cell is a parsed cell.
type Cell struct {
	// CellMagic is the name of a cell magic on the first line (%%time), or "".
	CellMagic string
	// CellMagicArgs is the rest of that line.
	CellMagicArgs string
	// Pieces are the pieces in source order.
	Pieces []Piece
}

// Error is a syntax error at a line of the cell.
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("cell line %d:%d: %s", e.Line, e.Col, e.Msg) }

// Parse splits a cell into pieces. A syntax error is reported with its cell line.
func Parse(src string) (*Cell, error) {
	c := &Cell{}
	lines := strings.SplitAfter(src, "\n")
	first := 0
	if len(lines) > 0 {
		if t := strings.TrimSpace(lines[0]); strings.HasPrefix(t, "%%") {
			name, args, _ := strings.Cut(strings.TrimPrefix(t, "%%"), " ")
			c.CellMagic, c.CellMagicArgs = name, strings.TrimSpace(args)
			first = 1
		}
	}
	var goBuf strings.Builder
	goStart := first + 1 // 1-based line where goBuf starts
	goOff := 0           // byte offset in src where goBuf starts
	off := 0             // byte offset in src of the current line
	for i := 0; i < first; i++ {
		off += len(lines[i])
	}
	flush := func() error {
		code := goBuf.String()
		goBuf.Reset()
		if strings.TrimSpace(code) == "" {
			return nil
		}
		ps, err := splitGo(code, goStart)
		if err != nil {
			return err
		}
		for j := range ps {
			ps[j].Start += goOff
		}
		c.Pieces = append(c.Pieces, ps...)
		return nil
	}
	for i := first; i < len(lines); i++ {
		line := lines[i]
		lineOff := off
		off += len(line)
		if goBuf.Len() == 0 {
			goOff = lineOff
		}
		t := strings.TrimSpace(line)
		if (strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!")) && atTopLevel(goBuf.String()) {
			if err := flush(); err != nil {
				return nil, err
			}
			p := Piece{Kind: Magic, Line: i + 1, Start: lineOff}
			if t[0] == '!' {
				p.Shell = true
			}
			p.Src = strings.TrimSpace(t[1:])
			c.Pieces = append(c.Pieces, p)
			goStart = i + 2
			continue
		}
		if goBuf.Len() == 0 && t == "" {
			goStart = i + 2
			continue
		}
		if goBuf.Len() == 0 {
			goOff = lineOff
		}
		goBuf.WriteString(line)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return c, nil
}

// atTopLevel reports whether Go code so far ends outside any bracket and not in the middle of an expression,
// so that a following line starting with ! or % is a magic rather than a continuation (as in "a &&\n!b").
func atTopLevel(code string) bool {
	if strings.TrimSpace(code) == "" {
		return true
	}
	depth, unterminated, last := scan(code)
	return depth <= 0 && !unterminated && !continues(last) // a line in a raw string or comment is not a magic
}

// scan returns the bracket depth at the end of Go code, whether a raw string or comment is left open, and
// the last token (not counting automatic semicolons).
func scan(code string) (depth int, unterminated bool, last token.Token) {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(code))
	s.Init(file, []byte(code), func(_ token.Position, msg string) {
		if strings.Contains(msg, "not terminated") {
			unterminated = true
		}
	}, 0)
	last = token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return depth, unterminated, last
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
}

// continues reports whether a line ending with tok goes on to the next one: a binary operator or comma.
func continues(tok token.Token) bool {
	switch tok {
	case token.RPAREN, token.RBRACE, token.RBRACK, token.INC, token.DEC, token.SEMICOLON, token.COLON:
		return false
	}
	return tok.IsOperator()
}

type tokInfo struct {
	pos token.Pos
	tok token.Token
	lit string
}

// chunk is one top-level statement or declaration: its byte range in the code.
type chunk struct {
	start, end int
	kind       Kind
}

// Chunk is one top-level declaration or statement of Go code, found by the scanner alone (nothing is
// parsed): an Import, a Decls (func, type, var, const) or a Stmts chunk. Comments before a chunk belong to
// it, and so does a semicolon that ends it (a newline that ends it does not).
type Chunk struct {
	Kind Kind
	// Start and End are the chunk's byte range in the code.
	Start, End int
	// Line and Col are the 1-based position of Start.
	Line, Col int
}

// Chunks splits Go code (without magic lines) into its top-level chunks, one per declaration or statement,
// in source order. Unlike Parse it neither groups nor parses them, so a chunk may be any text a caller wants
// to treat itself (a list of expressions, say). Only a scanner error (an unterminated string, an illegal
// character) is reported, as an *Error.
func Chunks(code string) ([]Chunk, error) {
	chunks, err := scanChunks(code, 1)
	if err != nil {
		return nil, err
	}
	out := make([]Chunk, len(chunks))
	for i, c := range chunks {
		before := code[:c.start]
		line := 1 + strings.Count(before, "\n")
		col := 1 + len(before) - (strings.LastIndex(before, "\n") + 1)
		out[i] = Chunk{Kind: c.kind, Start: c.start, End: c.end, Line: line, Col: col}
	}
	return out, nil
}

// splitGo splits Go code into top-level chunks with the scanner, groups consecutive chunks of the same kind
// and parses each group. line is the cell line where code starts.
func splitGo(code string, line int) ([]Piece, error) {
	chunks, err := scanChunks(code, line)
	if err != nil {
		return nil, err
	}
	var pieces []Piece
	for i := 0; i < len(chunks); {
		j := i + 1
		if chunks[i].kind != Import {
			for j < len(chunks) && chunks[j].kind == chunks[i].kind {
				j++
			}
		}
		start, end := chunks[i].start, chunks[j-1].end
		startLine := line + strings.Count(code[:start], "\n")
		p, err := parsePiece(chunks[i].kind, code[start:end], startLine)
		if err != nil {
			return nil, err
		}
		p.Start = start
		pieces = append(pieces, p)
		i = j
	}
	return pieces, nil
}

func scanChunks(code string, line int) ([]chunk, error) {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(code))
	var serr *Error
	s.Init(file, []byte(code), func(pos token.Position, msg string) {
		if serr == nil {
			serr = &Error{Line: pos.Line + line - 1, Col: pos.Column, Msg: msg}
		}
	}, scanner.ScanComments)
	var chunks []chunk
	var cur []tokInfo
	curStart := -1 // offset of first token (or leading comment) of the current chunk
	depth := 0
	header := false // in the header of a for, if or switch at top level, whose semicolons end no chunk
	end := func(endOff int) {
		if len(cur) == 0 {
			curStart = -1
			return
		}
		if cur[0].tok == token.PACKAGE {
			// A program pasted whole starts with its package clause: "package main" says nothing a cell does
			// not already mean, so it is dropped; any other package cannot run.
			if err := packageClause(file, cur, len(chunks) == 0, line); err != nil && serr == nil {
				serr = err
			}
		} else {
			chunks = append(chunks, chunk{start: curStart, end: endOff, kind: classify(cur)})
		}
		cur = nil
		curStart = -1
	}
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			end(len(code))
			break
		}
		off := file.Offset(pos)
		if tok == token.COMMENT {
			if curStart < 0 {
				curStart = off
			}
			continue
		}
		if curStart < 0 {
			curStart = off
		}
		switch tok {
		case token.FOR, token.IF, token.SWITCH:
			if depth == 0 {
				header = true
			}
		case token.LBRACE:
			if depth == 0 {
				header = false
			}
		}
		switch tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
		if tok == token.SEMICOLON && depth == 0 && !(header && lit == ";") {
			endOff := off
			if lit == ";" {
				endOff = off + 1
			}
			end(endOff)
			continue
		}
		cur = append(cur, tokInfo{pos, tok, lit})
	}
	if serr != nil {
		return nil, serr
	}
	return chunks, nil
}

// packageClause checks a package clause of a cell: only "package main", as the first thing in the cell, as
// in a program that go run runs.
func packageClause(file *token.File, toks []tokInfo, first bool, line int) *Error {
	pos := file.Position(toks[0].pos)
	at := func(msg string) *Error { return &Error{Line: pos.Line + line - 1, Col: pos.Column, Msg: msg} }
	switch {
	case len(toks) != 2 || toks[1].tok != token.IDENT:
		return at("expected 'package name'")
	case toks[1].lit != "main":
		return at(fmt.Sprintf("package %s: a notebook runs its cells as the program's package main, as go run "+
			"does; code of package %s belongs in a module imported with %%go get, or paste it without the "+
			"package clause", toks[1].lit, toks[1].lit))
	case !first:
		return at("the package clause must come first, before imports and declarations")
	}
	return nil
}

// classify tells a declaration from a statement by its first tokens. A func keyword starts a declaration
// when followed by a name, or by a receiver and then a name (a method); otherwise it is a function literal.
func classify(toks []tokInfo) Kind {
	rest := toks[1:]
	switch toks[0].tok {
	case token.IMPORT:
		return Import
	case token.TYPE, token.VAR, token.CONST:
		return Decls
	case token.FUNC:
		if len(rest) > 0 && rest[0].tok == token.IDENT {
			return Decls
		}
		if len(rest) > 0 && rest[0].tok == token.LPAREN {
			depth := 0
			for i, t := range rest {
				switch t.tok {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
				}
				if depth == 0 {
					if i+2 < len(rest) && rest[i+1].tok == token.IDENT && (rest[i+2].tok == token.LPAREN || rest[i+2].tok == token.LBRACK) {
						return Decls
					}
					return Stmts
				}
			}
		}
	}
	return Stmts
}

// parsePiece parses a group of chunks. A //line directive makes the parser's positions cell lines.
func parsePiece(kind Kind, src string, line int) (Piece, error) {
	p := Piece{Kind: kind, Src: src, Line: line, FileSet: token.NewFileSet()}
	directive := fmt.Sprintf("//line cell:%d\n", line)
	switch kind {
	case Import, Decls:
		prefix := "package main\n" + directive
		f, err := parser.ParseFile(p.FileSet, "cell", prefix+src, parser.ParseComments)
		if err != nil {
			return p, syntaxError(err)
		}
		p.Decls = f.Decls
		p.Unresolved = f.Unresolved
		p.base = len(prefix)
	case Stmts:
		prefix := "package main\nfunc _() {\n" + directive
		f, err := parser.ParseFile(p.FileSet, "cell", prefix+src+"\n}", parser.ParseComments)
		if err != nil {
			return p, syntaxError(err)
		}
		p.Stmts = f.Decls[0].(*ast.FuncDecl).Body.List
		p.Unresolved = f.Unresolved
		p.base = len(prefix)
	}
	return p, nil
}

// syntaxError turns a parser error into an Error at a cell line.
func syntaxError(err error) error {
	if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
		e := list[0]
		return &Error{Line: e.Pos.Line, Col: max(e.Pos.Column, 1), Msg: e.Msg}
	}
	return err
}
