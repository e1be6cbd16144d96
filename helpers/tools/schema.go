package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Schema is a JSON schema, the subset that function calling uses. Properties keep the order of the struct
// fields they come from, so the schema reads like the struct.
type Schema struct {
	// Type is "object", "array", "string", "integer", "number" or "boolean"; "" accepts any JSON value.
	Type string
	// Description explains the value to the model.
	Description string
	// Format refines a string type, such as "date-time".
	Format string
	// Enum lists the values allowed.
	Enum []any
	// Default is the value used when the argument is left out; nil means none.
	Default any
	// Minimum is the smallest number allowed, when not nil.
	Minimum *float64
	// Items describes the elements of an array.
	Items *Schema
	// Properties describes the fields of an object, in order.
	Properties []Property
	// Required names the properties that must be present.
	Required []string
	// Values describes the values of an object with arbitrary keys (a Go map); nil with Type "object"
	// means that no properties other than Properties are allowed.
	Values *Schema
}

// Property is a named field of an object schema.
type Property struct {
	// Name is the property's JSON name.
	Name string
	// Schema describes its value.
	Schema *Schema
}

// Property returns the schema of the named property, or nil.
func (s *Schema) Property(name string) *Schema {
	for _, p := range s.Properties {
		if p.Name == name {
			return p.Schema
		}
	}
	return nil
}

// MarshalJSON writes the schema with its keys in a fixed order and the properties in field order.
func (s *Schema) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := s.write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Schema) write(b *bytes.Buffer) error {
	b.WriteByte('{')
	n := 0
	key := func(k string) {
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
	}
	val := func(v any) error {
		vb, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(vb)
		return nil
	}
	if s.Type != "" {
		key("type")
		_ = val(s.Type)
	}
	if s.Description != "" {
		key("description")
		_ = val(s.Description)
	}
	if s.Format != "" {
		key("format")
		_ = val(s.Format)
	}
	if len(s.Enum) > 0 {
		key("enum")
		if err := val(s.Enum); err != nil {
			return fmt.Errorf("enum: %w", err)
		}
	}
	if s.Default != nil {
		key("default")
		if err := val(s.Default); err != nil {
			return fmt.Errorf("default: %w", err)
		}
	}
	if s.Minimum != nil {
		key("minimum")
		_ = val(*s.Minimum)
	}
	if s.Items != nil {
		key("items")
		if err := s.Items.write(b); err != nil {
			return err
		}
	}
	if s.Type == "object" {
		key("properties")
		b.WriteByte('{')
		for i, p := range s.Properties {
			if i > 0 {
				b.WriteByte(',')
			}
			kb, _ := json.Marshal(p.Name)
			b.Write(kb)
			b.WriteByte(':')
			if err := p.Schema.write(b); err != nil {
				return fmt.Errorf("property %s: %w", p.Name, err)
			}
		}
		b.WriteByte('}')
		if len(s.Required) > 0 {
			key("required")
			_ = val(s.Required)
		}
		key("additionalProperties")
		if s.Values != nil {
			if err := s.Values.write(b); err != nil {
				return err
			}
		} else {
			b.WriteString("false")
		}
	}
	b.WriteByte('}')
	return nil
}

// String returns the schema as indented JSON.
func (s *Schema) String() string {
	return indent(s)
}

// HTML renders the schema as a preformatted JSON block.
func (s *Schema) HTML() string {
	return `<pre style="margin:0">` + html.EscapeString(s.String()) + `</pre>`
}

func indent(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<invalid schema: %v>", err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return string(raw)
	}
	return out.String()
}

// Struct tags read by SchemaOf (the same conventions as go-openai's jsonschema package, plus default):
//
//	json:"name,omitempty"   the property name; omitempty makes it optional; "-" leaves the field out
//	description:"..."       what the field means, for the model
//	default:"..."           the value used when the model leaves the field out (makes it optional);
//	                        a string field takes the text as it is, other fields parse it as JSON
//	enum:"a,b,c"            the values allowed, comma-separated (parsed like default)
//	required:"true|false"   overrides the rule above
const (
	tagDescription = "description"
	tagDefault     = "default"
	tagEnum        = "enum"
	tagRequired    = "required"
)

var (
	timeType    = reflect.TypeOf(time.Time{})
	rawJSONType = reflect.TypeOf(json.RawMessage(nil))
)

