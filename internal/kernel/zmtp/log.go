package zmtp

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// logBurst is how many messages a group logs a second; a peer that provokes more (by opening and
// breaking connections in a loop) cannot flood the kernel's log. What is left out is counted and
// reported when logging resumes.
const logBurst = 20

// limitedLog is a logger that writes at most logBurst records a second.
type limitedLog struct {
	log        *slog.Logger
	mu         sync.Mutex
	window     time.Time
	n          int
	suppressed int
}

func (l *limitedLog) allow() (ok bool, suppressed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if now.Sub(l.window) >= time.Second {
		l.window, l.n = now, 0
		suppressed, l.suppressed = l.suppressed, 0
	}
	if l.n >= logBurst {
		l.suppressed++
		return false, suppressed
	}
	l.n++
	return true, suppressed
}

func (l *limitedLog) write(level slog.Level, msg string, args ...any) {
	ok, suppressed := l.allow()
	if suppressed > 0 {
		l.log.Warn("zmtp: log messages left out (too many)", "count", suppressed)
	}
	if ok {
		l.log.Log(context.Background(), level, msg, args...)
	}
}

// Warn logs at warning level, within the rate limit.
func (l *limitedLog) Warn(msg string, args ...any) { l.write(slog.LevelWarn, msg, args...) }

// Error logs at error level, within the rate limit.
func (l *limitedLog) Error(msg string, args ...any) { l.write(slog.LevelError, msg, args...) }
