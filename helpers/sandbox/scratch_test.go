//go:build unix

package sandbox

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// unprivilegedEnv marks the copy of this test binary that TestRemoveTreeLocked runs as an unprivileged user
// when the tests run as root (root ignores permissions, so the test would prove nothing).
const unprivilegedEnv = "GOLM_TEST_UNPRIVILEGED"

// A folder locked with chmod 0, with more inside, is removed all the same; os.RemoveAll alone fails on it.
func TestRemoveTreeLocked(t *testing.T) {
	if os.Getuid() == 0 && os.Getenv(unprivilegedEnv) == "" {
		runUnprivileged(t, "^TestRemoveTreeLocked$")
		return
	}
	lock := func() string {
		dir, err := os.MkdirTemp(os.Getenv("GOLM_TEST_TMP"), "scratch-")
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"a/b/c", "a/d"} {
			if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, d, "f"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, d := range []string{"a/b/c", "a/b", "a"} {
			if err := os.Chmod(filepath.Join(dir, d), 0); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	plain := lock()
	if err := os.RemoveAll(plain); err == nil {
		t.Fatalf("os.RemoveAll removed a locked folder: the test cannot tell anything (uid %d)", os.Getuid())
	}
	_ = removeTree(plain)
	dir := lock()
	if err := removeTree(dir); err != nil {
		t.Errorf("removeTree: %v", err)
	}
	if _, err := os.Lstat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still exists: %v", dir, err)
	}
}

// runUnprivileged runs the tests matching run in a copy of this test binary as user nobody (65534).
func runUnprivileged(t *testing.T, run string) {
	t.Helper()
	tmp, err := os.MkdirTemp("", "golm-unpriv-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(tmp, "sandbox.test")
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(dst, src)
	src.Close()
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-test.run="+run, "-test.v", "-test.count=1")
	cmd.Dir = tmp
	cmd.Env = []string{unprivilegedEnv + "=1", "GOLM_TEST_TMP=" + tmp, "HOME=" + tmp, "TMPDIR=" + tmp}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	t.Logf("as uid 65534:\n%s", out)
	if err != nil {
		t.Errorf("as uid 65534: %v", err)
	}
}
