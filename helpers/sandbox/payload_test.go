//go:build linux

package sandbox

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The payloads stand for hostile code that got out of the interpreter (as the race-based forged call does):
// compiled Go that the confined child runs with every system call at hand. Each tries one class of escape
// and reports what it got; the tests assert that every attempt failed. A payload's argument is what the
// attacker is assumed to know (the parent's PID, a path outside the scratch folder...).
var _ = registerPayloads()

func registerPayloads() bool {
	testPayloads = map[string]func(arg string) string{
		// Start a process: execve, fork+exec (os/exec), raw fork and vfork, and clone without CLONE_THREAD.
		"exec": func(marker string) string {
			var r []string
			err := syscall.Exec("/bin/sh", []string{"sh", "-c", "echo escaped > " + marker}, nil)
			r = append(r, fmt.Sprintf("execve: %v", err))
			cmd := exec.Command("/bin/sh", "-c", "echo escaped > "+marker)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr // no /dev/null to open
			err = cmd.Run()
			r = append(r, fmt.Sprintf("os/exec: %v", err))
			_, err = syscall.ForkExec("/bin/sh", []string{"sh", "-c", "echo escaped > " + marker}, nil)
			r = append(r, fmt.Sprintf("ForkExec: %v", err))
			return strings.Join(r, "; ")
		},
		"fork": func(string) string {
			var r []string
			for _, call := range forkCalls {
				pid, _, e := syscall.RawSyscall6(call.nr, call.a1, 0, 0, 0, 0, 0)
				if e == 0 && pid == 0 {
					syscall.RawSyscall(unix.SYS_EXIT_GROUP, 0, 0, 0) // the new process: gone at once
				}
				if e == 0 {
					r = append(r, fmt.Sprintf("%s: STARTED %d", call.name, pid))
				} else {
					r = append(r, fmt.Sprintf("%s: %v", call.name, e))
				}
			}
			return strings.Join(r, "; ")
		},
		// Open sockets of every family, and connect to a listener of the parent's (arg: its address).
		"socket": func(addr string) string {
			var r []string
			for _, fam := range []int{unix.AF_INET, unix.AF_INET6, unix.AF_UNIX, unix.AF_NETLINK, unix.AF_PACKET} {
				fd, err := unix.Socket(fam, unix.SOCK_STREAM, 0)
				if err == nil {
					unix.Close(fd)
					r = append(r, fmt.Sprintf("family %d: OPENED", fam))
				} else {
					r = append(r, fmt.Sprintf("family %d: %v", fam, err))
				}
			}
			_, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
			r = append(r, fmt.Sprintf("socketpair: %v", err))
			c, err := net.Dial("tcp", addr)
			if err == nil {
				c.Close()
				r = append(r, "dial: CONNECTED")
			} else {
				r = append(r, fmt.Sprintf("dial: %v", err))
			}
			return strings.Join(r, "; ")
		},
		// Read files outside the scratch folder (arg: paths separated by newlines).
		"read": func(paths string) string {
			var r []string
			for _, p := range strings.Split(paths, "\n") {
				data, err := os.ReadFile(p)
				if err == nil {
					r = append(r, fmt.Sprintf("%s: READ %q", p, data))
				} else {
					r = append(r, fmt.Sprintf("%s: %v", p, err))
				}
			}
			entries, err := os.ReadDir("/")
			r = append(r, fmt.Sprintf("list /: %d entries, %v", len(entries), err))
			return strings.Join(r, "; ")
		},
		// Write outside the scratch folder (arg: a path).
		"write": func(path string) string {
			err := os.WriteFile(path, []byte("escaped"), 0o644)
			err2 := os.Mkdir(path+".dir", 0o755)
			err3 := os.Symlink("/etc/passwd", "passwd-link") // a link inside the scratch folder
			return fmt.Sprintf("write: %v; mkdir: %v; symlink: %v", err, err2, err3)
		},
		// Descriptors: is anything open besides 0-3 (arg: a descriptor the parent left open)?
		"fds": func(arg string) string {
			fd, _ := strconv.Atoi(arg)
			_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
			return fmt.Sprintf("fd %d: %v", fd, err)
		},
		// Signals to other processes (arg: the parent's PID): signal 0 only checks, harming nothing.
		"signal": func(arg string) string {
			ppid, _ := strconv.Atoi(arg)
			perr := unix.PtraceSeize(ppid) // seize does not stop the parent
			if perr == nil {
				_ = unix.PtraceDetach(ppid)
			}
			return fmt.Sprintf("kill: %v; kill -1: %v; tgkill: %v; tkill: %v; ptrace: %v",
				unix.Kill(ppid, 0), unix.Kill(-1, 0), unix.Tgkill(ppid, ppid, 0),
				errno(syscall.RawSyscall(unix.SYS_TKILL, uintptr(ppid), 0, 0)), perr)
		},
		// Have the kernel signal another process: a pipe with O_ASYNC, owned by the parent, with SIGKILL as its
		// signal (arg: the parent's PID). Nothing is written, so nothing is sent even where it works. F_GETFL, which
		// Go itself needs, must still work.
		"fcntl-owner": func(arg string) string {
			ppid, _ := strconv.Atoi(arg)
			var p [2]int
			if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
				return "pipe: " + err.Error()
			}
			defer unix.Close(p[0])
			defer unix.Close(p[1])
			_, getfl := unix.FcntlInt(uintptr(p[0]), unix.F_GETFL, 0)
			_, setown := unix.FcntlInt(uintptr(p[0]), unix.F_SETOWN, ppid)
			_, setsig := unix.FcntlInt(uintptr(p[0]), unix.F_SETSIG, int(unix.SIGKILL))
			_, async := unix.FcntlInt(uintptr(p[0]), unix.F_SETFL, unix.O_ASYNC|unix.O_NONBLOCK)
			return fmt.Sprintf("getfl: %v; setown: %v; setsig: %v; async: %v", getfl, setown, setsig, async)
		},
		// Make executable memory, the first step of running injected machine code.
		"mmap-exec": func(string) string {
			_, err := unix.Mmap(-1, 0, 4096, unix.PROT_READ|unix.PROT_WRITE|unix.PROT_EXEC, unix.MAP_PRIVATE|unix.MAP_ANON)
			b, _ := unix.Mmap(-1, 0, 4096, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON)
			err2 := unix.Mprotect(b, unix.PROT_READ|unix.PROT_EXEC)
			return fmt.Sprintf("mmap: %v; mprotect: %v", err, err2)
		},
		// Leave the namespaces, mount, or raise limits.
		"privileges": func(string) string {
			return fmt.Sprintf("unshare: %v; mount: %v; setrlimit: %v; chdir: %v",
				unix.Unshare(unix.CLONE_NEWUSER),
				unix.Mount("tmpfs", "/tmp", "tmpfs", 0, ""),
				unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: unix.RLIM_INFINITY, Max: unix.RLIM_INFINITY}),
				unix.Chdir("/"))
		},
		// Lock the parent out of a subfolder: chmod 0 (the parent must still remove it), or a folder made
		// with mode 0.
		"chmod0": func(string) string {
			err := os.MkdirAll("locked/inner", 0o755)
			err2 := os.WriteFile("locked/inner/f", []byte("x"), 0o644)
			err3 := os.Chmod("locked/inner", 0)
			err4 := os.Chmod("locked", 0)
			err5 := os.Mkdir("made-locked", 0)
			dir, _ := os.Getwd()
			return fmt.Sprintf("%s|%v %v %v %v %v", dir, err, err2, err3, err4, err5)
		},
		// Change the metadata of a file outside the scratch folder (arg: its path), which Landlock does not
		// govern.
		"metadata": func(path string) string {
			return fmt.Sprintf("chmod: %v; chown: %v; utimes: %v; truncate: %v", os.Chmod(path, 0o777),
				os.Chown(path, os.Getuid(), os.Getgid()), unix.UtimesNano(path, []unix.Timespec{{}, {}}), os.Truncate(path, 0))
		},
	}
	return true
}

// forkCall is a raw system call that starts a process.
type forkCall struct {
	name string
	nr   uintptr
	a1   uintptr
}

// forkCalls are the calls the fork payload tries (fork and vfork are added where they exist).
var forkCalls = []forkCall{{"clone", unix.SYS_CLONE, uintptr(syscall.SIGCHLD)}}

func errno(_, _ uintptr, e syscall.Errno) error {
	if e == 0 {
		return nil
	}
	return e
}
