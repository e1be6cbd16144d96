//go:build linux

package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// raceParentEnv marks the process that TestRaceAttack starts as the sandbox's parent, with a secret in its
// environment from the start (so that /proc/PID/environ holds it, as a kernel worker's holds its API key).
const raceParentEnv = "GOLM_TEST_RACE_PARENT"

// attackCode is the race-based forged call (testdata/race_attack.go.txt), aimed at target with arg: the
// attacker knows the binary (the offset from strings.ToUpper, whose address %p prints, to the target).
func attackCode(t *testing.T, target any, arg string, tries int) string {
	t.Helper()
	src, err := os.ReadFile("testdata/race_attack.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	off := int64(reflect.ValueOf(target).Pointer()) - int64(reflect.ValueOf(strings.ToUpper).Pointer())
	return strings.NewReplacer("OFFSET", strconv.FormatInt(off, 10), "PATH", arg, "TRIES", strconv.Itoa(tries)).Replace(string(src))
}

// TestRaceAttack runs the race-based forged call of issue 16 many times within the default limits, from a
// parent whose environment holds a planted secret: the forged call reaches os.ReadFile on the parent's
// /proc/PID/environ, and os.Mkdir outside the scratch folder. Neither the secret nor the marker may ever
// appear. It runs once as the child sees it by default (GOMAXPROCS=1: no two goroutines run at once, so the
// copy is never torn) and once with GOMAXPROCS=2, where the race is won and the forged calls happen: then
// the operating system's layers must stop them.
func TestRaceAttack(t *testing.T) {
	if os.Getenv(raceParentEnv) == "" {
		secret := make([]byte, 12)
		_, _ = rand.Read(secret)
		key := "sk-planted-" + hex.EncodeToString(secret)
		marker := filepath.Join(t.TempDir(), "marker")
		cmd := exec.Command(os.Args[0], "-test.run=^TestRaceAttack$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "OPENAI_API_KEY="+key, raceParentEnv+"="+marker)
		out, err := cmd.CombinedOutput()
		t.Logf("%s", out)
		if err != nil {
			t.Errorf("the attack's parent failed: %v", err)
		}
		if strings.Contains(string(out), key) {
			t.Errorf("the planted secret leaked")
		}
		if _, err := os.Stat(marker); err == nil {
			t.Errorf("the marker %s was made outside the scratch folder", marker)
		}
		return
	}
	marker := os.Getenv(raceParentEnv)
	key := os.Getenv("OPENAI_API_KEY")
	environ := "/proc/" + strconv.Itoa(os.Getpid()) + "/environ"
	runs := 5
	for _, procs := range []int{0, 2} {
		sb := New(Options{Confirm: Always}) // default limits and confinement
		sb.maxProcs = procs
		stats := map[string]int{}
		for _, target := range []struct {
			name string
			fn   any
			arg  string
		}{{"os.ReadFile", os.ReadFile, environ}, {"os.Mkdir", os.Mkdir, marker}} {
			code := attackCode(t, target.fn, target.arg, 1_000_000)
			for i := 0; i < runs; i++ {
				res, err := sb.Run(context.Background(), code)
				outcome := res.Value
				switch {
				case err != nil:
					outcome = "crashed or stopped: " + strings.SplitN(err.Error(), "\n", 2)[0]
				case strings.HasPrefix(res.Value, `"called: `+strings.ToUpper(target.arg)):
					outcome = "torn copy, forged write missed"
				case strings.HasPrefix(res.Value, `"called: `):
					outcome = "FORGED CALL RAN, got " + shortReport(strings.TrimPrefix(res.Value, `"called: `))
				}
				stats[target.name+": "+outcome]++
				if strings.Contains(res.Value+res.Output, key) || strings.Contains(res.Value+res.Output, "OPENAI_API_KEY") {
					t.Errorf("GOMAXPROCS=%d %s run %d: the parent's environment leaked", procs, target.name, i)
				}
				if _, err := os.Stat(marker); err == nil {
					t.Errorf("GOMAXPROCS=%d %s run %d: made %s", procs, target.name, i, marker)
					os.Remove(marker)
				}
				if i == 0 {
					t.Logf("layers: %s", res.Layers)
				}
			}
		}
		t.Logf("RACE | GOMAXPROCS=%d (0: the default, 1) | %d runs per target | %v", procs, runs, stats)
	}
}
