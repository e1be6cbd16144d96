package tools

import (
	"regexp"
	"strings"
	"testing"
)

// TestValidName: the loop agrees with the OpenAI API's rule for tool names written as a regular expression.
func TestValidName(t *testing.T) {
	rule := regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	names := []string{"", "a", "get_weather", "get-weather", "GetWeather2", "get weather", "get.weather", "wéather",
		strings.Repeat("x", 64), strings.Repeat("x", 65), "x\n", "/", ":", "@", "[", "`", "{", "-", "_"}
	for _, n := range names {
		if got, want := validName(n), rule.MatchString(n); got != want {
			t.Errorf("validName(%q) = %v, the rule says %v", n, got, want)
		}
	}
}
