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
	// Read by the test itself so that go test's cache knows the result depends on it.
	if _, err := os.ReadFile(script); err != nil {
		t.Fatal(err)
	}
	// The cases that get as far as cmake need the module's sources, as the real build does.
	out, err := exec.Command(goBin, "list", "-m", "-f", "{{.Dir}}", "github.com/ollama/ollama").Output()
	haveModule := err == nil && strings.TrimSpace(string(out)) != ""
	const smiGPU = "#!/bin/sh\necho 'GPU 0: Tesla T4 (UUID: GPU-0)'\n"
	cases := []struct {
		name  string
		tools map[string]string // stand-in programs on PATH
		env   []string
		want  string   // in the output
		args  string   // in cmake's recorded arguments; "" when cmake must not run
		kit   bool     // no Go on PATH; GOLM_GGML_SRC names a copy of the sources (gpu/kit.sh)
		cache bool     // no BUILD_DIR: the script picks its build folder in $HOME/.cache
		more  []string // more strings that cmake's arguments must hold
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
		{name: "build folder per target", tools: map[string]string{"cmake": ""}, cache: true,
			env: []string{"GOLM_GGML_TARGET=ggml-cpu-haswell"}, args: "/.cache/golm/ggml-build-ggml-cpu-haswell-"},
		{name: "cuda build folder looks for CUDA again", tools: map[string]string{"cmake": "", "nvcc": ""}, cache: true,
			env: []string{"CUDA_ARCHITECTURES=75"}, args: "/.cache/golm/ggml-build-ggml-cuda-",
			more: []string{"-UCMAKE_CUDA_COMPILER", "-DCMAKE_CUDA_ARCHITECTURES=75"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.args != "" && !c.kit && !haveModule {
				t.Skip("github.com/ollama/ollama is not in the module cache (go mod download github.com/ollama/ollama)")
			}
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
			linkTools(t, dir, "dirname", "grep", "nproc", "mkdir", "cp", "cksum", "cut")
			var env []string
			if !c.cache {
				env = append(env, "BUILD_DIR="+filepath.Join(dir, "build"))
			}
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
			for _, m := range c.more {
				if !strings.Contains(string(args), m) {
					t.Errorf("cmake arguments %q, want %q", args, m)
				}
			}
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

// linkTools links the named programs from PATH into dir, for a PATH that holds nothing else.
func linkTools(t *testing.T, dir string, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("%s is not on PATH", tool)
		}
		if err := os.Symlink(p, filepath.Join(dir, tool)); err != nil {
			t.Fatal(err)
		}
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

// TestGPUCheckScript runs gpu/check.sh from a kit of stand-in programs (test binary, benchmark, model writer,
// cmake, nvcc, nvidia-smi), so that its flow is known to work before it meets a GPU machine: what it reports,
// and its exit status, when TestGPU passes, fails, fails in another test or skips, and when a speed run fails.
func TestGPUCheckScript(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a POSIX shell script")
	}
	script, err := filepath.Abs("gpu/check.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{script, filepath.Join(filepath.Dir(script), "build-cuda.sh")} {
		if _, err := os.ReadFile(s); err != nil { // read here so that go test's cache depends on them
			t.Fatal(err)
		}
	}
	stubs := map[string]string{
		// cmake --build DIR ... "builds" the backend and its libggml-base.
		"tools/cmake": `#!/bin/sh
if [ "$1" = --build ]; then mkdir -p "$2/lib/ollama" && : >"$2/lib/ollama/libggml-cuda.so" && : >"$2/lib/ollama/libggml-base.so.0"; fi
exit 0
`,
		"tools/nvcc":       "#!/bin/sh\nexit 0\n",
		"tools/nvidia-smi": "#!/bin/sh\necho 'GPU 0: NVIDIA H100 (UUID: GPU-0)'\n",
		"kit/bin/local.test": `#!/bin/sh
echo "=== RUN   TestGPU"
case "$STUB_GPU" in
pass) echo "--- PASS: TestGPU (0.10s)"; echo PASS ;;
fail) echo "--- PASS: TestGPUNotice (0.00s)"; echo "--- FAIL: TestGPU (0.10s)"; echo FAIL; exit 1 ;;
other) echo "--- PASS: TestGPU (0.10s)"; echo "--- FAIL: TestDevicesAndInfo (0.00s)"; echo FAIL; exit 1 ;;
skip) echo "    llama_test.go:1: no GPU: golm: stand-in reason"; echo "--- SKIP: TestGPU (0.00s)"; echo PASS ;;
esac
`,
		"kit/bin/bench": `#!/bin/sh
case "$*" in *-gpu-layers*) [ -n "$STUB_BENCH_FAIL" ] && { echo "bench: stand-in failure" >&2; exit 1; } ;; esac
echo "stand-in table: $* backends=$GOLM_GGML_BACKENDS"
`,
		"kit/bin/synthgguf":         "#!/bin/sh\nfor a; do last=$a; done\n: >\"$last\"\n",
		"kit/ollama/CMakeLists.txt": "",
		"kit/VERSION":               "stand-in\n",
	}
	cases := []struct {
		gpu, benchFail string
		status         int
		want           []string
	}{
		{gpu: "pass", status: 0, want: []string{"== TestGPU passed", "speed of golm-bench-large.gguf: CPU",
			" backends=\n", "-gpu-layers -1 backends=/", "/lib/libggml-cuda.so\n", "== done"}},
		{gpu: "fail", status: 1, want: []string{"== TestGPU FAILED (exit status 1"}},
		{gpu: "other", status: 1, want: []string{"== TestGPU FAILED (exit status 1"}},
		{gpu: "skip", status: 1, want: []string{"== TestGPU SKIPPED: no GPU: golm: stand-in reason"}},
		{gpu: "pass", benchFail: "1", status: 1, want: []string{"== FAILED: ", "-gpu-layers -1 (log: ", "== done"}},
	}
	for _, c := range cases {
		name := "TestGPU " + c.gpu
		if c.benchFail != "" {
			name += ", a speed run fails"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for name, body := range stubs {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, "tools")
			linkTools(t, path, "dirname", "grep", "nproc", "mkdir", "cp", "cksum", "cut", "tee", "cat", "date",
				"tail", "rm", "basename", "env", "head", "pwd")
			cmd := exec.Command("/bin/sh", script)
			cmd.Env = []string{"PATH=" + path, "HOME=" + dir, "GOLM_KIT=" + filepath.Join(dir, "kit"),
				"OUT=" + filepath.Join(dir, "out"), "WORK=" + filepath.Join(dir, "work"), "JOBS=2",
				"STUB_GPU=" + c.gpu, "STUB_BENCH_FAIL=" + c.benchFail}
			out, err := cmd.CombinedOutput()
			status := 0
			if ee, ok := err.(*exec.ExitError); ok {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			summary, _ := os.ReadFile(filepath.Join(dir, "out", "summary.txt"))
			if status != c.status {
				t.Errorf("exit status %d, want %d\n%s", status, c.status, out)
			}
			for _, w := range c.want {
				if !strings.Contains(string(summary), w) {
					t.Errorf("summary lacks %q:\n%s\noutput:\n%s", w, summary, out)
				}
			}
		})
	}
}
