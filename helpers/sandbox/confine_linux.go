//go:build linux

package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// The sandbox child starts in two stages, both this same executable:
//
//  1. confineMain ("confine"): started by the parent in new namespaces where allowed. On one locked thread
//     it marks every inherited descriptor but 0-3 close-on-exec, sets resource limits, mounts a private
//     /proc and a size-limited scratch file system (in the new mount namespace), drops every capability
//     from the bounding set, sets no_new_privs and restricts itself with Landlock. Then it executes itself
//     again: execve ends every other thread, so the new program starts with one thread that carries the
//     Landlock domain, and every thread the Go runtime starts later inherits it.
//  2. childMain ("run"): installs the seccomp filter on all threads (TSYNC), checks what holds, and only
//     then reads and runs the program.

// probeResult is what this system offers, found once per process.
type probeResult struct {
	layers Layers
	ns     bool // unprivileged user namespaces work
}

// probeOnce finds what this system offers: seccomp, the Landlock ABI, and whether a child can start in new
// user, network, PID, mount and IPC namespaces (it starts one, which exits at once).
var probeOnce = sync.OnceValue(func() probeResult {
	var p probeResult
	p.layers.NoNewPrivs = true // prctl(PR_SET_NO_NEW_PRIVS) exists since Linux 3.5
	if err := seccompAvailable(); err != nil {
		p.layers.Missing = append(p.layers.Missing, "seccomp: "+err.Error())
	} else {
		p.layers.Seccomp = true
	}
	if abi := landlockABI(); abi > 0 {
		p.layers.Landlock = abi
	} else {
		p.layers.Missing = append(p.layers.Missing, "Landlock: not in this kernel or not enabled (Linux 5.13 or later with lsm=landlock)")
	}
	if err := probeNamespaces(); err != nil {
		p.layers.Missing = append(p.layers.Missing, "namespaces: "+err.Error())
	} else {
		p.ns = true
		p.layers.Namespaces, p.layers.PrivateProc, p.layers.ScratchQuota = true, true, true
	}
	return p
})

// probe returns what this system offers.
func probe() probeResult { return probeOnce() }

// probeNamespaces starts this executable in new namespaces; it exits at once (see init).
func probeNamespaces() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe)
	cmd.Env = []string{childEnv + "=" + stageProbe}
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	addNamespaces(cmd.SysProcAttr)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("unprivileged user namespaces are not allowed here (%v)", err)
	}
	return nil
}

// addNamespaces asks for new user, network, PID, mount and IPC namespaces, root inside mapped to the caller.
func addNamespaces(a *syscall.SysProcAttr) {
	a.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS | syscall.CLONE_NEWIPC
	a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
	a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
	a.GidMappingsEnableSetgroups = false
}

// configure makes the child the leader of its own process group (killed as a whole), kills it when the
// parent dies, and starts it in new namespaces when ns is set.
func configure(cmd *exec.Cmd, ns bool) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if ns {
		addNamespaces(cmd.SysProcAttr)
	}
}

// confineMain is stage 1 (see above). It returns only on failure, with the exit status.
func confineMain() int {
	runtime.LockOSThread()
	cfg, err := readChildConfig()
	if err != nil {
		return refuse(Layers{}, "reading the configuration: "+err.Error())
	}
	layers := Layers{}
	missing := func(format string, args ...any) {
		layers.Missing = append(layers.Missing, fmt.Sprintf(format, args...))
	}
	// Descriptors: the standard streams and the response pipe (3) only. The rest (a worker's event pipe, for
	// one) close at execve.
	if err := unix.CloseRange(childFD+1, math.MaxInt32, unix.CLOSE_RANGE_CLOEXEC); err != nil {
		for fd := childFD + 1; fd < 1<<16; fd++ {
			_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return refuse(layers, "finding the executable: "+err.Error())
	}
	dir, err := os.Getwd()
	if err != nil {
		return refuse(layers, err.Error())
	}
	var mapped []string
	if cfg.Level != Unconfined {
		if mapped, err = mappedFiles(); err != nil {
			return refuse(layers, "listing the executable's files: "+err.Error())
		}
	}
	if err := applyLimits(cfg); err != nil {
		return refuse(layers, "setting limits: "+err.Error())
	}
	if cfg.Level != Unconfined {
		if cfg.NS {
			layers.Namespaces = true
			// Mounts stay in the new mount namespace.
			if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
				missing("private mounts: %v", err)
			} else {
				if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
					missing("private /proc: %v", err)
				} else {
					layers.PrivateProc = true
				}
				opts := fmt.Sprintf("size=%d,nr_inodes=%d,mode=0700", cfg.QuotaBytes, cfg.QuotaFiles+1)
				if err := unix.Mount("tmpfs", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, opts); err != nil {
					missing("scratch quota: %v", err)
				} else if err := unix.Chdir(dir); err != nil {
					return refuse(layers, "entering the scratch folder: "+err.Error())
				} else {
					layers.ScratchQuota = true
				}
			}
		}
		// No capabilities after execve, even as root (in the namespace or outside).
		for c := 0; c <= 63; c++ {
			if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); errors.Is(err, unix.EINVAL) {
				break
			}
		}
		_ = unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
		if cfg.skips("no_new_privs") {
			missing("no_new_privs: left out by the test")
		} else if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			missing("no_new_privs: %v", err)
		}
		if abi := landlockABI(); cfg.skips("landlock") {
			missing("Landlock: left out by the test")
		} else if abi == 0 {
			missing("Landlock: not in this kernel or not enabled (Linux 5.13 or later with lsm=landlock)")
		} else if err := landlockRestrict(abi, mapped, []string{"/etc/ld.so.cache", "/etc/localtime"}, dir); err != nil {
			missing("Landlock: %v", err)
		} else {
			layers.Landlock = abi
		}
	}
	if cfg.Level == Strict && (!noNewPrivs() || layers.Landlock == 0) {
		layers.NoNewPrivs = noNewPrivs()
		return refuse(layers, unconfinedError(layers).Error())
	}
	cfg.Layers = layers
	env, err := childEnviron(stageRun, cfg)
	if err != nil {
		return refuse(layers, err.Error())
	}
	err = unix.Exec(exe, []string{exe}, env)
	return refuse(layers, "starting the confined program: "+err.Error())
}

// noNewPrivs reports whether the calling thread has no_new_privs.
func noNewPrivs() bool {
	v, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	return err == nil && v == 1
}

// confineThreads is stage 2's part: the seccomp filter on every thread.
func confineThreads(layers *Layers) {
	layers.NoNewPrivs = noNewPrivs() // asked first: the filter refuses prctl
	// loadSeccomp sets no_new_privs on every thread; the filter loads only if it holds.
	if err := loadSeccomp(); err != nil {
		layers.Missing = append(layers.Missing, "seccomp: "+err.Error())
	} else {
		layers.Seccomp, layers.NoNewPrivs = true, true
	}
}

// mappedFiles lists the files mapped into this process: the executable, the dynamic loader and the
// libraries, which the confined program needs to start.
func mappedFiles() ([]string, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	seen := map[string]bool{}
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 6 && strings.HasPrefix(fields[5], "/") && !seen[fields[5]] {
			seen[fields[5]] = true
			out = append(out, fields[5])
		}
	}
	return out, sc.Err()
}

// openFDs lists the open descriptors below 1024 of this process.
func openFDs() []int {
	var fds []int
	for fd := 0; fd < 1024; fd++ {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil {
			fds = append(fds, fd)
		}
	}
	return fds
}
