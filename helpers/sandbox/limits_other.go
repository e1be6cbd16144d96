//go:build !linux

package sandbox

import (
	"os"
	"os/exec"
	"runtime"
)

// probe finds no operating-system confinement outside Linux.
func probe() probeResult {
	return probeResult{layers: Layers{Missing: []string{runtime.GOOS + " offers this package no seccomp-bpf or Landlock"}}}
}

// probeResult is what this system offers.
type probeResult struct {
	layers Layers
	ns     bool
}

// configure does nothing where process groups and parent-death signals are not available through this code.
func configure(cmd *exec.Cmd, ns bool) {}

// kill ends the child.
func kill(p *os.Process) { _ = p.Kill() }

// residentBytes is unknown outside Linux; the memory limit then rests on the Go runtime's soft limit.
func residentBytes(pid int) (int64, bool) { return 0, false }

// confineMain cannot confine anything here: under Strict it refuses, otherwise it runs the program in this
// same process.
func confineMain() int {
	cfg, err := readChildConfig()
	if err != nil {
		return refuse(Layers{}, "reading the configuration: "+err.Error())
	}
	if cfg.Level == Strict {
		return refuse(probe().layers, unconfinedError(probe().layers).Error())
	}
	cfg.Layers = probe().layers
	data, err := childEnvironJSON(cfg)
	if err != nil {
		return refuse(cfg.Layers, err.Error())
	}
	if err := os.Setenv(configEnv, data); err != nil {
		return refuse(cfg.Layers, err.Error())
	}
	return childMain()
}

// confineThreads has nothing to apply here.
func confineThreads(layers *Layers) {}

// openFDs is not checked here.
func openFDs() []int { return nil }
