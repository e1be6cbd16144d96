package displaytest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/helpers/display/displaytest"
)

func TestRecorder(t *testing.T) {
	r := displaytest.Install(t)
	d := display.New("first")
	_ = d.Markdown("second")
	_ = display.HTML("<b>x</b>")
	_ = display.Clear()
	if got := r.Shown(); len(got) != 3 || got[0].ID != d.ID() || !got[1].Update || got[2].ID != "" {
		t.Fatalf("shown %+v", got)
	}
	if len(r.Displays()) != 2 || len(r.Updates()) != 1 || r.Clears() != 1 {
		t.Fatalf("displays %d updates %d clears %d", len(r.Displays()), len(r.Updates()), r.Clears())
	}
	r.Answer([]string{"yes"})
	if a, err := display.Input(context.Background(), "Run it?"); a != "yes" || err != nil {
		t.Fatalf("%q %v", a, err)
	}
	if _, err := display.Input(context.Background(), "again?"); err == nil {
		t.Fatal("an input with no answer left succeeded")
	}
	boom := errors.New("boom")
	r.FailInput(boom)
	if _, err := display.Input(context.Background(), "x"); !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if p := r.Prompts(); len(p) != 3 || p[0] != "Run it?" {
		t.Fatalf("prompts %q", p)
	}
	r.Reset()
	if len(r.Shown()) != 0 || len(r.Prompts()) != 0 {
		t.Fatal("Reset kept records")
	}
}

func TestInstallRestores(t *testing.T) {
	before := display.Current()
	t.Run("inner", func(t *testing.T) {
		r := displaytest.Install(t)
		if display.Current() != display.Frontend(r) {
			t.Fatal("not installed")
		}
	})
	if display.Current() != before {
		t.Fatal("the previous front end was not restored")
	}
}
