package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// Writer builds a GGUF file: set metadata with Set, add tensors with AddTensor or AddTensorFunc, then call
// WriteTo or WriteFile. Metadata and tensors are written in the order they were added.
type Writer struct {
	kv      []KV
	tensors []writerTensor
}

type writerTensor struct {
	info  TensorInfo
	size  uint64
	data  []byte
	write func(io.Writer) error
}

// NewWriter returns an empty Writer.
func NewWriter() *Writer { return &Writer{} }

// Set sets a metadata value, replacing an earlier one with the same key. The value's Go type chooses the GGUF
// type: uint8, int8, uint16, int16, uint32, int32, float32, bool, string, uint64, int64, float64, or a slice of
// one of these for an array. An int is stored as int32 and a []int as an array of int32.
func (w *Writer) Set(key string, value any) error {
	if key == "" {
		return errors.New("gguf: empty metadata key")
	}
	t, v, err := valueType(value)
	if err != nil {
		return fmt.Errorf("gguf: metadata %q: %w", key, err)
	}
	if key == "general.alignment" {
		a, ok := v.(uint32)
		if !ok || a == 0 || a&(a-1) != 0 {
			return fmt.Errorf("gguf: general.alignment must be a uint32 power of two, got %v", value)
		}
	}
	for i := range w.kv {
		if w.kv[i].Key == key {
			w.kv[i] = KV{Key: key, Type: t, Value: v}
			return nil
		}
	}
	w.kv = append(w.kv, KV{Key: key, Type: t, Value: v})
	return nil
}

func valueType(value any) (ValueType, any, error) {
	switch x := value.(type) {
	case uint8:
		return TypeUint8, x, nil
	case int8:
		return TypeInt8, x, nil
	case uint16:
		return TypeUint16, x, nil
	case int16:
		return TypeInt16, x, nil
	case uint32:
		return TypeUint32, x, nil
	case int32:
		return TypeInt32, x, nil
	case int:
		if x < math.MinInt32 || x > math.MaxInt32 {
			return 0, nil, fmt.Errorf("int %d does not fit int32: use int64", x)
		}
		return TypeInt32, int32(x), nil
	case float32:
		return TypeFloat32, x, nil
	case bool:
		return TypeBool, x, nil
	case string:
		return TypeString, x, nil
	case uint64:
		return TypeUint64, x, nil
	case int64:
		return TypeInt64, x, nil
	case float64:
		return TypeFloat64, x, nil
	case []int:
		out := make([]int32, len(x))
		for i, v := range x {
			if v < math.MinInt32 || v > math.MaxInt32 {
				return 0, nil, fmt.Errorf("element %d (%d) does not fit int32", i, v)
			}
			out[i] = int32(v)
		}
		return TypeArray, out, nil
	case []uint8, []int8, []uint16, []int16, []uint32, []int32, []float32, []bool, []string, []uint64, []int64,
		[]float64:
		return TypeArray, x, nil
	}
	return 0, nil, fmt.Errorf("unsupported value type %T", value)
}

// AddTensor adds a tensor whose encoded data is given; dims are innermost first (ggml's ne order: a weight
// matrix that maps n inputs to m outputs has dims {n, m}).
func (w *Writer) AddTensor(name string, typ TensorType, dims []uint64, data []byte) error {
	size, err := w.check(name, typ, dims)
	if err != nil {
		return err
	}
	if uint64(len(data)) != size {
		return fmt.Errorf("gguf: tensor %q: %d bytes of data, want %d for %s %v", name, len(data), size, typ, dims)
	}
	w.tensors = append(w.tensors, writerTensor{info: TensorInfo{Name: name, Dims: dims, Type: typ}, size: size,
		data: data})
	return nil
}

// AddTensorFunc adds a tensor whose data write produces when the file is written, so that large models need
// not be held in memory. write must write exactly the tensor's size in bytes.
func (w *Writer) AddTensorFunc(name string, typ TensorType, dims []uint64, write func(io.Writer) error) error {
	size, err := w.check(name, typ, dims)
	if err != nil {
		return err
	}
	if write == nil {
		return fmt.Errorf("gguf: tensor %q: nil write function", name)
	}
	w.tensors = append(w.tensors, writerTensor{info: TensorInfo{Name: name, Dims: dims, Type: typ}, size: size,
		write: write})
	return nil
}

func (w *Writer) check(name string, typ TensorType, dims []uint64) (uint64, error) {
	if name == "" {
		return 0, errors.New("gguf: empty tensor name")
	}
	for _, t := range w.tensors {
		if t.info.Name == name {
			return 0, fmt.Errorf("gguf: duplicate tensor %q", name)
		}
	}
	if len(dims) == 0 || len(dims) > 4 {
		return 0, fmt.Errorf("gguf: tensor %q: %d dimensions (1 to 4 allowed)", name, len(dims))
	}
	n := uint64(1)
	for _, d := range dims {
		if d == 0 {
			return 0, fmt.Errorf("gguf: tensor %q: zero dimension in %v", name, dims)
		}
		n *= d
	}
	row, err := typ.RowSize(dims[0])
	if err != nil {
		return 0, fmt.Errorf("gguf: tensor %q: %w", name, err)
	}
	return row * (n / dims[0]), nil
}

