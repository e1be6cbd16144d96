package sandbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/golm-dev/golm/helpers/tools"
)

// ToolName is the name of the tool that Tool returns.
const ToolName = "run_go"

// RunArgs are the arguments of the run_go tool.
type RunArgs struct {
	// Code is the Go code the model wrote.
	Code string `json:"code" description:"Go code to run. Write statements and declarations as in a notebook cell (import lines allowed, no package clause needed), or a whole program with package main and func main. Anything printed is returned, and the value of the last line when it is an expression."`
}

// toolDescription tells the model what the sandbox can do.
const toolDescription = "Runs Go code in a sandbox and returns what it prints and the value of its last expression. " +
	"Use it for any calculation or data processing instead of working it out yourself. " +
	"Only part of the standard library can be imported (no os/exec, net, syscall, unsafe or reflect). " +
	"The code runs in a separate process with no network, no other processes, no environment variables " +
	"and no files but a scratch folder (the current folder, a few MiB, removed afterwards), " +
	"with limits on time, memory and output; the user may be asked before it runs."

// Tool returns the sandbox as a tool a model can call: run_go, with one argument, the code. Each call asks the
// user first when the options say so (the default); a refusal, an error or a limit reached goes back to the
// model as an error message with the output printed so far.
func (s *Sandbox) Tool() (*tools.Tool, error) {
	return tools.New(ToolName, toolDescription, s.runTool)
}

func (s *Sandbox) runTool(ctx context.Context, args RunArgs) (string, error) {
	res, err := s.Run(ctx, args.Code)
	if err != nil {
		if errors.Is(err, ErrDeclined) || res == nil || res.Output == "" {
			return "", err
		}
		return "", fmt.Errorf("%w\noutput before the error:\n%s", err, res.Output)
	}
	if t := res.Text(); t != "" {
		return t, nil
	}
	return "(the code ran without printing anything)", nil
}
