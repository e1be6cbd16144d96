// Package worker runs the Go interpreter in a child process, so that nothing a cell does can take the
// kernel down: a panic in a goroutine, os.Exit in compiled code, a stack overflow or running out of memory
// end the worker, and the kernel reports it and starts a fresh one.
//
// The kernel (parent) and the worker talk over two pipes with JSON lines: requests one way, events the
// other. The worker's standard output and error are pipes too, read by the parent, so that output of
// compiled code and C libraries is captured and streamed while a cell runs. To keep displays in order with
// printed text, the worker writes a sync mark into both output pipes before each event that must follow
// earlier output; the parent holds the event until it has read the marks.
package worker

import (
	"fmt"
	"strconv"
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

// Sync marks in the output pipes: NUL, "golm-sync:", the number, NUL.
const markPrefix = "\x00golm-sync:"

func mark(n uint64) []byte { return []byte(markPrefix + strconv.FormatUint(n, 10) + "\x00") }

func (e Event) String() string { return fmt.Sprintf("%s#%d", e.Kind, e.ID) }
