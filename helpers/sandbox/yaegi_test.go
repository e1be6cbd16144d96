package sandbox_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/golm-dev/golm/symbols"

	"github.com/traefik/yaegi/interp"
)

// The interpreter's symbol tables come from the kernel (package symbols, generated with
// go generate ./symbols), so these tests call the package exactly as notebook cells do.

// The sandbox used from notebook cells: the package is compiled, the cells are interpreted.
func TestFromInterpretedCells(t *testing.T) {
	var out bytes.Buffer
	i, err := symbols.NewInterpreter(interp.Options{Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	cells := []string{
		`import (
			"context"
			"fmt"
			"time"

			"github.com/golm-dev/golm/helpers/sandbox"
		)`,
		`sb := sandbox.New(sandbox.Options{Confirm: sandbox.Always, Timeout: 2 * time.Second})`,
		`res, err := sb.Run(context.Background(), "a := 1\nb := 2\na+b")`,
		`fmt.Println(res.Value, err)`,
		`func ok(ctx context.Context, code string) (bool, error) {
			fmt.Println("asked to run:", code)
			return true, nil
		}`,
		`sb2 := sandbox.New(sandbox.Options{Timeout: 2 * time.Second}).SetConfirmFunc(ok)`,
		`res2, err := sb2.Run(context.Background(), "6 * 7")`,
		`fmt.Println(res2.Value, err)`,
		`sb3 := sandbox.New(sandbox.Options{Timeout: 2 * time.Second, ConfirmFunc: ok})`,
		`res3, err := sb3.Run(context.Background(), "2 * 21")`,
		`fmt.Println(res3.Value, err)`,
		`_, err = sb.Run(context.Background(), "import \"os/exec\"\nexec.Command(\"id\").Run()")`,
		`fmt.Println(err != nil)`,
		`tool, err := sb.Tool()`,
		`fmt.Println(tool.Name(), err)`,
		// New with no options, and the layers it would use.
		`sb4 := sandbox.New()`,
		`fmt.Println(sb4.Options().Confinement, sb4.Options().Timeout)`,
		`opts := sandbox.Options{Confirm: sandbox.Always, Confinement: sandbox.Unconfined}`,
		`res5, err := sandbox.New(opts).Run(context.Background(), "5 * 5")`,
		`fmt.Println(res5.Value, err, res5.Layers)`,
	}
	for _, c := range cells {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("interpreter panicked on %s: %v", c, r)
				}
			}()
			if _, err := i.Eval(c); err != nil {
				t.Fatalf("%s: %v", c, err)
			}
		}()
	}
	want := "3 <nil>\nasked to run: 6 * 7\n42 <nil>\nasked to run: 2 * 21\n42 <nil>\ntrue\nrun_go <nil>\n" +
		"Strict 10s\n25 <nil> none (unconfined)\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, strings.ReplaceAll(want, "\n", "\n"))
	}
}
