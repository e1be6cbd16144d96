// Package tools lets a language model call Go functions (function calling, or tool use).
//
// A tool is a Go function whose argument is a struct. New reads the struct with reflect and builds the JSON
// schema the model receives: the talk's sums(a, b=1), "Adds a + b", is
//
//	type SumArgs struct {
//		A int `json:"a" description:"the first number"`
//		B int `json:"b" description:"the second number" default:"1"`
//	}
//
//	func sums(args SumArgs) int { return args.A + args.B }
//
//	sumsTool, err := tools.New("sums", "Adds a + b", sums)
//
// # Struct tags
//
// Property names come from the json tag, as encoding/json reads them. The description of a field is in a
// description tag (the convention of go-openai's jsonschema package, so structs written for it work here
// too); a default tag gives the value used when the model leaves the field out (the text itself for a string
// field, JSON for the others: default:"1", default:"true", default:"[1,2]"); an enum tag lists the allowed
// values, comma-separated. A field is required unless its json tag has omitempty (or omitzero) or it has a
// default; a required:"true" or required:"false" tag overrides that. Unexported fields and json:"-" are left
// out; embedded structs are flattened as encoding/json does.
//
// The function may take a context.Context before the struct and may return a value, an error, or both:
// func(Args) R, func(Args) (R, error), func(context.Context, Args) (R, error). A string result goes back to the
// model as it is, any other as JSON.
//
// # The allow-list and the loop
//
// A Toolbox holds the tools a model may call; nothing else runs. A Runner sends a conversation and the tools
// to a model — any Chatter: the golm client *llm.Client, go-openai's *openai.Client, or a
// function wrapped in ChatFunc — runs the calls the model asks for, several in one reply included, answers
// each with a "tool" message quoting its tool_call_id, and repeats until the model answers in text or
// MaxSteps requests were made. Whatever the model gets wrong — invalid JSON, arguments of the wrong type, a
// missing argument, a function that is not in the toolbox — and whatever the function does wrong — an error,
// a panic — goes back to the model as "error: ..." in the tool result, so that it can correct itself; none
// of it panics. The calls of one reply run one after the other, in order. Every step can be watched
// (Runner.OnStep, Runner.Stream) and the Transcript that Run returns renders as text or HTML:
//
//	model asked sums({"a":6,"b":3}) → 9
//	answer: 6 + 3 = 9
//
// # Notebook cells
//
// The API has no generic functions and no variadic parameters, and functions are passed as any, so that
// everything works from the golm kernel's interpreter: a function and struct declared in a cell are ordinary
// reflect values (with their struct tags) for this package. Types declared in a cell have no name at run time,
// so Tool.GoSignature writes their structs out in full; the interpreter exports their unexported fields under
// an X prefix (hidden becomes Xhidden), and such fields are left out of the schema. Two quirks of the
// interpreter (yaegi v0.16.1) to keep in mind in cells: a two-value short declaration inside a block of a
// top-level statement fails ("undefined: err"), and a function literal called at top level runs again on
// later evaluations; put loops in named functions.
package tools