// SchemaOf returns the JSON schema of a Go type, as encoding/json reads it. A struct becomes an object whose
// properties are its exported fields, named by their json tags; see the package documentation for the tags
// that give descriptions, defaults, allowed values and required fields. Channels, functions and complex
// numbers have no schema and give an error.
func SchemaOf(t reflect.Type) (*Schema, error) {
	if t == nil {
		return nil, fmt.Errorf("tools: no type")
	}
	return schemaOf(t, nil)
}

func schemaOf(t reflect.Type, seen []reflect.Type) (*Schema, error) {
	for _, s := range seen {
		if s == t {
			return nil, fmt.Errorf("type %s refers to itself, which a tool schema cannot express", t)
		}
	}
	switch t {
	case timeType:
		return &Schema{Type: "string", Format: "date-time"}, nil
	case rawJSONType:
		return &Schema{}, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return &Schema{Type: "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return &Schema{Type: "integer"}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		zero := 0.0
		return &Schema{Type: "integer", Minimum: &zero}, nil
	case reflect.Float32, reflect.Float64:
		return &Schema{Type: "number"}, nil
	case reflect.String:
		return &Schema{Type: "string"}, nil
	case reflect.Interface:
		return &Schema{}, nil
	case reflect.Pointer:
		return schemaOf(t.Elem(), seen)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			return &Schema{Type: "string", Description: "base64-encoded bytes"}, nil
		}
		items, err := schemaOf(t.Elem(), append(seen, t))
		if err != nil {
			return nil, err
		}
		return &Schema{Type: "array", Items: items}, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map key type %s is not a string", t.Key())
		}
		values, err := schemaOf(t.Elem(), append(seen, t))
		if err != nil {
			return nil, err
		}
		return &Schema{Type: "object", Values: values}, nil
	case reflect.Struct:
		return structSchema(t, append(seen, t))
	}
	return nil, fmt.Errorf("type %s (%s) cannot be sent as JSON", t, t.Kind())
}

// field is an exported struct field as encoding/json sees it.
type field struct {
	name     string
	index    []int
	typ      reflect.Type
	tag      reflect.StructTag
	optional bool // omitempty or a default
}

// fields lists the JSON fields of a struct type, flattening embedded structs without a json name.
func fields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		ft := f.Type
		if f.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for _, sub := range fields(et) {
					sub.index = append([]int{i}, sub.index...)
					out = append(out, sub)
				}
				continue
			}
		}
		if !f.IsExported() || interpretedUnexported(t, f) {
			continue
		}
		if name == "" {
			name = f.Name
		}
		_, hasDefault := f.Tag.Lookup(tagDefault)
		out = append(out, field{
			name:     name,
			index:    []int{i},
			typ:      ft,
			tag:      f.Tag,
			optional: hasDefault || hasOption(opts, "omitempty") || hasOption(opts, "omitzero"),
		})
	}
	return out
}

func hasOption(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

func structSchema(t reflect.Type, seen []reflect.Type) (*Schema, error) {
	s := &Schema{Type: "object"}
	for _, f := range fields(t) {
		fs, err := schemaOf(f.typ, seen)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.name, err)
		}
		// Copy, so that shared schemas (time.Time) are not edited in place.
		c := *fs
		fs = &c
		if d := f.tag.Get(tagDescription); d != "" {
			fs.Description = d
		}
		if d, ok := f.tag.Lookup(tagDefault); ok {
			v, err := parseTagValue(f.typ, d)
			if err != nil {
				return nil, fmt.Errorf("field %s: default %q: %w", f.name, d, err)
			}
			fs.Default = v
		}
		if e := f.tag.Get(tagEnum); e != "" {
			// On a list the allowed values are those of its elements.
			target, et := fs, f.typ
			if fs.Type == "array" && fs.Items != nil {
				items := *fs.Items
				fs.Items = &items
				target, et = &items, derefType(f.typ).Elem()
			}
			for _, item := range strings.Split(e, ",") {
				v, err := parseTagValue(et, strings.TrimSpace(item))
				if err != nil {
					return nil, fmt.Errorf("field %s: enum value %q: %w", f.name, item, err)
				}
				target.Enum = append(target.Enum, v)
			}
		}
		required := !f.optional
		if r, ok := f.tag.Lookup(tagRequired); ok {
			b, err := strconv.ParseBool(r)
			if err != nil {
				return nil, fmt.Errorf("field %s: required %q: %w", f.name, r, err)
			}
			required = b
		}
		if s.Property(f.name) != nil {
			return nil, fmt.Errorf("two fields are named %q", f.name)
		}
		s.Properties = append(s.Properties, Property{Name: f.name, Schema: fs})
		if required {
			s.Required = append(s.Required, f.name)
		}
	}
	return s, nil
}

