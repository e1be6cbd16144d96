package rag

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/golm-dev/golm/helpers/rag/internal/pdftext"
)

// Errors of reading a PDF document (returned wrapped).
var (
	// ErrDamaged is a PDF file that is damaged, cut short, or not a PDF at all.
	ErrDamaged = pdftext.ErrDamaged
	// ErrEncrypted is a PDF file that cannot be read without a password (or uses an encryption that is not
	// supported: RC4 and AES-128 with an empty user password are).
	ErrEncrypted = pdftext.ErrEncrypted
	// ErrTooLarge is a PDF file with more than 10,000 pages or more than 64 MiB of text.
	ErrTooLarge = pdftext.ErrTooLarge
)

// pdfDocument reads a PDF file's text into a document: the pages' texts joined by blank lines, Pages
// recording where each starts, and the title from the file's information dictionary.
func pdfDocument(ctx context.Context, source string, data []byte) (Document, error) {
	res, err := pdftext.Extract(ctx, data, pdftext.Options{})
	if err != nil {
		return Document{}, fmt.Errorf("rag: reading PDF %s: %w", source, err)
	}
	doc := Document{Source: source, Title: res.Title, Format: Text, Pages: make([]int, len(res.Pages))}
	var sb strings.Builder
	for i, p := range res.Pages {
		if p != "" && sb.Len() > 0 {
			sb.WriteString("\n\n")
		}
		doc.Pages[i] = sb.Len()
		sb.WriteString(p)
	}
	doc.Text = sb.String()
	return doc, nil
}

// pageAt returns the 1-based page of byte offset off in a document with the given page starts, 0 without
// pages.
func pageAt(pages []int, off int) int {
	return sort.Search(len(pages), func(i int) bool { return pages[i] > off })
}
