package rag

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Format is the format of a document's source text.
type Format int

// The formats NewDocument reads.
const (
	// Text is plain text: paragraphs separated by blank lines, no headings.
	Text Format = iota
	// Markdown is Markdown: headings structure the text, written with "#" ("# Title", "## Part") or
	// underlined (a line of "===" for level 1, "---" for level 2); fenced code blocks stay whole.
	Markdown
	// HTML is an HTML page: its main text is kept (the <main> or single <article> element when there is one,
	// else <body>), without navigation, headers, footers, asides, forms, scripts and styles; headings become
	// Markdown headings, list items "- " lines, table rows cells joined by " | ".
	HTML
	// PDF is a PDF file: the text of its pages in reading order, with the page breaks kept as blank lines and
	// in Document.Pages. Its Document's Format is Text. Scanned pages (images without a text layer) have no
	// text; encrypted files open only when they need no password.
	PDF
)

// String returns the format's name.
func (f Format) String() string {
	switch f {
	case Text:
		return "text"
	case Markdown:
		return "markdown"
	case HTML:
		return "html"
	case PDF:
		return "pdf"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ErrEmptyDocument is returned (wrapped) for a document without text.
var ErrEmptyDocument = errors.New("document has no text")

// Document is a text with a source name, ready to be split into chunks.
type Document struct {
	// Source names where the text came from (a file path, a URL); chunks and citations carry it.
	Source string
	// Title is the HTML page's <title> or the first heading, when there is one.
	Title string
	// Text is the document's text: plain text, or Markdown (HTML is converted to Markdown-like text). Chunk
	// positions are byte offsets and lines in this text.
	Text string
	// Format is Text or Markdown (an HTML document's Text is Markdown, a PDF document's Text is Text).
	Format Format
	// Pages holds, for a document made from pages (a PDF), the byte offset in Text where each page starts:
	// page n starts at Pages[n-1]. Chunks carry the pages they come from. It is nil for other documents.
	Pages []int
	// Metadata is copied into every chunk of the document, for filtering searches.
	Metadata map[string]string
}

// NewDocument makes a document from text in the given format, with a source name for citations. For PDF,
// text holds the file's bytes (string(data)). A text with nothing but white space (or an HTML page without
// main text, a PDF without a text layer) is an error wrapping ErrEmptyDocument; a damaged PDF is an error
// wrapping ErrDamaged, one that needs a password ErrEncrypted, one with more than 10,000 pages ErrTooLarge.
func NewDocument(source, text string, format Format) (Document, error) {
	return newDocument(context.Background(), source, text, format)
}

func newDocument(ctx context.Context, source, text string, format Format) (Document, error) {
	doc := Document{Source: source, Format: format}
	switch format {
	case Text, Markdown:
		doc.Text = text
	case HTML:
		title, body, err := htmlText(text)
		if err != nil {
			return Document{}, fmt.Errorf("rag: reading HTML of %s: %w", source, err)
		}
		doc.Text, doc.Title, doc.Format = body, title, Markdown
	case PDF:
		var err error
		if doc, err = pdfDocument(ctx, source, []byte(text)); err != nil {
			return Document{}, err
		}
	default:
		return Document{}, fmt.Errorf("rag: unknown format %v for %s", format, source)
	}
	if strings.TrimSpace(doc.Text) == "" {
		return Document{}, fmt.Errorf("rag: %s: %w", source, ErrEmptyDocument)
	}
	if doc.Title == "" && doc.Format == Markdown {
		for _, b := range blocksOf(doc.Text, Markdown) {
			if b.level > 0 {
				doc.Title = b.title
				break
			}
		}
	}
	return doc, nil
}

// FormatOf returns the format a file name's extension says: Markdown for .md and .markdown, HTML for .html
// and .htm, PDF for .pdf, Text for anything else.
func FormatOf(name string) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".pdf":
		return PDF
	case ".md", ".markdown":
		return Markdown
	case ".html", ".htm":
		return HTML
	}
	return Text
}

// LoadDocument reads a file into a document, its format chosen by FormatOf (a file starting with "%PDF-" is
// read as PDF whatever its name) and its source the path. See NewDocument for the errors.
func LoadDocument(ctx context.Context, path string) (Document, error) {
	if err := ctx.Err(); err != nil {
		return Document{}, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Document{}, fmt.Errorf("rag: %w", err)
	}
	format := FormatOf(path)
	if format == Text && bytes.HasPrefix(data, []byte("%PDF-")) {
		format = PDF // a PDF file without the extension
	}
	return newDocument(ctx, path, string(data), format)
}

// LoadDir reads every .txt, .md, .markdown, .html, .htm and .pdf file under dir (recursively, in lexical order)
// into documents. Files without text are skipped; any other error stops the walk.
func LoadDir(ctx context.Context, dir string) ([]Document, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".txt", ".md", ".markdown", ".html", ".htm", ".pdf":
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rag: %w", err)
	}
	sort.Strings(paths)
	var docs []Document
	for _, p := range paths {
		doc, err := LoadDocument(ctx, p)
		if errors.Is(err, ErrEmptyDocument) {
			continue
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}
