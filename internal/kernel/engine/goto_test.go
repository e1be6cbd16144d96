package engine

import "testing"

// TestTopLevelGoto runs a goto and its label among a cell's top-level statements, backward and forward:
// golm ran the statements apart, and the interpreter said the label was undefined.
func TestTopLevelGoto(t *testing.T) {
	runCells(t, []cellCase{
		{code: "i := 0\nretry:\n\ti++\n\tif i < 3 {\n\t\tgoto retry\n\t}\nfmt.Println(\"tries\", i)", stdout: "tries 3\n"},
		{code: "n := 0\ngoto skip\nn = 100\nskip:\nfmt.Println(\"n\", n)", stdout: "n 0\n"},
		{code: "fmt.Println(i + n)", stdout: "3\n"},
	})
}
