package zmtp

import (
	"bytes"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLimitedLog(t *testing.T) {
	var buf bytes.Buffer
	l := &limitedLog{log: slog.New(slog.NewTextHandler(&buf, nil))}
	for range 3 * logBurst {
		l.Warn("refused")
	}
	if n := strings.Count(buf.String(), "refused"); n != logBurst {
		t.Fatalf("%d lines in the first second, want %d", n, logBurst)
	}
	l.mu.Lock()
	l.window = l.window.Add(-time.Second) // the next second
	l.mu.Unlock()
	l.Warn("refused")
	if !strings.Contains(buf.String(), "count="+strconv.Itoa(2*logBurst)) {
		t.Fatalf("no count of what was left out:\n%s", buf.String())
	}
}
