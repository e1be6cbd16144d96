package engine

import (
	"bytes"
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// corpusDiffs lists the programs of testdata/corpus whose output in a session differs from go run's, by
// program and mode ("whole": pasted as one cell with its package clause; "split": declarations in one
// cell, the body of main in the next), with the reason. A listed program that matches fails the test, so
// that the entry goes when the difference does.
var corpusDiffs = map[string]string{
	// None now: every program prints what go run prints, whole and split (README, "Known limits", lists
	// what golm still does differently).
}

// TestCorpus runs each program of testdata/corpus (one per topic of a Go tutorial) with go run's toolchain
// and in a session, whole and split into cells, and compares what they print: each must print the same, or
// be listed in corpusDiffs.
func TestCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every corpus program with the go command; skipped with -short")
	}
	dirs, err := filepath.Glob("testdata/corpus/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	bin := t.TempDir()
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	for _, d := range dirs {
		args = append(args, "./"+d)
	}
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, dir := range dirs {
		name := filepath.Base(dir)
		src, err := os.ReadFile(filepath.Join(dir, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		cmd := exec.Command(filepath.Join(bin, name))
		cmd.Stdout = &want
		runErr := cmd.Run()
		var exitErr *exec.ExitError
		if runErr != nil && !errors.As(runErr, &exitErr) {
			t.Fatalf("%s: %v", name, runErr)
		}
		for mode, cells := range map[string][]string{"whole": {string(src)}, "split": splitProgram(t, string(src))} {
			key := name + "/" + mode
			t.Run(key, func(t *testing.T) {
				if bytes.Contains(src, []byte("//go:embed")) {
					t.Chdir(dir) // the patterns name files of the program's folder, as go build reads them
				}
				got, cellErr := runCorpusCells(t, cells)
				same := got == want.String() && (cellErr == nil) == (runErr == nil)
				reason, listed := corpusDiffs[key]
				switch {
				case same && listed:
					t.Errorf("matches go run now: remove %q from corpusDiffs (%s)", key, reason)
				case !same && !listed:
					t.Errorf("printed\n%s(error %v)\ngo run printed\n%s(exit %v)", got, cellErr, want.String(), runErr)
				}
			})
		}
	}
}

// splitProgram splits a program as a learner would paste it into cells: its imports and declarations but
// func main in one cell, the body of main in the next.
func splitProgram(t *testing.T, src string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var decls, body strings.Builder
	for _, d := range f.Decls {
		start := d.Pos()
		if gd, ok := d.(*ast.GenDecl); ok && gd.Doc != nil {
			start = gd.Doc.Pos() // with its comment: //go:embed is one
		}
		text := src[fset.Position(start).Offset:fset.Position(d.End()).Offset]
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "main" && fd.Recv == nil {
			inner := src[fset.Position(fd.Body.Lbrace).Offset+1 : fset.Position(fd.Body.Rbrace).Offset]
			for _, line := range strings.Split(strings.Trim(inner, "\n"), "\n") {
				body.WriteString(strings.TrimPrefix(line, "\t") + "\n")
			}
			continue
		}
		decls.WriteString(text + "\n\n")
	}
	return []string{decls.String(), body.String()}
}

// runCorpusCells runs cells in a new session whose standard output is a pipe, as in the kernel, so that
// writes to os.Stdout reach it; it returns what they printed and the first error.
func runCorpusCells(t *testing.T, cells []string) (string, error) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() {
		io.Copy(&out, r)
		close(copied)
	}()
	s, err := New(Options{Stdout: w, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	var first error
	for _, c := range cells {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err := s.Execute(ctx, c)
		cancel()
		if err != nil {
			first = err
			break
		}
	}
	w.Close()
	<-copied
	r.Close()
	return out.String(), first
}
