// Package display shows rich output in a notebook: HTML, Markdown, images, SVG, JSON, updatable displays and
// progress bars.
//
// In a golm kernel the functions send Jupyter display_data messages. In an ordinary program, where no
// notebook front end is attached, they fall back to writing the text/plain form to standard output, so code
// written in a notebook keeps working when pasted into a program.
//
// Types do not need to import this package to render richly: a value whose type has a method such as
// HTML() string, Markdown() string, SVG() string, PNG() []byte, JPEG() []byte, JSON() any or
// MIMEBundle() map[string]any is rendered with it (see Render).
package display

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"sync/atomic"
	"time"
)

// Common MIME types.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMELaTeX    = "text/latex"
	MIMESVG      = "image/svg+xml"
	MIMEPNG      = "image/png"
	MIMEJPEG     = "image/jpeg"
	MIMEJSON     = "application/json"
)

// Bundle is a MIME bundle: the same content in several representations, keyed by MIME type, as Jupyter's
// display_data message carries it. Text formats hold a string, image/png and image/jpeg hold []byte (encoded in
// base64 on the wire), application/json holds any JSON-encodable value.
type Bundle struct {
	Data     map[string]any
	Metadata map[string]any
}

// Text returns the text/plain form of the bundle, or "" when it has none.
func (b Bundle) Text() string {
	s, _ := b.Data[MIMEText].(string)
	return s
}

// Frontend receives what this package shows. The golm kernel installs one that speaks the Jupyter protocol;
// the default one writes text to standard output and reads answers from standard input.
type Frontend interface {
	// Display shows a bundle. A non-empty id makes the output updatable through Update.
	Display(b Bundle, id string) error
	// Update replaces every output shown with the display id.
	Update(b Bundle, id string) error
	// Clear clears the output of the running cell; with wait, only when new output arrives.
	Clear(wait bool) error
	// Input asks the user for a line of text (a Jupyter input_request); password hides what is typed.
	Input(ctx context.Context, prompt string, password bool) (string, error)
}

var current atomic.Pointer[frontendBox]

type frontendBox struct{ f Frontend }

// SetFrontend installs the front end that receives displays and returns the previous one. The golm kernel
// calls it once when a session starts; programs and tests may install their own.
func SetFrontend(f Frontend) Frontend {
	if f == nil {
		f = Terminal{}
	}
	old := current.Swap(&frontendBox{f})
	if old == nil {
		return Terminal{}
	}
	return old.f
}

// Current returns the installed front end (Terminal when none was set).
func Current() Frontend {
	if b := current.Load(); b != nil {
		return b.f
	}
	return Terminal{}
}

// Show displays any value: a string as plain text, anything else rendered with Render.
func Show(v any) error { return Current().Display(bundleOf(v), "") }

// bundleOf is the bundle Show, New and Update display: text for a string, Render for the rest.
func bundleOf(v any) Bundle {
	if s, ok := v.(string); ok {
		return Bundle{Data: map[string]any{MIMEText: s}}
	}
	return Render(v)
}

// ShowBundle displays a bundle as it is.
func ShowBundle(b Bundle) error { return Current().Display(withText(b), "") }

// HTML displays an HTML fragment.
func HTML(html string) error { return ShowBundle(HTMLBundle(html)) }

// Markdown displays Markdown text.
func Markdown(md string) error { return ShowBundle(MarkdownBundle(md)) }

// SVG displays an SVG image given as XML text.
func SVG(svg string) error { return ShowBundle(SVGBundle(svg)) }

// PNG displays a PNG image given as encoded bytes.
func PNG(data []byte) error { return ShowBundle(PNGBundle(data)) }

// JPEG displays a JPEG image given as encoded bytes.
func JPEG(data []byte) error { return ShowBundle(JPEGBundle(data)) }

// JSON displays a value as an interactive JSON tree (application/json).
func JSON(v any) error { return ShowBundle(JSONBundle(v)) }

// Image encodes an image as PNG and displays it.
func Image(img image.Image) error {
	b, err := ImageBundle(img)
	if err != nil {
		return err
	}
	return ShowBundle(b)
}

// Text displays plain text as a display_data output (unlike fmt.Print, which writes to the stdout stream).
func Text(s string) error { return ShowBundle(Bundle{Data: map[string]any{MIMEText: s}}) }

// Clear clears the output of the running cell at once.
func Clear() error { return Current().Clear(false) }

// ClearWait clears the output of the running cell when the next output arrives, which avoids flicker in
// animations.
func ClearWait() error { return Current().Clear(true) }

// Input asks the user for a line of text. In a notebook it shows an input box; in a program it reads standard
// input.
func Input(ctx context.Context, prompt string) (string, error) {
	return Current().Input(ctx, prompt, false)
}

// Password asks the user for a secret, hiding what is typed in a notebook.
func Password(ctx context.Context, prompt string) (string, error) {
	return Current().Input(ctx, prompt, true)
}

// HTMLBundle returns a bundle with an HTML fragment and a text fallback.
func HTMLBundle(html string) Bundle {
	return Bundle{Data: map[string]any{MIMEHTML: html, MIMEText: "[HTML]"}}
}

// MarkdownBundle returns a bundle with Markdown text, which is also its text form.
func MarkdownBundle(md string) Bundle {
	return Bundle{Data: map[string]any{MIMEMarkdown: md, MIMEText: md}}
}

// SVGBundle returns a bundle with an SVG image.
func SVGBundle(svg string) Bundle {
	return Bundle{Data: map[string]any{MIMESVG: svg, MIMEText: "[SVG image]"}}
}

// PNGBundle returns a bundle with a PNG image.
func PNGBundle(data []byte) Bundle {
	return Bundle{Data: map[string]any{MIMEPNG: data, MIMEText: imageText("PNG", data)}}
}

// JPEGBundle returns a bundle with a JPEG image.
func JPEGBundle(data []byte) Bundle {
	return Bundle{Data: map[string]any{MIMEJPEG: data, MIMEText: imageText("JPEG", data)}}
}

// JSONBundle returns a bundle with a JSON value and its indented text.
func JSONBundle(v any) Bundle {
	return Bundle{Data: map[string]any{MIMEJSON: v, MIMEText: indentJSON(v)}}
}

// ImageBundle encodes an image as PNG and returns its bundle.
func ImageBundle(img image.Image) (Bundle, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Bundle{}, fmt.Errorf("display: encoding image as PNG: %w", err)
	}
	b := PNGBundle(buf.Bytes())
	r := img.Bounds()
	b.Data[MIMEText] = fmt.Sprintf("[%d×%d image]", r.Dx(), r.Dy())
	return b, nil
}

func imageText(kind string, data []byte) string {
	return fmt.Sprintf("[%s image, %d bytes]", kind, len(data))
}

// withText makes sure a bundle carries text/plain, as Jupyter requires.
func withText(b Bundle) Bundle {
	if b.Data == nil {
		b.Data = map[string]any{}
	}
	if _, ok := b.Data[MIMEText]; !ok {
		b.Data[MIMEText] = ""
		for _, m := range []string{MIMEMarkdown, MIMELaTeX} {
			if s, ok := b.Data[m].(string); ok {
				b.Data[MIMEText] = s
				break
			}
		}
	}
	return b
}

// idCounter numbers display ids; together with the process id and start time it makes them unique.
var idCounter atomic.Uint64

var idPrefix = fmt.Sprintf("golm-%d-%d", os.Getpid(), time.Now().UnixNano())

func newID() string {
	return fmt.Sprintf("%s-%d", idPrefix, idCounter.Add(1))
}
