package gguf

import (
	"encoding/binary"
	"fmt"
	"math"
)

// EncodeF32 returns the little-endian encoding of xs as an F32 tensor.
func EncodeF32(xs []float32) []byte {
	out := make([]byte, 4*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(x))
	}
	return out
}

// EncodeF16 returns xs as an F16 tensor (IEEE half precision, rounded to nearest even).
func EncodeF16(xs []float32) []byte {
	out := make([]byte, 2*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint16(out[2*i:], Float16(x))
	}
	return out
}

// EncodeQ8_0 returns xs quantized as a Q8_0 tensor: blocks of 32 values stored as one F16 scale d = max|x|/127
// and 32 signed bytes q, with x ≈ d·q. len(xs) must be a multiple of 32.
func EncodeQ8_0(xs []float32) ([]byte, error) {
	const block = 32
	if len(xs)%block != 0 {
		return nil, fmt.Errorf("gguf: Q8_0 needs a multiple of %d values, got %d", block, len(xs))
	}
	out := make([]byte, 0, len(xs)/block*34)
	for b := 0; b < len(xs); b += block {
		var amax float32
		for _, x := range xs[b : b+block] {
			amax = max(amax, float32(math.Abs(float64(x))))
		}
		d := amax / 127
		var id float32
		if d != 0 {
			id = 1 / d
		}
		out = binary.LittleEndian.AppendUint16(out, Float16(d))
		for _, x := range xs[b : b+block] {
			out = append(out, byte(int8(math.Round(float64(x*id)))))
		}
	}
	return out, nil
}

// DecodeQ8_0 returns the values of a Q8_0 tensor.
func DecodeQ8_0(data []byte) ([]float32, error) {
	if len(data)%34 != 0 {
		return nil, fmt.Errorf("gguf: Q8_0 data of %d bytes is not a whole number of 34-byte blocks", len(data))
	}
	out := make([]float32, 0, len(data)/34*32)
	for b := 0; b < len(data); b += 34 {
		d := Float32(binary.LittleEndian.Uint16(data[b:]))
		for _, q := range data[b+2 : b+34] {
			out = append(out, d*float32(int8(q)))
		}
	}
	return out, nil
}

// Float16 converts a float32 to IEEE 754 half precision bits, rounding to nearest even; values too large for
// half precision become infinities.
func Float16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23&0xff) - 127 + 15
	mant := b & 0x7fffff
	switch {
	case b&0x7fffffff > 0x7f800000: // NaN
		return sign | 0x7e00
	case exp >= 0x1f: // overflow or infinity
		return sign | 0x7c00
	case exp <= 0: // subnormal or zero
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint32(14 - exp)
		half := mant >> shift
		rem := mant & (1<<shift - 1)
		mid := uint32(1) << (shift - 1)
		if rem > mid || (rem == mid && half&1 == 1) {
			half++
		}
		return sign | uint16(half)
	}
	half := uint32(exp)<<10 | mant>>13
	rem := mant & 0x1fff
	if rem > 0x1000 || (rem == 0x1000 && half&1 == 1) {
		half++ // may carry into the exponent, which is still correct (up to infinity)
	}
	return sign | uint16(half)
}

// Float32 converts IEEE 754 half precision bits to a float32.
func Float32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	case exp == 0:
		if mant == 0 {
			return math.Float32frombits(sign)
		}
		// subnormal: normalise
		e := uint32(127 - 15 + 1)
		for mant&0x400 == 0 {
			mant <<= 1
			e--
		}
		mant &= 0x3ff
		return math.Float32frombits(sign | e<<23 | mant<<13)
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}
