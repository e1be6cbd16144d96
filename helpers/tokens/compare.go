package tokens

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf8"
)

// Comparison holds the number of tokens a text takes in several encodings. In a notebook it renders as an
// HTML table; its String form is the same table in plain text. Get one with Compare.
type Comparison struct {
	Text string          // the text
	Rows []EncodingCount // one row for each encoding, in the order asked for
}

// EncodingCount is one row of a Comparison.
type EncodingCount struct {
	Encoding string // the encoding's name
	Models   string // some of the models that use it, for people
	Tokens   int    // the number of tokens of the text
}

// Compare counts the tokens of text in each of the named encodings, in that order; with no names (nil or an
// empty slice) in all of them, newest first (see Encodings). An unknown name is an error.
func Compare(text string, encodings []string) (Comparison, error) {
	if len(encodings) == 0 {
		encodings = encodingNames
	}
	c := Comparison{Text: text, Rows: make([]EncodingCount, 0, len(encodings))}
	for _, name := range encodings {
		e, err := Get(name)
		if err != nil {
			return Comparison{}, fmt.Errorf("tokens: comparing encodings: %w", err)
		}
		c.Rows = append(c.Rows, EncodingCount{Encoding: e.name, Models: usedBy[e.name], Tokens: e.Count(text)})
	}
	return c, nil
}

// charsPerToken returns the average number of characters per token, as text ("4.50"), or "-" for no tokens.
func (c Comparison) charsPerToken(r EncodingCount) string {
	if r.Tokens == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(utf8.RuneCountInString(c.Text))/float64(r.Tokens))
}

// String returns the comparison as a plain-text table.
//
//	encoding     tokens  chars/token  used by
//	o200k_base        4         4.50  gpt-4o, gpt-4.1, gpt-5, o1, o3, o4-mini
func (c Comparison) String() string {
	width := len("encoding")
	for _, r := range c.Rows {
		width = max(width, len(r.Encoding))
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-*s  %6s  %11s  %s", width, "encoding", "tokens", "chars/token", "used by")
	for _, r := range c.Rows {
		fmt.Fprintf(&sb, "\n%-*s  %6d  %11s  %s", width, r.Encoding, r.Tokens, c.charsPerToken(r), r.Models)
	}
	return sb.String()
}

// HTML returns the comparison as an HTML table.
func (c Comparison) HTML() string {
	var sb strings.Builder
	sb.WriteString(`<table class="golm-token-counts">`)
	sb.WriteString(`<thead><tr><th style="text-align: left">encoding</th><th style="text-align: right">tokens</th>` +
		`<th style="text-align: right">chars/token</th><th style="text-align: left">used by</th></tr></thead><tbody>`)
	for _, r := range c.Rows {
		fmt.Fprintf(&sb, `<tr><td style="text-align: left"><code>%s</code></td><td style="text-align: right">%d</td>`+
			`<td style="text-align: right">%s</td><td style="text-align: left">%s</td></tr>`,
			html.EscapeString(r.Encoding), r.Tokens, c.charsPerToken(r), html.EscapeString(r.Models))
	}
	sb.WriteString(`</tbody></table>`)
	return sb.String()
}
