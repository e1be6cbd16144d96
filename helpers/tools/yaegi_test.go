package tools_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/golm-dev/golm/symbols"

	"github.com/traefik/yaegi/interp"
)

// The interpreter's symbol tables come from the kernel (package symbols, generated with
// go generate ./symbols), so these tests call the package exactly as notebook cells do.

// newInterp returns an interpreter with the standard library and the symbols above, writing to out.
func newInterp(t *testing.T, out *bytes.Buffer) *interp.Interpreter {
	t.Helper()
	i, err := symbols.NewInterpreter(interp.Options{Stdout: out, Stderr: out})
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// evalAll evaluates source pieces in order, as notebook cells.
func evalAll(t *testing.T, i *interp.Interpreter, cells ...string) {
	t.Helper()
	for _, c := range cells {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("interpreter panicked on\n%s\n: %v", c, r)
				}
			}()
			if _, err := i.Eval(c); err != nil {
				t.Fatalf("eval\n%s\n: %v", c, err)
			}
		}()
	}
}

// The talk's example written in notebook cells: the function and its struct are interpreted, the package is
// compiled.
func TestInterpretedTool(t *testing.T) {
	var out bytes.Buffer
	i := newInterp(t, &out)
	evalAll(t, i,
		`import (
			"context"
			"errors"
			"fmt"

			"github.com/golm-dev/golm/helpers/tools"
			openai "github.com/sashabaranov/go-openai"
		)`,
		"type SumArgs struct {\n\tA int `json:\"a\" description:\"the first number\"`\n\tB int `json:\"b\" description:\"the second number\" default:\"1\"`\n\tcalls int\n}",
		`func sums(args SumArgs) int { return args.A + args.B }`,
		`func sumsCtx(ctx context.Context, args SumArgs) (int, error) {
			if ctx == nil { return 0, errors.New("no context") }
			return args.A + args.B, nil
		}`,
		`func fails(args SumArgs) (int, error) { return 0, errors.New("not today") }`,
		`func panics(args *SumArgs) int { panic("boom") }`,
		"type Point struct {\n\tX int `json:\"x\"`\n\tY int `json:\"y\"`\n}",
		`func point(args SumArgs) Point { return Point{X: args.A, Y: args.B} }`,
		`box := tools.NewToolbox()`,
		`t, err := tools.New("sums", "Adds a + b", sums)
		if err != nil { panic(err) }
		err = box.Add(t)
		if err != nil { panic(err) }`,
		// Two yaegi v0.16.1 quirks shape these cells: a short variable declaration of two values inside a block
		// of a top-level statement fails ("undefined: err"), and a function literal called at top level runs
		// again on every later Eval. So loops live in named functions, as lessons should write them.
		`func register(box *tools.Toolbox) error {
			for _, x := range []struct{ name string; fn any }{{"sums_ctx", sumsCtx}, {"fails", fails}, {"panics", panics}, {"point", point}} {
				if _, err := box.Register(x.name, "test", x.fn); err != nil { return err }
			}
			return nil
		}`,
		`err = register(box)
		if err != nil { panic(err) }`,
		`fmt.Println(t.Parameters())`,
		`fmt.Println(t.GoSignature())`,
		`func showCalls() {
			for _, c := range []string{
				`+"`"+`{"a": 6, "b": 3}`+"`"+`, `+"`"+`{"a": 6}`+"`"+`, `+"`"+`{"a": "six"}`+"`"+`,
			} {
				r, err := t.Call(nil, c) // a nil context is forgiven
				fmt.Println("call:", r, err)
			}
		}`,
		`showCalls()`,
		`func showInvokes() {
			for _, name := range []string{"sums_ctx", "fails", "panics", "point", "nope"} {
				c := box.Invoke(context.Background(), openai.ToolCall{ID: "id", Type: openai.ToolTypeFunction,
					Function: openai.FunctionCall{Name: name, Arguments: `+"`"+`{"a": 2, "b": 5}`+"`"+`}})
				fmt.Println("invoke:", c)
			}
		}`,
		`showInvokes()`,
		// A fake model written in the cell, as a function and as a type with a method.
		`n := 0
		chat := tools.ChatFunc(func(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
			n++
			msg := openai.ChatCompletionMessage{Role: "assistant"}
			if n == 1 {
				msg.ToolCalls = []openai.ToolCall{
					{ID: "c1", Type: openai.ToolTypeFunction, Function: openai.FunctionCall{Name: "sums", Arguments: `+"`"+`{"a":6,"b":3}`+"`"+`}},
					{ID: "c2", Type: openai.ToolTypeFunction, Function: openai.FunctionCall{Name: "point", Arguments: `+"`"+`{"a":1}`+"`"+`}},
				}
			} else {
				last := req.Messages[len(req.Messages)-2]
				msg.Content = "6 + 3 = " + last.Content
			}
			return openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{Message: msg}}}, nil
		})`,
		`r := tools.NewRunner(chat, box)
		r.OnStep = func(s tools.Step) { fmt.Println("step", s.N, len(s.Calls)) }
		tr, err := r.Ask(context.Background(), "What is 6+3?", tools.AskOptions{Model: "m"})
		fmt.Println(tr)
		fmt.Println("error:", err)`,
		`type model struct{ answer string }`,
		`func (m *model) CreateChatCompletion(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
			return openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{Message: openai.ChatCompletionMessage{Role: "assistant", Content: m.answer}}}}, nil
		}`,
		`r2 := tools.NewRunner(&model{answer: "Paris"}, box).SetOnStep(func(s tools.Step) { fmt.Println("r2 step", s.Final()) })
		tr2, err := r2.Ask(context.Background(), "What is the capital of France?", tools.AskOptions{Model: "m"})
		fmt.Println(tr2, err)`,
		`r3 := &tools.Runner{Client: chat, Tools: box, MaxSteps: 1, OnStep: func(s tools.Step) { fmt.Println("r3 step", s.N) }}
		n = 0
		_, err = r3.Ask(context.Background(), "q", tools.AskOptions{Model: "m"})
		fmt.Println(err)`,
	)
	want := strings.Join([]string{
		`{`,
		`  "type": "object",`,
		`  "properties": {`,
		`    "a": {`,
		`      "type": "integer",`,
		`      "description": "the first number"`,
		`    },`,
		`    "b": {`,
		`      "type": "integer",`,
		`      "description": "the second number",`,
		`      "default": 1`,
		`    }`,
		`  },`,
		`  "required": [`,
		`    "a"`,
		`  ],`,
		`  "additionalProperties": false`,
		`}`,
		`// Adds a + b`,
		`func sums(args struct {`,
		"\tA int `json:\"a\" description:\"the first number\"`",
		"\tB int `json:\"b\" description:\"the second number\" default:\"1\"`",
		"\tXcalls int", // yaegi's name for the unexported field calls, left out of the schema
		`}) int`,
		`call: 9 <nil>`,
		`call: 7 <nil>`,
		`call: <nil> tools: sums: invalid arguments: argument "a" must be an integer, not a string`,
		`invoke: sums_ctx({"a":2,"b":5}) → 7`,
		`invoke: fails({"a":2,"b":5}) → error: tools: fails: not today`,
		`invoke: panics({"a":2,"b":5}) → error: tools: panics: panic: boom`,
		`invoke: point({"a":2,"b":5}) → {"x":2,"y":5}`,
		`invoke: nope({"a":2,"b":5}) → error: tools: unknown tool "nope"; the tools are "sums", "sums_ctx", "fails", "panics", "point"`,
		`step 1 2`,
		`step 2 0`,
		`model asked sums({"a":6,"b":3}) → 9`,
		`model asked point({"a":1}) → {"x":1,"y":1}`,
		`answer: 6 + 3 = 9`,
		`error: <nil>`,
		`r2 step true`,
		`answer: Paris <nil>`,
		`r3 step 1`,
		`tools: step limit reached: the model was still calling tools after 1 requests`,
		``,
	}, "\n")
	got := out.String()
	// The interpreter reports the recovered panic on its own output too; leave those lines out.
	var kept []string
	for _, line := range strings.Split(got, "\n") {
		if strings.Contains(line, "panic: main.panics") {
			continue
		}
		kept = append(kept, line)
	}
	if got = strings.Join(kept, "\n"); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
}
