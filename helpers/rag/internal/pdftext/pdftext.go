// Package pdftext extracts the text of a PDF file page by page, in reading order, with spaces between words
// and line and paragraph breaks recovered from the glyphs' positions.
//
// It parses PDF files with github.com/ledongthuc/pdf (a maintained fork of rsc.io/pdf: cross-reference tables
// and streams, Flate, LZW and ASCII85 streams, RC4 and AES-128 encryption with an empty user password, fonts'
// ToUnicode maps and simple encodings) and interprets each page's content stream itself, tracking the text and
// graphics state (Tm, Td, TJ offsets, character and word spacing, horizontal scaling, cm, q/Q, form
// XObjects) and the fonts' glyph widths (simple fonts' Widths, composite fonts' W arrays), so that words
// written as separately positioned pieces, as TeX and many other producers write them, are still separated
// by spaces. Text follows the content stream's order, which is the reading order of nearly every producer
// (one column after the other in multi-column layouts); a move up the page or a large gap between lines
// starts a new paragraph. Typographic ligatures (ﬁ, ﬂ, ﬀ, ﬃ, ﬄ, ﬅ, ﬆ) are written as their letters.
//
// The parser's panics on malformed input are recovered and returned as errors wrapping ErrDamaged.
package pdftext

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Errors returned (wrapped) by Extract.
var (
	// ErrDamaged is a file that is not a PDF or is damaged or cut short.
	ErrDamaged = errors.New("not a readable PDF (damaged, cut short, or another format)")
	// ErrEncrypted is an encrypted PDF that cannot be opened without a password, or whose encryption is not
	// supported (only RC4 and AES-128 with an empty user password are).
	ErrEncrypted = errors.New("the PDF is encrypted and cannot be read (it needs a password, or its encryption is not supported)")
	// ErrTooLarge is a PDF with more pages than Options.MaxPages, or more text than Options.MaxBytes.
	ErrTooLarge = errors.New("the PDF is too large")
)

// Options bound the work Extract does.
type Options struct {
	// MaxPages is the most pages read; a PDF with more is refused. 0 means 10,000.
	MaxPages int
	// MaxBytes is the most bytes of text extracted; 0 means 64 MiB.
	MaxBytes int
}

// Result is the text of a PDF.
type Result struct {
	// Title is the document information dictionary's Title, when there is one.
	Title string
	// Pages holds each page's text, in page order; a page without text is "".
	Pages []string
}

// Extract reads the text of the PDF in data. It checks ctx between pages.
func Extract(ctx context.Context, data []byte, opts Options) (res Result, err error) {
	if opts.MaxPages <= 0 {
		opts.MaxPages = 10_000
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 64 << 20
	}
	r, err := open(data)
	if err != nil {
		return Result{}, err
	}
	defer func() {
		if x := recover(); x != nil {
			res, err = Result{}, fmt.Errorf("%w: %v", ErrDamaged, x)
		}
	}()
	pages, err := pageList(r, opts.MaxPages)
	if err != nil {
		return Result{}, err
	}
	res.Title = cleanText(r.Trailer().Key("Info").Key("Title").Text())
	total := 0
	for i, p := range pages {
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
		t, err := pageText(p, opts.MaxBytes-total)
		if err != nil && errors.Is(err, ErrDamaged) && r.Trailer().Key("Encrypt").Kind() != pdf.Null {
			// The file opened with the empty password, but its streams do not decrypt to anything readable.
			return Result{}, fmt.Errorf("%w: page %d: %w", ErrEncrypted, i+1, err)
		}
		if err != nil {
			return Result{}, fmt.Errorf("page %d: %w", i+1, err)
		}
		total += len(t)
		res.Pages = append(res.Pages, t)
	}
	return res, nil
}

