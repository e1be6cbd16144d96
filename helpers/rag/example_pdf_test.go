package rag_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"codeberg.org/go-pdf/fpdf"
	"github.com/golm-dev/golm/helpers/rag"
)

// A PDF loads like any other file; its chunks know their pages.
func ExampleLoadDocument_pdf() {
	// Write a two-page PDF to load (any PDF with a text layer will do).
	dir, _ := os.MkdirTemp("", "pdf-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "report.pdf")
	f := fpdf.New("P", "mm", "A4", "")
	for _, text := range []string{"Money is a medium of exchange.", "Banks lend money to households."} {
		f.AddPage()
		f.SetFont("Helvetica", "", 12)
		f.MultiCell(0, 6, text, "", "L", false)
	}
	if err := f.OutputFileAndClose(path); err != nil {
		fmt.Println(err)
		return
	}

	doc, err := rag.LoadDocument(context.Background(), path)
	if err != nil {
		fmt.Println(err)
		return
	}
	chunks, err := rag.Split(doc, rag.SplitOptions{MaxTokens: 8})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(doc.Pages), "pages")
	for _, c := range chunks {
		fmt.Printf("%s: %s\n", c.Cite()[len(dir)+1:], c.Text)
	}
	// Output:
	// 2 pages
	// report.pdf p. 1: Money is a medium of exchange.
	// report.pdf p. 2: Banks lend money to households.
}
