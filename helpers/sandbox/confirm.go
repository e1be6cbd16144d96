package sandbox

import (
	"context"
	"fmt"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/golm-dev/golm/helpers/display"
)

// Limits of the code shown for confirmation.
const (
	confirmMaxBytes = 32 << 10
	confirmMaxLines = 400
)

// confirm asks as the options say whether to run code.
func confirm(ctx context.Context, opts Options, code string, layers Layers) (ok bool, err error) {
	if opts.ConfirmFunc != nil {
		defer func() {
			if r := recover(); r != nil {
				ok, err = false, fmt.Errorf("the confirmation function panicked: %v", r)
			}
		}()
		return opts.ConfirmFunc(ctx, code)
	}
	switch opts.Confirm {
	case Always:
		return true, nil
	case Never:
		return false, nil
	}
	if err := display.ShowBundle(confirmation(code, layers)); err != nil {
		return false, err
	}
	answer, err := display.Input(ctx, "Run it? [y/N] ")
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// hidden reports whether r would be invisible, or change how the text around it is shown: control
// characters (but tab and newline), bidirectional controls (Trojan Source), zero-width and other format
// characters (Unicode category Cf, tags included), private-use and unassigned code points, and the
// replacement character that stands for invalid UTF-8.
func hidden(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r == utf8.RuneError:
		return true
	case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r):
		return true
	case unicode.Is(unicode.Zl, r), unicode.Is(unicode.Zp, r):
		return true
	case unicode.Is(unicode.Zs, r) && r != ' ':
		return true // no-break and other spaces that look like one but are not
	case unicode.In(r, unicode.Variation_Selector):
		return true
	}
	return !unicode.Is(unicode.L, r) && !unicode.Is(unicode.M, r) && !unicode.Is(unicode.N, r) &&
		!unicode.Is(unicode.P, r) && !unicode.Is(unicode.S, r) && r != ' ' // unassigned
}

// escapeCode returns the code with every hidden character written as ⟦U+XXXX⟧ and what it found: the count
// and a description of the first few, by line.
func escapeCode(code string) (escaped string, found int, notes []string) {
	var b strings.Builder
	line := 1
	for i := 0; i < len(code); {
		r, size := utf8.DecodeRuneInString(code[i:])
		if r == utf8.RuneError && size <= 1 || r != utf8.RuneError && hidden(r) {
			found++
			label := fmt.Sprintf("U+%04X", r)
			if r == utf8.RuneError {
				label = fmt.Sprintf("byte 0x%02X (invalid UTF-8)", code[i])
			}
			if len(notes) < 5 {
				notes = append(notes, fmt.Sprintf("%s at line %d", label, line))
			}
			fmt.Fprintf(&b, "⟦%s⟧", strings.Fields(label)[0])
		} else {
			b.WriteString(code[i : i+size])
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return b.String(), found, notes
}

// cutForReview cuts code shown for review to the confirmation's limits and says how much was left out.
func cutForReview(code string) (shown string, omitted string) {
	lines := strings.SplitAfter(code, "\n")
	cut := code
	if len(lines) > confirmMaxLines {
		cut = strings.Join(lines[:confirmMaxLines], "")
	}
	if len(cut) > confirmMaxBytes {
		i := confirmMaxBytes
		for i > 0 && !utf8.RuneStart(cut[i]) {
			i--
		}
		cut = cut[:i]
	}
	if len(cut) == len(code) {
		return code, ""
	}
	return cut, fmt.Sprintf("%d more bytes (%d lines in all) are not shown: the code is too long to review here; "+
		"answer no unless you trust its source", len(code)-len(cut), len(lines))
}

// confirmation is what the user sees before code runs: the code with hidden characters escaped and marked,
// cut to a size one can review, and the confinement the program will run under.
func confirmation(code string, layers Layers) display.Bundle {
	shown, omitted := cutForReview(code)
	escaped, found, notes := escapeCode(shown)
	fence := "```"
	for strings.Contains(escaped, fence) {
		fence += "`"
	}
	var md, h strings.Builder
	md.WriteString("The model wants to run this Go code:\n\n")
	h.WriteString("<p>The model wants to run this Go code:</p>\n")
	if found > 0 {
		warn := fmt.Sprintf("Warning: the code holds %d invisible or direction-changing characters (%s), "+
			"shown as ⟦U+…⟧: the code may not do what it seems to.", found, strings.Join(notes, ", "))
		md.WriteString("**" + warn + "**\n\n")
		h.WriteString(`<p style="color:#b00020;font-weight:bold">` + html.EscapeString(warn) + "</p>\n")
	}
	md.WriteString(fence + "go\n" + escaped + "\n" + fence + "\n")
	h.WriteString(`<pre style="white-space:pre-wrap">` + markHidden(html.EscapeString(escaped)) + "</pre>\n")
	if omitted != "" {
		md.WriteString("\n*" + omitted + "*\n")
		h.WriteString("<p><em>" + html.EscapeString(omitted) + "</em></p>\n")
	}
	conf := "Confinement: " + layers.String()
	if len(layers.Missing) > 0 {
		conf += " (missing: " + strings.Join(layers.Missing, "; ") + ")"
	}
	md.WriteString("\n" + conf + "\n")
	h.WriteString("<p style=\"color:#555\">" + html.EscapeString(conf) + "</p>\n")
	return display.Bundle{Data: map[string]any{
		display.MIMEMarkdown: md.String(),
		display.MIMEHTML:     h.String(),
		display.MIMEText:     "The model wants to run this Go code:\n\n" + escaped + "\n\n" + conf + "\n",
	}}
}

// markHidden highlights the ⟦U+…⟧ escapes in HTML.
func markHidden(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "⟦")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.Index(s[i:], "⟧")
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		j += i + len("⟧")
		b.WriteString(s[:i] + `<mark style="background:#ffcdd2;color:#b00020">` + s[i:j] + "</mark>")
		s = s[j:]
	}
}
