//go:build unix

package supervisor

import (
	"os"
	"testing"
)

func TestParsePSKiB(t *testing.T) {
	cases := []struct {
		out  string
		want int64
		ok   bool
	}{
		{"  1234\n", 1234 << 10, true},
		{"0\n", 0, true},
		{"", 0, false},
		{"RSS\n1234\n", 0, false},
	}
	for _, c := range cases {
		got, err := parsePSKiB([]byte(c.out))
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parsePSKiB(%q) = %d, %v; want %d, ok %v", c.out, got, err, c.want, c.ok)
		}
	}
}

// TestResidentMemory measures this test process the way the memory watcher measures a worker.
func TestResidentMemory(t *testing.T) {
	rss, err := residentMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if rss < 1<<20 || rss > 64<<30 {
		t.Fatalf("resident memory of the test process: %d bytes, not plausible", rss)
	}
}
