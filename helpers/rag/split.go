package rag

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/golm-dev/golm/helpers/internal/options"
	"github.com/golm-dev/golm/helpers/tokens"
)

// Chunk is a piece of a document, the unit that is embedded, indexed and cited.
type Chunk struct {
	// ID is the chunk's id: the document's source, "#" and the chunk's number from 1 ("notes.md#3").
	ID string
	// Source is the document's source.
	Source string
	// Headings is the heading path of the chunk's start, outermost first ("Money", "History").
	Headings []string
	// Text is the chunk's text: exactly Document.Text[Start:End].
	Text string
	// Start and End are the byte offsets of the chunk in Document.Text.
	Start, End int
	// Line and EndLine are the first and last lines of the chunk in Document.Text, counted from 1.
	Line, EndLine int
	// Page and EndPage are the first and last pages of the chunk, counted from 1, for a document made from
	// pages (a PDF); 0 otherwise.
	Page, EndPage int
	// Tokens is the number of tokens of Text in the encoding used to split.
	Tokens int
	// Metadata is the document's metadata.
	Metadata map[string]string
}

// Cite returns a short reference to the chunk: its source, line range and heading path, such as
// "notes.md:12-18 (Money › History)"; for a chunk of a PDF its pages instead of lines, such as
// "report.pdf p. 3" or "report.pdf pp. 3-4".
func (c Chunk) Cite() string {
	var s string
	switch {
	case c.Page > 0 && c.EndPage > c.Page:
		s = fmt.Sprintf("%s pp. %d-%d", c.Source, c.Page, c.EndPage)
	case c.Page > 0:
		s = fmt.Sprintf("%s p. %d", c.Source, c.Page)
	default:
		s = fmt.Sprintf("%s:%d", c.Source, c.Line)
		if c.EndLine > c.Line {
			s += fmt.Sprintf("-%d", c.EndLine)
		}
	}
	if len(c.Headings) > 0 {
		s += " (" + strings.Join(c.Headings, " › ") + ")"
	}
	return s
}

// SplitMode says how Split cuts a document.
type SplitMode int

const (
	// ByStructure cuts at headings, then packs whole paragraphs (and fenced code blocks) into chunks of at
	// most MaxTokens; a paragraph longer than that is cut into token windows with Overlap.
	ByStructure SplitMode = iota
	// ByTokens cuts the whole text into windows of MaxTokens tokens, each starting Overlap tokens before the
	// previous one ended, ignoring structure (headings are still recorded).
	ByTokens
)

// SplitOptions are the settings of Split. The zero value splits by structure into chunks of at most 256
// o200k_base tokens, without overlap.
type SplitOptions struct {
	// MaxTokens is the most tokens in a chunk; 0 means 256.
	MaxTokens int
	// Overlap is how many tokens a window repeats from the previous one when text is cut into token windows
	// (ByTokens, or a paragraph longer than MaxTokens); it must be less than MaxTokens.
	Overlap int
	// Encoding names the token encoding (see tokens.Get); empty means "o200k_base".
	Encoding string
	// Mode is ByStructure (the default) or ByTokens.
	Mode SplitMode
}

// Split cuts a document into chunks (see SplitOptions and SplitMode). No chunk has more than MaxTokens
// tokens; chunks with only white space are dropped, and so are headings with no text under them that fits in
// their chunk (the chunks that follow have them in their Headings).
func Split(doc Document, opts ...SplitOptions) ([]Chunk, error) {
	o, err := options.One("rag: Split", opts)
	if err != nil {
		return nil, err
	}
	if o.MaxTokens == 0 {
		o.MaxTokens = 256
	}
	if o.MaxTokens < 1 || o.Overlap < 0 || o.Overlap >= o.MaxTokens {
		return nil, fmt.Errorf("rag: Split needs MaxTokens ≥ 1 and 0 ≤ Overlap < MaxTokens, got MaxTokens %d, Overlap %d",
			o.MaxTokens, o.Overlap)
	}
	if o.Encoding == "" {
		o.Encoding = tokens.O200kBase
	}
	enc, err := tokens.Get(o.Encoding)
	if err != nil {
		return nil, fmt.Errorf("rag: %w", err)
	}
	if strings.TrimSpace(doc.Text) == "" {
		return nil, fmt.Errorf("rag: %s: %w", doc.Source, ErrEmptyDocument)
	}
	s := &splitter{doc: doc, o: o, enc: enc, lines: lineStarts(doc.Text)}
	blocks := blocksOf(doc.Text, doc.Format)
	if o.Mode == ByTokens {
		s.headingsAt = headingIndex(blocks)
		s.window(0, len(doc.Text))
	} else {
		s.structure(blocks)
	}
	return s.chunks, nil
}

