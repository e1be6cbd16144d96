package cell

import "testing"

func TestIsComplete(t *testing.T) {
	cases := []struct {
		src, status, indent string
	}{
		{"", "complete", ""},
		{"fmt.Println(\"hi\")", "complete", ""},
		{"x := 1\ny := x", "complete", ""},
		{"%time x := 1", "complete", ""},
		{"!ls", "complete", ""},
		{"func f() {", "incomplete", "\t"},
		{"for i := 0; i < 3; i++ {\n\tif i > 1 {", "incomplete", "\t\t"},
		{"s := `raw", "incomplete", ""},
		{"x := 1 +", "incomplete", ""},
		{"f(a,", "incomplete", "\t"},
		{"x := )", "invalid", ""},
		{"}", "invalid", ""},
		{"func func", "invalid", ""},
		{"func ) {", "invalid", ""},
		{"!echo )\nx := 1", "complete", ""},
		{"x := 1 +\ny := (", "invalid", ""},
		{"if x := f(; x {", "invalid", ""},
		{"s := []int{1, 2,\n3,", "incomplete", "\t"},
		{"type T struct {\n\tA int", "incomplete", "\t"},
	}
	for _, c := range cases {
		got := IsComplete(c.src)
		if got.Status != c.status || got.Indent != c.indent {
			t.Errorf("IsComplete(%q) = %+v, want %s %q", c.src, got, c.status, c.indent)
		}
	}
}
