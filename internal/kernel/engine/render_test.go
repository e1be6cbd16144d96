package engine

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/symbols"
	"github.com/traefik/yaegi/interp"
)

// Compiled types with each method of display.Methods, for TestRenderBothWays.
type (
	cHTML       struct{ N int }
	cMarkdown   struct{ N int }
	cSVG        struct{ N int }
	cPNG        struct{ N int }
	cJPEG       struct{ N int }
	cLaTeX      struct{ N int }
	cJSON       struct{ N int }
	cMIMEBundle struct{ N int }
	cHTMLString struct{ N int }
	cPointer    struct{ N int }
)

func (cHTML) HTML() string         { return "<b>1</b>" }
func (cMarkdown) Markdown() string { return "**1**" }
func (cSVG) SVG() string           { return "<svg/>" }
func (cPNG) PNG() []byte           { return []byte("\x89PNG") }
func (cJPEG) JPEG() []byte         { return []byte("\xff\xd8") }
func (cLaTeX) LaTeX() string       { return "$x$" }
func (cJSON) JSON() any            { return map[string]any{"a": 1} }
func (cMIMEBundle) MIMEBundle() map[string]any {
	return map[string]any{"text/html": "<i>b</i>", "text/plain": "b"}
}
func (cMIMEBundle) HTML() string   { return "ignored: MIMEBundle is the complete set" }
func (cHTMLString) HTML() string   { return "<b>1</b>" }
func (cHTMLString) String() string { return "one" }
func (*cPointer) Markdown() string { return "*p*" }
func (*cPointer) String() string   { return "p" }

// frontend records what display.Show sends.
type frontend struct {
	mu    sync.Mutex
	shown []display.Bundle
}

func (f *frontend) Display(b display.Bundle, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.shown = append(f.shown, b)
	return nil
}
func (f *frontend) Update(b display.Bundle, id string) error { return f.Display(b, id) }
func (f *frontend) Clear(bool) error                         { return nil }
func (f *frontend) Input(context.Context, string, bool) (string, error) {
	return "", fmt.Errorf("no input")
}

func (f *frontend) last() (display.Bundle, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.shown) == 0 {
		return display.Bundle{}, false
	}
	b := f.shown[len(f.shown)-1]
	f.shown = nil
	return b, true
}

