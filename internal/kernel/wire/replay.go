package wire

import (
	"errors"
	"sync"
)

// DefaultReplayHistory is how many signatures a ReplayGuard remembers by default (ipykernel keeps the
// same number in its digest history).
const DefaultReplayHistory = 1 << 16

// ErrReplayed is returned by ReplayGuard.Check for a message whose signature was seen before.
var ErrReplayed = errors.New("replayed message: its signature was seen before")

// ReplayGuard rejects signed messages that were already received: it remembers the HMAC digests of the
// last n messages it accepted and refuses a message whose digest is among them. A replayed message can
// be no older than that window (a client sends far fewer messages between two of its own). It is safe
// for concurrent use, and one guard should serve every socket of a kernel, so a message captured on one
// socket cannot be replayed on another.
type ReplayGuard struct {
	mu   sync.Mutex
	seen map[string]struct{}
	ring []string // the digests in arrival order; the oldest is forgotten first
	next int
	max  int // how many digests are remembered
}

// NewReplayGuard returns a guard that remembers the last n digests (n <= 0: DefaultReplayHistory).
func NewReplayGuard(n int) *ReplayGuard {
	if n <= 0 {
		n = DefaultReplayHistory
	}
	// The map and ring grow as messages come: made at full size, they cost every kernel 5% of its start
	// and megabytes that most sessions never fill.
	return &ReplayGuard{seen: map[string]struct{}{}, max: n}
}

// Check records the digest of a verified message and returns ErrReplayed if it was already recorded.
// Messages without a digest (signing is off) pass: without a key there is nothing to tell them apart by.
func (g *ReplayGuard) Check(m *Message) error {
	d := m.Digest()
	if len(d) == 0 {
		return nil
	}
	key := string(d)
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.seen[key]; ok {
		return ErrReplayed
	}
	if len(g.ring) < g.max {
		g.ring = append(g.ring, key)
	} else {
		delete(g.seen, g.ring[g.next])
		g.ring[g.next] = key
		g.next = (g.next + 1) % len(g.ring)
	}
	g.seen[key] = struct{}{}
	return nil
}
