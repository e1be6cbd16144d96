//go:build llama

package local

/*
#include <stdlib.h>
#include "llama_binding.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unsafe"
)

// Backend libraries loaded so far, process-wide: LoadBackend's paths, and once, the automatic search.
var (
	backendsOnce sync.Once
	backendsErr  error
	backendsMu   sync.Mutex
	loadedLibs   = map[string]bool{}
	hookedLibs   = map[string]bool{} // backends whose libggml-base got golm's log and abort callbacks
)

// LoadBackend loads a ggml backend library, such as libggml-cuda.so built by helpers/local/gpu/build-cuda.sh,
// so that models can offload layers to its devices (Options.GPULayers). Loading the same path twice does
// nothing.
//
// Load calls it for Options.Backend, and otherwise, once per process, for the libraries named in the
// environment variable GOLM_GGML_BACKENDS (a list separated by the OS path separator) or, when that is unset,
// for libggml-cuda.so, libggml-hip.so and libggml-vulkan.so found next to the executable, in ../lib/golm
// beside it, or in ~/.local/lib/golm.
func LoadBackend(path string) error {
	initLlama()
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("local: backend %s: %w", path, err)
	}
	backendsMu.Lock()
	defer backendsMu.Unlock()
	if loadedLibs[abs] {
		return nil
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("local: backend: %w", err)
	}
	// golm's log and failed-check handling for the backend's copy of ggml's core: loaded from beside the backend
	// first where build-cuda.sh put it there, so that the backend's start-up messages go through golm's log too.
	hooked := false
	for _, name := range []string{"libggml-base.so.0", "libggml-base.so"} {
		base := filepath.Join(filepath.Dir(abs), name)
		if _, err := os.Stat(base); err == nil {
			cbase := C.CString(base)
			hooked = C.golm_hook_base(cbase) == 1
			C.free(unsafe.Pointer(cbase))
			break
		}
	}
	cpath := C.CString(abs)
	defer C.free(unsafe.Pointer(cpath))
	if reg := C.ggml_backend_load(cpath); reg == nil {
		return withReason(fmt.Errorf("local: loading ggml backend %s failed", abs))
	}
	if !hooked {
		hooked = C.golm_hook_base(nil) == 1
	}
	loadedLibs[abs] = true
	hookedLibs[abs] = hooked
	return nil
}

// loadedBackends returns the backend libraries loaded so far, sorted.
func loadedBackends() []string {
	backendsMu.Lock()
	defer backendsMu.Unlock()
	libs := make([]string, 0, len(loadedLibs))
	for p := range loadedLibs {
		libs = append(libs, p)
	}
	sort.Strings(libs)
	return libs
}

// gpuNotice returns what Load tells the user when GPU layers were asked for but no GPU can take them (the
// model then runs on the CPU, slowly for a big one), or "" when there is nothing to say.
func gpuNotice(gpuLayers int, devs []Device, loaded []string, backendErr error) string {
	if gpuLayers == 0 {
		return ""
	}
	for _, d := range devs {
		if d.Type == "gpu" || d.Type == "igpu" {
			return ""
		}
	}
	const onCPU = "golm: GPULayers is set, but the model runs on the CPU: "
	switch {
	case backendErr != nil:
		return onCPU + "the GPU backend did not load: " + backendErr.Error()
	case len(loaded) > 0:
		names := make([]string, len(loaded))
		for i, p := range loaded {
			names[i] = filepath.Base(p)
		}
		return onCPU + strings.Join(names, ", ") + " is loaded but found no GPU " +
			"(is the NVIDIA driver installed, does nvidia-smi list a GPU, and is CUDA_VISIBLE_DEVICES unset?)"
	default:
		return onCPU + "no GPU backend was found (build one with helpers/local/gpu/build-cuda.sh, which " +
			"installs ~/.local/lib/golm/libggml-cuda.so, or name one in GOLM_GGML_BACKENDS)"
	}
}

// notices holds the GPU notices already given: the machine does not change while the process runs, so each
// is said once, on standard output (a notebook shows standard error in red, and this is not an error).
var notices sync.Map

// noticeOnce prints msg the first time it is given.
func noticeOnce(msg string) {
	if _, said := notices.LoadOrStore(msg, true); !said {
		fmt.Fprintln(os.Stdout, msg)
	}
}

// BackendSearchPath returns the folders searched for GPU backend libraries when GOLM_GGML_BACKENDS is unset.
func BackendSearchPath() []string {
	var dirs []string
	if exe, err := os.Executable(); err == nil {
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
		dirs = append(dirs, filepath.Dir(exe), filepath.Join(filepath.Dir(exe), "..", "lib", "golm"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local", "lib", "golm"))
	}
	return dirs
}

func autoBackends() error {
	backendsOnce.Do(func() {
		var errs []error
		if list, ok := os.LookupEnv("GOLM_GGML_BACKENDS"); ok {
			for _, p := range filepath.SplitList(list) {
				if p != "" {
					if err := LoadBackend(p); err != nil {
						errs = append(errs, err)
					}
				}
			}
			backendsErr = errors.Join(errs...)
			return
		}
		for _, dir := range BackendSearchPath() {
			for _, name := range []string{"libggml-cuda.so", "libggml-hip.so", "libggml-vulkan.so"} {
				p := filepath.Join(dir, name)
				if _, err := os.Stat(p); err == nil {
					if err := LoadBackend(p); err != nil {
						errs = append(errs, err)
					}
				}
			}
		}
		backendsErr = errors.Join(errs...)
	})
	return backendsErr
}

// Devices lists the compute devices llama.cpp can use: the CPU, and GPUs of loaded backends.
func Devices() []Device {
	initLlama()
	_ = autoBackends()
	n := int(C.ggml_backend_dev_count())
	out := make([]Device, 0, n)
	for i := 0; i < n; i++ {
		dev := C.ggml_backend_dev_get(C.size_t(i))
		var free, total C.size_t
		C.ggml_backend_dev_memory(dev, &free, &total)
		typ := "cpu"
		switch C.ggml_backend_dev_type(dev) {
		case C.GGML_BACKEND_DEVICE_TYPE_GPU:
			typ = "gpu"
		case C.GGML_BACKEND_DEVICE_TYPE_IGPU:
			typ = "igpu"
		case C.GGML_BACKEND_DEVICE_TYPE_ACCEL:
			typ = "accel"
		}
		out = append(out, Device{
			Name:        C.GoString(C.ggml_backend_dev_name(dev)),
			Description: C.GoString(C.ggml_backend_dev_description(dev)),
			Type:        typ,
			MemoryFree:  uint64(free),
			MemoryTotal: uint64(total),
		})
	}
	return out
}

// GPUAvailable reports whether a GPU device is available (a GPU backend is loaded and found a GPU).
func GPUAvailable() bool {
	for _, d := range Devices() {
		if d.Type == "gpu" || d.Type == "igpu" {
			return true
		}
	}
	return false
}

// SystemInfo returns llama.cpp's summary of the CPU features it was built for, such as "AVX2 = 1".
func SystemInfo() string {
	initLlama()
	return C.GoString(C.llama_print_system_info())
}