// TestRenderBothWays checks that a value renders to the same bundle as a cell's last expression and through
// display.Show, for each method of display.Methods, on types declared in a cell and on compiled types.
func TestRenderBothWays(t *testing.T) {
	syms := interp.Exports{}
	for k, v := range symbols.Symbols {
		syms[k] = v
	}
	syms["golm.test/rich/rich"] = map[string]reflect.Value{
		"HTML": reflect.ValueOf(cHTML{}), "Markdown": reflect.ValueOf(cMarkdown{}), "SVG": reflect.ValueOf(cSVG{}),
		"PNG": reflect.ValueOf(cPNG{}), "JPEG": reflect.ValueOf(cJPEG{}), "LaTeX": reflect.ValueOf(cLaTeX{}),
		"JSON": reflect.ValueOf(cJSON{}), "MIMEBundle": reflect.ValueOf(cMIMEBundle{}),
		"HTMLString": reflect.ValueOf(cHTMLString{}), "Pointer": reflect.ValueOf(&cPointer{}),
	}
	var out syncBuffer
	s, err := New(Options{Stdout: &out, Stderr: &out, Symbols: syms})
	if err != nil {
		t.Fatal(err)
	}
	fe := &frontend{}
	old := display.SetFrontend(fe)
	defer display.SetFrontend(old)

	cases := []struct {
		name    string
		methods string // the methods of a type declared in a cell, on receiver t of type T
		value   string // a value of T (the cell's type is named in place of T)
		want    map[string]any
	}{
		{"HTML", `HTML() string { return "<b>1</b>" }`, "T{1}",
			map[string]any{display.MIMEHTML: "<b>1</b>", display.MIMEText: "[HTML]"}},
		{"Markdown", `Markdown() string { return "**1**" }`, "T{1}",
			map[string]any{display.MIMEMarkdown: "**1**", display.MIMEText: "**1**"}},
		{"SVG", `SVG() string { return "<svg/>" }`, "T{1}",
			map[string]any{display.MIMESVG: "<svg/>", display.MIMEText: "[SVG image]"}},
		{"PNG", `PNG() []byte { return []byte("\x89PNG") }`, "T{1}",
			map[string]any{display.MIMEPNG: []byte("\x89PNG"), display.MIMEText: "[PNG image, 4 bytes]"}},
		{"JPEG", `JPEG() []byte { return []byte("\xff\xd8") }`, "T{1}",
			map[string]any{display.MIMEJPEG: []byte("\xff\xd8"), display.MIMEText: "[JPEG image, 2 bytes]"}},
		{"LaTeX", `LaTeX() string { return "$x$" }`, "T{1}",
			map[string]any{display.MIMELaTeX: "$x$", display.MIMEText: "$x$"}},
		{"JSON", `JSON() any { return map[string]any{"a": 1} }`, "T{1}",
			map[string]any{display.MIMEJSON: map[string]any{"a": 1}, display.MIMEText: "{\n  \"a\": 1\n}"}},
		{"MIMEBundle", `MIMEBundle() map[string]any { return map[string]any{"text/html": "<i>b</i>", "text/plain": "b"} }
func (t T) HTML() string { return "ignored: MIMEBundle is the complete set" }`, "T{1}",
			map[string]any{display.MIMEHTML: "<i>b</i>", display.MIMEText: "b"}},
		{"HTMLString", `HTML() string { return "<b>1</b>" }
func (t T) String() string { return "one" }`, "T{1}",
			map[string]any{display.MIMEHTML: "<b>1</b>", display.MIMEText: "one"}},
		{"Pointer", `Markdown() string { return "*p*" }
func (t *T) String() string { return "p" }`, "&T{1}",
			map[string]any{display.MIMEMarkdown: "*p*", display.MIMEText: "p"}},
	}
	for _, c := range cases {
		typ := "i" + c.name
		recv := "t " + typ
		if strings.HasPrefix(c.value, "&") {
			recv = "t *" + typ
		}
		decl := fmt.Sprintf("type %s struct{ N int }\nfunc (%s) %s", typ, recv, strings.ReplaceAll(c.methods, " T)", " "+typ+")"))
		decl = strings.ReplaceAll(decl, "(t *T)", "(t *"+typ+")")
		if _, err := s.Execute(context.Background(), decl); err != nil {
			t.Fatalf("%s: %v", decl, err)
		}
		for _, v := range []struct{ kind, expr string }{
			{"declared in a cell", strings.Replace(c.value, "T", typ, 1)},
			{"compiled", "rich." + c.name},
		} {
			res, err := s.Execute(context.Background(), v.expr)
			if err != nil || res == nil || res.Value == nil {
				t.Errorf("%s, %s: last value %v, %v", c.name, v.kind, res, err)
				continue
			}
			if _, err := s.Execute(context.Background(), "display.Show("+v.expr+")"); err != nil {
				t.Errorf("%s, %s: Show: %v", c.name, v.kind, err)
				continue
			}
			shown, ok := fe.last()
			if !ok {
				t.Errorf("%s, %s: Show showed nothing", c.name, v.kind)
				continue
			}
			if !reflect.DeepEqual(res.Value.Data, c.want) {
				t.Errorf("%s, %s: last value %#v, want %#v", c.name, v.kind, res.Value.Data, c.want)
			}
			if !reflect.DeepEqual(shown.Data, c.want) {
				t.Errorf("%s, %s: display.Show %#v, want %#v", c.name, v.kind, shown.Data, c.want)
			}
		}
	}
}