// SplitAll splits several documents (see Split) and returns all their chunks in order.
func SplitAll(docs []Document, opts ...SplitOptions) ([]Chunk, error) {
	var all []Chunk
	for _, d := range docs {
		cs, err := Split(d, opts...)
		if err != nil {
			return nil, err
		}
		all = append(all, cs...)
	}
	return all, nil
}

// block is a heading, a paragraph or a fenced code block of a document.
type block struct {
	start, end int      // byte range, without the final newline
	level      int      // heading level 1–6, 0 for other blocks
	title      string   // the heading's text
	path       []string // the heading path in effect at the block (including the block when a heading)
}

// blocksOf cuts text into blocks: runs of non-blank lines, ATX headings (Markdown only) and fenced code blocks
// (kept whole, blank lines included).
func blocksOf(text string, format Format) []block {
	var blocks []block
	var path []string
	var levels []int
	cur := -1 // start of the open paragraph
	curEnd := 0
	fence := "" // the open fence's marker
	closePara := func() {
		if cur >= 0 {
			blocks = append(blocks, block{start: cur, end: curEnd, path: path})
			cur = -1
		}
	}
	heading := func(start, end, level int, title string) {
		for len(levels) > 0 && levels[len(levels)-1] >= level {
			levels, path = levels[:len(levels)-1], path[:len(path)-1]
		}
		levels = append(levels, level)
		path = append(path[:len(path):len(path)], title)
		blocks = append(blocks, block{start: start, end: end, level: level, title: title, path: path})
	}
	for pos := 0; pos < len(text); {
		end := strings.IndexByte(text[pos:], '\n')
		next := len(text)
		if end < 0 {
			end = len(text)
		} else {
			end += pos
			next = end + 1
		}
		line := strings.TrimRight(text[pos:end], "\r")
		trimmed := strings.TrimLeft(line, " ")
		switch {
		case fence != "":
			curEnd = pos + len(line)
			if strings.HasPrefix(trimmed, fence) && strings.TrimSpace(strings.TrimLeft(trimmed, fence[:1])) == "" {
				fence = ""
				closePara()
			}
		case format == Markdown && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")) && len(line)-len(trimmed) < 4:
			closePara()
			fence = trimmed[:3]
			cur, curEnd = pos, pos+len(line)
		case strings.TrimSpace(line) == "":
			closePara()
		case format == Markdown && headingLevel(trimmed) > 0 && len(line)-len(trimmed) < 4:
			closePara()
			level := headingLevel(trimmed)
			title := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(trimmed[level:]), "#"))
			heading(pos, pos+len(line), level, title)
		case format == Markdown && cur >= 0 && setextLevel(line) > 0 && !listItem(text[cur:curEnd]):
			// The open paragraph, underlined, is a heading: "===" level 1, "---" level 2.
			title := strings.Join(strings.Fields(text[cur:curEnd]), " ")
			start := cur
			cur = -1
			heading(start, pos+len(line), setextLevel(line), title)
		default:
			if cur < 0 {
				cur = pos
			}
			curEnd = pos + len(line)
		}
		pos = next
	}
	closePara()
	return blocks
}

// headingLevel returns the level of an ATX heading line ("## Title" is 2) or 0.
func headingLevel(line string) int {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(line) && line[n] != ' ' && line[n] != '\t') {
		return 0
	}
	return n
}

// setextLevel returns the level of a setext heading's underline ("===" is 1, "---" is 2) or 0: a line of
// only "=" or only "-" characters, indented less than four spaces, trailing spaces allowed.
func setextLevel(line string) int {
	trimmed := strings.TrimLeft(line, " ")
	if len(line)-len(trimmed) >= 4 {
		return 0
	}
	trimmed = strings.TrimRight(trimmed, " \t")
	if trimmed == "" {
		return 0
	}
	if strings.Trim(trimmed, "=") == "" {
		return 1
	}
	if strings.Trim(trimmed, "-") == "" {
		return 2
	}
	return 0
}

// listItem reports whether a paragraph starts with a list marker ("- ", "* ", "+ ", "1. "): a "---" under a
// list item is not a setext underline.
func listItem(para string) bool {
	p := strings.TrimLeft(para, " ")
	if len(p) >= 2 && strings.ContainsRune("-*+", rune(p[0])) && (p[1] == ' ' || p[1] == '\t') {
		return true
	}
	i := 0
	for i < len(p) && i < 9 && p[i] >= '0' && p[i] <= '9' {
		i++
	}
	return i > 0 && i+1 < len(p) && (p[i] == '.' || p[i] == ')') && (p[i+1] == ' ' || p[i+1] == '\t')
}