// open parses the file's structure. PDF 2.0 files are read as 1.7 (the parser refuses their header, and
// reads the rest the same way).
func open(data []byte) (r *pdf.Reader, err error) {
	defer func() {
		if x := recover(); x != nil {
			r, err = nil, fmt.Errorf("%w: %v", ErrDamaged, x)
		}
	}()
	if bytes.HasPrefix(data, []byte("%PDF-2.")) {
		data = append([]byte("%PDF-1.7"), data[8:]...)
	}
	r, err = pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if bytes.Contains(data, []byte("/Encrypt")) && (errors.Is(err, pdf.ErrInvalidPassword) ||
			strings.Contains(err.Error(), "encrypt")) {
			return nil, fmt.Errorf("%w (%v)", ErrEncrypted, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	return r, nil
}

// pageList walks the page tree in order, refusing more than max pages and loops in the tree.
func pageList(r *pdf.Reader, max int) ([]pdf.Page, error) {
	root := r.Trailer().Key("Root").Key("Pages")
	if root.Kind() != pdf.Dict {
		return nil, fmt.Errorf("%w: no page tree", ErrDamaged)
	}
	if n := root.Key("Count").Int64(); n > int64(max) {
		return nil, fmt.Errorf("%w: %d pages, more than the %d read", ErrTooLarge, n, max)
	}
	var pages []pdf.Page
	var walk func(node pdf.Value, depth int) error
	walk = func(node pdf.Value, depth int) error {
		if depth > 64 {
			return fmt.Errorf("%w: the page tree is deeper than 64 levels (a loop?)", ErrDamaged)
		}
		kids := node.Key("Kids")
		for i := 0; i < kids.Len(); i++ {
			kid := kids.Index(i)
			switch kid.Key("Type").Name() {
			case "Pages":
				if err := walk(kid, depth+1); err != nil {
					return err
				}
			case "Page":
				if len(pages) == max {
					return fmt.Errorf("%w: more than %d pages", ErrTooLarge, max)
				}
				pages = append(pages, pdf.Page{V: kid})
			default:
				if kid.Key("Kids").Kind() == pdf.Array { // a page tree node without its Type
					if err := walk(kid, depth+1); err != nil {
						return err
					}
				} else if kid.Key("Contents").Kind() != pdf.Null {
					pages = append(pages, pdf.Page{V: kid})
				}
			}
		}
		return nil
	}
	if err := walk(root, 0); err != nil {
		return nil, err
	}
	return pages, nil
}

// matrix is a PDF transformation [a b c d e f]: x' = a·x + c·y + e, y' = b·x + d·y + f.
type matrix [6]float64

var identity = matrix{1, 0, 0, 1, 0, 0}

// mul returns m × n (m applied first).
func (m matrix) mul(n matrix) matrix {
	return matrix{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(x, y float64) matrix { return matrix{1, 0, 0, 1, x, y} }

// font is what text extraction needs of a font: how to cut a string into codes, decode them, and their widths.
type font struct {
	pf      pdf.Font
	enc     pdf.TextEncoding // the parser's decoder, made when first needed
	uni     toUnicode        // the font's ToUnicode map, when it has one
	twoByte bool             // composite (Type0) font: two-byte codes
	first   int              // simple font: the code of widths[0]
	widths  []float64        // simple font: widths in thousandths of text space
	cid     map[int]float64  // composite font: widths by code
	dw      float64          // default width
}

func newFont(v pdf.Value) *font {
	f := &font{pf: pdf.Font{V: v}, dw: 500}
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		f.uni = readToUnicode(tu)
	}
	if v.Key("Subtype").Name() == "Type0" {
		f.twoByte = true
		d := v.Key("DescendantFonts").Index(0)
		f.dw = 1000
		if w := d.Key("DW"); w.Kind() == pdf.Integer || w.Kind() == pdf.Real {
			f.dw = w.Float64()
		}
		f.cid = map[int]float64{}
		w := d.Key("W")
		for i := 0; i < w.Len() && len(f.cid) < 1<<16; {
			c := int(w.Index(i).Int64())
			next := w.Index(i + 1)
			if next.Kind() == pdf.Array {
				for j := 0; j < next.Len(); j++ {
					f.cid[c+j] = next.Index(j).Float64()
				}
				i += 2
				continue
			}
			last, width := int(next.Int64()), w.Index(i+2).Float64()
			for c2 := c; c2 <= last && c2-c < 1<<16; c2++ {
				f.cid[c2] = width
			}
			i += 3
		}
		return f
	}
	f.first = int(v.Key("FirstChar").Int64())
	ws := v.Key("Widths")
	for i := 0; i < ws.Len() && i < 256; i++ {
		f.widths = append(f.widths, ws.Index(i).Float64())
	}
	return f
}

// decode returns the text of one character code (raw, its bytes; code, their value).
func (f *font) decode(raw string, code int) string {
	if s, ok := f.uni[code]; ok {
		return s
	}
	if f.enc == nil {
		f.enc = f.pf.Encoder()
		if f.enc == nil {
			f.enc = rawEncoding{}
		}
	}
	return f.enc.Decode(raw)
}

// rawEncoding reads codes as Latin-1, for fonts the parser has no decoder for.
type rawEncoding struct{}

func (rawEncoding) Decode(raw string) string {
	r := make([]rune, len(raw))
	for i := 0; i < len(raw); i++ {
		r[i] = rune(raw[i])
	}
	return string(r)
}

// width returns a code's width in thousandths of text space.
func (f *font) width(code int) float64 {
	if f.twoByte {
		if w, ok := f.cid[code]; ok {
			return w
		}
		return f.dw
	}
	if i := code - f.first; i >= 0 && i < len(f.widths) && f.widths[i] > 0 {
		return f.widths[i]
	}
	if code == ' ' {
		return 250
	}
	return f.dw
}

// state is the graphics and text state that positions glyphs.
type state struct {
	ctm                  matrix
	font                 *font
	size                 float64 // Tfs
	charSpace, wordSpace float64 // Tc, Tw
	scale                float64 // Th (Tz/100)
	leading              float64 // TL
	rise                 float64 // Ts
}

// page collects a page's glyphs into text.
type page struct {
	out      strings.Builder
	max      int
	started  bool
	lastY    float64
	lastEnd  float64 // x where the last glyph ended
	lastSize float64
	space    bool // the output ends with white space
}

// errTooMuch stops interpretation when the text passes the byte bound.
var errTooMuch = errors.New("too much text")

// glyph adds a decoded glyph drawn from x to xEnd on baseline y at font size size (device space).
func (p *page) glyph(s string, x, xEnd, y, size float64) {
	if s == "" {
		return
	}
	size = math.Max(size, 1)
	if p.started {
		ref := math.Max(size, p.lastSize)
		dy := y - p.lastY
		switch {
		case math.Abs(dy) > 0.5*ref:
			p.trimSpace()
			if dy > ref || -dy > 2*ref { // up the page (next column) or a gap between lines
				p.out.WriteString("\n\n")
			} else {
				p.out.WriteString("\n")
			}
			p.space = true
		case !p.space && !startsSpace(s) && (x-p.lastEnd > 0.15*ref || x < p.lastEnd-2*ref):
			p.out.WriteByte(' ')
			p.space = true
		}
	}
	if p.space {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		if s == "" {
			p.lastEnd = xEnd
			return
		}
	}
	p.out.WriteString(s)
	if p.out.Len() > p.max {
		panic(errTooMuch)
	}
	p.started = true
	p.lastY, p.lastEnd, p.lastSize = y, xEnd, size
	r, _ := utf8.DecodeLastRuneInString(s)
	p.space = unicode.IsSpace(r)
}

func startsSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func (p *page) trimSpace() {
	t := strings.TrimRightFunc(p.out.String(), unicode.IsSpace)
	if len(t) != p.out.Len() {
		p.out.Reset()
		p.out.WriteString(t)
	}
}

// pageText returns the text of one page, at most max bytes.
func pageText(pg pdf.Page, max int) (text string, err error) {
	p := &page{max: max}
	defer func() {
		if x := recover(); x != nil {
			if x == errTooMuch {
				err = fmt.Errorf("%w: more than %d bytes of text", ErrTooLarge, max)
			} else {
				err = fmt.Errorf("%w: %v", ErrDamaged, x)
			}
		}
	}()
	contents := pg.V.Key("Contents")
	if contents.Kind() == pdf.Null {
		return "", nil
	}
	run(p, contents, pg.Resources(), state{ctm: identity, scale: 1}, 0)
	return cleanText(p.out.String()), nil
}

// run interprets a content stream (or an array of them) with the resources given.
func run(p *page, strm, res pdf.Value, g state, depth int) {
	fonts := map[string]*font{}
	var stack []state
	var tm, tlm matrix
	show := func(s string) {
		f := g.font
		if f == nil {
			return
		}
		for len(s) > 0 {
			n := 1
			if f.twoByte && len(s) >= 2 {
				n = 2
			}
			raw := s[:n]
			s = s[n:]
			code := int(raw[0])
			if n == 2 {
				code = code<<8 | int(raw[1])
			}
			trm := matrix{g.size * g.scale, 0, 0, g.size, 0, g.rise}.mul(tm).mul(g.ctm)
			adv := f.width(code)/1000*g.size + g.charSpace
			if n == 1 && code == ' ' {
				adv += g.wordSpace
			}
			adv *= g.scale
			tm = translate(adv, 0).mul(tm)
			end := matrix{1, 0, 0, 1, 0, g.rise}.mul(tm).mul(g.ctm)
			size := math.Hypot(trm[2], trm[3])
			// A glyph without a Unicode mapping (U+FFFD) adds nothing; its width still separates what follows.
			p.glyph(strings.ReplaceAll(f.decode(raw, code), "\ufffd", ""), trm[4], end[4], trm[5], size)
		}
	}
	nextLine := func(tx, ty float64) {
		tlm = translate(tx, ty).mul(tlm)
		tm = tlm
	}
	num := func(args []pdf.Value, i int) float64 {
		if i < len(args) {
			return args[i].Float64()
		}
		return 0
	}
	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "q":
			if len(stack) < 1024 {
				stack = append(stack, g)
			}
		case "Q":
			if len(stack) > 0 {
				g = stack[len(stack)-1]
				stack = stack[:len(stack)-1]
			}
		case "cm":
			if len(args) == 6 {
				var m matrix
				for i := range m {
					m[i] = args[i].Float64()
				}
				g.ctm = m.mul(g.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tf":
			if len(args) == 2 {
				name := args[0].Name()
				f, ok := fonts[name]
				if !ok {
					f = newFont(res.Key("Font").Key(name))
					fonts[name] = f
				}
				g.font, g.size = f, args[1].Float64()
			}
		case "Tc":
			g.charSpace = num(args, 0)
		case "Tw":
			g.wordSpace = num(args, 0)
		case "Tz":
			g.scale = num(args, 0) / 100
		case "TL":
			g.leading = num(args, 0)
		case "Ts":
			g.rise = num(args, 0)
		case "Td":
			nextLine(num(args, 0), num(args, 1))
		case "TD":
			g.leading = -num(args, 1)
			nextLine(num(args, 0), num(args, 1))
		case "Tm":
			if len(args) == 6 {
				for i := range tm {
					tm[i] = args[i].Float64()
				}
				tlm = tm
			}
		case "T*":
			nextLine(0, -g.leading)
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "'":
			nextLine(0, -g.leading)
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "\"":
			if len(args) == 3 {
				g.wordSpace, g.charSpace = args[0].Float64(), args[1].Float64()
				nextLine(0, -g.leading)
				show(args[2].RawString())
			}
		case "TJ":
			if len(args) == 1 {
				a := args[0]
				for i := 0; i < a.Len(); i++ {
					x := a.Index(i)
					if x.Kind() == pdf.String {
						show(x.RawString())
					} else {
						tm = translate(-x.Float64()/1000*g.size*g.scale, 0).mul(tm)
					}
				}
			}
		case "Do":
			if len(args) == 1 && depth < 8 {
				x := res.Key("XObject").Key(args[0].Name())
				if x.Key("Subtype").Name() == "Form" {
					sub := g
					if m := x.Key("Matrix"); m.Len() == 6 {
						var fm matrix
						for i := range fm {
							fm[i] = m.Index(i).Float64()
						}
						sub.ctm = fm.mul(g.ctm)
					}
					xres := x.Key("Resources")
					if xres.Kind() != pdf.Dict {
						xres = res
					}
					saveTm, saveTlm := tm, tlm
					run(p, x, xres, sub, depth+1)
					tm, tlm = saveTm, saveTlm
				}
			}
		}
	})
}

// ligatures are the presentation forms written as their letters.
var ligatures = strings.NewReplacer("\ufb00", "ff", "\ufb01", "fi", "\ufb02", "fl", "\ufb03", "ffi",
	"\ufb04", "ffl", "\ufb05", "st", "\ufb06", "st", "\u00ad", "")

// cleanText expands ligatures, drops control characters and the replacement character of unmapped glyphs,
// trims trailing spaces of lines and collapses runs of blank lines.
func cleanText(s string) string {
	s = ligatures.Replace(strings.ToValidUTF8(s, ""))
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == utf8.RuneError, unicode.IsControl(r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	var out []string
	blank := 0
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			blank++
			continue
		}
		if len(out) > 0 && blank > 0 {
			out = append(out, "")
		}
		blank = 0
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
