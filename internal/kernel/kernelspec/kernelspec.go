// Package kernelspec installs golm's Jupyter kernelspec: kernel.json and the logos, in the folders
// jupyter_client searches, the way `python -m ipykernel install` does.
package kernelspec

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

//go:embed logo-32x32.png logo-64x64.png logo-svg.svg
var logos embed.FS

// Name is the kernelspec's default name.
const Name = "golm"

// Spec is the content of kernel.json.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata"`
}

// NewSpec returns the kernelspec for a golm binary.
func NewSpec(binary string, env map[string]string) Spec {
	return Spec{
		Argv:          []string{binary, "kernel", "{connection_file}"},
		DisplayName:   "Go (golm)",
		Language:      "go",
		InterruptMode: "message",
		Env:           env,
		Metadata:      map[string]any{"debugger": false},
	}
}

// Where says where to install: one of User, SysPrefix, Prefix (with a folder) or the system default.
type Where struct {
	User      bool
	SysPrefix bool
	Prefix    string
}

// Dir returns the kernels folder for an installation.
func (w Where) Dir() (string, error) {
	switch {
	case w.Prefix != "":
		return filepath.Join(w.Prefix, "share", "jupyter", "kernels"), nil
	case w.SysPrefix:
		prefix, err := sysPrefix()
		if err != nil {
			return "", err
		}
		return filepath.Join(prefix, "share", "jupyter", "kernels"), nil
	case w.User:
		if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
			return filepath.Join(d, "kernels"), nil
		}
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding the home folder: %w", err)
		}
		return filepath.Join(home, ".local", "share", "jupyter", "kernels"), nil
	default:
		return "/usr/local/share/jupyter/kernels", nil
	}
}

// sysPrefix is the prefix of the Python environment Jupyter runs in: conda's, a virtualenv's, or the
// python3 on the PATH.
func sysPrefix() (string, error) {
	for _, v := range []string{"CONDA_PREFIX", "VIRTUAL_ENV"} {
		if p := os.Getenv(v); p != "" {
			return p, nil
		}
	}
	out, err := exec.Command("python3", "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", errors.New("--sys-prefix: no CONDA_PREFIX or VIRTUAL_ENV, and python3 could not tell its prefix")
	}
	return strings.TrimSpace(string(out)), nil
}

// Install writes the kernelspec named name into the folder of w and returns the kernelspec folder.
func Install(w Where, name string, spec Spec) (string, error) {
	dir, err := w.Dir()
	if err != nil {
		return "", err
	}
	dir = filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating %s: %w", dir, err)
	}
	data, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return "", err
	}
	entries, _ := logos.ReadDir(".")
	for _, e := range entries {
		b, err := logos.ReadFile(e.Name())
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644); err != nil {
			return "", fmt.Errorf("writing %s: %w", e.Name(), err)
		}
	}
	// kernel.json last, in one rename: Jupyter sees the old kernelspec or the new one, never half of one.
	tmp, err := os.CreateTemp(dir, ".kernel.json-*")
	if err != nil {
		return "", fmt.Errorf("writing kernel.json: %w", err)
	}
	_, werr := tmp.Write(append(data, '\n'))
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("writing kernel.json: %w", err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, "kernel.json")); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("writing kernel.json: %w", err)
	}
	return dir, nil
}
