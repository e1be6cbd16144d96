// Package pipe defines what the kernel process and its worker process say to each other. It is shared by
// both sides (package supervisor in the kernel, package worker in the child) and imports nothing of golm, so
// that the kernel's protocol side does not depend on the interpreter.
//
// The kernel (parent) and the worker talk over two pipes with JSON lines: requests one way (the worker's
// file descriptor RequestFD), events the other (EventFD). The worker's standard output and error are pipes
// too, read by the parent, so that output of compiled code and C libraries is captured and streamed while
// a cell runs. To keep displays in order with printed text, the worker writes a sync mark (Mark) into both
// output pipes before each event that must follow earlier output; the parent holds the event until it has
// read the marks.
//
// The request pipe also tells the worker that the kernel is gone: only the kernel holds its write end, so
// the worker reads end-of-file when the kernel closes it or dies, and then exits.
package pipe

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
)

// File descriptors of the two pipes in the worker process (after standard input, output and error).
const (
	RequestFD = 3 // requests, read by the worker
	EventFD   = 4 // events, written by the worker
)

// Request operations.
const (
	OpExecute   = "execute"
	OpComplete  = "complete"
	OpInspect   = "inspect"
	OpInterrupt = "interrupt"
	OpInput     = "input" // the answer to an input event
)

// Request is a message from the kernel to the worker.
type Request struct {
	ID              uint64            `json:"id"`
	Op              string            `json:"op"`
	Code            string            `json:"code,omitempty"`
	Cursor          int               `json:"cursor,omitempty"` // byte offset in Code
	Detail          int               `json:"detail,omitempty"`
	Silent          bool              `json:"silent,omitempty"`
	AllowStdin      bool              `json:"allow_stdin,omitempty"`
	UserExpressions map[string]string `json:"user_expressions,omitempty"`
	Input           string            `json:"input,omitempty"`
	InputErr        string            `json:"input_err,omitempty"`
}

// Event kinds.
const (
	EvReady    = "ready"    // the worker is ready for requests
	EvDisplay  = "display"  // display_data
	EvUpdate   = "update"   // update_display_data
	EvClear    = "clear"    // clear_output
	EvInput    = "input"    // input_request: answer with OpInput
	EvResult   = "result"   // execute_result
	EvError    = "error"    // the cell failed
	EvDone     = "done"     // the request is finished
	EvComplete = "complete" // complete_reply
	EvInspect  = "inspect"  // inspect_reply
	EvStuck    = "stuck"    // an interrupted cell did not stop: restart the worker
)

// Bundle is a MIME bundle on the pipe.
type Bundle struct {
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

// ErrorInfo describes a failed cell.
type ErrorInfo struct {
	Name      string   `json:"ename"`
	Value     string   `json:"evalue"`
	Traceback []string `json:"traceback"`
}

// Event is a message from the worker to the kernel.
type Event struct {
	ID   uint64 `json:"id"`
	Kind string `json:"kind"`
	// Sync is the sync mark written to the output pipes just before this event (0: none).
	Sync uint64 `json:"sync,omitempty"`

	Bundle    *Bundle    `json:"bundle,omitempty"`
	DisplayID string     `json:"display_id,omitempty"`
	Wait      bool       `json:"wait,omitempty"`
	Prompt    string     `json:"prompt,omitempty"`
	Password  bool       `json:"password,omitempty"`
	Error     *ErrorInfo `json:"error,omitempty"`

	Matches     []string       `json:"matches,omitempty"`
	CursorStart int            `json:"cursor_start,omitempty"`
	CursorEnd   int            `json:"cursor_end,omitempty"`
	Metadata    map[string]any `json:"metadata,omitempty"`
	Found       bool           `json:"found,omitempty"`

	UserExpressions map[string]any `json:"user_expressions,omitempty"`
	Page            *Bundle        `json:"page,omitempty"`
}

// MarkPrefix starts a sync mark in an output pipe. A mark is NUL, "golm-sync:", the worker's key, ":", a
// decimal number, NUL. The key, random for each worker (see NewKey and KeyEnv), keeps text that a cell
// prints (a model's output, a file) from passing for a mark: a forged mark with a large number would hold
// back the cell's output until the worker ended.
const MarkPrefix = "\x00golm-sync:"

// KeyEnv is the environment variable that gives a worker its key for sync marks; the worker removes it from
// its environment when it starts.
const KeyEnv = "GOLM_SYNC_KEY"

// KeyLen is the length of the keys NewKey makes.
const KeyLen = 32

// NewKey returns a random key for sync marks.
func NewKey() string {
	var b [KeyLen / 2]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read does not fail (it panics where the system has no randomness)
	return hex.EncodeToString(b[:])
}

// Mark returns sync mark n of a worker with that key, as the worker writes it into its output pipes.
func Mark(key string, n uint64) []byte {
	return []byte(MarkPrefix + key + ":" + strconv.FormatUint(n, 10) + "\x00")
}

// String names the event by kind and request id, for logs.
func (e Event) String() string { return fmt.Sprintf("%s#%d", e.Kind, e.ID) }
