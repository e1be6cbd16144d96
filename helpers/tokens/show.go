package tokens

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxShown is the number of tokens that the HTML and String forms of a Tokenized show; the rest of a longer
// text is summarised in one line, so that displaying a whole book does not freeze the notebook. The IDs and
// Pieces fields always hold every token.
const MaxShown = 5000

// Tokenized is a text split into tokens. In a notebook it renders as the text with each token on a coloured
// background, like the Tiktokenizer web page: the colours alternate between neighbours, whitespace is made
// visible (· for a space, → for a tab, ↵ for a line break), and hovering over a token shows its id. Its
// String form lists the pieces in Go syntax and the ids. Get one with Encoding.Show.
type Tokenized struct {
	Encoding string   // the encoding's name
	Text     string   // the text
	IDs      []int    // the token ids
	Pieces   []string // the text of each token, as Encoding.Pieces returns it
	raw      []string // the bytes of each token
}

// Tokenize splits text into tokens and returns them with their ids and pieces, as a value that a notebook
// displays as coloured pieces (see Tokenized): the last expression of a cell, or display.Show(t).
func (e *Encoding) Tokenize(text string) Tokenized {
	ids := e.Encode(text)
	raw := make([]string, len(ids))
	pieces := make([]string, len(ids))
	for i, id := range ids {
		raw[i] = e.vocab.token(id)
		pieces[i] = escapeInvalid(raw[i])
	}
	return Tokenized{Encoding: e.name, Text: text, IDs: ids, Pieces: pieces, raw: raw}
}

// Len returns the number of tokens.
func (t Tokenized) Len() int { return len(t.IDs) }

// bytesOf returns the bytes of token i: kept from encoding when t was made by Show, else taken from Pieces.
func (t Tokenized) bytesOf(i int) string {
	if i < len(t.raw) {
		return t.raw[i]
	}
	return t.Pieces[i]
}

// summary is the header line of both forms: "p50k_base: 4 tokens, 18 characters".
func (t Tokenized) summary() string {
	return fmt.Sprintf("%s: %s, %s", t.Encoding, plural(len(t.IDs), "token"),
		plural(utf8.RuneCountInString(t.Text), "character"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// String returns a plain-text form: a summary line, the pieces quoted in Go syntax (so whitespace and partial
// characters are visible), and the ids.
//
//	p50k_base: 4 tokens, 18 characters
//	"They" " are" " spl" "ashing"
//	[2990 389 4328 2140]
func (t Tokenized) String() string {
	n := min(len(t.IDs), len(t.Pieces), MaxShown)
	var sb strings.Builder
	sb.WriteString(t.summary())
	sb.WriteByte('\n')
	for i := range n {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strconv.Quote(t.bytesOf(i)))
	}
	if more := len(t.IDs) - n; more > 0 {
		fmt.Fprintf(&sb, " … (%d more)", more)
	}
	sb.WriteString("\n[")
	for i := range n {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strconv.Itoa(t.IDs[i]))
	}
	if len(t.IDs) > n {
		sb.WriteString(" …")
	}
	sb.WriteByte(']')
	return sb.String()
}

// palette holds the pastel background colours of the tokens, used in turn.
var palette = []string{
	"#c7d2fe", // indigo
	"#bbf7d0", // green
	"#fde68a", // amber
	"#fecaca", // red
	"#a5f3fc", // cyan
	"#f5d0fe", // fuchsia
	"#d9f99d", // lime
	"#fed7aa", // orange
}

const (
	styleBox    = `font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; line-height: 1.9`
	styleHeader = `font-family: system-ui, sans-serif; font-size: 12px; opacity: 0.75; margin-bottom: 2px`
	styleText   = `white-space: pre-wrap; overflow-wrap: anywhere`
	styleToken  = `color: #111; border-radius: 3px; background: `
	styleMark   = `color: #6b7280`                     // visible whitespace
	styleEscape = `color: #9f1239; font-style: italic` // byte escapes and invisible characters
	styleIDs    = `font-size: 12px; opacity: 0.75; margin-top: 4px; overflow-wrap: anywhere`
)

// HTML returns the tokens as coloured spans, the ids below. Each span's title (shown on hover) holds its
// token's id and its bytes in Go syntax.
func (t Tokenized) HTML() string {
	n := min(len(t.IDs), len(t.Pieces), MaxShown)
	var sb strings.Builder
	fmt.Fprintf(&sb, `<div class="golm-tokens" style="%s">`, styleBox)
	fmt.Fprintf(&sb, `<div style="%s">%s</div>`, styleHeader, html.EscapeString(t.summary()))
	fmt.Fprintf(&sb, `<div style="%s">`, styleText)
	for i := range n {
		b := t.bytesOf(i)
		fmt.Fprintf(&sb, `<span title="%s" style="%s%s">`,
			html.EscapeString(fmt.Sprintf("%d %s", t.IDs[i], strconv.Quote(b))),
			styleToken, palette[i%len(palette)])
		writeVisible(&sb, b)
		sb.WriteString(`</span>`)
	}
	if more := len(t.IDs) - n; more > 0 {
		fmt.Fprintf(&sb, `<span style="%s"> … and %d more tokens (the first %d are shown)</span>`,
			styleMark, more, n)
	}
	sb.WriteString(`</div>`)
	fmt.Fprintf(&sb, `<div style="%s">[`, styleIDs)
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.Itoa(t.IDs[i]))
	}
	if len(t.IDs) > n {
		sb.WriteString(", …")
	}
	sb.WriteString(`]</div></div>`)
	return sb.String()
}

// writeVisible writes the HTML of a token's bytes with whitespace made visible, invisible characters as
// escapes (\u200b) and bytes that are not valid UTF-8 as escapes (\xf0).
func writeVisible(sb *strings.Builder, s string) {
	mark := func(text string) {
		fmt.Fprintf(sb, `<span style="%s">%s</span>`, styleMark, text)
	}
	escape := func(text string) {
		fmt.Fprintf(sb, `<span style="%s">%s</span>`, styleEscape, text)
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			escape(fmt.Sprintf(`\x%02x`, s[i]))
		case r == ' ':
			mark("·")
		case r == '\t':
			mark("→")
		case r == '\n':
			mark("↵")
			sb.WriteByte('\n')
		case r == '\r':
			mark("␍")
		case unicode.IsSpace(r):
			mark("␣") // no-break, em, ideographic and other spaces
		case !unicode.IsPrint(r):
			escape(html.EscapeString(strings.Trim(strconv.QuoteRune(r), "'")))
		default:
			sb.WriteString(html.EscapeString(s[i : i+n]))
		}
		i += n
	}
}

// Show splits text into tokens, as Tokenize does.
//
// Deprecated: use Tokenize (Show is display.Show's name: render a value).
func (e *Encoding) Show(text string) Tokenized { return e.Tokenize(text) }
