package kernelspec

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestInstallPrefix(t *testing.T) {
	prefix := t.TempDir()
	dir, err := Install(Where{Prefix: prefix}, Name, NewSpec("/opt/golm/bin/golm", nil))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(prefix, "share", "jupyter", "kernels", "golm"); dir != want {
		t.Fatalf("dir %s, want %s", dir, want)
	}
	data, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	if spec["display_name"] != "Go (golm)" || spec["language"] != "go" || spec["interrupt_mode"] != "message" {
		t.Fatalf("spec %v", spec)
	}
	argv := spec["argv"].([]any)
	if len(argv) != 3 || argv[0] != "/opt/golm/bin/golm" || argv[2] != "{connection_file}" {
		t.Fatalf("argv %v", argv)
	}
	for name, size := range map[string]int{"logo-32x32.png": 32, "logo-64x64.png": 64} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != size || cfg.Height != size {
			t.Fatalf("%s: %dx%d %v", name, cfg.Width, cfg.Height, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "logo-svg.svg")); err != nil {
		t.Fatal(err)
	}
}

func TestUserDirFollowsJupyterDataDir(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "/tmp/jd")
	dir, err := Where{User: true}.Dir()
	if err != nil || dir != "/tmp/jd/kernels" {
		t.Fatalf("%s %v", dir, err)
	}
}
