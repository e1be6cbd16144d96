package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"reflect"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// Errors that a tool call can wrap; test them with errors.Is.
var (
	// ErrArguments means that the model sent arguments that do not fit the tool's schema.
	ErrArguments = errors.New("invalid arguments")
	// ErrUnknownTool means that the model asked for a function that is not in the toolbox.
	ErrUnknownTool = errors.New("unknown tool")
	// ErrPanic means that the tool's function panicked; the panic was recovered.
	ErrPanic = errors.New("tool panicked")
	// ErrStepLimit means that the model was still asking for tools when the runner's step limit was reached.
	ErrStepLimit = errors.New("step limit reached")
)

var (
	contextType = reflect.TypeOf((*context.Context)(nil)).Elem()
	errorType   = reflect.TypeOf((*error)(nil)).Elem()
)

// validName reports whether a tool name matches ^[a-zA-Z0-9_-]{1,64}$ (a loop: that regular expression,
// compiled when golm starts, took 0.2 ms of every kernel's and worker's start).
func validName(name string) bool {
	if len(name) == 0 || len(name) > 64 {
		return false
	}
	for _, c := range []byte(name) {
		if c != '_' && c != '-' && (c < '0' || c > '9') && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// Tool is a Go function that a model can call: a name, a description and a JSON schema of its arguments,
// built from the function's argument struct. Make one with New; a Tool is safe for concurrent use.
type Tool struct {
	name        string
	description string
	fn          reflect.Value
	fnType      reflect.Type
	argType     reflect.Type // nil for a function without an argument struct
	argPointer  bool         // the function takes *Args
	takesCtx    bool
	resultIdx   int // index of the result value, or -1
	errIdx      int // index of the error result, or -1
	params      *Schema
}

// New makes a tool from a function. The function takes an optional context.Context first (it receives the
// context of the call), then at most one struct (or pointer to struct) holding the arguments, and returns
// nothing, a result, an error, or a result and an error:
//
//	func(Args) R
//	func(Args) (R, error)
//	func(context.Context, Args) (R, error)
//	func(context.Context, Args) error
//
// The argument struct gives the JSON schema (see SchemaOf for the struct tags). The name must match
// ^[a-zA-Z0-9_-]{1,64}$, as the OpenAI API requires. fn is typed any so that functions written in a notebook
// cell (interpreted) can be passed; its type is checked here with reflect.
func New(name, description string, fn any) (*Tool, error) {
	if !validName(name) {
		return nil, fmt.Errorf("tools: name %q must be 1 to 64 letters, digits, underscores or dashes", name)
	}
	v := reflect.ValueOf(fn)
	if !v.IsValid() || v.Kind() != reflect.Func || v.IsNil() {
		return nil, fmt.Errorf("tools: %s: %T is not a function", name, fn)
	}
	t := v.Type()
	tool := &Tool{name: name, description: description, fn: v, fnType: t, resultIdx: -1, errIdx: -1}
	if t.IsVariadic() {
		return nil, fmt.Errorf("tools: %s: a variadic function cannot be a tool", name)
	}
	in := 0
	if t.NumIn() > 0 && t.In(0) == contextType {
		tool.takesCtx = true
		in++
	}
	switch t.NumIn() - in {
	case 0:
	case 1:
		a := t.In(in)
		if a.Kind() == reflect.Pointer && a.Elem().Kind() == reflect.Struct {
			tool.argPointer = true
			a = a.Elem()
		}
		if a.Kind() != reflect.Struct {
			return nil, fmt.Errorf("tools: %s: the argument must be a struct whose fields are the arguments, not %s", name, t.In(in))
		}
		tool.argType = a
	default:
		return nil, fmt.Errorf("tools: %s: %s takes %d arguments; put them in one struct", name, t, t.NumIn()-in)
	}
	switch t.NumOut() {
	case 0:
	case 1:
		if t.Out(0) == errorType {
			tool.errIdx = 0
		} else {
			tool.resultIdx = 0
		}
	case 2:
		if t.Out(1) != errorType {
			return nil, fmt.Errorf("tools: %s: the second result of %s must be an error", name, t)
		}
		tool.resultIdx, tool.errIdx = 0, 1
	default:
		return nil, fmt.Errorf("tools: %s: %s returns too many results; return a value and an error", name, t)
	}
	if tool.argType != nil {
		s, err := SchemaOf(tool.argType)
		if err != nil {
			return nil, fmt.Errorf("tools: %s: schema of the argument struct: %w", name, err)
		}
		tool.params = s
		// Check the default tags now, so that a bad one fails here and not when the model calls.
		if err := setDefaults(reflect.New(tool.argType).Elem()); err != nil {
			return nil, fmt.Errorf("tools: %s: %w", name, err)
		}
	} else {
		tool.params = &Schema{Type: "object"}
	}
	return tool, nil
}

// Name returns the name the model calls the tool by.
func (t *Tool) Name() string { return t.name }

// Description returns what the tool does, as told to the model.
func (t *Tool) Description() string { return t.description }

// Parameters returns the JSON schema of the tool's arguments. It is shared: do not modify it.
func (t *Tool) Parameters() *Schema { return t.params }

// Definition returns the function definition sent to the model.
func (t *Tool) Definition() openai.FunctionDefinition {
	return openai.FunctionDefinition{Name: t.name, Description: t.description, Parameters: t.params}
}

// OpenAI returns the tool as go-openai sends it in ChatCompletionRequest.Tools.
func (t *Tool) OpenAI() openai.Tool {
	def := t.Definition()
	return openai.Tool{Type: openai.ToolTypeFunction, Function: &def}
}

// Decode parses JSON arguments as the model sends them into a new value of the tool's argument struct
// (returned as a pointer), filling defaults for the fields left out. Missing required fields, unknown fields
// and values of the wrong type are errors wrapping ErrArguments.
func (t *Tool) Decode(arguments string) (any, error) {
	v, err := t.decode(arguments)
	if err != nil {
		return nil, err
	}
	if !v.IsValid() {
		return nil, nil
	}
	return v.Interface(), nil
}

// decode returns a pointer to a new argument struct, or an invalid Value for a tool without arguments.
func (t *Tool) decode(arguments string) (reflect.Value, error) {
	arguments = strings.TrimSpace(arguments)
	if arguments == "" {
		arguments = "{}"
	}
	var raw any
	if err := json.Unmarshal([]byte(arguments), &raw); err != nil {
		return reflect.Value{}, fmt.Errorf("%w: arguments are not valid JSON: %v", ErrArguments, err)
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return reflect.Value{}, fmt.Errorf("%w: arguments must be a JSON object, not %s", ErrArguments, jsonKind(raw))
	}
	if t.argType == nil {
		if len(obj) > 0 {
			return reflect.Value{}, fmt.Errorf("%w: %s takes no arguments", ErrArguments, t.name)
		}
		return reflect.Value{}, nil
	}
	for k := range obj {
		if t.params.Property(k) == nil {
			return reflect.Value{}, fmt.Errorf("%w: unknown argument %q (the arguments are %s)", ErrArguments, k, t.argNames())
		}
	}
	if err := checkRequired(t.params, raw, ""); err != nil {
		return reflect.Value{}, fmt.Errorf("%w: %v", ErrArguments, err)
	}
	p := reflect.New(t.argType)
	if err := setDefaults(p.Elem()); err != nil {
		return reflect.Value{}, fmt.Errorf("tools: %s: %w", t.name, err)
	}
	dec := json.NewDecoder(strings.NewReader(arguments))
	dec.DisallowUnknownFields()
	if err := dec.Decode(p.Interface()); err != nil {
		return reflect.Value{}, fmt.Errorf("%w: %s", ErrArguments, describeJSONError(err, t.params))
	}
	return p, nil
}

func (t *Tool) argNames() string {
	if len(t.params.Properties) == 0 {
		return "none"
	}
	names := make([]string, len(t.params.Properties))
	for i, p := range t.params.Properties {
		names[i] = fmt.Sprintf("%q", p.Name)
	}
	return strings.Join(names, ", ")
}

// Call decodes the JSON arguments, calls the function with them and returns its result. Bad arguments, an
// error returned by the function and a panic in it are all returned as errors (wrapping ErrArguments, the
// function's error, or ErrPanic); Call itself never panics. The context goes to a function that takes one;
// a function that does not is not interrupted when ctx ends.
func (t *Tool) Call(ctx context.Context, arguments string) (any, error) {
	if ctx == nil {
		ctx = context.Background() // a nil context from a notebook cell is forgiven
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("tools: %s: %w", t.name, err)
	}
	p, err := t.decode(arguments)
	if err != nil {
		return nil, fmt.Errorf("tools: %s: %w", t.name, err)
	}
	var in []reflect.Value
	if t.takesCtx {
		in = append(in, reflect.ValueOf(&ctx).Elem())
	}
	if t.argType != nil {
		if t.argPointer {
			in = append(in, p)
		} else {
			in = append(in, p.Elem())
		}
	}
	out, err := t.invoke(in)
	if err != nil {
		return nil, err
	}
	var result any
	if t.resultIdx >= 0 {
		result = out[t.resultIdx].Interface()
	}
	if t.errIdx >= 0 {
		if e := out[t.errIdx]; !e.IsNil() {
			fnErr, _ := e.Interface().(error)
			if fnErr == nil {
				fnErr = fmt.Errorf("%v", e.Interface())
			}
			return result, fmt.Errorf("tools: %s: %w", t.name, fnErr)
		}
	}
	return result, nil
}

func (t *Tool) invoke(in []reflect.Value) (out []reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{tool: t.name, value: r}
		}
	}()
	return t.fn.Call(in), nil
}

