//go:build unix

package worker

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/golm-dev/golm/internal/kernel/pipe"
	"github.com/golm-dev/golm/internal/kernel/supervisor"
)

// busyCell prints a line, then keeps the worker busy in a loop that never yields to a request: the worker
// must end while a cell runs.
const busyCell = "fmt.Println(\"busy\")\nfor {}"

// TestWorkerEndsWithItsParent kills a worker's parent while the worker runs a cell, and checks that the
// worker ends soon after, by each of the mechanisms a worker relies on. The first two start the worker
// without a death signal, as on macOS, so that they test the portable mechanisms on Linux too.
func TestWorkerEndsWithItsParent(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, how string
		within    time.Duration
	}{
		{"request pipe reaches end-of-file", "pipe", 3 * time.Second},
		{"parent process id changes (request pipe still open)", "poll", 3 * time.Second},
		{"started by the supervisor, as the kernel does", "supervisor", 3 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parent := exec.Command(exe, "-test.run=^$")
			parent.Env = append(os.Environ(), "GOLM_TEST_PARENT="+c.how)
			parent.Stderr = os.Stderr
			out, err := parent.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := parent.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = parent.Process.Kill(); _ = parent.Wait() })
			line := make(chan string, 1)
			go func() {
				s, _ := bufio.NewReader(out).ReadString('\n')
				line <- s
			}()
			var pid int
			select {
			case s := <-line:
				if _, err := fmt.Sscanf(s, "worker %d busy", &pid); err != nil {
					t.Fatalf("the test parent said %q: %v", s, err)
				}
			case <-time.After(60 * time.Second):
				t.Fatal("the test parent did not start a busy worker in 60 s")
			}
			t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
			if !alive(pid) {
				t.Fatalf("worker %d is not running before its parent is killed", pid)
			}

			if err := parent.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = parent.Wait()
			killed := time.Now()
			for alive(pid) {
				if time.Since(killed) > c.within {
					t.Fatalf("worker %d still runs %v after its parent was killed", pid, c.within)
				}
				time.Sleep(10 * time.Millisecond)
			}
			t.Logf("worker %d ended %v after its parent was killed", pid, time.Since(killed).Round(time.Millisecond))
		})
	}
}

// alive reports whether a process runs (a zombie, ended but not yet reaped by its new parent, does not).
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err == nil {
		// The state follows the command name, which is in parentheses.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		return len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
	}
	if _, err := os.Stat("/proc/self/stat"); err == nil {
		return false // a system with /proc, and no entry for pid
	}
	return syscall.Kill(pid, 0) == nil
}

// actAsParent is the test parent: it starts a worker (this test binary), makes it run busyCell, writes
// "worker PID busy" on standard output and waits to be killed. how says how it starts the worker:
//
//	pipe        with the pipes only, no death signal, no polling: only the request pipe's end-of-file
//	            tells the worker that its parent died
//	poll        like pipe, but the worker holds the request pipe's write end too (no end-of-file ever)
//	            and polls its parent process id every 100 ms
//	supervisor  with supervisor.Start, as the kernel starts golm worker (on Linux: a death signal)
func actAsParent(how string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOLM_TEST_PARENT=") {
			env = append(env, kv)
		}
	}
	env = append(env, "GOLM_TEST_WORKER=1")
	command := []string{exe, "-test.run=^$"}

	if how == "supervisor" {
		busy := make(chan struct{}, 1)
		p, err := supervisor.Start(supervisor.Options{Command: command, Env: env, Stream: func(_, text string) {
			if strings.Contains(text, "busy") {
				select {
				case busy <- struct{}{}:
				default:
				}
			}
		}})
		if err != nil {
			return err
		}
		go func() { _, _ = p.Do(pipe.Request{Op: pipe.OpExecute, Code: busyCell}, func(pipe.Event) {}) }()
		select {
		case <-busy:
		case <-p.Exited():
			return errors.New("the worker ended before its cell ran")
		}
		fmt.Printf("worker %d busy\n", p.Pid())
		time.Sleep(time.Hour)
		runtime.KeepAlive(p)
		return nil
	}

	var files []*os.File // every pipe end, kept open until this process is killed
	newPipe := func() (r, w *os.File) {
		r, w, err := os.Pipe()
		if err != nil {
			panic(err) // only in the test parent, which reports it on stderr
		}
		files = append(files, r, w)
		return r, w
	}
	reqR, reqW := newPipe()
	evR, evW := newPipe()
	outR, outW := newPipe()
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Stdout = outW
	cmd.Stderr = os.Stderr
	cmd.ExtraFiles = []*os.File{reqR, evW} // pipe.RequestFD, pipe.EventFD
	switch how {
	case "pipe":
		cmd.Env = append(env, "GOLM_TEST_PARENT_POLL=-1ns")
	case "poll":
		cmd.Env = append(env, "GOLM_TEST_PARENT_POLL=100ms")
		cmd.ExtraFiles = append(cmd.ExtraFiles, reqW)
	default:
		return fmt.Errorf("unknown way to start a worker: %q", how)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	var ready pipe.Event
	if err := json.NewDecoder(evR).Decode(&ready); err != nil || ready.Kind != pipe.EvReady {
		return fmt.Errorf("waiting for the worker to be ready: %v %v", ready, err)
	}
	if err := json.NewEncoder(reqW).Encode(pipe.Request{ID: 1, Op: pipe.OpExecute, Code: busyCell}); err != nil {
		return err
	}
	var seen strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(seen.String(), "busy") {
		n, err := outR.Read(buf)
		seen.Write(buf[:n])
		if err != nil {
			return fmt.Errorf("reading the worker's output: %v (read %q)", err, seen.String())
		}
	}
	fmt.Printf("worker %d busy\n", cmd.Process.Pid)
	time.Sleep(time.Hour)
	runtime.KeepAlive(files)
	return nil
}
