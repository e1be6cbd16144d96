package release

import (
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/sys/cpu"
)

// checkCPU reports whether this machine has the x86-64 micro-architecture level an archive's llama.cpp was
// compiled for ("x86-64-v3": AVX2, FMA, BMI2, F16C; "x86-64-v2": SSE4.2, SSSE3, POPCNT); "" needs nothing.
func checkCPU(level string) error {
	if level == "" || level == "none" {
		return nil
	}
	if runtime.GOARCH != "amd64" {
		return fmt.Errorf("built for %s, this machine is %s", level, runtime.GOARCH)
	}
	x := cpu.X86
	var missing []string
	need := func(ok bool, name string) {
		if !ok {
			missing = append(missing, name)
		}
	}
	switch level {
	case "x86-64-v3":
		need(x.HasAVX2, "AVX2")
		need(x.HasFMA, "FMA")
		need(x.HasBMI2, "BMI2")
		need(x.HasF16C, "F16C")
		fallthrough
	case "x86-64-v2":
		need(x.HasSSE42, "SSE4.2")
		need(x.HasSSSE3, "SSSE3")
		need(x.HasPOPCNT, "POPCNT")
	default:
		return fmt.Errorf("needs CPU level %q, which this golm does not know: build golm from source", level)
	}
	if len(missing) > 0 {
		return fmt.Errorf("its llama.cpp was compiled for %s, and this CPU lacks %s: build golm from source (make build)",
			level, strings.Join(missing, ", "))
	}
	return nil
}
