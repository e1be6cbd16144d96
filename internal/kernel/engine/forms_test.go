package engine

import (
	"context"
	"testing"
)

// TestTopLevelForms runs, in one session, the top-level forms the interpreter cannot compile as written
// (quirk comma-ok-define): each cell must print what go run prints for the same statements.
func TestTopLevelForms(t *testing.T) {
	s, out, _ := newSession(t)
	cases := []struct {
		code, stdout, result string
	}{
		{code: "m := map[string]int{\"a\": 1}\nv, ok := m[\"a\"]\nfmt.Println(v, ok)", stdout: "1 true\n"},
		{code: "v, ok := m[\"zz\"]\nfmt.Println(v, ok)", stdout: "0 false\n"}, // declared again
		{code: "fmt.Println(v, ok)", stdout: "0 false\n"},                     // session variables
		{code: "w, found := m[\"b\"]\nfmt.Println(w, found)", stdout: "0 false\n"},
		{code: "ch := make(chan string, 2)\nch <- \"hi\"\nmsg, open := <-ch\nfmt.Println(msg, open)", stdout: "hi true\n"},
		{code: "close(ch)\nmsg2, open2 := <-ch\nfmt.Printf(\"%q %v\\n\", msg2, open2)", stdout: "\"\" false\n"},
		{code: "_, open = <-ch\nfmt.Println(open)", stdout: "false\n"}, // assigning variables that exist
		// A failed comma-ok sets the value to the zero value.
		{code: "v, ok = m[\"a\"]\nv, ok = m[\"zz\"]\nfmt.Println(v, ok)", stdout: "0 false\n"},
		{code: "func loop() {\n\tfor _, k := range []string{\"a\", \"zz\"} {\n\t\tv, ok := m[k]\n\t\tfmt.Println(v, ok)\n\t}\n}\nloop()", stdout: "1 true\n0 false\n"},
		{code: "for _, x := range []any{3, \"s\"} {\n\tn, isInt := x.(int)\n\tfmt.Println(n, isInt)\n}", stdout: "3 true\n0 false\n"},
		{code: "done := make(chan int)\ngo func() { done <- 7 }()\nx := <-done\nfmt.Println(x)", stdout: "7\n"},
		{code: "x + 1", result: "8"},
		{code: "var i any = \"s\"\nn, isInt := i.(int)\nstr, isStr := i.(string)\nfmt.Println(n, isInt, str, isStr)", stdout: "0 false s true\n"},
		{code: "type Pt struct{ X int }\npm := map[string]Pt{\"a\": {1}}\npv, _ := pm[\"a\"]\npv", result: "Pt{X: 1}"},
		// A map given by a call is evaluated once.
		{code: "func mk() map[int]string { fmt.Println(\"mk\"); return map[int]string{1: \"one\"} }\nname, has := mk()[1]\nfmt.Println(name, has)", stdout: "mk\none true\n"},
		{code: "messages := make(chan string, 1)\nmessages <- \"ping\"", stdout: ""},
		{code: "<-messages == \"ping\" && true", result: "true"},
		// A receive that waits, used as a condition (quirk recv-condition).
		{code: "bc := make(chan bool)\ngo func() { time.Sleep(20 * time.Millisecond); bc <- true }()\n<-bc && true", result: "true"},
		{code: "go func() { time.Sleep(20 * time.Millisecond); bc <- true }()\nif <-bc {\n\tfmt.Println(\"yes\")\n}", stdout: "yes\n"},
		{code: "ic := make(chan int)\nfunc next() int { return <-ic }\ngo func() { ic <- 5 }()\nnext()", result: "5"},
		{code: "func both() bool { return <-bc || false }\ngo func() { time.Sleep(20 * time.Millisecond); bc <- true }()\nboth()", result: "true"},
	}
	for _, c := range cases {
		out.Reset()
		r, err := s.Execute(context.Background(), c.code)
		if err != nil {
			t.Errorf("%q: %v", c.code, err)
			continue
		}
		if out.String() != c.stdout {
			t.Errorf("%q printed %q, want %q", c.code, out.String(), c.stdout)
		}
		if want := c.result; want != "" && text(r) != want {
			t.Errorf("%q = %s, want %s", c.code, text(r), want)
		}
	}
}