// parseTagValue reads the text of a default or enum tag as a value for a field of type t: the text itself for
// strings, JSON for everything else. It returns the value as it will appear in the schema.
func parseTagValue(t reflect.Type, text string) (any, error) {
	t = derefType(t)
	if t.Kind() == reflect.String {
		return text, nil
	}
	v := reflect.New(t)
	if err := json.Unmarshal([]byte(text), v.Interface()); err != nil {
		return nil, fmt.Errorf("not a valid %s: %w", t, err)
	}
	var out any
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		return nil, err
	}
	return out, nil
}

// setDefaults stores the default of every field of struct value v that has a default tag, recursing into
// nested structs.
func setDefaults(v reflect.Value) error {
	if v.Kind() != reflect.Struct {
		return nil
	}
	for _, f := range fields(v.Type()) {
		fv, ok := fieldByIndex(v, f.index)
		if !ok {
			continue
		}
		if d, has := f.tag.Lookup(tagDefault); has {
			data := []byte(d)
			if derefType(f.typ).Kind() == reflect.String {
				data, _ = json.Marshal(d)
			}
			if err := json.Unmarshal(data, fv.Addr().Interface()); err != nil {
				return fmt.Errorf("field %s: default %q: %w", f.name, d, err)
			}
			continue
		}
		if f.typ.Kind() == reflect.Struct {
			if err := setDefaults(fv); err != nil {
				return err
			}
		}
	}
	return nil
}

// fieldByIndex follows an index path without allocating nil embedded pointers.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, v.CanSet()
}

// checkRequired reports the first required property missing from a decoded JSON value, recursing into objects
// and arrays. path names the value for the message.
func checkRequired(s *Schema, v any, path string) error {
	switch x := v.(type) {
	case map[string]any:
		if s.Type != "object" {
			return nil
		}
		for _, r := range s.Required {
			if _, ok := x[r]; !ok {
				return fmt.Errorf("missing required argument %q", join(path, r))
			}
		}
		for _, p := range s.Properties {
			if pv, ok := x[p.Name]; ok {
				if err := checkRequired(p.Schema, pv, join(path, p.Name)); err != nil {
					return err
				}
			}
		}
	case []any:
		if s.Items == nil {
			return nil
		}
		for i, item := range x {
			if err := checkRequired(s.Items, item, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// interpretedUnexported reports whether a field is an unexported field of a struct declared in interpreted
// code: yaegi builds such structs with reflect.StructOf, which cannot make unexported fields, so it exports
// them with an X in front ("hidden" becomes "Xhidden"). The struct type then has no name. (A field named
// like that in an unnamed compiled struct, such as Xray, is left out too; a named struct type avoids it.)
func interpretedUnexported(t reflect.Type, f reflect.StructField) bool {
	if t.Name() != "" || len(f.Name) < 2 || f.Name[0] != 'X' {
		return false
	}
	c := f.Name[1]
	return c == '_' || 'a' <= c && c <= 'z'
}

// Strict returns a copy of the schema in the form OpenAI's Structured Outputs accept with "strict": true:
// every property of every object is required (the model always fills it in; a Go field that may be empty
// should say so in its description), and defaults are dropped. An object with arbitrary keys (a Go map) or
// a value of any type has no strict form and gives an error.
func (s *Schema) Strict() (*Schema, error) {
	return s.strict("")
}

func (s *Schema) strict(path string) (*Schema, error) {
	if s == nil {
		return nil, nil
	}
	where := path
	if where == "" {
		where = "the value"
	}
	if s.Type == "" {
		return nil, fmt.Errorf("tools: %s accepts any JSON value, which strict structured outputs do not allow", where)
	}
	if s.Values != nil {
		return nil, fmt.Errorf("tools: %s is a map (an object with arbitrary keys), which strict structured "+
			"outputs do not allow: use a struct or a slice of key-value structs", where)
	}
	cp := *s
	cp.Default = nil
	var err error
	if cp.Items, err = s.Items.strict(path + "[]"); err != nil {
		return nil, err
	}
	if s.Type == "object" {
		cp.Properties = make([]Property, len(s.Properties))
		cp.Required = make([]string, len(s.Properties))
		for i, p := range s.Properties {
			ps, err := p.Schema.strict(join(path, p.Name))
			if err != nil {
				return nil, err
			}
			cp.Properties[i] = Property{Name: p.Name, Schema: ps}
			cp.Required[i] = p.Name
		}
	}
	return &cp, nil
}
