package local

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestBuildCUDAScript runs gpu/build-cuda.sh with stand-ins for nvcc, nvidia-smi and cmake, and checks what it
// tells a user who lacks a piece, and the cmake command it runs. (The real CUDA build is checked by hand on a
// machine with the CUDA toolkit: see gpu/check.sh and the package README.)
func TestBuildCUDAScript(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a POSIX shell script")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH:", err)
	}
	script, err := filepath.Abs("gpu/build-cuda.sh")
	if err != nil {
		t.Fatal(err)
	}
	const smiGPU = "#!/bin/sh\necho 'GPU 0: Tesla T4 (UUID: GPU-0)'\n"
	cases := []struct {
		name  string
		tools map[string]string // stand-in programs on PATH
		env   []string
		want  string // in the output
		args  string // in cmake's recorded arguments; "" when cmake must not run
		kit   bool   // no Go on PATH; GOLM_GGML_SRC names a copy of the sources (gpu/kit.sh)
	}{
		{name: "no nvcc", tools: map[string]string{"cmake": ""},
			want: "nvcc not found: install the CUDA toolkit"},
		{name: "no GPU and no architecture", tools: map[string]string{"cmake": "", "nvcc": ""},
			want: "no NVIDIA GPU found here"},
		{name: "no GPU, architecture named", tools: map[string]string{"cmake": "", "nvcc": ""},
			env: []string{"CUDA_ARCHITECTURES=75;80"}, args: "-DCMAKE_CUDA_ARCHITECTURES=75;80"},
		{name: "GPU present", tools: map[string]string{"cmake": "", "nvcc": "", "nvidia-smi": smiGPU},
			args: "-DCMAKE_CUDA_ARCHITECTURES=native"},
		{name: "no cmake", tools: map[string]string{"nvcc": ""}, want: "cmake not found"},
		{name: "CPU backend, CUDA kept out", tools: map[string]string{"cmake": "", "nvcc": ""},
			env: []string{"GOLM_GGML_TARGET=ggml-cpu-haswell"}, args: "-DCMAKE_CUDA_COMPILER=NOTFOUND"},
		{name: "sources from a kit, no Go", tools: map[string]string{"cmake": "", "nvcc": ""}, kit: true,
			env: []string{"CUDA_ARCHITECTURES=90"}, args: "-DCMAKE_CUDA_ARCHITECTURES=90"},
		{name: "no Go and no kit", tools: map[string]string{"cmake": "", "nvcc": ""}, kit: true,
			want: "go not found"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, ok := c.tools["nvcc"]; !ok {
				for _, p := range []string{"/usr/local/cuda/bin/nvcc", "/opt/cuda/bin/nvcc"} {
					if _, err := os.Stat(p); err == nil {
						t.Skipf("the script finds %s by itself", p)
					}
				}
			}
			dir := t.TempDir()
			record := filepath.Join(dir, "cmake-args")
			for name, body := range c.tools {
				if name == "cmake" {
					// Records its arguments and fails, which ends the script before any real build.
					body = "#!/bin/sh\necho \"$@\" >>" + record + "\nexit 1\n"
				} else if body == "" {
					body = "#!/bin/sh\nexit 0\n"
				}
				if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			// PATH holds only the stand-ins and the real tools the script uses besides them, so that a CUDA
			// toolkit or GPU driver installed on this machine does not change the answers.
			for _, tool := range []string{"dirname", "grep", "nproc", "mkdir", "cp"} {
				p, err := exec.LookPath(tool)
				if err != nil {
					t.Skipf("%s is not on PATH", tool)
				}
				if err := os.Symlink(p, filepath.Join(dir, tool)); err != nil {
					t.Fatal(err)
				}
			}
			var env []string
			if c.kit {
				if c.args != "" {
					src := filepath.Join(dir, "ollama")
					if err := os.MkdirAll(src, 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(src, "CMakeLists.txt"), nil, 0o644); err != nil {
						t.Fatal(err)
					}
					env = append(env, "GOLM_GGML_SRC="+src)
				}
			} else if err := os.Symlink(goBin, filepath.Join(dir, "go")); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("/bin/sh", script, filepath.Join(dir, "lib"))
			cmd.Env = append([]string{
				"PATH=" + dir,
				"HOME=" + dir,
				"BUILD_DIR=" + filepath.Join(dir, "build"),
				"GOROOT=" + goEnv(t, goBin, "GOROOT"),
				"GOMODCACHE=" + goEnv(t, goBin, "GOMODCACHE"),
				"GOCACHE=" + goEnv(t, goBin, "GOCACHE"),
				"GOPROXY=" + goEnv(t, goBin, "GOPROXY"),
			}, append(env, c.env...)...)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the script succeeded with stand-in tools:\n%s", out)
			}
			if !strings.Contains(string(out), c.want) {
				t.Errorf("output %q, want it to contain %q", out, c.want)
			}
			args, _ := os.ReadFile(record)
			switch {
			case c.args == "" && len(args) > 0:
				t.Errorf("cmake ran (%s) though the script should have stopped first", args)
			case c.args != "" && !strings.Contains(string(args), c.args):
				t.Errorf("cmake arguments %q, want %q", args, c.args)
			case c.args != "" && !c.kit && !strings.Contains(string(args), "github.com/ollama/ollama@"):
				t.Errorf("cmake arguments %q do not name the ollama module's sources", args)
			case c.args != "" && c.kit && !strings.Contains(string(args), "-S "+filepath.Join(dir, "ollama")+" "):
				t.Errorf("cmake arguments %q do not name the kit's sources", args)
			}
		})
	}
}

func goEnv(t *testing.T, goBin, name string) string {
	t.Helper()
	out, err := exec.Command(goBin, "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}
