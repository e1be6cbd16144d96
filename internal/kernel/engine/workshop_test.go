package engine

import (
	"testing"

	"github.com/golm-dev/golm/symbols"
)

// TestWorkshopLeftovers runs the forms that workshop solutions found running differently in a cell than in a
// program.
func TestWorkshopLeftovers(t *testing.T) {
	sessions := map[string][]cellCase{
		"a negated constant as a tagless switch's case": {
			{code: "const on = true\ntype flag bool\nconst fon flag = true\nvar von = true"},
			{code: "switch {\ncase !on:\n\tfmt.Println(\"wrong\")\ndefault:\n\tfmt.Println(\"right\")\n}", stdout: "right\n"},
			{code: "switch {\ncase !(on):\n\tfmt.Println(\"wrong\")\ncase on:\n\tfmt.Println(\"right\")\n}", stdout: "right\n"},
			{code: "switch {\ncase !!!on:\n\tfmt.Println(\"wrong\")\n}\nfmt.Println(\"end\")", stdout: "end\n"},
			{code: "switch {\ncase !fon:\n\tfmt.Println(\"wrong\")\ndefault:\n\tfmt.Println(\"right\")\n}", stdout: "right\n"},
			{code: "switch {\ncase !von:\n\tfmt.Println(\"wrong\")\ndefault:\n\tfmt.Println(\"right\")\n}", stdout: "right\n"},
			{code: "func pick() string {\n\tswitch x := 1; {\n\tcase x > 1, !on:\n\t\treturn \"wrong\"\n\t}\n\treturn \"right\"\n}\npick()", result: `"right"`},
			{code: "switch {\ncase !strings.HasPrefix(\"ab\", \"a\"):\n\tfmt.Println(\"wrong\")\ncase !(on == false):\n\tfmt.Println(\"right\")\n}", stdout: "right\n"},
			{code: "const off = false\nswitch {\ncase !off:\n\tfmt.Println(\"right\")\n}", stdout: "right\n"},
		},
		"a session pointer from a call of two results, read by a function called in a block": {
			{code: "type conn struct{ name string }\n\nfunc dial(name string) (*conn, error) { return &conn{name}, nil }"},
			{code: "client, err := dial(\"c\")\nerr"},
			{code: "func ask8(ctx context.Context, q string) error {\n\tfmt.Println(client.name + \": \" + q)\n\treturn nil\n}"},
			{code: "ctx := context.Background()"},
			{code: "if e := ask8(ctx, \"d\"); e == nil {\n\tfmt.Println(\"ok\")\n}", stdout: "c: d\nok\n"},
			{code: "if client != nil {\n\te := ask8(ctx, \"e\")\n\tfmt.Println(e)\n}", stdout: "c: e\n<nil>\n"},
			{code: "e := ask8(ctx, \"f\")\nfmt.Println(e)", stdout: "c: f\n<nil>\n"},
			// Blank names, and the hidden variables declared again with other types.
			{code: "_, n, w := 1, 2, 3\nfunc pair() (string, int) { return \"s\", 9 }\nfunc name() string { return client.name }\nm, _ := pair()\nfunc both() string { return m + name() }"},
			{code: "func show() { fmt.Println(both(), n, w) }\nshow()", stdout: "sc 2 3\n"},
			// The same declared with var, alone and in a group, with a type.
			{code: "var vc, verr = dial(\"v\")\nvar (\n\tgc, _ = dial(\"g\")\n\ttc, terr any = dial(\"t\")\n)\nfunc names() string { return vc.name + gc.name + tc.(*conn).name }"},
			{code: "if s := names(); s != \"\" {\n\tfmt.Println(s, verr, terr)\n}", stdout: "vgt <nil> <nil>\n"},
			{code: "var vc, verr = dial(\"V\")\nvc.name", result: `"V"`},
		},
		"an llm client, used by a function called in an if statement's init": {
			{code: "client, err := llm.New(llm.Config{BaseURL: \"http://127.0.0.1:9/v1\", APIKey: \"k\", Model: \"m1\"})\nerr"},
			{code: "func model8(ctx context.Context) string { return client.DefaultModel() }"},
			{code: "ctx := context.Background()\nif m := model8(ctx); m != \"\" {\n\tfmt.Println(m)\n}", stdout: "m1\n"},
			{code: "if client != nil {\n\tif m := model8(ctx); m != \"\" {\n\t\tfmt.Println(m)\n\t}\n}", stdout: "m1\n"},
		},
	}
	for name, cases := range sessions {
		t.Run(name, func(t *testing.T) { runCompiledCells(t, cases) })
	}
}

// runCompiledCells is runCells in a session with the compiled packages of the kernel.
func runCompiledCells(t *testing.T, cases []cellCase) {
	t.Helper()
	var out syncBuffer
	s, err := New(Options{Stdout: &out, Stderr: &out, Symbols: symbols.Symbols})
	if err != nil {
		t.Fatal(err)
	}
	checkCells(t, s, &out, cases)
}
