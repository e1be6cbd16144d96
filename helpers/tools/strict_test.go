package tools

import (
	"reflect"
	"strings"
	"testing"
)

func TestStrictSchema(t *testing.T) {
	type item struct {
		Name  string   `json:"name" description:"what it is"`
		Count int      `json:"count,omitempty" default:"1"`
		Tags  []string `json:"tags,omitempty"`
	}
	type order struct {
		Items []item `json:"items"`
		Note  string `json:"note,omitempty"`
	}
	s, err := SchemaOf(reflect.TypeOf(order{}))
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Strict()
	if err != nil {
		t.Fatal(err)
	}
	got := st.String()
	for _, want := range []string{`"required": [
    "items",
    "note"
  ]`, `"required": [
          "name",
          "count",
          "tags"
        ]`, `"additionalProperties": false`} {
		if !strings.Contains(got, want) {
			t.Errorf("strict schema lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, `"default"`) {
		t.Errorf("strict schema keeps a default:\n%s", got)
	}
	if strings.Contains(s.String(), `"note"
  ]`) {
		t.Error("Strict changed the original schema")
	}
	for _, bad := range []any{map[string]int{}, struct {
		M map[string]int `json:"m"`
	}{}, struct {
		V any `json:"v"`
	}{}} {
		s, err := SchemaOf(reflect.TypeOf(bad))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Strict(); err == nil {
			t.Errorf("%T: no error", bad)
		}
	}
}
