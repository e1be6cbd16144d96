package engine

import "testing"

// TestTypeSwitches runs type switches the interpreter got wrong (quirk type-switch-cases): case error with
// a compiled error in an any; a switch on an error with cases of a cell's types (value and pointer), case
// error and case nil; assertions of an error to a cell's types; and switch any(v).(type) in a generic function instantiated with int first, then a
// cell's type. The outputs are go run's.
func TestTypeSwitches(t *testing.T) {
	runCells(t, []cellCase{
		{code: "type rect struct{ w int }\n\ntype myErr struct{}\n\nfunc (*myErr) Error() string { return \"mine\" }\n\n" +
			"func describe(v any) string {\n\tswitch x := v.(type) {\n\tcase nil:\n\t\treturn \"nil\"\n\tcase error:\n\t\treturn \"error \" + x.Error()\n" +
			"\tcase fmt.Stringer:\n\t\treturn \"stringer \" + x.String()\n\t}\n\treturn \"other\"\n}\n\n" +
			"func mine(err error) string {\n\tswitch e := err.(type) {\n\tcase *myErr:\n\t\treturn \"myErr\"\n\tcase error:\n\t\treturn \"error \" + e.Error()\n\t}\n\treturn \"nil\"\n}\n\n" +
			"func kind[T any](v T) string {\n\tswitch any(v).(type) {\n\tcase int:\n\t\treturn \"int\"\n\tcase rect:\n\t\treturn \"rect\"\n\t}\n\treturn \"other\"\n}"},
		{code: "fmt.Println(describe(errors.New(\"boom\")), describe(time.Second), describe(nil), describe(3))",
			stdout: "error boom stringer 1s nil other\n"},
		{code: "fmt.Println(mine(&myErr{}), mine(errors.New(\"x\")), mine(fmt.Errorf(\"w: %w\", &myErr{})), mine(nil))",
			stdout: "myErr error x error w: mine nil\n"},
		{code: "fmt.Println(kind(1), kind(rect{}), kind(\"s\"))", stdout: "int rect other\n"},
		{code: "type valErr struct{ code int }\n\nfunc (v valErr) Error() string { return \"val\" }\n\n" +
			"func which(err error) string {\n\tswitch e := err.(type) {\n\tcase valErr:\n\t\treturn fmt.Sprint(\"val \", e.code)\n" +
			"\tcase *myErr:\n\t\treturn \"ptr \" + e.Error()\n\tcase nil:\n\t\treturn \"nil\"\n\tdefault:\n\t\treturn \"other \" + e.Error()\n\t}\n}\n" +
			"fmt.Println(which(valErr{3}), which(&myErr{}), which(nil), which(errors.New(\"z\")))", stdout: "val 3 ptr mine nil other z\n"},
		{code: "func t2() {\n\tvar e error = &myErr{}\n\tswitch e.(type) {\n\tcase *myErr:\n\t\tfmt.Println(\"ptr\")\n\tdefault:\n\t\tfmt.Println(\"other\")\n\t}\n}\nt2()", stdout: "ptr\n"},
		{code: "type notFound struct {\n\tname string\n\tn    int\n}\n\nfunc (e notFound) Error() string { return e.name + \" not found\" }\n\n" +
			"func t3() {\n\tvar e error = notFound{\"x\", 1}\n\tn, ok := e.(notFound)\n\tfmt.Println(n, ok, n.name, e.(notFound).n)\n\tvar e2 error = &myErr{}\n\t_, ok2 := e2.(notFound)\n\tm, ok3 := e2.(*myErr)\n\tfmt.Println(ok2, ok3, m)\n}\nt3()",
			stdout: "x not found true x 1\nfalse true mine\n"},
		{code: "var err error = fmt.Errorf(\"w: %w\", &myErr{})\nswitch e := err.(type) {\ncase error:\n\tfmt.Println(\"top\", e)\n}", stdout: "top w: mine\n"},
	})
}

// TestErrorVarStruct gives a struct value with value-receiver methods to a variable of type error and the
// variable to compiled code (quirk error-var-struct): it panicked or printed the fields.
func TestErrorVarStruct(t *testing.T) {
	runCells(t, []cellCase{
		{code: "type notFound struct {\n\tname string\n\tn    int\n}\n\nfunc (e notFound) Error() string { return e.name + \" not found\" }"},
		{code: "var e error = notFound{\"x\", 1}\nfmt.Println(e, errors.Is(e, e))", stdout: "x not found true\n"},
		{code: "func g() {\n\tvar e2 error\n\te2 = notFound{\"y\", 2}\n\tfmt.Println(e2, fmt.Errorf(\"w: %w\", e2))\n}\ng()", stdout: "y not found w: y not found\n"},
	})
}
