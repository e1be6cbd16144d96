package tools

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

type sumArgs struct {
	A int `json:"a" description:"the first number"`
	B int `json:"b" description:"the second number" default:"1"`
}

func sums(args sumArgs) int { return args.A + args.B }

type Inner struct {
	X float64 `json:"x"`
	Y float64 `json:"y,omitempty"`
}

type Embedded struct {
	Tag string `json:"tag,omitempty"`
}

type everything struct {
	Embedded
	Name     string            `json:"name" description:"who"`
	Mode     string            `json:"mode" default:"fast" enum:"fast,slow"`
	Count    uint8             `json:"count,omitempty"`
	Ratio    float32           `json:"ratio,omitempty"`
	On       bool              `json:"on" default:"true"`
	Tags     []string          `json:"tags,omitempty" enum:"a,b"`
	Point    Inner             `json:"point"`
	Points   []Inner           `json:"points,omitempty"`
	Opt      *Inner            `json:"opt,omitempty"`
	Labels   map[string]int    `json:"labels,omitempty"`
	When     time.Time         `json:"when,omitempty"`
	Any      any               `json:"any,omitempty"`
	Raw      json.RawMessage   `json:"raw,omitempty"`
	Data     []byte            `json:"data,omitempty"`
	Skip     string            `json:"-"`
	Forced   int               `json:"forced,omitempty" required:"true"`
	NoTag    int               `required:"false"`
	Matrix   [2][2]int         `json:"matrix,omitempty"`
	Nested   map[string][]bool `json:"nested,omitempty"`
	internal int
}

func TestSchemaOf(t *testing.T) {
	s, err := SchemaOf(reflect.TypeOf(everything{}))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"object","properties":{` +
		`"tag":{"type":"string"},` +
		`"name":{"type":"string","description":"who"},` +
		`"mode":{"type":"string","enum":["fast","slow"],"default":"fast"},` +
		`"count":{"type":"integer","minimum":0},` +
		`"ratio":{"type":"number"},` +
		`"on":{"type":"boolean","default":true},` +
		`"tags":{"type":"array","items":{"type":"string","enum":["a","b"]}},` +
		`"point":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x"],"additionalProperties":false},` +
		`"points":{"type":"array","items":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x"],"additionalProperties":false}},` +
		`"opt":{"type":"object","properties":{"x":{"type":"number"},"y":{"type":"number"}},"required":["x"],"additionalProperties":false},` +
		`"labels":{"type":"object","properties":{},"additionalProperties":{"type":"integer"}},` +
		`"when":{"type":"string","format":"date-time"},` +
		`"any":{},` +
		`"raw":{},` +
		`"data":{"type":"string","description":"base64-encoded bytes"},` +
		`"forced":{"type":"integer"},` +
		`"NoTag":{"type":"integer"},` +
		`"matrix":{"type":"array","items":{"type":"array","items":{"type":"integer"}}},` +
		`"nested":{"type":"object","properties":{},"additionalProperties":{"type":"array","items":{"type":"boolean"}}}` +
		`},"required":["name","point","forced"],"additionalProperties":false}`
	got, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("schema:\n got %s\nwant %s", got, want)
	}
}

