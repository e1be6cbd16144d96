//go:build linux

package procmem

import (
	"os"
	"strings"
	"testing"
)

func TestResident(t *testing.T) {
	ballast := make([]byte, 64<<20)
	for i := range ballast {
		ballast[i] = 1 // touch every page, so that it is resident
	}
	rss, err := Resident(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss < 64<<20 || rss > 8<<30 {
		t.Errorf("Resident = %d bytes after touching 64 MiB: out of range", rss)
	}
	_ = ballast[len(ballast)-1]
	if _, err := Resident(1 << 30); err == nil {
		t.Error("Resident of a process that does not exist gave no error")
	}
}

func TestParseStatm(t *testing.T) {
	page := int64(os.Getpagesize())
	for _, c := range []struct {
		in      string
		want    int64
		wantErr string
	}{
		{in: "1000 25 3 1 0 40 0\n", want: 25 * page},
		{in: "1000", wantErr: "no resident size"},
		{in: "1000 x 3", wantErr: "invalid syntax"},
		{in: "", wantErr: "no resident size"},
	} {
		got, err := parseStatm("statm", []byte(c.in))
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("parseStatm(%q) error = %v, want one containing %q", c.in, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("parseStatm(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}
