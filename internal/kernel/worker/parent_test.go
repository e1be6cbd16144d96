package worker

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestWatchParent(t *testing.T) {
	cases := []struct {
		name     string
		ppids    []int // what getppid returns, call after call (the last one repeats)
		wantGone bool
	}{
		{"parent stays", []int{42}, false},
		{"parent dies, worker handed to init", []int{42, 42, 42, 1}, true},
		{"parent dies, worker handed to a subreaper", []int{42, 7}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var calls atomic.Int64
			getppid := func() int {
				n := int(calls.Add(1)) - 1
				return c.ppids[min(n, len(c.ppids)-1)]
			}
			stop := make(chan struct{})
			gone := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				watchParent(stop, time.Millisecond, getppid, func() { close(gone) })
			}()
			select {
			case <-gone:
				if !c.wantGone {
					t.Fatalf("gone called after %d calls of getppid, with the parent still there", calls.Load())
				}
				<-done
			case <-time.After(200 * time.Millisecond):
				if c.wantGone {
					t.Fatalf("gone not called after %d calls of getppid", calls.Load())
				}
				close(stop)
				<-done // watchParent returns once stop is closed
			}
		})
	}
}

func TestParentPollDefault(t *testing.T) {
	linuxDefault := time.Duration(0)
	if runtime.GOOS != "linux" {
		linuxDefault = 500 * time.Millisecond
	}
	cases := []struct {
		set, want time.Duration
	}{
		{0, linuxDefault},
		{-1, 0},
		{100 * time.Millisecond, 100 * time.Millisecond},
	}
	for _, c := range cases {
		if got := (Config{ParentPoll: c.set}).parentPoll(); got != c.want {
			t.Errorf("ParentPoll %v: polls every %v, want %v", c.set, got, c.want)
		}
	}
}
