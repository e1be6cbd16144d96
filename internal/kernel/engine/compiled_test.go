package engine

import (
	"context"
	"testing"

	"github.com/golm-dev/golm/symbols"
)

// TestCompiledValues runs cells that use the preloaded compiled packages, as the lessons do.
func TestCompiledValues(t *testing.T) {
	var out syncBuffer
	s, err := New(Options{Stdout: &out, Stderr: &out, Symbols: symbols.Symbols})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ code, result string }{
		{"bar := display.NewProgress(\"a\", 2)\nbar.Add(2)\nbar.Done()", "<none>"},
		{"d := display.New(\"x\")\nd.Update(\"y\")", "<none>"},
		{"resp := openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{Index: 1, Message: openai.ChatCompletionMessage{Content: \"hi\"}}}}\nchoice := resp.Choices[0]\nchoice.Index", "1"},
		{"msg := resp.Choices[0].Message\nmsg.Content", `"hi"`},
		{"m := map[string]openai.Usage{\"a\": {TotalTokens: 3}}\nu := m[\"a\"]\nu.TotalTokens", "3"},
		{"type P struct{ X int }\nps := []P{{1}}\np0 := ps[0]\np0", "P{X: 1}"},
		{"enc, _ := tokens.Get(\"p50k_base\")\nenc.Encode(\"They are splashing\")", "[]int{2990, 389, 4328, 2140}"},
		{"tokens.Get(\"nope\")", `(*tokens.Encoding)(nil), tokens: unknown encoding "nope"`},
		// Every preloaded helper works without an import line.
		{"llm.User(\"hi\").Role", `"user"`},
		{"box := tools.NewToolbox()\nbox.Len()", "0"},
		{"slices.Contains(sandbox.AllowedPackages(), \"strings\")", "true"},
		{"templates.Names()[0] != \"\"", "true"},
		{"local.Built || !local.Built", "true"},
		{"hf.URL(\"\", \"org/repo\", \"main\", \"m.gguf\") != \"\"", "true"},
		{"openai.ChatMessageRoleTool", `"tool"`},
		{"tokens.InstallOfflineLoader()\nenc2, _ := tiktoken.GetEncoding(\"cl100k_base\")\nenc2 != nil", "true"},
		// Generic stand-ins with slices whose types come from compiled code.
		{"slices.Max(strings.Fields(\"b a\"))", `"b"`},
		{"ids := enc.Encode(\"They are\")\nslices.Max(ids)", "2990"},
		{"e3, _ := tokens.Get(\"cl100k_base\")\nids3 := e3.Encode(\"They are\")\nslices.Index(ids3, 527)", "1"},
		{"ws := strings.Fields(\"b a\")\nslices.Sort(ws)\nws", `[]string{"a", "b"}`},
		// A value of a cell's type held in a variable of one of display's interfaces (the wrappers that let
		// display.Show see all its methods are not used there).
		{"type HC struct{}\nfunc (HC) HTML() string { return \"h\" }\nvar hv display.HTMLer = HC{}\nhv.HTML()", `"h"`},
	}
	for _, c := range cases {
		res, err := s.Execute(context.Background(), c.code)
		if err != nil {
			t.Errorf("%q: %v", c.code, err)
			continue
		}
		if got := text(res); got[:min(len(got), len(c.result))] != c.result {
			t.Errorf("%q: %s, want %s", c.code, got, c.result)
		}
	}
}
