package vec

import "golang.org/x/sys/cpu"

// useAVX2 is true on processors (and operating systems) with AVX2 and FMA.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:noescape
func dotAVX2(a, b []float32) float32

//go:noescape
func dotInt8AVX2(a, b []int8) int32