// headingIndex returns a function giving the heading path in effect at a byte offset.
func headingIndex(blocks []block) func(int) []string {
	var heads []block
	for _, b := range blocks {
		if b.level > 0 {
			heads = append(heads, b)
		}
	}
	return func(off int) []string {
		i := sort.Search(len(heads), func(i int) bool { return heads[i].start > off })
		if i == 0 {
			return nil
		}
		return heads[i-1].path
	}
}

func lineStarts(text string) []int {
	starts := []int{0}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

type splitter struct {
	doc        Document
	o          SplitOptions
	enc        *tokens.Encoding
	lines      []int
	chunks     []Chunk
	headingsAt func(int) []string
}

// line returns the 1-based line of byte offset off.
func (s *splitter) line(off int) int {
	return sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off })
}

// emit adds the chunk text[start:end] with the heading path and token count given.
func (s *splitter) emit(start, end int, path []string, n int) {
	text := s.doc.Text[start:end]
	if strings.TrimSpace(text) == "" {
		return
	}
	s.chunks = append(s.chunks, Chunk{
		ID: fmt.Sprintf("%s#%d", s.doc.Source, len(s.chunks)+1), Source: s.doc.Source, Headings: path,
		Text: text, Start: start, End: end, Line: s.line(start), EndLine: s.line(max(start, end-1)), Tokens: n,
		Page: pageAt(s.doc.Pages, start), EndPage: pageAt(s.doc.Pages, max(start, end-1)), Metadata: s.doc.Metadata,
	})
}

// structure packs blocks into chunks, starting a new chunk at every heading.
func (s *splitter) structure(blocks []block) {
	start, end, n := -1, 0, 0
	var path []string
	headingsOnly := false // the open chunk has nothing but headings so far
	flush := func() {
		// Headings alone are not a chunk: they are in the Headings of the chunks that follow them.
		if start >= 0 && !headingsOnly {
			s.emit(start, end, path, n)
		}
		start = -1
	}
	for _, b := range blocks {
		if b.level > 0 && !headingsOnly {
			flush()
		}
		if start >= 0 {
			if m := s.enc.Count(s.doc.Text[start:b.end]); m <= s.o.MaxTokens {
				// A heading right under another ("## Career", "### Early companies") joins it, and the
				// chunk takes the inner heading's path.
				if b.level > 0 {
					path = b.path
				}
				end, n = b.end, m
				headingsOnly = headingsOnly && b.level > 0
				continue
			}
			flush()
		}
		headingsOnly = b.level > 0
		m := s.enc.Count(s.doc.Text[b.start:b.end])
		if m > s.o.MaxTokens {
			s.headingsAt = func(int) []string { return b.path }
			s.window(b.start, b.end)
			continue
		}
		start, end, n, path = b.start, b.end, m, b.path
	}
	flush()
}

// window cuts text[from:to] into token windows of MaxTokens with Overlap.
func (s *splitter) window(from, to int) {
	text := s.doc.Text[from:to]
	ids := s.enc.Encode(text)
	// offs[i] is the byte offset of token i in text; a token may end inside a character.
	offs := make([]int, len(ids)+1)
	for i, id := range ids {
		piece, err := s.enc.Decode([]int{id})
		if err != nil { // cannot happen for ids Encode returned
			piece = ""
		}
		offs[i+1] = offs[i] + len(piece)
	}
	if offs[len(ids)] != len(text) { // invalid UTF-8 was read as U+FFFD: fall back to rune offsets
		offs = offs[:1]
		for i := range text {
			if i > 0 {
				offs = append(offs, i)
			}
		}
		offs = append(offs, len(text))
		ids = make([]int, len(offs)-1)
	}
	runeStart := func(b int) int {
		for b > 0 && b < len(text) && !utf8.RuneStart(text[b]) {
			b--
		}
		return b
	}
	// A window re-tokenized on its own, or cut back to a character boundary, can count more tokens than
	// it spans in the whole text: shrink it until it fits.
	for i := 0; i < len(ids); {
		a := runeStart(offs[i])
		j := min(i+s.o.MaxTokens, len(ids))
		b, n := 0, 0
		for ; ; j-- {
			b = runeStart(offs[j])
			if b <= a {
				b = offs[j]
			}
			if n = s.enc.Count(text[a:b]); n <= s.o.MaxTokens || j == i+1 {
				break
			}
		}
		s.emit(from+a, from+b, s.headingsAt(from+a), n)
		if j == len(ids) {
			break
		}
		i = max(i+1, j-s.o.Overlap)
	}
}
