package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/helpers/display/displaytest"
	"github.com/golm-dev/golm/helpers/sandbox"
	"github.com/golm-dev/golm/helpers/tools"
)

// markdown returns the Markdown of everything shown.
func markdown(r *displaytest.Recorder) []string {
	var out []string
	for _, sh := range r.Shown() {
		md, _ := sh.Bundle.Data[display.MIMEMarkdown].(string)
		out = append(out, md)
	}
	return out
}

func TestConfirmAsk(t *testing.T) {
	tests := []struct {
		answer  string
		inErr   error
		ran     bool
		errIs   error
		errText string
	}{
		{answer: "y", ran: true},
		{answer: " YES ", ran: true},
		{answer: "n", errIs: sandbox.ErrDeclined},
		{answer: "", errIs: sandbox.ErrDeclined},
		{answer: "sure", errIs: sandbox.ErrDeclined},
		{inErr: context.Canceled, errIs: context.Canceled, errText: "asking to run the code"},
	}
	for _, tt := range tests {
		t.Run(tt.answer, func(t *testing.T) {
			f := displaytest.Install(t)
			f.Answer([]string{tt.answer})
			f.FailInput(tt.inErr)
			opts := testOptions
			opts.Confirm = sandbox.Ask
			code := "x := \"```\"\n6 * 7"
			res, err := sandbox.New(opts).Run(context.Background(), code)
			if tt.ran {
				if err != nil || res.Value != "42" {
					t.Fatalf("run: %v, %q", err, res.Value)
				}
			} else if !errors.Is(err, tt.errIs) || !strings.Contains(err.Error(), tt.errText) {
				t.Fatalf("error = %v, want %v", err, tt.errIs)
			}
			if shown := markdown(f); len(shown) != 1 || !strings.Contains(shown[0], "````go\n"+code+"\n````") {
				t.Errorf("code shown as %q", shown)
			}
			if p := f.Prompts(); len(p) != 1 || p[0] != "Run it? [y/N] " {
				t.Errorf("prompts %q", p)
			}
		})
	}
}

func TestConfirmPolicies(t *testing.T) {
	f := displaytest.Install(t)
	opts := testOptions
	opts.Confirm = sandbox.Never
	if _, err := sandbox.New(opts).Run(context.Background(), "1"); !errors.Is(err, sandbox.ErrDeclined) {
		t.Errorf("Never: %v", err)
	}
	var seen string
	sb := sandbox.New(opts).SetConfirmFunc(func(ctx context.Context, code string) (bool, error) {
		seen = code
		return true, nil
	})
	if res, err := sb.Run(context.Background(), "2 + 2"); err != nil || res.Value != "4" || seen != "2 + 2" {
		t.Errorf("ConfirmFunc: %v %q %q", err, res.Value, seen)
	}
	sb.SetConfirmFunc(func(ctx context.Context, code string) (bool, error) { return false, errors.New("no user") })
	if _, err := sb.Run(context.Background(), "1"); err == nil || !strings.Contains(err.Error(), "no user") {
		t.Errorf("ConfirmFunc error: %v", err)
	}
	sb.SetConfirmFunc(func(ctx context.Context, code string) (bool, error) { panic("confirm bug") })
	if _, err := sb.Run(context.Background(), "1"); err == nil || !strings.Contains(err.Error(), "panicked: confirm bug") {
		t.Errorf("ConfirmFunc panic: %v", err)
	}
	asked := false
	sb.SetConfirmFunc(func(ctx context.Context, code string) (bool, error) { asked = true; return true, nil })
	if _, err := sb.Run(context.Background(), "import \"net\"\nnet.Dial(\"tcp\", \"x:1\")"); !errors.Is(err, sandbox.ErrNotAllowed) || asked {
		t.Errorf("refused code: %v, asked %v", err, asked)
	}
	if p := f.Prompts(); len(p) != 0 {
		t.Errorf("asked although the policy decides: %q", p)
	}
}

