// Package procmem measures a process's resident memory, the one figure both the kernel's supervisor (which
// restarts a worker that outgrows its limit) and the sandbox (which stops a child that does) watch.
package procmem
