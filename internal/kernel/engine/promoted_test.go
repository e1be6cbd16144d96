package engine

import "testing"

// TestPromotedInterfaceMethods calls methods that a struct promotes from an embedded interface, the
// interface itself embedding another, beside an embedded pointer to a struct (quirk
// embedded-interface-method). The outputs are go run's.
func TestPromotedInterfaceMethods(t *testing.T) {
	runCells(t, []cellCase{
		{code: "type named interface{ Name() string }\n\ntype greeter interface {\n\tnamed\n\tGreet() string\n}\n\n" +
			"type animal struct{ name string }\n\nfunc (a animal) Name() string  { return a.name }\nfunc (a animal) Greet() string { return \"hello from \" + a.name }\n\n" +
			"type logger struct{ lines []string }\n\nfunc (l *logger) Log(s string) { l.lines = append(l.lines, s) }\n\n" +
			"type service struct {\n\t*logger\n\tgreeter\n\tid int\n}"},
		{code: "s := service{logger: &logger{}, greeter: animal{\"rex\"}, id: 1}\ns.Log(\"start\")\ns.Log(s.Greet())\nfmt.Println(s.Name(), len(s.lines), s.lines)",
			stdout: "rex 2 [start hello from rex]\n"},
		{code: "func f(sv *service) string { return sv.Greet() + \"!\" }\nfmt.Println(f(&service{greeter: animal{\"a\"}}))", stdout: "hello from a!\n"},
	})
}