// The talk's code interpreter: the model writes Go to answer "What is 12 factorial?", the sandbox runs it, and
// the model answers; a question that needs no tool is answered directly.
func TestToolWithModel(t *testing.T) {
	code := "func fact(n int) int {\n\tif n <= 1 {\n\t\treturn 1\n\t}\n\treturn n * fact(n-1)\n}\nfact(12)"
	var toolResult string
	chat := tools.ChatFunc(func(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
		last := req.Messages[len(req.Messages)-1]
		msg := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant}
		switch {
		case last.Role == openai.ChatMessageRoleTool:
			toolResult = last.Content
			msg.Content = "12 factorial is 479,001,600."
		case strings.Contains(last.Content, "factorial"):
			args, _ := jsonString(map[string]string{"code": code})
			msg.ToolCalls = []openai.ToolCall{{ID: "call_1", Type: openai.ToolTypeFunction,
				Function: openai.FunctionCall{Name: sandbox.ToolName, Arguments: args}}}
		default:
			msg.Content = "Paris."
		}
		return openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{Message: msg}}}, nil
	})
	f := displaytest.Install(t)
	f.Answer([]string{"y"})
	opts := testOptions
	opts.Confirm = sandbox.Ask
	tool, err := sandbox.New(opts).Tool()
	if err != nil {
		t.Fatal(err)
	}
	box := tools.NewToolbox()
	if err := box.Add(tool); err != nil {
		t.Fatal(err)
	}
	r := tools.NewRunner(chat, box)
	tr, err := r.Ask(context.Background(), "What is 12 factorial?", tools.AskOptions{Model: "gpt-4o", System: "Use run_go for calculations."})
	if err != nil {
		t.Fatal(err)
	}
	if toolResult != "479001600" || tr.Answer != "12 factorial is 479,001,600." {
		t.Errorf("tool result %q, answer %q", toolResult, tr.Answer)
	}
	if len(f.Prompts()) != 1 {
		t.Errorf("the user was asked %d times", len(f.Prompts()))
	}
	if !strings.Contains(tr.String(), "model asked run_go(") || !strings.Contains(tr.String(), "→ 479001600") {
		t.Errorf("transcript:\n%s", tr)
	}

	tr, err = r.Ask(context.Background(), "What is the capital of France?", tools.AskOptions{Model: "gpt-4o"})
	if err != nil || tr.Answer != "Paris." || len(tr.Calls()) != 0 || len(f.Prompts()) != 1 {
		t.Errorf("direct answer: %v %q %d calls", err, tr.Answer, len(tr.Calls()))
	}

	// Declined, and failing code: the model is told.
	f.Answer([]string{"n"})
	tr, err = r.Ask(context.Background(), "What is 12 factorial?", tools.AskOptions{Model: "gpt-4o"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(toolResult, "error: tools: run_go: sandbox: the user declined to run the code") {
		t.Errorf("declined: model got %q", toolResult)
	}
	c := tr.Calls()[0]
	if !errors.Is(c.Err, sandbox.ErrDeclined) {
		t.Errorf("call error %v", c.Err)
	}
}

func TestToolErrorsKeepOutput(t *testing.T) {
	tool, err := sandbox.New(testOptions).Tool()
	if err != nil {
		t.Fatal(err)
	}
	if tool.Name() != "run_go" || tool.Parameters().Required[0] != "code" {
		t.Errorf("tool %s %v", tool.Name(), tool.Parameters())
	}
	out, err := tool.Call(context.Background(), `{"code": "import \"fmt\"\nfmt.Println(\"half way\")\npanic(\"oops\")"}`)
	if !errors.Is(err, sandbox.ErrPanic) || !strings.Contains(err.Error(), "output before the error:\nhalf way") {
		t.Errorf("error = %v (result %v)", err, out)
	}
	out, err = tool.Call(context.Background(), `{"code": "x := 1\nx++"}`)
	if err != nil || out != "(the code ran without printing anything)" {
		t.Errorf("silent code: %v %q", err, out)
	}
	out, err = tool.Call(context.Background(), `{"code": "import \"fmt\"\nfmt.Println(1)\n2"}`)
	if err != nil || out != "1\n2" {
		t.Errorf("output and value: %v %q", err, out)
	}
	if _, err := tool.Call(context.Background(), `{"program": "1"}`); !errors.Is(err, tools.ErrArguments) {
		t.Errorf("bad arguments: %v", err)
	}
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// Trojan Source: bidirectional controls and other invisible characters are shown escaped and highlighted,
// with a warning; the code that runs is the code as written.
func TestConfirmShowsHiddenCharacters(t *testing.T) {
	code := "access := \"user\"\n/*\u202e } \u2066if access != \"admin\"\u2069 \u2066 begin admins only */\nok := \"a\u200bb\"\n_ = ok\n\"done\""
	f := displaytest.Install(t)
	f.Answer([]string{"y"})
	opts := testOptions
	opts.Confirm = sandbox.Ask
	res, err := sandbox.New(opts).Run(context.Background(), code)
	if err != nil || res.Code != code {
		t.Fatalf("run: %v (code changed: %v)", err, res.Code != code)
	}
	shown := f.Shown()
	if len(shown) != 1 {
		t.Fatalf("%d things shown", len(shown))
	}
	md, _ := shown[0].Bundle.Data[display.MIMEMarkdown].(string)
	h, _ := shown[0].Bundle.Data[display.MIMEHTML].(string)
	for _, want := range []string{"⟦U+202E⟧", "⟦U+2066⟧", "⟦U+2069⟧", "⟦U+200B⟧", "holds 5 invisible or direction-changing characters",
		"U+202E at line 2", "Confinement: "} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	if !strings.Contains(h, `<mark style="background:#ffcdd2;color:#b00020">⟦U+202E⟧</mark>`) {
		t.Errorf("HTML does not highlight:\n%s", h)
	}
	for _, r := range []string{"\u202e", "\u2066", "\u2069", "\u200b"} {
		if strings.Contains(md+h, r) {
			t.Errorf("%U shown raw", []rune(r)[0])
		}
	}
}

// The confirmation is cut to a size one can review, and says so.
func TestConfirmCapsSize(t *testing.T) {
	code := strings.Repeat("x := 1\n_ = x\n", 2000) + "\"end\""
	f := displaytest.Install(t)
	f.Answer([]string{"n"})
	opts := testOptions
	opts.Confirm = sandbox.Ask
	if _, err := sandbox.New(opts).Run(context.Background(), code); !errors.Is(err, sandbox.ErrDeclined) {
		t.Fatalf("error = %v", err)
	}
	md := markdown(f)[0]
	if len(md) > 40<<10 || !strings.Contains(md, "more bytes (4001 lines in all) are not shown") {
		t.Errorf("%d bytes shown; tail %q", len(md), md[max(0, len(md)-300):])
	}
}
