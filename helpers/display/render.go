package display

import (
	"encoding/json"
	"fmt"
	"html"
	"image"
)

// Renderer interfaces. A type implements any of them to render richly as a cell's last expression or through
// Show, without importing this package (the kernel looks for the methods, not for these names).
type (
	// HTMLer renders as an HTML fragment.
	HTMLer interface{ HTML() string }
	// Markdowner renders as Markdown.
	Markdowner interface{ Markdown() string }
	// SVGer renders as an SVG image.
	SVGer interface{ SVG() string }
	// PNGer renders as a PNG image.
	PNGer interface{ PNG() []byte }
	// JPEGer renders as a JPEG image.
	JPEGer interface{ JPEG() []byte }
	// LaTeXer renders as LaTeX.
	LaTeXer interface{ LaTeX() string }
	// JSONer renders as a JSON tree.
	JSONer interface{ JSON() any }
	// MIMEBundler renders as any set of MIME types at once (keys are MIME types).
	MIMEBundler interface{ MIMEBundle() map[string]any }
)

// Render returns the MIME bundle of a value: its rich forms when its type has renderer methods (or is an
// image.Image or a Bundle), and always a text/plain form, in Go syntax (see Format), an error by its message,
// a fmt.Stringer by its String method.
func Render(v any) Bundle {
	switch x := v.(type) {
	case Bundle:
		return withText(x)
	case *Bundle:
		if x != nil {
			return withText(*x)
		}
	}
	b := Bundle{Data: map[string]any{}}
	addRich(b.Data, v)
	if img, ok := v.(image.Image); ok {
		if _, stringer := v.(fmt.Stringer); !stringer {
			r := img.Bounds()
			b.Data[MIMEText] = fmt.Sprintf("[%d×%d image]", r.Dx(), r.Dy())
		}
	}
	if _, ok := b.Data[MIMEText]; !ok {
		b.Data[MIMEText] = Format(v)
	}
	return b
}

// addRich adds the rich forms that v's methods provide. It stops at the first MIMEBundler, which is taken as
// the complete set of rich forms.
func addRich(data map[string]any, v any) {
	if m, ok := v.(MIMEBundler); ok {
		for k, val := range m.MIMEBundle() {
			data[k] = val
		}
		return
	}
	if h, ok := v.(HTMLer); ok {
		data[MIMEHTML] = h.HTML()
	}
	if m, ok := v.(Markdowner); ok {
		data[MIMEMarkdown] = m.Markdown()
	}
	if s, ok := v.(SVGer); ok {
		data[MIMESVG] = s.SVG()
	}
	if p, ok := v.(PNGer); ok {
		data[MIMEPNG] = p.PNG()
	}
	if j, ok := v.(JPEGer); ok {
		data[MIMEJPEG] = j.JPEG()
	}
	if l, ok := v.(LaTeXer); ok {
		data[MIMELaTeX] = l.LaTeX()
	}
	if j, ok := v.(JSONer); ok {
		data[MIMEJSON] = j.JSON()
	}
	if img, ok := v.(image.Image); ok && len(data) == 0 {
		if ib, err := ImageBundle(img); err == nil {
			for k, val := range ib.Data {
				if k != MIMEText {
					data[k] = val
				}
			}
		}
	}
}

func indentJSON(v any) string {
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(out)
}

func escapeHTML(s string) string { return html.EscapeString(s) }
