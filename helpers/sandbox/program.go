package sandbox

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
)

// capturePath is the import path of the compiled package through which the program hands back the value of
// its last expression. It cannot clash with a real package: it has no dot and is not in the standard library.
const capturePath = "golm_sandbox/capture"

// captureName is the name the capture package is imported as in generated programs.
const captureName = "golm_sandbox_capture"

// fileName is the name positions in the code are reported with.
const fileName = "code.go"

// program is the code turned into Go files for the interpreter.
type program struct {
	// withValue hands the last expression's value to the capture package; "" when the code does not end
	// with an expression.
	withValue string
	// plain runs the code as it is.
	plain string
	// imports are the import paths of the code.
	imports []string
}

// segment is one top-level piece of the code: a declaration or a statement.
type segment struct {
	kind      segKind
	text      string
	line      int // line of the segment's first token
	col       int
	isExpr    bool // a statement that is a single expression
	listLen   int  // when > 1, the statement is a list of expressions ("a, b"), as a REPL shows them
	isMain    bool // func main
	importSet []string
}

type segKind int

const (
	segImport segKind = iota
	segDecl
	segStmt
)

// prepare turns a snippet into a program. A snippet is either a whole Go file (package main with func main)
// or a mix of imports, declarations and statements, as typed in a notebook: the declarations go at package
// level, the statements into func main, in order, and when the last statement is an expression its value is
// captured.
func prepare(code string) (*program, error) {
	fset := token.NewFileSet()
	if startsWithPackage(code) {
		f, err := parser.ParseFile(fset, fileName, code, parser.ImportsOnly)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCompile, err)
		}
		if f.Name.Name != "main" {
			return nil, fmt.Errorf("%w: the program must be package main, not %s", ErrCompile, f.Name.Name)
		}
		return &program{plain: code, imports: importPaths(f)}, nil
	}
	segs, err := split(code)
	if err != nil {
		return nil, err
	}
	var imports, decls, stmts []segment
	hasMain := false
	for _, s := range segs {
		switch s.kind {
		case segImport:
			imports = append(imports, s)
		case segDecl:
			decls = append(decls, s)
			hasMain = hasMain || s.isMain
		default:
			stmts = append(stmts, s)
		}
	}
	if hasMain && len(stmts) > 0 {
		return nil, fmt.Errorf("%w: the code declares func main and also has statements outside functions; "+
			"put the statements in main or leave main out", ErrCompile)
	}
	p := &program{}
	for _, s := range imports {
		p.imports = append(p.imports, s.importSet...)
	}
	build := func(capture bool) string {
		var b strings.Builder
		b.WriteString("package main\n\n")
		if capture {
			fmt.Fprintf(&b, "import %s %q\n", captureName, capturePath)
		}
		for _, s := range imports {
			writeAt(&b, s, s.text)
		}
		for _, s := range decls {
			writeAt(&b, s, s.text)
		}
		if hasMain {
			return b.String()
		}
		b.WriteString("\nfunc main() {\n")
		for i, s := range stmts {
			text := s.text
			switch {
			case i < len(stmts)-1:
			case capture && s.listLen > 1:
				text = captureName + ".Values([]any{" + text + ",\n})"
			case capture:
				// The comma lets the expression end with a newline or a line comment.
				text = captureName + ".Value(" + text + ",\n)"
			case s.listLen > 1:
				text = strings.Repeat("_, ", s.listLen-1) + "_ = " + text
			}
			writeAt(&b, s, text)
		}
		b.WriteString("}\n")
		return b.String()
	}
	p.plain = build(false)
	if n := len(stmts); n > 0 && stmts[n-1].isExpr {
		p.withValue = build(true)
	}
	return p, nil
}

// writeAt writes a segment preceded by a line directive, so that the interpreter reports positions in the
// code as the model wrote it.
func writeAt(b *strings.Builder, s segment, text string) {
	fmt.Fprintf(b, "//line %s:%d:%d\n", fileName, s.line, s.col)
	b.WriteString(text)
	b.WriteString("\n")
}

func startsWithPackage(code string) bool {
	var s scanner.Scanner
	fset := token.NewFileSet()
	f := fset.AddFile(fileName, -1, len(code))
	s.Init(f, []byte(code), nil, 0)
	_, tok, _ := s.Scan()
	return tok == token.PACKAGE
}

func importPaths(f *ast.File) []string {
	var out []string
	for _, imp := range f.Imports {
		if p, err := strconv.Unquote(imp.Path.Value); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// split cuts the code into top-level imports, declarations and statements with the kernel's cell splitter
// (package cell), and classifies each statement: an expression, or a list of expressions ("a, b").
func split(code string) ([]segment, error) {
	chunks, err := cell.Chunks(code)
	if err != nil {
		var ce *cell.Error
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("%w: %s:%d:%d: %s", ErrCompile, fileName, ce.Line, ce.Col, ce.Msg)
		}
		return nil, fmt.Errorf("%w: %v", ErrCompile, err)
	}
	segs := make([]segment, 0, len(chunks))
	for _, c := range chunks {
		seg, err := classify(c, strings.TrimSpace(code[c.Start:c.End]))
		if err != nil {
			return nil, err
		}
		segs = append(segs, seg)
	}
	return segs, nil
}

// classify completes a chunk: the import paths of an import, func main among declarations, and whether a
// statement is an expression or a list of expressions.
func classify(c cell.Chunk, text string) (segment, error) {
	seg := segment{kind: segStmt, text: text, line: c.Line, col: c.Col}
	text = strings.TrimSpace(strings.TrimSuffix(text, ";")) // "a+b;" is the expression a+b
	seg.text = text
	switch c.Kind {
	case cell.Import:
		f, err := parser.ParseFile(token.NewFileSet(), fileName, "package p\n"+text, parser.ImportsOnly)
		if err != nil {
			return seg, fmt.Errorf("%w: line %d: %v", ErrCompile, c.Line, err)
		}
		seg.kind = segImport
		seg.importSet = importPaths(f)
		return seg, nil
	case cell.Decls:
		seg.kind = segDecl
		f, err := parser.ParseFile(token.NewFileSet(), fileName, "package p\n"+text, parser.SkipObjectResolution)
		if err == nil && len(f.Decls) == 1 {
			if fd, ok := f.Decls[0].(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
				seg.isMain = true
			}
		}
		return seg, nil
	}
	if _, err := parser.ParseExpr(text); err == nil {
		seg.isExpr = true
		return seg, nil
	}
	// "a, b" is not a Go statement, but a REPL shows both values: accept a list of plain expressions.
	if e, err := parser.ParseExpr("[]any{" + text + ",\n}"); err == nil {
		if lit, ok := e.(*ast.CompositeLit); ok && len(lit.Elts) > 1 {
			for _, el := range lit.Elts {
				if _, keyed := el.(*ast.KeyValueExpr); keyed {
					return seg, nil
				}
			}
			seg.isExpr = true
			seg.listLen = len(lit.Elts)
		}
	}
	return seg, nil
}
