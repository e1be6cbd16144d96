// Package gguf reads and writes GGUF files, the model format of llama.cpp, in pure Go (no cgo, no build tag).
//
// A GGUF file holds key/value metadata (architecture, context length, tokenizer, chat template, …) followed by
// tensor descriptions and tensor data. Open reads the metadata and tensor descriptions without reading the
// weights, so inspecting a 40 GB model takes milliseconds; ReadMetadata summarises what a notebook wants to
// know about a model. Writer writes GGUF files, used to build small test models (see package synth).
//
// The format is specified at https://github.com/ggml-org/ggml/blob/master/docs/gguf.md.
package gguf

import "fmt"

// Magic is the four bytes a GGUF file starts with.
const Magic = "GGUF"

// Version is the GGUF version this package writes (it reads versions 2 and 3).
const Version = 3

// DefaultAlignment is the alignment of tensor data when the file does not set general.alignment.
const DefaultAlignment = 32

// ValueType is the type of a metadata value.
type ValueType uint32

// Metadata value types, as numbered in the file format.
const (
	TypeUint8   ValueType = 0
	TypeInt8    ValueType = 1
	TypeUint16  ValueType = 2
	TypeInt16   ValueType = 3
	TypeUint32  ValueType = 4
	TypeInt32   ValueType = 5
	TypeFloat32 ValueType = 6
	TypeBool    ValueType = 7
	TypeString  ValueType = 8
	TypeArray   ValueType = 9
	TypeUint64  ValueType = 10
	TypeInt64   ValueType = 11
	TypeFloat64 ValueType = 12
)

var valueTypeNames = [...]string{"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool",
	"string", "array", "uint64", "int64", "float64"}

// String returns the type's name, such as "uint32".
func (t ValueType) String() string {
	if int(t) < len(valueTypeNames) {
		return valueTypeNames[t]
	}
	return fmt.Sprintf("ValueType(%d)", uint32(t))
}

// size returns the encoded size of a scalar of this type, or 0 for strings, arrays and unknown types.
func (t ValueType) size() int {
	switch t {
	case TypeUint8, TypeInt8, TypeBool:
		return 1
	case TypeUint16, TypeInt16:
		return 2
	case TypeUint32, TypeInt32, TypeFloat32:
		return 4
	case TypeUint64, TypeInt64, TypeFloat64:
		return 8
	}
	return 0
}

// TensorType is the element type of a tensor (ggml_type in ggml.h): a float type or a quantization.
type TensorType uint32

// Tensor types, as numbered in ggml.h. Gaps are types ggml removed.
const (
	TensorF32     TensorType = 0
	TensorF16     TensorType = 1
	TensorQ4_0    TensorType = 2
	TensorQ4_1    TensorType = 3
	TensorQ5_0    TensorType = 6
	TensorQ5_1    TensorType = 7
	TensorQ8_0    TensorType = 8
	TensorQ8_1    TensorType = 9
	TensorQ2_K    TensorType = 10
	TensorQ3_K    TensorType = 11
	TensorQ4_K    TensorType = 12
	TensorQ5_K    TensorType = 13
	TensorQ6_K    TensorType = 14
	TensorQ8_K    TensorType = 15
	TensorIQ2_XXS TensorType = 16
	TensorIQ2_XS  TensorType = 17
	TensorIQ3_XXS TensorType = 18
	TensorIQ1_S   TensorType = 19
	TensorIQ4_NL  TensorType = 20
	TensorIQ3_S   TensorType = 21
	TensorIQ2_S   TensorType = 22
	TensorIQ4_XS  TensorType = 23
	TensorI8      TensorType = 24
	TensorI16     TensorType = 25
	TensorI32     TensorType = 26
	TensorI64     TensorType = 27
	TensorF64     TensorType = 28
	TensorIQ1_M   TensorType = 29
	TensorBF16    TensorType = 30
	TensorTQ1_0   TensorType = 34
	TensorTQ2_0   TensorType = 35
	TensorMXFP4   TensorType = 39
)

type tensorTypeInfo struct {
	name      string
	blockSize uint64 // elements per block
	typeSize  uint64 // bytes per block
}

