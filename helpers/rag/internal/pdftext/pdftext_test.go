package pdftext

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// build writes a PDF whose objects are given in order (object n is objs[n-1]) with a correct cross-reference
// table; object 1 must be the catalog. A stream object is written as "<<dict>>" plus "stream" followed by
// its data: use stream() to make one.
func build(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1,
		len(objs), xref)
	return b.Bytes()
}

// stream returns a stream object of data, Flate-compressed when flate is set.
func stream(data string, flate bool) string {
	if !flate {
		return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(data), data)
	}
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write([]byte(data))
	w.Close()
	return fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.String())
}

// helvetica is a simple font with the widths of Helvetica's space (278) and a flat 500 for the rest.
var helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding " +
	"/FirstChar 32 /LastChar 126 /Widths [278 " + strings.Repeat("500 ", 94) + "] >>"

// onePage builds a one-page PDF with the content stream and fonts given (F1 is object 4, F2 object 5, ...),
// the info dictionary last.
func onePage(content string, flate bool, fonts ...string) []byte {
	var names []string
	for i := range fonts {
		names = append(names, fmt.Sprintf("/F%d %d 0 R", i+1, 4+i))
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << %s >> >> /Contents %d 0 R >>",
			strings.Join(names, " "), 4+len(fonts)),
	}
	objs = append(objs, fonts...)
	objs = append(objs, stream(content, flate), "<< /Title (Test document) >>")
	return build(objs...)
}

func TestExtractLayout(t *testing.T) {
	// toUnicode maps the codes 1-3 of a font to the ligatures ﬁ, ﬂ and the letter é.
	toUnicode := stream("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"+
		"1 begincodespacerange <00> <FF> endcodespacerange\n"+
		"3 beginbfchar <01> <FB01> <02> <FB02> <03> <00E9> endbfchar\n"+
		"2 beginbfrange <41> <5A> <0041> <61> <7A> <0061> endbfrange\n"+
		"endcmap CMapName currentdict /CMap defineresource pop end end", false)
	// A composite font (two-byte codes) whose ToUnicode maps CIDs 0x0101.. to Greek letters.
	greekMap := stream("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"+
		"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"+
		"1 beginbfrange <0101> <0119> <03B1> endbfrange\n1 beginbfchar <0003> <0020> endbfchar\n"+
		"endcmap CMapName currentdict /CMap defineresource pop end end", false)
	tests := []struct {
		name    string
		content string
		flate   bool
		fonts   []string
		want    string
	}{
		{"words with spaces", "BT /F1 12 Tf 72 700 Td (Hello world.) Tj ET", false, []string{helvetica},
			"Hello world."},
		{"TJ kerning as word gaps (TeX style)", "BT /F1 12 Tf 72 700 Td [(Hello)-333(world)-20(s)] TJ ET", false,
			[]string{helvetica}, "Hello worlds"},
		{"separately positioned words", "BT /F1 12 Tf 72 700 Td (One) Tj 30 0 Td (two) Tj ET", true,
			[]string{helvetica}, "One two"},
		{"lines and paragraphs", "BT /F1 10 Tf 14 TL 72 700 Td (First line) Tj T* (second line.) Tj " +
			"0 -40 Td (New paragraph.) Tj ET", true, []string{helvetica},
			"First line\nsecond line.\n\nNew paragraph."},
		{"two columns in stream order", "BT /F1 10 Tf 72 700 Td (Left one) Tj 0 -12 Td (left two) Tj ET " +
			"BT /F1 10 Tf 320 700 Td (Right one) Tj 0 -12 Td (right two) Tj ET", true, []string{helvetica},
			"Left one\nleft two\n\nRight one\nright two"},
		{"ligatures and a ToUnicode map", "BT /F1 12 Tf 72 700 Td (\\001nd \\002ow caf\\003) Tj ET", false,
			[]string{"<< /Type /Font /Subtype /Type1 /BaseFont /X /FirstChar 0 /LastChar 255 /ToUnicode 5 0 R >>",
				toUnicode}, "find flow café"},
		{"composite font, two-byte codes", "BT /F1 12 Tf 72 700 Td <010101020103000301040105> Tj ET", false,
			[]string{"<< /Type /Font /Subtype /Type0 /BaseFont /G /Encoding /Identity-H /ToUnicode 6 0 R " +
				"/DescendantFonts [5 0 R] >>",
				"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /G /DW 600 /W [3 [250]] >>", greekMap},
			"αβγ δε"},
		{"cm and Tm scale positions", "q 2 0 0 2 0 0 cm BT /F1 6 Tf 1 0 0 1 36 350 Tm (Scaled) Tj " +
			"1 0 0 1 36 340 Tm (next) Tj ET Q", false, []string{helvetica}, "Scaled\nnext"},
		{"no text", "0 0 m 100 100 l S", false, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Extract(context.Background(), onePage(tc.content, tc.flate, tc.fonts...), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Pages) != 1 || res.Pages[0] != tc.want {
				t.Errorf("pages %q, want [%q]", res.Pages, tc.want)
			}
			if res.Title != "Test document" {
				t.Errorf("title %q", res.Title)
			}
		})
	}
}

