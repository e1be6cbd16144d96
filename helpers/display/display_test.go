package display

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a Frontend that keeps what it is sent.
type recorder struct {
	mu      sync.Mutex
	shown   []Bundle
	ids     []string
	updates int
	answer  string
}

func (r *recorder) Display(b Bundle, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.shown = append(r.shown, b)
	r.ids = append(r.ids, id)
	return nil
}

func (r *recorder) Update(b Bundle, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.updates++
	r.shown = append(r.shown, b)
	r.ids = append(r.ids, id)
	return nil
}

func (r *recorder) Clear(bool) error { return nil }

func (r *recorder) Input(_ context.Context, prompt string, _ bool) (string, error) {
	return r.answer + "(" + prompt + ")", nil
}

func use(t *testing.T, f Frontend) {
	t.Helper()
	old := SetFrontend(f)
	t.Cleanup(func() { SetFrontend(old) })
}

type card struct{ Title string }

func (c card) HTML() string     { return "<h1>" + c.Title + "</h1>" }
func (c card) Markdown() string { return "# " + c.Title }
func (c card) String() string   { return "card " + c.Title }

type htmlOnly struct{}

func (htmlOnly) HTML() string { return "<p>" }

type jsonOnly struct{}

func (jsonOnly) JSON() any { return map[string]int{"a": 1} }

type bundler struct{}

func (bundler) MIMEBundle() map[string]any {
	return map[string]any{"text/html": "<i>x</i>", "application/vnd.custom+json": map[string]any{"a": 1}}
}

func TestRender(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 3, 2))
	img.Set(0, 0, color.White)
	cases := []struct {
		name  string
		v     any
		mimes []string
		text  string
	}{
		{"int", 42, nil, "42"},
		{"string", "abab", nil, `"abab"`},
		{"slice", []int{1, 2, 3}, nil, "[]int{1, 2, 3}"},
		{"error", errors.New("boom"), nil, "boom"},
		{"rich type", card{"Hi"}, []string{MIMEHTML, MIMEMarkdown}, "card Hi"},
		{"bundler", bundler{}, []string{MIMEHTML, "application/vnd.custom+json"}, "[HTML]"},
		{"html only", htmlOnly{}, []string{MIMEHTML}, "[HTML]"},
		{"json only", jsonOnly{}, []string{MIMEJSON}, "{\n  \"a\": 1\n}"},
		// A value of an interpreted type, wrapped by the interpreter with its methods as functions.
		{"interpreted", struct {
			IValue          any
			WHTML, WString  any
			WMarkdown, WPNG any
		}{IValue: 1, WHTML: func() string { return "<b>w</b>" }, WString: func() string { return "w" },
			WPNG: func() string { return "not a PNG method" }}, []string{MIMEHTML}, "w"},
		{"image", img, []string{MIMEPNG}, ""},
		{"bundle", MarkdownBundle("*x*"), []string{MIMEMarkdown}, "*x*"},
		{"nil", nil, nil, "nil"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := Render(c.v)
			for _, m := range c.mimes {
				if _, ok := b.Data[m]; !ok {
					t.Errorf("no %s in %v", m, b.Data)
				}
			}
			if _, ok := b.Data[MIMEText]; !ok {
				t.Fatal("no text/plain")
			}
			if _, ok := b.Data[MIMEPNG]; ok && c.name == "interpreted" {
				t.Errorf("a method of the wrong type was used: %v", b.Data)
			}
			if c.text != "" && b.Text() != c.text {
				t.Errorf("text %q, want %q", b.Text(), c.text)
			}
		})
	}
}

type point struct{ X, Y int }

type named int