func (w *Writer) alignment() uint64 {
	for _, kv := range w.kv {
		if kv.Key == "general.alignment" {
			return uint64(kv.Value.(uint32))
		}
	}
	return DefaultAlignment
}

type countWriter struct {
	w io.Writer
	n int64
}

// Write writes p and counts the bytes.
func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// WriteTo writes the GGUF file to out and returns the number of bytes written.
func (w *Writer) WriteTo(out io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(out, 1<<20)
	cw := &countWriter{w: bw}
	e := encoder{w: cw}
	e.raw([]byte(Magic))
	e.u32(Version)
	e.u64(uint64(len(w.tensors)))
	e.u64(uint64(len(w.kv)))
	for _, kv := range w.kv {
		e.str(kv.Key)
		e.u32(uint32(kv.Type))
		e.value(kv.Value)
	}
	align := w.alignment()
	var offset uint64
	for _, t := range w.tensors {
		e.str(t.info.Name)
		e.u32(uint32(len(t.info.Dims)))
		for _, d := range t.info.Dims {
			e.u64(d)
		}
		e.u32(uint32(t.info.Type))
		e.u64(offset)
		offset = (offset + t.size + align - 1) / align * align
	}
	if e.err != nil {
		return cw.n, fmt.Errorf("gguf: writing header: %w", e.err)
	}
	e.pad(align)
	for _, t := range w.tensors {
		start := cw.n
		if t.data != nil {
			e.raw(t.data)
		} else if e.err == nil {
			if err := t.write(cw); err != nil {
				return cw.n, fmt.Errorf("gguf: writing tensor %q: %w", t.info.Name, err)
			}
		}
		if e.err != nil {
			return cw.n, fmt.Errorf("gguf: writing tensor %q: %w", t.info.Name, e.err)
		}
		if got := uint64(cw.n - start); got != t.size {
			return cw.n, fmt.Errorf("gguf: tensor %q: wrote %d bytes, want %d", t.info.Name, got, t.size)
		}
		e.pad(align)
	}
	if e.err == nil {
		e.err = bw.Flush()
	}
	if e.err != nil {
		return cw.n, fmt.Errorf("gguf: %w", e.err)
	}
	return cw.n, nil
}

// WriteFile writes the GGUF file to path, through a temporary file in the same folder that is renamed into
// place, so that a failed write leaves no partial model behind.
func (w *Writer) WriteFile(path string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := w.WriteTo(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("gguf: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("gguf: %w", err)
	}
	return nil
}

type encoder struct {
	w   *countWriter
	err error
	buf [8]byte
}

func (e *encoder) raw(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

func (e *encoder) u8(v uint8) { e.raw([]byte{v}) }

func (e *encoder) u16(v uint16) {
	binary.LittleEndian.PutUint16(e.buf[:2], v)
	e.raw(e.buf[:2])
}

func (e *encoder) u32(v uint32) {
	binary.LittleEndian.PutUint32(e.buf[:4], v)
	e.raw(e.buf[:4])
}

func (e *encoder) u64(v uint64) {
	binary.LittleEndian.PutUint64(e.buf[:8], v)
	e.raw(e.buf[:8])
}

func (e *encoder) str(s string) {
	e.u64(uint64(len(s)))
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

func (e *encoder) pad(align uint64) {
	if rem := uint64(e.w.n) % align; rem != 0 {
		e.raw(make([]byte, align-rem))
	}
}

func (e *encoder) scalar(v any) {
	switch x := v.(type) {
	case uint8:
		e.u8(x)
	case int8:
		e.u8(uint8(x))
	case uint16:
		e.u16(x)
	case int16:
		e.u16(uint16(x))
	case uint32:
		e.u32(x)
	case int32:
		e.u32(uint32(x))
	case float32:
		e.u32(math.Float32bits(x))
	case bool:
		if x {
			e.u8(1)
		} else {
			e.u8(0)
		}
	case string:
		e.str(x)
	case uint64:
		e.u64(x)
	case int64:
		e.u64(uint64(x))
	case float64:
		e.u64(math.Float64bits(x))
	default:
		e.err = fmt.Errorf("unsupported value type %T", v)
	}
}

func (e *encoder) value(v any) {
	switch x := v.(type) {
	case []uint8:
		writeArray(e, TypeUint8, x)
	case []int8:
		writeArray(e, TypeInt8, x)
	case []uint16:
		writeArray(e, TypeUint16, x)
	case []int16:
		writeArray(e, TypeInt16, x)
	case []uint32:
		writeArray(e, TypeUint32, x)
	case []int32:
		writeArray(e, TypeInt32, x)
	case []float32:
		writeArray(e, TypeFloat32, x)
	case []bool:
		writeArray(e, TypeBool, x)
	case []string:
		writeArray(e, TypeString, x)
	case []uint64:
		writeArray(e, TypeUint64, x)
	case []int64:
		writeArray(e, TypeInt64, x)
	case []float64:
		writeArray(e, TypeFloat64, x)
	default:
		e.scalar(v)
	}
}

func writeArray[T any](e *encoder, t ValueType, xs []T) {
	e.u32(uint32(t))
	e.u64(uint64(len(xs)))
	for _, x := range xs {
		e.scalar(x)
	}
}

// ArchKey returns the architecture-specific metadata key for name, such as "llama.context_length" for
// ArchKey("llama", "context_length").
func ArchKey(arch, name string) string { return arch + "." + strings.TrimPrefix(name, ".") }
