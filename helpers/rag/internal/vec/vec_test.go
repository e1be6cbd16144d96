package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestDotMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 100; n++ {
		a, b := make([]float32, n), make([]float32, n+3)
		a8, b8 := make([]int8, n), make([]int8, n+3)
		var want float64
		var want8 int32
		for i := range a {
			a[i], b[i] = r.Float32()*2-1, r.Float32()*2-1
			a8[i], b8[i] = int8(r.IntN(256)-128), int8(r.IntN(256)-128)
			want += float64(a[i]) * float64(b[i])
			want8 += int32(a8[i]) * int32(b8[i])
		}
		if got := Dot(a, b); math.Abs(float64(got)-want) > 1e-4 {
			t.Errorf("n=%d: Dot = %v, want %v", n, got, want)
		}
		if got := dotGo(a, b); math.Abs(float64(got)-want) > 1e-4 {
			t.Errorf("n=%d: dotGo = %v, want %v", n, got, want)
		}
		if got := DotInt8(a8, b8); got != want8 {
			t.Errorf("n=%d: DotInt8 = %d, want %d", n, got, want8)
		}
		if got := dotInt8Go(a8, b8); got != want8 {
			t.Errorf("n=%d: dotInt8Go = %d, want %d", n, got, want8)
		}
	}
}

func TestDotInt8Extremes(t *testing.T) {
	for _, tc := range []struct {
		x, y int8
		n    int
	}{{-128, -128, 384}, {127, -128, 1000}, {-128, 127, 33}, {127, 127, 17}} {
		a, b := make([]int8, tc.n), make([]int8, tc.n)
		for i := range a {
			a[i], b[i] = tc.x, tc.y
		}
		want := int32(tc.x) * int32(tc.y) * int32(tc.n)
		if got := DotInt8(a, b); got != want {
			t.Errorf("%d×%d×%d: got %d, want %d", tc.x, tc.y, tc.n, got, want)
		}
	}
}

func TestNormalizeAndQuantize(t *testing.T) {
	tests := []struct {
		in   []float32
		ok   bool
		want []float32
	}{
		{[]float32{3, 4}, true, []float32{0.6, 0.8}},
		{[]float32{0, 0, 0}, false, nil},
		{[]float32{-2}, true, []float32{-1}},
	}
	for _, tc := range tests {
		dst := make([]float32, len(tc.in))
		ok := Normalize(dst, tc.in)
		if ok != tc.ok {
			t.Fatalf("Normalize(%v) ok = %v", tc.in, ok)
		}
		for i := range tc.want {
			if math.Abs(float64(dst[i]-tc.want[i])) > 1e-6 {
				t.Errorf("Normalize(%v) = %v, want %v", tc.in, dst, tc.want)
			}
		}
	}
	v := []float32{0.5, -1, 0.25, 0}
	q := make([]int8, len(v))
	s := Quantize(q, v)
	if q[1] != -127 || q[0] != 64 || q[3] != 0 {
		t.Errorf("Quantize = %v", q)
	}
	for i := range v {
		if math.Abs(float64(s*float32(q[i])-v[i])) > 0.005 {
			t.Errorf("dequantized %d: %v vs %v", i, s*float32(q[i]), v[i])
		}
	}
	if !Finite([]float32{1, 2}) || Finite([]float32{1, float32(math.NaN())}) || Finite([]float32{float32(math.Inf(1))}) {
		t.Error("Finite is wrong")
	}
}

func BenchmarkDot(b *testing.B) {
	x, y := make([]float32, 384), make([]float32, 384)
	for i := range x {
		x[i], y[i] = float32(i)/384, float32(384-i)/384
	}
	b.Run("avx2", func(b *testing.B) {
		for b.Loop() {
			Dot(x, y)
		}
	})
	b.Run("go4", func(b *testing.B) {
		for b.Loop() {
			dotGo(x, y)
		}
	})
	x8, y8 := make([]int8, 384), make([]int8, 384)
	b.Run("int8avx2", func(b *testing.B) {
		for b.Loop() {
			DotInt8(x8, y8)
		}
	})
}
