//go:build !linux

package worker

import "time"

// defaultParentPoll: without Linux's death signal, the worker checks its parent twice a second, besides
// watching its request pipe for end-of-file.
const defaultParentPoll = 500 * time.Millisecond
