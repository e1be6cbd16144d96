package local_test

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/display/displaytest"
	"github.com/golm-dev/golm/helpers/local"
	"github.com/golm-dev/golm/helpers/local/synth"
	"github.com/golm-dev/golm/symbols"
	"github.com/traefik/yaegi/interp"
)

// TestFromInterpretedCells calls the learner API the way notebook cells do, through the yaegi interpreter
// with the kernel's symbol tables (package symbols): variadic options given or left out, StreamTo holding a
// compiled writer, Stream showing the answer in the notebook. With llama.cpp it generates with the tiny
// model; without it, every call must fail with ErrNotBuilt, not in the interpreter.
func TestFromInterpretedCells(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tiny.gguf")
	if err := synth.WriteTiny(path, synth.TinyOptions{}); err != nil {
		t.Fatal(err)
	}
	rec := displaytest.Install(t)
	var out bytes.Buffer
	i, err := symbols.NewInterpreter(interp.Options{Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	cells := []string{
		`import (
			"context"
			"errors"
			"fmt"
			"strings"

			"github.com/golm-dev/golm/helpers/local"
		)`,
		`func show(text string, err error) {
			switch {
			case errors.Is(err, local.ErrNotBuilt):
				fmt.Println("not built")
			case err != nil:
				fmt.Println("error:", err)
			default:
				fmt.Println(text)
			}
		}
		func text(r *local.Result) string {
			if r == nil {
				return ""
			}
			return r.Text
		}`,
		`ctx := context.Background()
		m, err := local.Load(ctx, "` + path + `", local.Options{Threads: 2})
		show("loaded", err)`,
		`res, err := m.Complete(ctx, "Jeremy Howard is ")
		show(text(res), err)`,
		`var sb strings.Builder`,
		`res, err = m.Complete(ctx, "Jeremy Howard is ", local.GenerateOptions{MaxTokens: 3, StreamTo: &sb})
		show(text(res)+"|"+sb.String(), err)`,
		`res, err = m.Chat(ctx, []local.Message{{Role: "user", Content: "Who is Jeremy Howard?"}},
			local.GenerateOptions{Stream: true})
		show(text(res), err)`,
		`answer, err := m.Ask(ctx, "Who is Jeremy Howard?", local.GenerateOptions{System: "Be brief."})
		show(answer, err)`,
		`vs, err := m.Embed(ctx, []string{"Jeremy Howard", "Mercury"})
		show(fmt.Sprint(len(vs)), err)
		vs, err = m.Embed(ctx, []string{"Jeremy Howard"}, local.EmbedOptions{})
		show(fmt.Sprint(len(vs)), err)`,
		`_, err = m.Complete(ctx, "x", local.GenerateOptions{}, local.GenerateOptions{})
		fmt.Println(err)`,
		`fmt.Println(m.Close())`,
	}
	for _, c := range cells {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("interpreter panicked on\n%s\n: %v", c, r)
				}
			}()
			if _, err := i.Eval(c); err != nil {
				t.Fatalf("eval\n%s\n: %v\noutput so far:\n%s", c, err, out.String())
			}
		}()
	}
	want := []string{"loaded", synth.TinyContinuation, "a data scientist|a data scientist", synth.TinyAnswer,
		synth.TinyAnswer, "2", "1"}
	if !local.Built {
		want = []string{"not built", "not built", "not built", "not built", "not built", "not built", "not built"}
	}
	want = append(want, "local: Complete takes at most one options value, got 2", "<nil>")
	if got := strings.TrimSpace(out.String()); got != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	// Chat with Stream made one display, with the answer (or, without llama.cpp, the error).
	if n := len(rec.Displays()); n != 1 {
		t.Errorf("%d displays, want 1", n)
	}
}
