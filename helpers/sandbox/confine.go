package sandbox

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnconfined means that the operating system cannot confine the sandbox's process as Options.Confinement
// requires, so the code was not run. The message says what is missing and how to allow running anyway.
var ErrUnconfined = errors.New("the operating system cannot confine the sandbox")

// Confinement says how strictly the operating system must confine the process that runs the code. The
// interpreter's package allow-list alone is not a security boundary (a data race in the sandboxed code can
// forge a call to any compiled function), so by default the code runs only where the operating system
// confines the process itself.
type Confinement int

const (
	// Strict, the default, runs code only where the operating system confines the child: no_new_privs, a
	// seccomp-bpf filter and Landlock (Linux 5.13 or later, with seccomp and Landlock enabled and not
	// forbidden by a container). User, network, PID, mount and IPC namespaces are added where unprivileged
	// namespaces are allowed. Elsewhere (macOS, Windows, old kernels, containers that forbid these calls)
	// Run refuses with ErrUnconfined.
	Strict Confinement = iota
	// BestEffort applies the layers the system offers and runs the code even when some are missing; the
	// Result says which layers held.
	BestEffort
	// Unconfined applies none of the operating system's layers: the code runs in a child process with an
	// empty environment, closed descriptors, resource limits and the interpreter's allow-list only, which
	// hostile code can get around. Use it only for code you trust.
	Unconfined
)

// String returns the level's name.
func (c Confinement) String() string {
	switch c {
	case Strict:
		return "Strict"
	case BestEffort:
		return "BestEffort"
	case Unconfined:
		return "Unconfined"
	}
	return fmt.Sprintf("Confinement(%d)", int(c))
}

// Layers says which confinement layers hold for a run (Result.Layers) or are available on this system
// (Sandbox.Layers). The child process always runs with an empty environment, every inherited descriptor
// but its standard streams and its response pipe closed, resource limits, GOMAXPROCS=1 and its own process
// group, killed whole when the run ends; these are not listed.
type Layers struct {
	// NoNewPrivs: the child and anything it runs can never gain privileges (PR_SET_NO_NEW_PRIVS).
	NoNewPrivs bool
	// Seccomp: a seccomp-bpf filter on every thread allows only the system calls a Go program needs:
	// no execve, no process creation (threads only), no sockets, no ptrace, no signals to other processes,
	// no executable memory.
	Seccomp bool
	// Landlock is the Landlock ABI version in force (0: none): the child reads only the files of its own
	// executable and its libraries, and reads and writes only its scratch folder.
	Landlock int
	// Namespaces: the child runs in new user, network (no network at all), PID, mount and IPC namespaces.
	Namespaces bool
	// PrivateProc: /proc is a new mount that shows only the child's own processes.
	PrivateProc bool
	// ScratchQuota: the scratch folder is a size-limited file system of its own (kernel-enforced quota);
	// otherwise the parent watches the folder's size and file count.
	ScratchQuota bool
	// Missing lists what could not be applied, and why.
	Missing []string
}

// String lists the layers, for example "no_new_privs, seccomp, landlock (ABI 7), namespaces (user, net, pid,
// mount, ipc), private /proc, scratch quota (tmpfs)", or "none (unconfined)".
func (l Layers) String() string {
	var parts []string
	if l.NoNewPrivs {
		parts = append(parts, "no_new_privs")
	}
	if l.Seccomp {
		parts = append(parts, "seccomp")
	}
	if l.Landlock > 0 {
		parts = append(parts, fmt.Sprintf("landlock (ABI %d)", l.Landlock))
	}
	if l.Namespaces {
		parts = append(parts, "namespaces (user, net, pid, mount, ipc)")
	}
	if l.PrivateProc {
		parts = append(parts, "private /proc")
	}
	if l.ScratchQuota {
		parts = append(parts, "scratch quota (tmpfs)")
	}
	if len(parts) == 0 {
		return "none (unconfined)"
	}
	return strings.Join(parts, ", ")
}

// strictOK reports whether the layers Strict requires hold.
func (l Layers) strictOK() bool { return l.NoNewPrivs && l.Seccomp && l.Landlock > 0 }

// unconfinedError explains a refusal under Strict.
func unconfinedError(l Layers) error {
	why := "no_new_privs, seccomp-bpf and Landlock are required"
	if len(l.Missing) > 0 {
		why += "; " + strings.Join(l.Missing, "; ")
	}
	return fmt.Errorf("sandbox: %w: %s. The interpreter alone is not a security boundary, so the code was not run. "+
		"To run it with the layers this system has, use sandbox.New(sandbox.Options{Confinement: sandbox.BestEffort}) "+
		"(or sandbox.Unconfined, for code you trust)", ErrUnconfined, why)
}
