package engine

import (
	"context"
	"strings"
	"testing"
)

// TestSystemPackages runs os/exec, syscall and unsafe in cells, as they run in the user's own program;
// exiting stays a panic that leaves the session running.
func TestSystemPackages(t *testing.T) {
	s, out, _ := newSession(t)
	cases := []struct {
		code, stdout, result, err string
	}{
		{code: "out, err := exec.Command(\"echo\", \"hi\").Output()\nfmt.Printf(\"%q %v\\n\", out, err)", stdout: "\"hi\\n\" <nil>\n"},
		{code: "import \"os/exec\"\ncmd := exec.CommandContext(ctx, \"sh\", \"-c\", \"echo $0\")\nb, _ := cmd.CombinedOutput()\nstring(b)", result: `"sh\n"`},
		{code: "_, err := exec.LookPath(\"golm-no-such-command\")\nerrors.Is(err, exec.ErrNotFound)", result: "true"},
		{code: "syscall.Getpid() == os.Getpid()", result: "true"},
		{code: "var st syscall.Stat_t\nsyscall.Stat(\"/\", &st)\nst.Mode&syscall.S_IFDIR != 0", result: "true"},
		{code: "import \"unsafe\"\nunsafe.Sizeof(int64(0))", result: "8"},
		{code: "x := 42\np := unsafe.Pointer(&x)\n*(*int)(p)", result: "42"},
		{code: "proc, err := os.FindProcess(os.Getpid())\nproc != nil && err == nil", result: "true"},
		{code: "syscall.Exit(3)", err: "os.Exit(3)"},
		{code: "1 + 1", result: "2"}, // the session goes on
	}
	for _, c := range cases {
		out.Reset()
		r, err := s.Execute(context.Background(), c.code)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err = %v, want %q", c.code, err, c.err)
			}
			continue
		case err != nil:
			t.Errorf("%q: %v", c.code, err)
			continue
		}
		if out.String() != c.stdout {
			t.Errorf("%q printed %q, want %q", c.code, out.String(), c.stdout)
		}
		if c.result != "" && text(r) != c.result {
			t.Errorf("%q = %s, want %s", c.code, text(r), c.result)
		}
	}
}