var tensorTypes = map[TensorType]tensorTypeInfo{
	TensorF32:     {"F32", 1, 4},
	TensorF16:     {"F16", 1, 2},
	TensorQ4_0:    {"Q4_0", 32, 18},
	TensorQ4_1:    {"Q4_1", 32, 20},
	TensorQ5_0:    {"Q5_0", 32, 22},
	TensorQ5_1:    {"Q5_1", 32, 24},
	TensorQ8_0:    {"Q8_0", 32, 34},
	TensorQ8_1:    {"Q8_1", 32, 36},
	TensorQ2_K:    {"Q2_K", 256, 84},
	TensorQ3_K:    {"Q3_K", 256, 110},
	TensorQ4_K:    {"Q4_K", 256, 144},
	TensorQ5_K:    {"Q5_K", 256, 176},
	TensorQ6_K:    {"Q6_K", 256, 210},
	TensorQ8_K:    {"Q8_K", 256, 292},
	TensorIQ2_XXS: {"IQ2_XXS", 256, 66},
	TensorIQ2_XS:  {"IQ2_XS", 256, 74},
	TensorIQ3_XXS: {"IQ3_XXS", 256, 98},
	TensorIQ1_S:   {"IQ1_S", 256, 50},
	TensorIQ4_NL:  {"IQ4_NL", 32, 18},
	TensorIQ3_S:   {"IQ3_S", 256, 110},
	TensorIQ2_S:   {"IQ2_S", 256, 82},
	TensorIQ4_XS:  {"IQ4_XS", 256, 136},
	TensorI8:      {"I8", 1, 1},
	TensorI16:     {"I16", 1, 2},
	TensorI32:     {"I32", 1, 4},
	TensorI64:     {"I64", 1, 8},
	TensorF64:     {"F64", 1, 8},
	TensorIQ1_M:   {"IQ1_M", 256, 56},
	TensorBF16:    {"BF16", 1, 2},
	TensorTQ1_0:   {"TQ1_0", 256, 54},
	TensorTQ2_0:   {"TQ2_0", 256, 66},
	TensorMXFP4:   {"MXFP4", 32, 17},
}

// String returns the type's name as llama.cpp writes it, such as "Q4_K" or "F16".
func (t TensorType) String() string {
	if info, ok := tensorTypes[t]; ok {
		return info.name
	}
	return fmt.Sprintf("TensorType(%d)", uint32(t))
}

// Known reports whether this package knows the type's block layout.
func (t TensorType) Known() bool {
	_, ok := tensorTypes[t]
	return ok
}

// BlockSize returns the number of elements per quantization block (1 for float and integer types), or 0 for
// an unknown type.
func (t TensorType) BlockSize() uint64 { return tensorTypes[t].blockSize }

// BytesPerBlock returns the encoded size of one block in bytes, or 0 for an unknown type.
func (t TensorType) BytesPerBlock() uint64 { return tensorTypes[t].typeSize }

// RowSize returns the size in bytes of n elements of this type; n must be a multiple of the block size.
func (t TensorType) RowSize(n uint64) (uint64, error) {
	info, ok := tensorTypes[t]
	if !ok {
		return 0, fmt.Errorf("gguf: unknown tensor type %d", uint32(t))
	}
	if n%info.blockSize != 0 {
		return 0, fmt.Errorf("gguf: %d elements of %s are not a whole number of %d-element blocks", n, info.name,
			info.blockSize)
	}
	return n / info.blockSize * info.typeSize, nil
}

// BitsPerWeight returns the average number of bits per element, such as 8.5 for Q8_0.
func (t TensorType) BitsPerWeight() float64 {
	info, ok := tensorTypes[t]
	if !ok {
		return 0
	}
	return float64(info.typeSize*8) / float64(info.blockSize)
}

// FileType is a model's overall quantization as recorded in general.file_type (llama_ftype in llama.h), such
// as Q4_K_M: most tensors use one type, some are kept at higher precision.
type FileType uint32

var fileTypeNames = map[FileType]string{
	0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
	12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
	19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
	26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0",
	37: "TQ2_0", 38: "MXFP4_MOE",
}

// String returns the file type's name as llama.cpp's quantize tool spells it, such as "Q4_K_M".
func (f FileType) String() string {
	if s, ok := fileTypeNames[f]; ok {
		return s
	}
	return fmt.Sprintf("FileType(%d)", uint32(f))
}

// FileTypeOf returns the file type whose name is s (such as "Q8_0"), and false for an unknown name.
func FileTypeOf(s string) (FileType, bool) {
	for k, v := range fileTypeNames {
		if v == s {
			return k, true
		}
	}
	return 0, false
}
