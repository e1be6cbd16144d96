package tools_test

import (
	"context"
	"fmt"

	openai "github.com/sashabaranov/go-openai"

	"github.com/golm-dev/golm/helpers/tools"
)

// SumArgs are the arguments of the talk's sums(a, b=1).
type SumArgs struct {
	A int `json:"a" description:"the first number"`
	B int `json:"b" description:"the second number" default:"1"`
}

func sums(args SumArgs) int { return args.A + args.B }

// A tool from a Go function: its schema comes from the argument struct, and a call decodes the model's JSON.
func ExampleNew() {
	t, err := tools.New("sums", "Adds a + b", sums)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Parameters())
	fmt.Println(t.Call(context.Background(), `{"a": 6, "b": 3}`))
	fmt.Println(t.Call(context.Background(), `{"a": 6}`))
	fmt.Println(t.Call(context.Background(), `{"a": "six"}`))
	// Output:
	// {
	//   "type": "object",
	//   "properties": {
	//     "a": {
	//       "type": "integer",
	//       "description": "the first number"
	//     },
	//     "b": {
	//       "type": "integer",
	//       "description": "the second number",
	//       "default": 1
	//     }
	//   },
	//   "required": [
	//     "a"
	//   ],
	//   "additionalProperties": false
	// }
	// 9 <nil>
	// 7 <nil>
	// <nil> tools: sums: invalid arguments: argument "a" must be an integer, not a string
}

// The function-calling loop with a scripted model standing in for the API: the model calls sums, gets 9 back
// in a tool message and answers.
func ExampleRunner() {
	model := tools.ChatFunc(func(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
		reply := openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant}
		last := req.Messages[len(req.Messages)-1]
		if last.Role == openai.ChatMessageRoleTool {
			reply.Content = "6 + 3 = " + last.Content
		} else {
			reply.ToolCalls = []openai.ToolCall{{ID: "call_1", Type: openai.ToolTypeFunction,
				Function: openai.FunctionCall{Name: "sums", Arguments: `{"a": 6, "b": 3}`}}}
		}
		return openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{Message: reply}}}, nil
	})
	box := tools.NewToolbox()
	if _, err := box.Register("sums", "Adds a + b", sums); err != nil {
		fmt.Println(err)
		return
	}
	r := tools.NewRunner(model, box) // with the API: tools.NewRunner(client, box), client from llm.NewClient()
	tr, err := r.Ask(context.Background(), "What is 6+3?", tools.AskOptions{Model: "gpt-4o", System: "You must use the sums function."})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tr)
	// Output:
	// model asked sums({"a":6,"b":3}) → 9
	// answer: 6 + 3 = 9
}

// Only the toolbox's functions run; whatever goes wrong is reported to the model instead of panicking.
func ExampleToolbox_Invoke() {
	box := tools.NewToolbox()
	if _, err := box.Register("sums", "Adds a + b", sums); err != nil {
		fmt.Println(err)
		return
	}
	for _, call := range []openai.FunctionCall{
		{Name: "sums", Arguments: `{"a": 2, "b": 2}`},
		{Name: "rm", Arguments: `{"path": "/"}`},
		{Name: "sums", Arguments: `{"a": 2, "c": 2}`},
		{Name: "sums", Arguments: `{"a": 2,`},
	} {
		c := box.Invoke(context.Background(), openai.ToolCall{ID: "id", Type: openai.ToolTypeFunction, Function: call})
		fmt.Println(c.Content)
	}
	// Output:
	// 4
	// error: tools: unknown tool "rm"; the tools are "sums"
	// error: tools: sums: invalid arguments: unknown argument "c" (the arguments are "a", "b")
	// error: tools: sums: invalid arguments: arguments are not valid JSON: unexpected end of JSON input
}
