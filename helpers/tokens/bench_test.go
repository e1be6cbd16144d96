package tokens

import (
	"strings"
	"testing"
)

// benchText is about 64 KB of mixed text: code, prose, whitespace, emoji and CJK from the golden cases.
func benchText(b *testing.B) string {
	g := readGolden(b)
	var sb strings.Builder
	for sb.Len() < 64<<10 {
		for _, c := range g.Cases {
			if c.Hex == "" {
				sb.WriteString(c.Text)
			}
		}
	}
	return sb.String()
}

func BenchmarkEncode(b *testing.B) {
	text := benchText(b)
	for _, name := range Encodings() {
		e := mustGet(b, name)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				e.Encode(text)
			}
		})
	}
}

func BenchmarkCount(b *testing.B) {
	text := benchText(b)
	e := mustGet(b, O200kBase)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		e.Count(text)
	}
}

func BenchmarkDecode(b *testing.B) {
	text := benchText(b)
	e := mustGet(b, O200kBase)
	ids := e.Encode(text)
	e.Decode(ids)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := e.Decode(ids); err != nil {
			b.Fatal(err)
		}
	}
}
