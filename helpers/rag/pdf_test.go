package rag

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-pdf/fpdf"
)

// makePDF writes a PDF with fpdf (a pure-Go PDF writer): one page per element of pages, each paragraph of a
// page written with MultiCell (fpdf breaks long paragraphs into lines), in Liberation Sans (a TrueType font
// embedded as a composite font with a ToUnicode map, so any Unicode text) unless core is set (Helvetica,
// Latin-1). protect, when set, is called on the document before it is written.
func makePDF(t *testing.T, title string, pages [][]string, core bool, protect func(*fpdf.Fpdf)) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetTitle(title, true)
	family := "Helvetica"
	if !core {
		family = "Liberation"
		f.AddUTF8FontFromBytes(family, "", liberationsansregular.TTF)
	}
	if protect != nil {
		protect(f)
	}
	tr := func(s string) string { return s }
	if core {
		tr = f.UnicodeTranslatorFromDescriptor("") // UTF-8 to the core fonts' cp1252
	}
	for _, paras := range pages {
		f.AddPage()
		f.SetFont(family, "", 12)
		for _, p := range paras {
			f.MultiCell(0, 6, tr(p), "", "L", false)
			f.Ln(6)
		}
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadPDF(t *testing.T) {
	long := "Money is a medium of exchange, a unit of account and a store of value. " +
		"It is accepted in payment for goods and services and in the settlement of debts, " +
		"and its history runs from barter through coins to banknotes and ledgers."
	pages := [][]string{
		{"Money", long},
		{"History", "Coins were struck in Lydia around 600 BC."},
		{"Greek and accents: drachma δραχμή, café, Zürich, naïve — “quoted”."},
	}
	ctx := context.Background()
	for _, core := range []bool{false, true} {
		name := "truetype"
		if core {
			name = "core font"
			pages[2] = []string{"Accents in Latin-1: café, Zürich, naïve."}
		}
		t.Run(name, func(t *testing.T) {
			data := makePDF(t, "Über money", pages, core, nil)
			path := writeTemp(t, "money.pdf", data)
			doc, err := LoadDocument(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Source != path || doc.Format != Text || doc.Title != "Über money" || len(doc.Pages) != 3 {
				t.Fatalf("source %q format %v title %q pages %v", doc.Source, doc.Format, doc.Title, doc.Pages)
			}
			for i, paras := range pages {
				end := len(doc.Text)
				if i+1 < len(doc.Pages) {
					end = doc.Pages[i+1]
				}
				page := strings.Join(strings.Fields(doc.Text[doc.Pages[i]:end]), " ")
				for _, p := range paras {
					if !strings.Contains(page, p) {
						t.Errorf("page %d is %q; it lacks %q", i+1, page, p)
					}
				}
			}
			// Chunks name their pages, and so do their citations.
			chunks, err := Split(doc, SplitOptions{MaxTokens: 20})
			if err != nil {
				t.Fatal(err)
			}
			last := chunks[len(chunks)-1]
			if chunks[0].Page != 1 || last.Page != 3 || last.EndPage != 3 {
				t.Errorf("first chunk on page %d, last on pages %d-%d; want 1 and 3-3", chunks[0].Page, last.Page,
					last.EndPage)
			}
			if got := last.Cite(); got != path+" p. 3" {
				t.Errorf("citation %q", got)
			}
			for _, c := range chunks {
				if c.Page < 1 || c.EndPage < c.Page || c.EndPage > 3 {
					t.Errorf("chunk %s on pages %d-%d", c.ID, c.Page, c.EndPage)
				}
			}
			// NewDocument reads the same bytes the same way.
			doc2, err := NewDocument("money.pdf", string(data), PDF)
			if err != nil || doc2.Text != doc.Text {
				t.Errorf("NewDocument: %v, text differs: %v", err, doc2.Text != doc.Text)
			}
		})
	}
}

func TestChunkPagesSurviveStores(t *testing.T) {
	c := Chunk{ID: "a.pdf#2", Source: "a.pdf", Text: "x", Page: 2, EndPage: 3, Metadata: map[string]string{"k": "v"}}
	got := chunkOf(c.ID, chunkMeta(c))
	if got.Page != 2 || got.EndPage != 3 || got.Metadata["k"] != "v" || len(got.Metadata) != 1 {
		t.Errorf("got %+v", got)
	}
	if s := got.Cite(); s != "a.pdf pp. 2-3" {
		t.Errorf("citation %q", s)
	}
}

func TestLoadPDFErrors(t *testing.T) {
	ctx := context.Background()
	good := makePDF(t, "", [][]string{{"Some text."}, {"More text."}}, false, nil)
	// huge is a two-page PDF whose page tree says it has a million pages, its cross-reference table rewritten
	// for the longer number.
	huge := func() []byte {
		f := fpdf.New("P", "mm", "A4", "")
		f.SetCompression(false)
		f.AddPage()
		f.AddPage()
		var buf bytes.Buffer
		if err := f.Output(&buf); err != nil {
			t.Fatal(err)
		}
		data := bytes.Replace(buf.Bytes(), []byte("/Count 2\n"), []byte("/Count 1000000\n"), 1)
		xref := bytes.LastIndex(data, []byte("\nxref\n")) + 1
		var table bytes.Buffer
		n := 0
		for i := 1; ; i++ {
			off := bytes.Index(data, []byte(fmt.Sprintf("\n%d 0 obj\n", i)))
			if off < 0 || off > xref {
				break
			}
			fmt.Fprintf(&table, "%010d 00000 n \n", off+1)
			n = i
		}
		trailer := data[bytes.Index(data, []byte("trailer")):bytes.Index(data, []byte("startxref"))]
		return []byte(fmt.Sprintf("%sxref\n0 %d\n0000000000 65535 f \n%s%sstartxref\n%d\n%%%%EOF\n",
			data[:xref], n+1, table.String(), trailer, xref))
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"truncated", good[:len(good)*2/3], ErrDamaged},
		{"the end cut off", good[:len(good)-40], ErrDamaged},
		{"not a PDF", []byte("%PDF-1.4\nthis is not really a PDF\n"), ErrDamaged},
		{"a password to open", makePDF(t, "", [][]string{{"Secret."}}, false, func(f *fpdf.Fpdf) {
			f.SetProtection(fpdf.CnProtectPrint, "user-password", "owner-password")
		}), ErrEncrypted},
		{"no text layer", makePDF(t, "", [][]string{{}}, true, nil), ErrEmptyDocument},
		{"a million pages", huge(), ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeTemp(t, "bad.pdf", tc.data)
			doc, err := LoadDocument(ctx, path)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want one wrapping %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("the error does not name the file: %v", err)
			}
			if doc.Text != "" || doc.Pages != nil || doc.Source != "" {
				t.Errorf("a half-made document came back with the error: %+v", doc)
			}
		})
	}
}

func TestLoadPDFUndecryptable(t *testing.T) {
	// fpdf's RC4 encryption with an empty user password opens (the password checks out), but its streams do
	// not decrypt to anything the reader can use: an error wrapping ErrEncrypted, not garbled text.
	data := makePDF(t, "", [][]string{{"Readable by anyone?"}}, false, func(f *fpdf.Fpdf) {
		f.SetProtection(fpdf.CnProtectPrint, "", "owner-password")
	})
	doc, err := LoadDocument(context.Background(), writeTemp(t, "open.pdf", data))
	if !errors.Is(err, ErrEncrypted) || doc.Text != "" {
		t.Fatalf("got %q, %v; want an error wrapping ErrEncrypted", doc.Text, err)
	}
}

func TestLoadDirPDF(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.md"), []byte("# A\n\nText."), 0o644)
	os.WriteFile(filepath.Join(dir, "b.pdf"), makePDF(t, "", [][]string{{"From a PDF."}}, true, nil), 0o644)
	docs, err := LoadDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[1].Text != "From a PDF." || docs[1].Pages == nil {
		t.Errorf("got %+v", docs)
	}
}
