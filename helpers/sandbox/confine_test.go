package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// Where a layer Strict needs is missing, Run refuses before asking or starting anything, and says why and
// how to allow running anyway; BestEffort runs and reports what held; Unconfined runs with no layer.
func TestStrictRefuses(t *testing.T) {
	for _, skip := range [][]string{{"landlock"}, {"seccomp"}, {"no_new_privs"}} {
		t.Run(skip[0], func(t *testing.T) {
			asked := false
			sb := New(Options{Timeout: 2 * time.Second, ConfirmFunc: func(context.Context, string) (bool, error) {
				asked = true
				return true, nil
			}})
			sb.skip = skip
			res, err := sb.Run(context.Background(), `println("RAN")`)
			if !errors.Is(err, ErrUnconfined) {
				t.Fatalf("error = %v, want ErrUnconfined", err)
			}
			for _, want := range []string{skip[0] + ": left out by the test", "not a security boundary", "Confinement: sandbox.BestEffort"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if asked || strings.Contains(res.Output, "RAN") {
				t.Errorf("asked %v, output %q: nothing may happen before the refusal", asked, res.Output)
			}
		})
	}
}

// The child checks for itself: told to run under Strict without a layer (as on a kernel the parent's
// probe misjudged, or on a system without them), it refuses before reading the program.
func TestChildRefusesUnconfined(t *testing.T) {
	for _, skip := range []string{"landlock", "seccomp", "no_new_privs"} {
		opts := New(Options{Timeout: 2 * time.Second}).Options()
		res := &Result{}
		req := request{Timeout: opts.Timeout, MemoryLimit: opts.MemoryLimit, Programs: []string{"package main\nfunc main() { println(\"RAN\") }"}}
		err := execute(context.Background(), opts, req, res, childConfig{Skip: []string{skip}})
		if !errors.Is(err, ErrUnconfined) || strings.Contains(res.Output, "RAN") {
			t.Errorf("%s: error = %v, output %q", skip, err, res.Output)
		}
	}
}

func TestBestEffortAndUnconfined(t *testing.T) {
	sb := New(Options{Confirm: Always, Timeout: 2 * time.Second, Confinement: BestEffort})
	sb.skip = []string{"landlock"}
	res, err := sb.Run(context.Background(), "6 * 7")
	if err != nil || res.Value != "42" {
		t.Fatalf("BestEffort: %v, %q", err, res.Value)
	}
	if res.Layers.Landlock != 0 || !strings.Contains(strings.Join(res.Layers.Missing, ";"), "Landlock") {
		t.Errorf("BestEffort without Landlock reported %s, missing %v", res.Layers, res.Layers.Missing)
	}
	res, err = New(Options{Confirm: Always, Timeout: 2 * time.Second, Confinement: Unconfined}).Run(context.Background(), "6 * 7")
	if err != nil || res.Value != "42" || res.Layers.String() != "none (unconfined)" {
		t.Errorf("Unconfined: %v, %q, %s", err, res.Value, res.Layers)
	}
}

// On this machine: Strict runs when the layers are here and refuses otherwise (macOS, Windows, old
// kernels), with the reason.
func TestNoConfinementHere(t *testing.T) {
	l := New().Layers()
	t.Logf("this machine: %s; missing: %v", l, l.Missing)
	_, err := New(Options{Confirm: Always, Timeout: 2 * time.Second}).Run(context.Background(), "1")
	if l.strictOK() != (err == nil) {
		t.Errorf("layers %s (strict ok: %v), run error %v", l, l.strictOK(), err)
	}
	if err != nil && (!errors.Is(err, ErrUnconfined) || !strings.Contains(err.Error(), "BestEffort")) {
		t.Errorf("refusal %v", err)
	}
}

func TestLayersString(t *testing.T) {
	tests := []struct {
		l    Layers
		want string
	}{
		{Layers{}, "none (unconfined)"},
		{Layers{NoNewPrivs: true, Seccomp: true, Landlock: 3}, "no_new_privs, seccomp, landlock (ABI 3)"},
		{Layers{NoNewPrivs: true, Seccomp: true, Landlock: 7, Namespaces: true, PrivateProc: true, ScratchQuota: true},
			"no_new_privs, seccomp, landlock (ABI 7), namespaces (user, net, pid, mount, ipc), private /proc, scratch quota (tmpfs)"},
	}
	for _, tt := range tests {
		if got := tt.l.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.l, got, tt.want)
		}
	}
	for c, want := range map[Confinement]string{Strict: "Strict", BestEffort: "BestEffort", Unconfined: "Unconfined", 9: "Confinement(9)"} {
		if c.String() != want {
			t.Errorf("%d: %q", int(c), c.String())
		}
	}
}

func TestNewOptions(t *testing.T) {
	if o := New().Options(); o.Confirm != Ask || o.Confinement != Strict || o.Timeout != DefaultTimeout {
		t.Errorf("New(): %+v", o)
	}
	if o := New(Options{Timeout: time.Second}).Options(); o.Timeout != time.Second {
		t.Errorf("New(opts): %+v", o)
	}
	_, err := New(Options{}, Options{}).Run(context.Background(), "1")
	if err == nil || !strings.Contains(err.Error(), "at most one options value, got 2") {
		t.Errorf("two Options: %v", err)
	}
}

func TestCapText(t *testing.T) {
	long := strings.Repeat("é", 5000)
	got := capText(long, 101)
	if !strings.HasPrefix(got, strings.Repeat("é", 50)+"…") || !strings.Contains(got, "more bytes") {
		t.Errorf("capText = %q", got)
	}
	if capText("short", 10) != "short" {
		t.Error("short text changed")
	}
}
