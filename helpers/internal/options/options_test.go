package options

import (
	"strings"
	"testing"
)

func TestOne(t *testing.T) {
	type opts struct{ N int }
	tests := []struct {
		give    []opts
		want    opts
		wantErr string
	}{
		{nil, opts{}, ""},
		{[]opts{{N: 3}}, opts{N: 3}, ""},
		{[]opts{{N: 1}, {N: 2}}, opts{}, "llm: Ask takes at most one options value, got 2"},
	}
	for _, tt := range tests {
		got, err := One("llm: Ask", tt.give)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("One(%v) = %v, %v", tt.give, got, err)
		}
	}
}
