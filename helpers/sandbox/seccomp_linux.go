//go:build linux

package sandbox

import (
	"fmt"

	seccomp "github.com/elastic/go-seccomp-bpf"
	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/sys/unix"
)

// seccompAllowed are the system calls the sandbox child may make without conditions: what the Go runtime,
// glibc's thread start (in cgo builds) and the sandbox's file functions need. Everything not listed here or
// in seccompPolicy's conditional groups fails with EPERM: execve, execveat, fork, vfork, sockets, ptrace,
// process_vm_*, mount, unshare, setns, chdir, prctl, ioctl, bpf, io_uring, userfaultfd, memfd_create,
// symlinks and links, landlock, keyctl, perf_event_open, wait4 and the rest. Landlock does not govern
// metadata, so the calls that change it (chmod, chown, utimes, xattrs, truncate by name) are not listed:
// the child could otherwise change the permissions of its user's files anywhere.
var seccompAllowed = []string{
	// Memory.
	"brk", "munmap", "mremap", "madvise",
	// Files: Landlock decides which paths.
	"read", "write", "readv", "writev", "pread64", "pwrite64", "close", "fstat", "newfstatat", "statx", "lseek",
	"openat", "getdents64", "mkdirat", "unlinkat", "renameat", "renameat2", "readlinkat", "fsync", "fdatasync", "ftruncate", "fcntl", "dup", "dup3", "fadvise64", "getcwd", "faccessat", "faccessat2",
	"copy_file_range",
	// Threads, signals and time.
	"futex", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "nanosleep", "clock_nanosleep",
	"clock_gettime", "clock_getres", "gettimeofday", "sched_yield", "sched_getaffinity", "restart_syscall",
	"set_robust_list", "rseq", "set_tid_address", "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid",
	"exit", "exit_group",
	// The Go runtime's poller.
	"epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "eventfd2", "pipe2",
	// Other.
	"getrandom", "uname", "getrlimit",
}

// seccompPolicy returns the child's seccomp policy: an allow-list, EPERM for the rest; threads but no
// processes; signals only to itself; no executable memory once the program runs.
func seccompPolicy(pid int) (seccomp.Policy, error) {
	info, err := arch.GetInfo("")
	if err != nil {
		return seccomp.Policy{}, err
	}
	var names []string
	for _, n := range seccompAllowed {
		if _, ok := info.SyscallNames[n]; ok { // some are x86-only (epoll_wait, getrlimit...)
			names = append(names, n)
		}
	}
	bits := func(arg uint32, op seccomp.Operation, v uint64) seccomp.ArgumentConditions {
		return seccomp.ArgumentConditions{{Argument: arg, Operation: op, Value: v}}
	}
	return seccomp.Policy{
		DefaultAction: seccomp.ActionErrno, // EPERM
		Syscalls: []seccomp.SyscallGroup{
			// First, the fcntl commands that would let the child have the kernel signal another process of its
			// user (the notebook server, a shell) through an O_ASYNC descriptor or a lease: F_SETOWN,
			// F_SETOWN_EX, F_SETSIG, F_SETLEASE, F_NOTIFY. Go itself needs only the others.
			{Action: seccomp.ActionErrno, NamesWithCondtions: []seccomp.NameWithConditions{
				{Name: "fcntl", Conditions: bits(1, seccomp.Equal, unix.F_SETOWN)},
				{Name: "fcntl", Conditions: bits(1, seccomp.Equal, unix.F_SETOWN_EX)},
				{Name: "fcntl", Conditions: bits(1, seccomp.Equal, unix.F_SETSIG)},
				{Name: "fcntl", Conditions: bits(1, seccomp.Equal, unix.F_SETLEASE)},
				{Name: "fcntl", Conditions: bits(1, seccomp.Equal, unix.F_NOTIFY)},
			}},
			{Action: seccomp.ActionAllow, Names: names},
			{Action: seccomp.ActionAllow, NamesWithCondtions: []seccomp.NameWithConditions{
				// Threads (CLONE_THREAD), never processes.
				{Name: "clone", Conditions: bits(0, seccomp.BitsSet, unix.CLONE_THREAD)},
				// Signals only to this process: the Go runtime preempts its own threads with tgkill and
				// re-raises fatal signals with kill(getpid()).
				{Name: "tgkill", Conditions: bits(0, seccomp.Equal, uint64(pid))},
				{Name: "kill", Conditions: bits(0, seccomp.Equal, uint64(pid))},
				// Limits of this process only.
				{Name: "prlimit64", Conditions: bits(0, seccomp.Equal, 0)},
				// Memory, but never executable: no code can be written and then run.
				{Name: "mmap", Conditions: bits(2, seccomp.BitsNotSet, unix.PROT_EXEC)},
				{Name: "mprotect", Conditions: bits(2, seccomp.BitsNotSet, unix.PROT_EXEC)},
			}},
			// clone3 cannot be filtered by its flags (they are in memory): ENOSYS makes glibc and Go fall back
			// to clone, whose flags the filter sees.
			{Action: seccomp.ActionErrno | seccomp.Action(unix.ENOSYS), Names: []string{"clone3"}},
		},
	}, nil
}

// loadSeccomp installs the filter on every thread of the process (SECCOMP_FILTER_FLAG_TSYNC).
func loadSeccomp() error {
	policy, err := seccompPolicy(unix.Getpid())
	if err != nil {
		return fmt.Errorf("seccomp policy: %w", err)
	}
	return seccomp.LoadFilter(seccomp.Filter{NoNewPrivs: true, Flag: seccomp.FilterFlagTSync, Policy: policy})
}

// seccompAvailable reports whether this process can install seccomp filters.
func seccompAvailable() error {
	if _, err := unix.PrctlRetInt(unix.PR_GET_SECCOMP, 0, 0, 0, 0); err != nil {
		return fmt.Errorf("seccomp is not in this kernel: %w", err)
	}
	if !seccomp.Supported() {
		return fmt.Errorf("the seccomp system call is not available (a container may forbid it)")
	}
	return nil
}