func TestSchemaOfErrors(t *testing.T) {
	type loop struct {
		Next *loop `json:"next"`
	}
	tests := []struct {
		name string
		typ  any
		want string
	}{
		{"chan", struct{ C chan int }{}, "field C: type chan int (chan) cannot be sent as JSON"},
		{"func", struct{ F func() }{}, "field F: type func() (func) cannot be sent as JSON"},
		{"complex", struct{ C complex128 }{}, "cannot be sent as JSON"},
		{"int map key", struct{ M map[int]string }{}, "map key type int is not a string"},
		{"recursive", loop{}, "refers to itself"},
		{"bad default", struct {
			N int `default:"x"`
		}{}, `default "x": not a valid int`},
		{"bad enum", struct {
			N int `enum:"1,x"`
		}{}, `enum value "x"`},
		{"bad required", struct {
			N int `required:"maybe"`
		}{}, `required "maybe"`},
		{"duplicate name", struct {
			A int
			B int `json:"A"`
		}{}, `two fields are named "A"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SchemaOf(reflect.TypeOf(tt.typ))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name   string
		tool   string
		fn     any
		errHas string
	}{
		{"bad name", "two words", sums, "must be 1 to 64 letters"},
		{"empty name", "", sums, "must be 1 to 64"},
		{"nil", "f", nil, "is not a function"},
		{"nil func", "f", (func(sumArgs) int)(nil), "is not a function"},
		{"not func", "f", 42, "int is not a function"},
		{"variadic", "f", func(...int) int { return 0 }, "variadic"},
		{"scalar argument", "f", func(int) int { return 0 }, "must be a struct"},
		{"two arguments", "f", func(sumArgs, sumArgs) int { return 0 }, "takes 2 arguments"},
		{"second result not error", "f", func(sumArgs) (int, int) { return 0, 0 }, "must be an error"},
		{"three results", "f", func(sumArgs) (int, int, error) { return 0, 0, nil }, "too many results"},
		{"bad schema", "f", func(struct{ C chan int }) int { return 0 }, "schema of the argument struct"},
		{"bad default", "f", func(struct {
			N []int `default:"[1,"`
		}) int {
			return 0
		}, "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.tool, "d", tt.fn)
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("error = %v, want it to contain %q", err, tt.errHas)
			}
		})
	}
}

func TestCall(t *testing.T) {
	boom := errors.New("boom")
	type ctxKey struct{}
	tests := []struct {
		name    string
		fn      any
		args    string
		want    any
		wantErr error
		errHas  string
	}{
		{"sums", sums, `{"a": 6, "b": 3}`, 9, nil, ""},
		{"default", sums, `{"a": 6}`, 7, nil, ""},
		{"spaces and newline", sums, " \n{\"a\":1,\"b\":2}\n", 3, nil, ""},
		{"explicit zero beats default", sums, `{"a": 6, "b": 0}`, 6, nil, ""},
		{"pointer argument", func(a *sumArgs) int { return a.A * a.B }, `{"a": 6, "b": 3}`, 18, nil, ""},
		{"context", func(ctx context.Context, a sumArgs) (string, error) {
			return ctx.Value(ctxKey{}).(string), nil
		}, `{"a": 1}`, "from ctx", nil, ""},
		{"no arguments", func() string { return "hi" }, ``, "hi", nil, ""},
		{"no arguments, empty object", func() string { return "hi" }, `{}`, "hi", nil, ""},
		{"no arguments given some", func() string { return "hi" }, `{"a":1}`, nil, ErrArguments, "takes no arguments"},
		{"error result", func(sumArgs) (int, error) { return 0, boom }, `{"a":1}`, 0, boom, "tools: f: boom"},
		{"only error", func(sumArgs) error { return boom }, `{"a":1}`, nil, boom, "boom"},
		{"no result", func(sumArgs) {}, `{"a":1}`, nil, nil, ""},
		{"panic", func(sumArgs) int { panic("oops") }, `{"a":1}`, nil, ErrPanic, "tools: f: panic: oops"},
		{"nil map panic", func(sumArgs) int {
			var m map[string]int
			m["x"] = 1
			return 0
		}, `{"a":1}`, nil, ErrPanic, "assignment to entry in nil map"},
		{"invalid JSON", sums, `{"a": 6,`, nil, ErrArguments, "arguments are not valid JSON"},
		{"not an object", sums, `[6, 3]`, nil, ErrArguments, "must be a JSON object, not an array"},
		{"null", sums, `null`, nil, ErrArguments, "not null"},
		{"missing required", sums, `{"b": 3}`, nil, ErrArguments, `missing required argument "a"`},
		{"unknown argument", sums, `{"a": 1, "c": 3}`, nil, ErrArguments, `unknown argument "c" (the arguments are "a", "b")`},
		{"wrong type", sums, `{"a": "six"}`, nil, ErrArguments, `argument "a" must be an integer, not a string`},
		{"float for int", sums, `{"a": 6.5}`, nil, ErrArguments, `argument "a" must be an integer, not a number 6.5`},
		{"trailing garbage", sums, `{"a": 6} x`, nil, ErrArguments, "not valid JSON"},
		{"nested missing", func(a struct {
			P Inner `json:"p"`
		}) float64 {
			return a.P.X
		}, `{"p": {"y": 1}}`, nil, ErrArguments, `missing required argument "p.x"`},
		{"nested wrong type", func(a struct {
			P []Inner `json:"p"`
		}) float64 {
			return 0
		}, `{"p": [{"x": true}]}`, nil, ErrArguments, `argument "p.x" must be a number, not a bool`},
		{"nested defaults", func(a struct {
			P struct {
				Q int `json:"q" default:"5"`
			} `json:"p"`
		}) int {
			return a.P.Q
		}, `{"p": {}}`, 5, nil, ""},
	}
	ctx := context.WithValue(context.Background(), ctxKey{}, "from ctx")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tool, err := New("f", "", tt.fn)
			if err != nil {
				t.Fatal(err)
			}
			got, err := tool.Call(ctx, tt.args)
			if tt.wantErr == nil && tt.errHas == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
			} else {
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("error %v is not %v", err, tt.wantErr)
				}
				if err == nil || !strings.Contains(err.Error(), tt.errHas) {
					t.Errorf("error = %v, want it to contain %q", err, tt.errHas)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("result = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestCallCancelled(t *testing.T) {
	tool, err := New("sums", "", sums)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tool.Call(ctx, `{"a":1}`); !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

func TestDecode(t *testing.T) {
	tool, err := New("sums", "", sums)
	if err != nil {
		t.Fatal(err)
	}
	v, err := tool.Decode(`{"a": 2}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := *v.(*sumArgs); got != (sumArgs{A: 2, B: 1}) {
		t.Errorf("decoded %+v", got)
	}
}

func TestGoSignature(t *testing.T) {
	tool, err := New("sums", "Adds a + b", sums)
	if err != nil {
		t.Fatal(err)
	}
	want := "// Adds a + b\nfunc sums(args tools.sumArgs) int\n\ntype sumArgs struct {\n" +
		"\tA int `json:\"a\" description:\"the first number\"`\n" +
		"\tB int `json:\"b\" description:\"the second number\" default:\"1\"`\n}"
	if got := tool.GoSignature(); got != want {
		t.Errorf("GoSignature:\n%s\nwant:\n%s", got, want)
	}
	anon, err := New("area", "", func(ctx context.Context, a *struct {
		P  Inner `json:"p"`
		In struct {
			Z []int `json:"z"`
		}
	}) (float64, error) {
		return 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want = "func area(ctx context.Context, args *struct {\n" +
		"\tP tools.Inner `json:\"p\"`\n" +
		"\tIn struct {\n\t\tZ []int `json:\"z\"`\n\t}\n}) (float64, error)"
	if got := anon.GoSignature(); got != want {
		t.Errorf("GoSignature:\n%s\nwant:\n%s", got, want)
	}
	html := tool.HTML()
	for _, s := range []string{"func sums", "&#34;required&#34;", "<table"} {
		if !strings.Contains(html, s) {
			t.Errorf("HTML lacks %q:\n%s", s, html)
		}
	}
}
