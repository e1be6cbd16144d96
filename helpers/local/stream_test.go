package local

import (
	"strings"
	"testing"
	"time"
)

func TestTextStream(t *testing.T) {
	tests := []struct {
		name    string
		stops   []string
		trim    bool
		pieces  []string
		emitted []string // what each push returns
		final   string   // what flush returns
		text    string
		stopped bool
	}{
		{"no stops", nil, false, []string{"a", " b", "c"}, []string{"a", " b", "c"}, "", "a bc", false},
		{"stop inside a piece", []string{"\n"}, false, []string{" Neptune.", "\nQ:", " Which"},
			[]string{" Neptune.", ""}, "", " Neptune.", true},
		{"stop across pieces", []string{"Q:"}, false, []string{"A: x\n", "Q", ": y"},
			[]string{"A: x\n", "", ""}, "", "A: x\n", true},
		{"false alarm released", []string{"Q:"}, false, []string{"Q", "R"}, []string{"", "QR"}, "", "QR", false},
		{"held back until the end", []string{"###"}, false, []string{"a#", "#"}, []string{"a", ""}, "##", "a##", false},
		{"earliest stop wins", []string{"c", "ab"}, false, []string{"xabc"}, []string{"x"}, "", "x", true},
		{"utf-8 split", nil, false, []string{"h", "\xc3", "\xa9", "!"}, []string{"h", "", "é", "!"}, "", "hé!", false},
		{"utf-8 4 bytes", nil, false, []string{"\xf0\x9f", "\x98", "\x80"}, []string{"", "", "😀"}, "", "😀", false},
		{"trim leading space", nil, true, []string{" ", "\n", " Hi", " there"}, []string{"", "", "Hi", " there"}, "",
			"Hi there", false},
		{"empty stop ignored", []string{""}, false, []string{"a"}, []string{"a"}, "", "a", false},
	}
	for _, tt := range tests {
		s := newTextStream(tt.stops, tt.trim)
		stopped := false
		for i, p := range tt.pieces {
			out, st := s.push(p)
			if i < len(tt.emitted) && out != tt.emitted[i] {
				t.Errorf("%s: push(%q) = %q, want %q", tt.name, p, out, tt.emitted[i])
			}
			if st {
				stopped = true
				break
			}
		}
		if f := s.flush(); f != tt.final {
			t.Errorf("%s: flush = %q, want %q", tt.name, f, tt.final)
		}
		if s.String() != tt.text || stopped != tt.stopped {
			t.Errorf("%s: text %q stopped %v, want %q %v", tt.name, s.String(), stopped, tt.text, tt.stopped)
		}
	}
}

func TestIncompleteUTF8(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0}, {"abc", 0}, {"é", 0}, {"a\xc3", 1}, {"\xe2\x82", 2}, {"\xe2\x82\xac", 0}, {"\xf0\x9f\x98", 3},
		{"\xf0\x9f\x98\x80", 0},
	}
	for _, tt := range tests {
		if got := incompleteUTF8(tt.s); got != tt.want {
			t.Errorf("incompleteUTF8(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestOptions(t *testing.T) {
	if (GenerateOptions{}).maxTokens() != 512 || (GenerateOptions{MaxTokens: -1}).maxTokens() < 1<<30 ||
		(GenerateOptions{MaxTokens: 7}).maxTokens() != 7 {
		t.Error("maxTokens")
	}
	for in, want := range map[string]string{"": "", "MEAN": "mean", " cls ": "cls", "last": "last"} {
		if got, err := poolingName(in); err != nil || got != want {
			t.Errorf("poolingName(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := poolingName("max"); err == nil {
		t.Error("poolingName(max) succeeded")
	}
	stops, tmpl, err := chatStops(GenerateOptions{Stop: []string{"x"}, Template: "stablebeluga"})
	if err != nil || tmpl.Name != "stablebeluga" || strings.Join(stops, "|") != "x|### User:|### System:" {
		t.Errorf("chatStops = %v %v %v", stops, tmpl, err)
	}
	if _, _, err := chatStops(GenerateOptions{Template: "nope"}); err == nil {
		t.Error("unknown template accepted")
	}
}

func TestTiming(t *testing.T) {
	tm := Timing{Prompt: 500 * time.Millisecond, PromptTokens: 10, Generation: 2 * time.Second, Tokens: 30,
		FirstToken: 600 * time.Millisecond}
	if tm.PromptTokensPerSecond() != 20 || tm.TokensPerSecond() != 15 {
		t.Errorf("rates %v %v", tm.PromptTokensPerSecond(), tm.TokensPerSecond())
	}
	want := "prompt: 10 tokens in 500ms (20.0 tokens/s); generation: 30 tokens in 2s (15.0 tokens/s); first token after 600ms"
	if tm.String() != want {
		t.Errorf("String() = %q", tm.String())
	}
	if (Timing{}).TokensPerSecond() != 0 {
		t.Error("rate of nothing")
	}
}

func TestCosineSimilarity(t *testing.T) {
	tests := []struct {
		a, b []float32
		want float64
	}{
		{[]float32{1, 0}, []float32{2, 0}, 1},
		{[]float32{1, 0}, []float32{0, 3}, 0},
		{[]float32{1, 1}, []float32{-1, -1}, -1},
		{[]float32{1}, []float32{1, 2}, 0},
		{[]float32{0, 0}, []float32{1, 2}, 0},
	}
	for _, tt := range tests {
		if got := CosineSimilarity(tt.a, tt.b); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("CosineSimilarity(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
	v := []float32{3, 4}
	normalize(v)
	if v[0] != 0.6 || v[1] != 0.8 {
		t.Errorf("normalize = %v", v)
	}
}

func TestDeviceString(t *testing.T) {
	d := Device{Name: "CUDA0", Description: "NVIDIA T4", Type: "gpu", MemoryFree: 1 << 30, MemoryTotal: 16 << 30}
	if got := d.String(); got != "CUDA0 (NVIDIA T4), 1.0 of 16.0 GiB free" {
		t.Errorf("String() = %q", got)
	}
}