func TestFormat(t *testing.T) {
	cyc := &struct{ Self any }{}
	cyc.Self = cyc
	long := make([]int, 150)
	cases := []struct {
		v    any
		want string
	}{
		{3.5, "3.5"},
		{true, "true"},
		{[]string{"a", "b"}, `[]string{"a", "b"}`},
		{map[string]int{"b": 2, "a": 1}, `map[string]int{"a": 1, "b": 2}`},
		{point{1, 2}, "display.point{X: 1, Y: 2}"},
		{&point{1, 2}, "&display.point{X: 1, Y: 2}"},
		{[]point{{1, 2}}, "[]display.point{{X: 1, Y: 2}}"},
		{[]any{1, "a"}, `[]interface {}{1, "a"}`},
		{named(3), "display.named(3)"},
		{[]byte("hi"), "[]uint8{0x68, 0x69}"},
		{[]int(nil), "[]int(nil)"},
		{(*point)(nil), "(*display.point)(nil)"},
		{time.Duration(1500) * time.Millisecond, "1.5s"},
		{[2]bool{true, false}, "[2]bool{true, false}"},
		// Values of interpreted types, wrapped by the interpreter: the value, or its String method.
		{struct{ IValue any }{IValue: point{1, 2}}, "display.point{X: 1, Y: 2}"},
		{struct{ IValue, WHTML, WString any }{IValue: 1, WString: func() string { return "str" }}, "str"},
	}
	for _, c := range cases {
		if got := Format(c.v); got != c.want {
			t.Errorf("Format(%#v) = %s, want %s", c.v, got, c.want)
		}
	}
	if got := Format(long); !strings.HasSuffix(got, "… (50 more)}") {
		t.Errorf("long slice: %s", got)
	}
	if got := Format(cyc); !strings.Contains(got, "&struct") || len(got) > 500 {
		t.Errorf("cycle: %s", got)
	}
	f := Formatter{TypeName: func(t reflect.Type) string {
		if t == reflect.TypeOf(point{}) {
			return "Point"
		}
		return ""
	}}
	if got := f.Format([]point{{1, 2}}); got != "[]Point{{X: 1, Y: 2}}" {
		t.Errorf("with type names: %s", got)
	}
}

func TestDisplayAndUpdate(t *testing.T) {
	r := &recorder{}
	use(t, r)
	d := New("first")
	if err := d.Markdown("**second**"); err != nil {
		t.Fatal(err)
	}
	if err := HTML("<b>x</b>"); err != nil {
		t.Fatal(err)
	}
	if len(r.shown) != 3 || r.ids[0] != d.ID() || r.ids[1] != d.ID() || r.ids[2] != "" || r.updates != 1 {
		t.Fatalf("shown %v ids %v updates %d", r.shown, r.ids, r.updates)
	}
	if r.shown[1].Data[MIMEMarkdown] != "**second**" {
		t.Fatalf("update %v", r.shown[1].Data)
	}
	if New(nil).ID() == d.ID() {
		t.Fatal("display ids repeat")
	}
	got, _ := Input(context.Background(), "name?")
	if got != "(name?)" {
		t.Fatalf("input %q", got)
	}
}

func TestEveryBundleHasText(t *testing.T) {
	r := &recorder{}
	use(t, r)
	_ = ShowBundle(Bundle{Data: map[string]any{MIMEHTML: "<p>"}})
	_ = SVG("<svg/>")
	_ = PNG([]byte{1})
	_ = JSON(map[string]int{"a": 1})
	for _, b := range r.shown {
		if _, ok := b.Data[MIMEText]; !ok {
			t.Errorf("bundle without text/plain: %v", b.Data)
		}
	}
}

func TestProgressThrottles(t *testing.T) {
	r := &recorder{}
	use(t, r)
	now := time.Unix(0, 0)
	p := &Progress{label: "work", total: 1000, every: 200 * time.Millisecond, nowFunc: func() time.Time { return now }}
	p.start = now
	p.d = New(p.bundle())
	p.last = now
	for i := 0; i < 999; i++ {
		now = now.Add(time.Millisecond) // 999 steps in about one second
		p.Add(1)
	}
	p.Add(1)
	p.Done()
	if r.updates > 8 {
		t.Fatalf("%d updates for 1000 steps in a second: not throttled", r.updates)
	}
	last := r.shown[len(r.shown)-1]
	if !strings.Contains(last.Text(), "100%") || !strings.Contains(last.Text(), "done") || !strings.Contains(last.Data[MIMEHTML].(string), "<progress") {
		t.Fatalf("final state %v", last.Data)
	}
}

func TestTerminalFallback(t *testing.T) {
	var out bytes.Buffer
	use(t, Terminal{Out: &out, In: strings.NewReader("Ada\n")})
	_ = Markdown("# Title")
	_ = HTML("<b>x</b>")
	name, err := Input(context.Background(), "Name? ")
	if err != nil || name != "Ada" {
		t.Fatalf("%q %v", name, err)
	}
	if got := out.String(); got != "# Title\n[HTML]\nName? " {
		t.Fatalf("terminal output %q", got)
	}
}

// TestFormatCompiledInternals shows a live HTTP server, whose standard-library internals once crashed the
// formatter, and keeps their unexported fields out.
func TestFormatCompiledInternals(t *testing.T) {
	srv := &http.Server{Addr: "127.0.0.1:0"}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	time.Sleep(20 * time.Millisecond)
	type running struct {
		BaseURL string
		srv     *http.Server
		ln      net.Listener
	}
	got := Format(&running{BaseURL: "http://x", srv: srv, ln: ln})
	if !strings.Contains(got, `BaseURL: "http://x"`) || strings.Contains(got, "listenerGroup") {
		t.Fatalf("%s", got)
	}
}