// panicError is the error of a tool whose function panicked.
type panicError struct {
	tool  string
	value any
}

// Error says which tool panicked and with what.
func (e *panicError) Error() string { return fmt.Sprintf("tools: %s: panic: %v", e.tool, e.value) }

// Unwrap makes the error match ErrPanic.
func (e *panicError) Unwrap() error { return ErrPanic }

// String returns the tool's Go signature and its JSON definition.
func (t *Tool) String() string {
	return t.GoSignature() + "\n\n" + indent(t.Definition())
}

// HTML shows the Go function and struct the tool comes from next to the JSON definition the model receives.
func (t *Tool) HTML() string {
	return fmt.Sprintf(`<table style="border-collapse:collapse"><tr>`+
		`<th style="text-align:left;padding:4px 12px">Go</th><th style="text-align:left;padding:4px 12px">JSON schema sent to the model</th></tr>`+
		`<tr><td style="vertical-align:top;padding:4px 12px"><pre style="margin:0">%s</pre></td>`+
		`<td style="vertical-align:top;padding:4px 12px"><pre style="margin:0">%s</pre></td></tr></table>`,
		html.EscapeString(t.GoSignature()), html.EscapeString(indent(t.Definition())))
}

// GoSignature returns Go source describing the tool's function, with its argument struct written out with
// its tags (types declared in a notebook cell have no name at run time, so the struct is shown in full).
func (t *Tool) GoSignature() string {
	var b strings.Builder
	if t.description != "" {
		for _, line := range strings.Split(t.description, "\n") {
			b.WriteString("// " + line + "\n")
		}
	}
	var params []string
	if t.takesCtx {
		params = append(params, "ctx context.Context")
	}
	var decl string
	if t.argType != nil {
		name := typeString(t.argType, "")
		if t.argType.Name() != "" {
			decl = fmt.Sprintf("\n\ntype %s %s", t.argType.Name(), structString(t.argType, ""))
		}
		if t.argPointer {
			name = "*" + name
		}
		params = append(params, "args "+name)
	}
	fmt.Fprintf(&b, "func %s(%s)", t.name, strings.Join(params, ", "))
	switch n := t.fnType.NumOut(); n {
	case 0:
	case 1:
		b.WriteString(" " + typeString(t.fnType.Out(0), ""))
	default:
		outs := make([]string, n)
		for i := range outs {
			outs[i] = typeString(t.fnType.Out(i), "")
		}
		b.WriteString(" (" + strings.Join(outs, ", ") + ")")
	}
	b.WriteString(decl)
	return b.String()
}

