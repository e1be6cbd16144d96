package engine

import "testing"

// TestFmtCellsKeepMethods checks that the session's Printf leaves to fmt the values whose type has a
// method fmt calls for the verb: Format for every verb, GoString for %#v, and does not write a wrapped value
// it cannot read back as the value.
func TestFmtCellsKeepMethods(t *testing.T) {
	runCells(t, []cellCase{
		{code: "type money int\n\nfunc (m money) Format(f fmt.State, c rune) { fmt.Fprintf(f, \"$%d%c\", int(m), c) }"},
		// Go calls Format for every verb, %d included.
		{code: "fmt.Printf(\"%v %d %x %+v\\n\", money(5), money(5), money(5), money(5))", stdout: "$5v $5d $5x $5v\n"},
		{code: "fmt.Println(fmt.Sprintf(\"%d|%s\", money(7), money(7)))", stdout: "$7d|$7s\n"},
		{code: "type level int\n\nfunc (l level) String() string { return \"L\" }"},
		{code: "fmt.Printf(\"%v %d %x\\n\", level(3), level(3), level(3))", stdout: "L 3 4c\n"},
	})
}
