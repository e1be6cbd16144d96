package sandbox_test

import (
	"context"
	"fmt"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/golm-dev/golm/helpers/sandbox"
	"github.com/golm-dev/golm/helpers/tools"
)

// The talk's run("a=1\nb=2\na+b"), in Go. Confirm: Always skips the question, for batch use; the default asks.
func ExampleSandbox_Run() {
	sb := sandbox.New(sandbox.Options{Confirm: sandbox.Always, Timeout: 5 * time.Second})
	res, err := sb.Run(context.Background(), "a := 1\nb := 2\na+b")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Value)
	// Output: 3
}

// Output and the last value come back separately; failures are errors with a clear message.
func ExampleSandbox_Run_output() {
	sb := sandbox.New(sandbox.Options{Confirm: sandbox.Always, Timeout: 2 * time.Second})
	res, err := sb.Run(context.Background(), `
import "fmt"

func fact(n int) int {
	if n <= 1 {
		return 1
	}
	return n * fact(n-1)
}

for i := 10; i <= 12; i++ {
	fmt.Println(i, fact(i))
}
fact(12) == 479001600`)
	fmt.Printf("%s%s %v\n", res.Output, res.Value, err)

	_, err = sb.Run(context.Background(), "import \"os\"\n_, err := os.ReadFile(\"/etc/passwd\")\nerr")
	fmt.Println(err)
	res, _ = sb.Run(context.Background(), "import \"os\"\n_, err := os.ReadFile(\"/etc/passwd\")\nerr")
	fmt.Println(res.Value)
	_, err = sb.Run(context.Background(), "for {}")
	fmt.Println(err)
	// Output:
	// 10 3628800
	// 11 39916800
	// 12 479001600
	// true <nil>
	// <nil>
	// open /etc/passwd: access outside the sandbox's scratch folder is not allowed
	// sandbox: time limit exceeded: the program ran longer than 2s and was stopped
}

// The sandbox as the model's code interpreter (the model is scripted here).
func ExampleSandbox_Tool() {
	model := tools.ChatFunc(func(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
		reply := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant}
		if last := req.Messages[len(req.Messages)-1]; last.Role == openai.ChatMessageRoleTool {
			reply.Content = "12 factorial is 479,001,600."
		} else {
			args := `{"code": "f := 1\nfor i := 2; i <= 12; i++ {\n\tf *= i\n}\nf"}`
			reply.ToolCalls = []openai.ToolCall{{ID: "call_1", Type: openai.ToolTypeFunction,
				Function: openai.FunctionCall{Name: "run_go", Arguments: args}}}
		}
		return openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{Message: reply}}}, nil
	})
	sb := sandbox.New(sandbox.Options{Confirm: sandbox.Always}) // in a lesson: leave Confirm at Ask
	runGo, err := sb.Tool()
	if err != nil {
		fmt.Println(err)
		return
	}
	box := tools.NewToolbox()
	if err := box.Add(runGo); err != nil {
		fmt.Println(err)
		return
	}
	tr, err := tools.NewRunner(model, box).Ask(context.Background(), "What is 12 factorial?", tools.AskOptions{Model: "gpt-4o"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tr)
	// Output:
	// model asked run_go({"code":"f := 1\nfor i := 2; i <= 12; i++ {\n\tf *= i\n}\nf"}) → 479001600
	// answer: 12 factorial is 479,001,600.
}