// typeString writes a type in Go syntax, spelling out unnamed structs with their tags.
func typeString(t reflect.Type, ind string) string {
	if t.Name() != "" {
		if t.PkgPath() == "" || t.PkgPath() == "main" {
			return t.Name()
		}
		return t.String()
	}
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + typeString(t.Elem(), ind)
	case reflect.Slice:
		return "[]" + typeString(t.Elem(), ind)
	case reflect.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), typeString(t.Elem(), ind))
	case reflect.Map:
		return "map[" + typeString(t.Key(), ind) + "]" + typeString(t.Elem(), ind)
	case reflect.Struct:
		return structString(t, ind)
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any"
		}
	}
	return t.String()
}

func structString(t reflect.Type, ind string) string {
	if t.NumField() == 0 {
		return "struct{}"
	}
	var b strings.Builder
	b.WriteString("struct {\n")
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		b.WriteString(ind + "\t")
		if !f.Anonymous {
			b.WriteString(f.Name + " ")
		}
		b.WriteString(typeString(f.Type, ind+"\t"))
		if f.Tag != "" {
			if strings.Contains(string(f.Tag), "`") {
				fmt.Fprintf(&b, " %q", string(f.Tag))
			} else {
				b.WriteString(" `" + string(f.Tag) + "`")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString(ind + "}")
	return b.String()
}

// describeJSONError rewrites encoding/json's errors in the schema's terms, for the model to read.
func describeJSONError(err error, s *Schema) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := "a value of Go type " + te.Type.String()
		if fs := schemaAt(s, te.Field); fs != nil && fs.Type != "" {
			want = article(fs.Type)
		} else if ts, e := SchemaOf(te.Type); e == nil && ts.Type != "" {
			want = article(ts.Type)
		}
		if te.Field == "" {
			return fmt.Sprintf("expected %s, got %s", want, article(te.Value))
		}
		return fmt.Sprintf("argument %q must be %s, not %s", te.Field, want, article(te.Value))
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "json: ")
	if rest, ok := strings.CutPrefix(msg, "unknown field "); ok {
		return "unknown argument " + rest
	}
	return msg
}

// schemaAt finds the schema of a dotted field path as encoding/json reports it.
func schemaAt(s *Schema, path string) *Schema {
	if path == "" {
		return nil
	}
	for _, part := range strings.Split(path, ".") {
		for s != nil && s.Type == "array" {
			s = s.Items
		}
		if s == nil {
			return nil
		}
		s = s.Property(part)
	}
	return s
}

// article puts "a" or "an" before a JSON kind, which may be followed by a value ("number 6.5").
func article(kind string) string {
	first, _, _ := strings.Cut(kind, " ")
	switch first {
	case "":
		return "a value"
	case "array", "object", "integer":
		return "an " + kind
	case "number", "string", "bool", "boolean":
		return "a " + kind
	}
	return kind
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	}
	return "an object"
}
