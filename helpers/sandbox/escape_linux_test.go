//go:build linux

package sandbox

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// runPayload runs a compiled payload (payload_test.go) in a child confined at level c.
func runPayload(t *testing.T, c Confinement, name, arg string, skip ...string) (*Result, error) {
	t.Helper()
	opts := New(Options{Confirm: Always, Timeout: 5 * time.Second, MemoryLimit: 256 << 20, Confinement: c,
		ScratchQuota: 4 << 20, MaxFiles: 50}).Options()
	res := &Result{}
	err := execute(context.Background(), opts, request{Timeout: opts.Timeout, MemoryLimit: opts.MemoryLimit,
		Payload: name, PayloadArg: arg}, res, childConfig{Skip: skip})
	return res, err
}

// TestOSConfinement runs each class of escape as compiled code inside the child — what hostile code has once
// it gets out of the interpreter — and asserts that the operating system stops it. The same payload without
// confinement (logged as "before") shows what the interpreter alone would have let through.
func TestOSConfinement(t *testing.T) {
	if l := probe().layers; !l.strictOK() {
		t.Fatalf("this machine lacks the layers Strict needs (%s; missing: %v); TestStrictRefuses covers that path", l, l.Missing)
	}
	tmp := t.TempDir()
	marker := filepath.Join(tmp, "marker")
	secretFile := filepath.Join(tmp, "secret.txt")
	if err := os.WriteFile(secretFile, []byte("sk-secret-file"), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	// A descriptor without close-on-exec, as the worker's event pipe was.
	leak, err := syscall.Dup(0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Dup3(leak, 100, 0); err != nil {
		t.Fatal(err)
	}
	syscall.Close(leak)
	defer syscall.Close(100)
	ppid := strconv.Itoa(os.Getpid())
	outside := filepath.Join(tmp, "written")

	tests := []struct {
		payload, arg string
		want         []string // every one in the payload's report
		deny         []string // none of these
		before       bool     // also run unconfined, for the table
	}{
		{"exec", marker, []string{"execve: operation not permitted", "os/exec: fork/exec /bin/sh: operation not permitted",
			"ForkExec: operation not permitted"}, nil, true},
		{"fork", "", forkWants(), []string{"STARTED"}, true},
		{"socket", ln.Addr().String(), []string{"family 2: operation not permitted", "family 10: operation not permitted",
			"family 1: operation not permitted", "socketpair: operation not permitted", "socket: operation not permitted"},
			[]string{"OPENED", "CONNECTED"}, true},
		{"read", "/proc/" + ppid + "/environ\n" + secretFile + "\n/etc/passwd", []string{"/proc/" + ppid + "/environ: open",
			secretFile + ": open", "/etc/passwd: open /etc/passwd: permission denied", "list /: 0 entries"}, []string{"READ", "sk-secret"}, true},
		{"write", outside, []string{"write: open " + outside + ": permission denied", "mkdir: mkdir " + outside + ".dir: permission denied",
			"symlink: symlink /etc/passwd passwd-link: operation not permitted"}, nil, true},
		{"fds", "100", []string{"fd 100: bad file descriptor"}, nil, true},
		{"signal", ppid, []string{"kill: operation not permitted", "kill -1: operation not permitted", "tgkill: operation not permitted",
			"tkill: operation not permitted", "ptrace: operation not permitted"}, nil, true},
		{"fcntl-owner", ppid, []string{"getfl: <nil>", "setown: operation not permitted", "setsig: operation not permitted"},
			nil, false},
		{"mmap-exec", "", []string{"mmap: operation not permitted", "mprotect: operation not permitted"}, nil, true},
		{"metadata", secretFile, []string{"chmod: chmod " + secretFile + ": operation not permitted",
			"chown: chown " + secretFile + ": operation not permitted", "utimes: operation not permitted",
			"truncate: truncate " + secretFile + ": operation not permitted"}, nil, false},
		{"privileges", "", []string{"unshare: operation not permitted", "mount: operation not permitted",
			"setrlimit: operation not permitted", "chdir: operation not permitted"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.payload, func(t *testing.T) {
			if tt.before {
				res, err := runPayload(t, Unconfined, tt.payload, tt.arg)
				_, statErr := os.Stat(marker)
				t.Logf("ATTACK | %s | before (unconfined): %s %v (marker written: %v)", tt.payload, shortReport(res.Value), err, statErr == nil)
				os.Remove(marker)
				os.Remove(outside)
				os.Remove(outside + ".dir")
			}
			res, err := runPayload(t, Strict, tt.payload, tt.arg)
			if err != nil {
				t.Fatalf("run: %v (output %q)", err, res.Output)
			}
			t.Logf("ATTACK | %s | after (%s): %s", tt.payload, res.Layers, shortReport(res.Value))
			for _, w := range tt.want {
				if !strings.Contains(res.Value, w) {
					t.Errorf("report lacks %q:\n%s", w, res.Value)
				}
			}
			for _, d := range tt.deny {
				if strings.Contains(res.Value, d) {
					t.Errorf("report has %q:\n%s", d, res.Value)
				}
			}
			for _, p := range []string{marker, outside, outside + ".dir"} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s exists: the payload got out", p)
				}
			}
			if st, err := os.Stat(secretFile); err != nil || st.Mode().Perm() != 0o600 || st.Size() == 0 {
				t.Errorf("%s was changed: %v, %v", secretFile, st.Mode(), err)
			}
		})
	}
}

func forkWants() []string {
	var w []string
	for _, c := range forkCalls {
		w = append(w, c.name+": operation not permitted")
	}
	return w
}

func shortReport(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// A descriptor the parent has open without close-on-exec (as the worker's event pipe, fd 4, was) is not
// open in the child: none of the parent's inheritable descriptors besides 0-3 is open in the child when it
// starts. (The child's own runtime may have opened descriptors of its own by then — its poller's epoll and
// eventfd, once a package's init opens a file, as protobuf's does — so the test compares with what the
// parent could have passed on, not with "0-3 only". The planted one has a high number, so that no
// descriptor of the child's own can have it.)
func TestChildDescriptors(t *testing.T) {
	const leak = 200
	if err := unix.Dup3(0, leak, 0); err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(leak)
	inheritable := map[int]bool{}
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil || fd <= childFD {
			continue
		}
		if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && flags&unix.FD_CLOEXEC == 0 {
			inheritable[fd] = true
		}
	}
	if !inheritable[leak] {
		t.Fatalf("the planted descriptor %d is not among the inheritable ones %v", leak, inheritable)
	}
	for _, c := range []Confinement{Strict, Unconfined} {
		res := &Result{}
		opts := New(Options{Confinement: c}).Options()
		err := execute(context.Background(), opts, request{Timeout: opts.Timeout, MemoryLimit: opts.MemoryLimit,
			Payload: "fds", PayloadArg: strconv.Itoa(leak)}, res, childConfig{})
		if err != nil || !strings.Contains(res.Value, "bad file descriptor") {
			t.Errorf("%v: %v, %q", c, err, res.Value)
		}
		var inherited []int
		for _, fd := range res.fds {
			if inheritable[fd] {
				inherited = append(inherited, fd)
			}
		}
		if len(inherited) > 0 {
			t.Errorf("%v: the child started with the parent's descriptors %v open", c, inherited)
		}
	}
}

// A subfolder the program locked with chmod 0 does not keep its scratch folder from being removed. (Under
// Strict the filter refuses chmod; a folder made with mode 0 is all the program can lock.)
func TestChmodZeroCleanup(t *testing.T) {
	for _, c := range []Confinement{Strict, Unconfined} {
		res, err := runPayload(t, c, "chmod0", "")
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		dir, errs, _ := strings.Cut(res.Value, "|")
		want := "<nil> <nil> <nil> <nil> <nil>"
		if c == Strict {
			want = "<nil> <nil> chmod locked/inner: operation not permitted chmod locked: operation not permitted <nil>"
		}
		if errs != want {
			t.Errorf("%v: %s, want %s", c, errs, want)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("%v: scratch folder %s still exists: %v", c, dir, err)
		}
	}
}

// Confinement needs no privileges: when the tests run as root, the escape tests run again as user nobody.
func TestConfinementUnprivileged(t *testing.T) {
	if os.Getuid() != 0 {
		t.Logf("running as uid %d already", os.Getuid())
		return
	}
	runUnprivileged(t, "^(TestOSConfinement|TestChildDescriptors|TestChmodZeroCleanup|TestScratchQuota|TestStrictRefuses|TestRunValues)$")
}

// Where unprivileged namespaces are not allowed (some distributions and containers), no_new_privs, Landlock
// and seccomp hold on their own: the same escapes fail, the parent's /proc with "permission denied".
func TestConfinementWithoutNamespaces(t *testing.T) {
	tmp := t.TempDir()
	marker := filepath.Join(tmp, "marker")
	ppid := strconv.Itoa(os.Getpid())
	tests := []struct {
		payload, arg string
		want         []string
	}{
		{"exec", marker, []string{"execve: operation not permitted", "ForkExec: operation not permitted"}},
		{"read", "/proc/" + ppid + "/environ\n/etc/passwd", []string{"/proc/" + ppid + "/environ: permission denied",
			"/etc/passwd: open /etc/passwd: permission denied"}},
		{"write", filepath.Join(tmp, "w"), []string{"write: open " + filepath.Join(tmp, "w") + ": permission denied"}},
		{"socket", "127.0.0.1:9", []string{"family 2: operation not permitted", "socket: operation not permitted"}},
		{"signal", ppid, []string{"kill: operation not permitted", "ptrace: operation not permitted"}},
		{"fcntl-owner", ppid, []string{"setown: operation not permitted", "setsig: operation not permitted"}},
	}
	for _, tt := range tests {
		res, err := runPayload(t, Strict, tt.payload, tt.arg, "namespaces")
		if err != nil {
			t.Fatalf("%s: %v", tt.payload, err)
		}
		if res.Layers.Namespaces || !res.Layers.strictOK() {
			t.Errorf("%s: layers %s", tt.payload, res.Layers)
		}
		t.Logf("ATTACK | %s | without namespaces (%s): %s", tt.payload, res.Layers, shortReport(res.Value))
		for _, w := range tt.want {
			if !strings.Contains(strings.ReplaceAll(res.Value, "open /proc/"+ppid+"/environ: ", ""), w) {
				t.Errorf("%s: report lacks %q:\n%s", tt.payload, w, res.Value)
			}
		}
		if strings.Contains(res.Value, "READ") || strings.Contains(res.Value, "OPENED") {
			t.Errorf("%s: got through: %s", tt.payload, res.Value)
		}
		if _, err := os.Stat(marker); err == nil {
			t.Errorf("%s: marker written", tt.payload)
		}
	}
}

// With the temporary folder on tmpfs, the scratch folder goes to the user's cache folder on disk, so that
// its files are not memory the memory limit does not see.
func TestScratchOffTmpfs(t *testing.T) {
	shm := "/dev/shm" // tmpfs on most Linux systems; as root the test mounts one where it is not
	if !onTmpfs(shm) {
		shm = t.TempDir()
		if err := unix.Mount("tmpfs", shm, "tmpfs", 0, "size=1m"); err != nil {
			t.Fatalf("no tmpfs for the test (/dev/shm is not one, and mounting one failed: %v)", err)
		}
		defer unix.Unmount(shm, 0)
	}
	cache := t.TempDir()
	if onTmpfs(cache) || !onTmpfs(shm) {
		t.Fatalf("test setup: %s tmpfs %v, %s tmpfs %v", cache, onTmpfs(cache), shm, onTmpfs(shm))
	}
	t.Setenv("TMPDIR", shm)
	t.Setenv("XDG_CACHE_HOME", cache)
	dir, err := makeScratch()
	if err != nil {
		t.Fatal(err)
	}
	defer removeTree(dir)
	if onTmpfs(dir) || !strings.HasPrefix(dir, filepath.Join(cache, "golm-sandbox")) {
		t.Errorf("scratch folder %s (tmpfs %v)", dir, onTmpfs(dir))
	}
}
