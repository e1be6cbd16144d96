package main

import (
	"strings"
	"testing"
)

func TestParseMemInfo(t *testing.T) {
	cases := []struct {
		text string
		want int64
		ok   bool
	}{
		{"MemTotal:       16318748 kB\nMemFree:         1234 kB\n", 16318748 * 1024, true},
		{"MemFree:         1234 kB\nMemTotal: 2048 kB\n", 2048 * 1024, true},
		{"MemFree:         1234 kB\n", 0, false},
		{"MemTotal: lots kB\n", 0, false},
	}
	for _, c := range cases {
		got, err := parseMemInfo(strings.NewReader(c.text))
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseMemInfo(%q) = %d, %v; want %d, ok %v", c.text, got, err, c.want, c.ok)
		}
	}
}

func TestParseBytes(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"8GiB", 8 << 30, true},
		{"512MB", 512e6, true},
		{"1.5 GiB", 3 << 29, true},
		{"4096", 4096, true},
		{"-1GiB", 0, false},
		{"lots", 0, false},
	}
	for _, c := range cases {
		got, err := parseBytes(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseBytes(%q) = %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}