func TestExtractFormXObject(t *testing.T) {
	data := build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << /XObject << /X1 4 0 R >> >> /Contents 6 0 R >>",
		"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Length 40 >>\n"+
			"stream\nBT /F1 12 Tf 72 700 Td (In a form) Tj ET\nendstream",
		helvetica,
		stream("q /X1 Do Q", false),
		"<< >>",
	)
	res, err := Extract(context.Background(), data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 1 || res.Pages[0] != "In a form" {
		t.Errorf("pages %q", res.Pages)
	}
}

// pages builds a PDF with n pages in a flat page tree whose Count says count, each page "Page i".
func pages(n, count int) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", ""}
	var kids []string
	for i := range n {
		page, content := 3+3*i, 4+3*i
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>",
				content+1, content),
			stream(fmt.Sprintf("BT /F1 12 Tf 72 700 Td (Page %d) Tj ET", i+1), true),
			helvetica)
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), count)
	return build(append(objs, "<< >>")...)
}

func TestExtractPages(t *testing.T) {
	res, err := Extract(context.Background(), pages(3, 3), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res.Pages, "|") != "Page 1|Page 2|Page 3" {
		t.Errorf("pages %q", res.Pages)
	}
}

func TestExtractErrors(t *testing.T) {
	good := pages(3, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		data []byte
		opts Options
		want error
	}{
		{"not a PDF", context.Background(), []byte("hello, world"), Options{}, ErrDamaged},
		{"empty", context.Background(), nil, Options{}, ErrDamaged},
		{"cut short", context.Background(), good[:len(good)/2], Options{}, ErrDamaged},
		{"damaged cross-reference offset", context.Background(),
			bytes.Replace(good, []byte("startxref\n"), []byte("startxref\n9"), 1), Options{}, ErrDamaged},
		{"a page count over the bound", context.Background(), pages(2, 1_000_000), Options{}, ErrTooLarge},
		{"more pages than the bound", context.Background(), pages(5, 3), Options{MaxPages: 4}, ErrTooLarge},
		{"more text than the bound", context.Background(), good, Options{MaxBytes: 10}, ErrTooLarge},
		{"cancelled", ctx, good, Options{}, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Extract(tc.ctx, tc.data, tc.opts)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if res.Pages != nil || res.Title != "" {
				t.Errorf("a half-made result came back with the error: %+v", res)
			}
		})
	}
}

func TestExtractBrokenFlateStream(t *testing.T) {
	// A page whose compressed content stream is cut in the middle: an error, not a partial page.
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write([]byte(strings.Repeat("BT /F1 12 Tf 72 700 Td (Some words here) Tj ET\n", 50)))
	w.Close()
	data := build(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		"<< /Length 20 /Filter /FlateDecode >>\nstream\n"+z.String()[:20]+"\nendstream",
		helvetica, "<< >>")
	res, err := Extract(context.Background(), data, Options{})
	if !errors.Is(err, ErrDamaged) || res.Pages != nil {
		t.Fatalf("got %q, %v; want an error wrapping ErrDamaged", res.Pages, err)
	}
	if !strings.Contains(err.Error(), "page 1") {
		t.Errorf("the error does not name the page: %v", err)
	}
}

func TestCleanText(t *testing.T) {
	got := cleanText("a\ufb01b\u00ad c \x00\ufffd  \n\n\n\nnext\t \n")
	if want := "afib c\n\nnext"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
