package main

import (
	"fmt"
	s "strings"
	"unicode/utf8"
)

var p = fmt.Println

func main() {
	p("Contains:  ", s.Contains("test", "es"))
	p("Count:     ", s.Count("test", "t"))
	p("HasPrefix: ", s.HasPrefix("test", "te"))
	p("HasSuffix: ", s.HasSuffix("test", "st"))
	p("Index:     ", s.Index("test", "e"))
	p("Join:      ", s.Join([]string{"a", "b"}, "-"))
	p("Repeat:    ", s.Repeat("a", 5))
	p("Replace:   ", s.Replace("foo", "o", "0", -1))
	p("Replace:   ", s.Replace("foo", "o", "0", 1))
	p("Split:     ", s.Split("a-b-c-d-e", "-"))
	p("ToLower:   ", s.ToLower("TEST"))
	p("ToUpper:   ", s.ToUpper("test"))
	p("Fields:    ", s.Fields("  a b  c "))
	p("TrimSpace: ", s.TrimSpace("  x  "))
	var b s.Builder
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, "%d;", i)
	}
	p(b.String())
	const th = "สวัสดี"
	p("Len:", len(th), "Runes:", utf8.RuneCountInString(th))
	for idx, r := range "héllo" {
		fmt.Printf("%d:%c ", idx, r)
	}
	p()
	before, after, found := s.Cut("key=value", "=")
	p(before, after, found)
}
