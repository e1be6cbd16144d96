package weaviate

import (
	"regexp"
	"strings"
	"testing"
)

// TestValidClassName: the loop agrees with Weaviate's rule written as a regular expression.
func TestValidClassName(t *testing.T) {
	rule := regexp.MustCompile(`^[A-Z][_0-9A-Za-z]{0,254}$`)
	names := []string{"", "A", "a", "Docs", "Docs_2", "_Docs", "9Docs", "Docs-2", "Docs 2", "Dócs", "DOCS",
		"D" + strings.Repeat("x", 254), "D" + strings.Repeat("x", 255), "Docs\n", "Z_", "[Docs", "Docs]", "Docs`", "Docs{", "Docs@", "Docs/"}
	for _, n := range names {
		if got, want := validClassName(n), rule.MatchString(n); got != want {
			t.Errorf("validClassName(%q) = %v, the rule says %v", n, got, want)
		}
	}
}
