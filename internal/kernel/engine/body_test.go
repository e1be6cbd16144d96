package engine

import "testing"

// TestCellBody runs cells whose top-level statements must behave as one function body: defer runs when the
// cell ends, recover in a deferred function stops the cell's panic, return ends the cell; variables the
// cell declared stay in the session.
func TestCellBody(t *testing.T) {
	s, out, _ := newSession(t)
	cases := []cellCase{
		{code: "defer fmt.Println(\"deferred 1\")\nfmt.Println(\"body\")\ndefer fmt.Println(\"deferred 2\")\nfmt.Println(\"end\")",
			stdout: "body\nend\ndeferred 2\ndeferred 1\n"},
		// Arguments are evaluated at the defer statement.
		{code: "i := 1\ndefer fmt.Println(\"i at defer:\", i)\ni = 2\nfmt.Println(\"i now:\", i)", stdout: "i now: 2\ni at defer: 1\n"},
		{code: "i", result: "2"},
		{code: "for k := 0; k < 3; k++ {\n\tdefer fmt.Println(\"loop defer\", k)\n}\nfmt.Println(\"loop done\")",
			stdout: "loop done\nloop defer 2\nloop defer 1\nloop defer 0\n"},
		{code: "defer func() {\n\tif r := recover(); r != nil {\n\t\tfmt.Println(\"recovered:\", r)\n\t}\n}()\nfmt.Println(\"before\")\npanic(\"boom\")\nfmt.Println(\"not reached\")",
			stdout: "before\nrecovered: boom\n"},
		// A run-time error recovered is Go's runtime error.
		{code: "var zz []int\ndefer func() {\n\tr := recover()\n\t_, isErr := r.(error)\n\tfmt.Println(\"recovered:\", r, isErr)\n}()\nzz[3] = 1",
			stdout: "recovered: runtime error: index out of range [3] with length 0 true\n"},
		{code: "defer func() { fmt.Println(\"recover outside a panic:\", recover()) }()", stdout: "recover outside a panic: <nil>\n"},
		{code: "defer fmt.Println(\"unrecovered defer\")\npanic(\"no recover\")", stdout: "unrecovered defer\n", err: "no recover"},
		{code: "x := 5\nif x > 3 {\n\tfmt.Println(\"big\")\n\treturn\n}\nfmt.Println(\"not reached\")", stdout: "big\n"},
		{code: "x", result: "5"},
		{code: "y := 7\nfmt.Println(\"a\")\nreturn\nfmt.Println(\"b\")", stdout: "a\n"},
		{code: "y", result: "7"},
		{code: "defer fmt.Println(\"after return\")\nfor _, v := range []int{1, 2, 3} {\n\tif v == 2 {\n\t\treturn\n\t}\n\tfmt.Println(v)\n}\nfmt.Println(\"not reached\")",
			stdout: "1\nafter return\n"},
		{code: "if true {\n\treturn 1\n}", err: "too many return values"},
		{code: "mu := sync.Mutex{}\nmu.Lock()\ndefer mu.Unlock()\nfmt.Println(\"locked\")", stdout: "locked\n"},
		{code: "mu.TryLock()", result: "true"},
		// Functions the cell declares keep their own defers.
		{code: "func safe() (err error) {\n\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\terr = fmt.Errorf(\"recovered: %v\", r)\n\t\t}\n\t}()\n\tpanic(\"inner\")\n}\nsafe()",
			result: "recovered: inner"},
	}
	checkCells(t, s, out, cases)
}
