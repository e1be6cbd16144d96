// Package layers holds golm's architecture rules as a test: which packages may depend on which. Its test runs
// in go test ./... and fails when a change crosses a wall (see Rules in layers_test.go):
//
//   - internal/kernel/wire (the Jupyter message format) depends on nothing of golm;
//   - the interpreter engine never reaches the sockets or the protocol server;
//   - the kernel's protocol side (server, supervisor) never links the interpreter (it runs in the worker
//     process), and the pipe between them depends on nothing of golm;
//   - helpers (tests included) never import kernel packages: tests that need the interpreter's tables use the
//     public package symbols;
//   - course (lessons → notebooks) never imports helpers.
package layers
