package main

import (
	"strings"
	"testing"
)

func TestSpareWorkerSetting(t *testing.T) {
	for _, c := range []struct {
		value   string
		want    bool
		wantErr string
	}{
		{"", true, ""},
		{"1", true, ""},
		{"on", true, ""},
		{"0", false, ""},
		{"off", false, ""},
		{" False ", false, ""},
		{"sometimes", false, `want 1 or 0, got "sometimes"`},
	} {
		t.Setenv("GOLM_SPARE_WORKER", c.value)
		got, err := spareWorker()
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("GOLM_SPARE_WORKER=%q: error %v, want one with %q", c.value, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("GOLM_SPARE_WORKER=%q: %v, %v; want %v", c.value, got, err, c.want)
		}
	}
}
