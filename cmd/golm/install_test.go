package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestInstallBinary: a relative --binary path is written into kernel.json as an absolute path, since
// Jupyter starts kernels from other folders; a bare name stays as it is, for Jupyter to look up on PATH
// (make dist's kernelspec).
func TestInstallBinary(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("golm", []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ binary, want string }{
		{"./golm", filepath.Join(dir, "golm")},
		{"sub/../golm", filepath.Join(dir, "golm")},
		{"golm", "golm"},
		{filepath.Join(dir, "golm"), filepath.Join(dir, "golm")},
	} {
		prefix := filepath.Join(dir, "prefix")
		var out, errs bytes.Buffer
		if err := runInstall(context.Background(), []string{"--prefix", prefix, "--binary", tt.binary}, &out, &errs); err != nil {
			t.Fatalf("%s: %v (%s)", tt.binary, err, errs.String())
		}
		data, err := os.ReadFile(filepath.Join(prefix, "share", "jupyter", "kernels", "golm", "kernel.json"))
		if err != nil {
			t.Fatal(err)
		}
		var spec struct{ Argv []string }
		if err := json.Unmarshal(data, &spec); err != nil || len(spec.Argv) == 0 {
			t.Fatalf("kernel.json %s: %v", data, err)
		}
		if spec.Argv[0] != tt.want {
			t.Errorf("--binary %s: kernel.json starts %q, want %q", tt.binary, spec.Argv[0], tt.want)
		}
	}
}

// TestInstallReleaseFailureLeavesNothing: a release that cannot be fetched leaves neither the kernelspec
// folders (created to check that they are writable) nor golm's own folder behind.
func TestInstallReleaseFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "prefix")
	var out, errs bytes.Buffer
	err := runInstall(context.Background(), []string{"--release", "--from", filepath.Join(dir, "no-release"),
		"--prefix", prefix, "--dest", filepath.Join(dir, "golm")}, &out, &errs)
	if err == nil {
		t.Fatal("installing from a folder that does not exist succeeded")
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind after %q: %s", err, e.Name())
	}
}
