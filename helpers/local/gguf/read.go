package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
)

// KV is one metadata entry. Value holds the Go form of the value: uint8, int8, uint16, int16, uint32, int32,
// float32, bool, string, uint64, int64 or float64 for scalars, a slice of one of these for an array (such as
// []string for tokenizer.ggml.tokens), and []any for an array of arrays.
type KV struct {
	Key   string    // such as "general.architecture"
	Type  ValueType // TypeArray for arrays
	Value any       // the Go value (see above)
}

// TensorInfo describes one tensor: its name, its dimensions (innermost first, as ggml's ne), its element type
// and the offset of its data from File.DataOffset.
type TensorInfo struct {
	Name   string     // such as "blk.0.attn_q.weight"
	Dims   []uint64   // innermost first
	Type   TensorType // element type or quantization
	Offset uint64     // from File.DataOffset
}

// Elements returns the number of elements of the tensor.
func (t TensorInfo) Elements() uint64 {
	n := uint64(1)
	for _, d := range t.Dims {
		n *= d
	}
	return n
}

// Size returns the size of the tensor's data in bytes, or 0 when its type is unknown.
func (t TensorInfo) Size() uint64 {
	if len(t.Dims) == 0 {
		return 0
	}
	row, err := t.Type.RowSize(t.Dims[0])
	if err != nil {
		return 0
	}
	rows := uint64(1)
	for _, d := range t.Dims[1:] {
		rows *= d
	}
	return row * rows
}

// File is the header of a GGUF file: its metadata and tensor descriptions, without the tensor data.
type File struct {
	// Version is the GGUF version of the file (2 or 3).
	Version uint32
	// KV holds the metadata in file order.
	KV []KV
	// Tensors describes the tensors in file order.
	Tensors []TensorInfo
	// Alignment is the alignment of tensor data (general.alignment, default 32).
	Alignment uint64
	// DataOffset is where tensor data starts, from the start of the file.
	DataOffset int64
	// Size is the size of the file in bytes, or 0 when it was read from a stream of unknown length.
	Size int64

	index map[string]int
}

// Open reads the header of the GGUF file at path: metadata and tensor descriptions, not tensor data.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	f, err := read(bufio.NewReaderSize(fh, 1<<20), st.Size())
	if err != nil {
		return nil, fmt.Errorf("gguf: reading %s: %w", path, err)
	}
	return f, nil
}

// Read reads a GGUF header from r, which must be positioned at the start of the file.
func Read(r io.Reader) (*File, error) {
	f, err := read(bufio.NewReaderSize(r, 1<<16), 0)
	if err != nil {
		return nil, fmt.Errorf("gguf: %w", err)
	}
	return f, nil
}

// ErrNotGGUF is returned for a file that does not start with the GGUF magic.
var ErrNotGGUF = errors.New("not a GGUF file")

type decoder struct {
	r    *bufio.Reader
	off  int64 // bytes read so far
	size int64 // total size, 0 when unknown
	buf  [8]byte
}

// limit is the largest count accepted for a string or array when the file size is unknown.
const limit = 1 << 31

func read(r *bufio.Reader, size int64) (*File, error) {
	d := &decoder{r: r, size: size}
	var magic [4]byte
	if _, err := io.ReadFull(d.r, magic[:]); err != nil {
		return nil, fmt.Errorf("reading magic: %w", err)
	}
	d.off = 4
	if string(magic[:]) != Magic {
		return nil, ErrNotGGUF
	}
	version, err := d.u32()
	if err != nil {
		return nil, err
	}
	if version != 2 && version != 3 {
		return nil, fmt.Errorf("unsupported GGUF version %d (this reader handles 2 and 3)", version)
	}
	nTensors, err := d.u64()
	if err != nil {
		return nil, err
	}
	nKV, err := d.u64()
	if err != nil {
		return nil, err
	}
	if err := d.checkCount(nKV, 9); err != nil {
		return nil, fmt.Errorf("metadata count: %w", err)
	}
	if err := d.checkCount(nTensors, 24); err != nil {
		return nil, fmt.Errorf("tensor count: %w", err)
	}
	f := &File{Version: version, Size: size, Alignment: DefaultAlignment, index: map[string]int{}}
	f.KV = make([]KV, 0, min(nKV, 1<<12)) // grows as entries are read, so a corrupt count cannot allocate much
	for i := uint64(0); i < nKV; i++ {
		key, err := d.str()
		if err != nil {
			return nil, fmt.Errorf("metadata key %d: %w", i, err)
		}
		t, err := d.u32()
		if err != nil {
			return nil, fmt.Errorf("metadata %q: %w", key, err)
		}
		v, err := d.value(ValueType(t), 0)
		if err != nil {
			return nil, fmt.Errorf("metadata %q: %w", key, err)
		}
		f.index[key] = len(f.KV)
		f.KV = append(f.KV, KV{Key: key, Type: ValueType(t), Value: v})
	}
	if a, ok := f.Uint("general.alignment"); ok {
		if a == 0 || a&(a-1) != 0 {
			return nil, fmt.Errorf("general.alignment %d is not a power of two", a)
		}
		f.Alignment = a
	}
	f.Tensors = make([]TensorInfo, 0, min(nTensors, 1<<14))
	for i := uint64(0); i < nTensors; i++ {
		name, err := d.str()
		if err != nil {
			return nil, fmt.Errorf("tensor %d: %w", i, err)
		}
		nDims, err := d.u32()
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		if nDims > 8 {
			return nil, fmt.Errorf("tensor %q has %d dimensions", name, nDims)
		}
		t := TensorInfo{Name: name, Dims: make([]uint64, nDims)}
		elems := uint64(1)
		for j := range t.Dims {
			if t.Dims[j], err = d.u64(); err != nil {
				return nil, fmt.Errorf("tensor %q: %w", name, err)
			}
			if t.Dims[j] > 1<<40 || (t.Dims[j] > 0 && elems > (1<<60)/t.Dims[j]) {
				return nil, fmt.Errorf("tensor %q: dimensions %v are too large", name, t.Dims[:j+1])
			}
			elems *= t.Dims[j]
		}
		typ, err := d.u32()
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		t.Type = TensorType(typ)
		if t.Offset, err = d.u64(); err != nil {
			return nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		f.Tensors = append(f.Tensors, t)
	}
	f.DataOffset = alignUp(d.off, int64(f.Alignment))
	if size > 0 {
		for _, t := range f.Tensors {
			if end := uint64(f.DataOffset) + t.Offset + t.Size(); t.Type.Known() && end > uint64(size) {
				return nil, fmt.Errorf("tensor %q ends at byte %d, after the end of the file (%d bytes): truncated download?",
					t.Name, end, size)
			}
		}
	}
	return f, nil
}

func alignUp(n, a int64) int64 { return (n + a - 1) / a * a }

func (d *decoder) checkCount(n uint64, minSize uint64) error {
	if d.size > 0 {
		if remaining := uint64(d.size - d.off); n > remaining/minSize+1 {
			return fmt.Errorf("%d entries cannot fit in the %d bytes left", n, remaining)
		}
		return nil
	}
	if n > limit {
		return fmt.Errorf("%d entries is more than this reader accepts", n)
	}
	return nil
}

func (d *decoder) full(n int) ([]byte, error) {
	b := d.buf[:n]
	if _, err := io.ReadFull(d.r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("at byte %d: %w", d.off, err)
	}
	d.off += int64(n)
	return b, nil
}

func (d *decoder) u8() (uint8, error) {
	b, err := d.full(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (d *decoder) u16() (uint16, error) {
	b, err := d.full(2)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint16(b), nil
}

func (d *decoder) u32() (uint32, error) {
	b, err := d.full(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func (d *decoder) u64() (uint64, error) {
	b, err := d.full(8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

func (d *decoder) str() (string, error) {
	n, err := d.u64()
	if err != nil {
		return "", err
	}
	if err := d.checkCount(n, 1); err != nil {
		return "", fmt.Errorf("string length: %w", err)
	}
	if d.size == 0 && n > 1<<20 {
		// Length unchecked against a file size: let the buffer grow with the data actually read, so that a
		// corrupt length cannot allocate gigabytes.
		var sb strings.Builder
		got, err := io.CopyN(&sb, d.r, int64(n))
		d.off += got
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", fmt.Errorf("at byte %d: %w", d.off, err)
		}
		return sb.String(), nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return "", fmt.Errorf("at byte %d: %w", d.off, err)
	}
	d.off += int64(n)
	return string(b), nil
}

func (d *decoder) scalar(t ValueType) (any, error) {
	switch t {
	case TypeUint8:
		return d.u8()
	case TypeInt8:
		v, err := d.u8()
		return int8(v), err
	case TypeUint16:
		return d.u16()
	case TypeInt16:
		v, err := d.u16()
		return int16(v), err
	case TypeUint32:
		return d.u32()
	case TypeInt32:
		v, err := d.u32()
		return int32(v), err
	case TypeFloat32:
		v, err := d.u32()
		return math.Float32frombits(v), err
	case TypeBool:
		v, err := d.u8()
		if err == nil && v > 1 {
			return nil, fmt.Errorf("bool value %d", v)
		}
		return v == 1, err
	case TypeString:
		return d.str()
	case TypeUint64:
		return d.u64()
	case TypeInt64:
		v, err := d.u64()
		return int64(v), err
	case TypeFloat64:
		v, err := d.u64()
		return math.Float64frombits(v), err
	}
	return nil, fmt.Errorf("unknown value type %d", uint32(t))
}

func (d *decoder) value(t ValueType, depth int) (any, error) {
	if t != TypeArray {
		return d.scalar(t)
	}
	if depth > 4 {
		return nil, errors.New("arrays nested too deeply")
	}
	et, err := d.u32()
	if err != nil {
		return nil, err
	}
	n, err := d.u64()
	if err != nil {
		return nil, err
	}
	elem := ValueType(et)
	minSize := uint64(elem.size())
	if minSize == 0 {
		minSize = 8 // a string or an array is at least its 8-byte length
	}
	if err := d.checkCount(n, minSize); err != nil {
		return nil, fmt.Errorf("array length: %w", err)
	}
	switch elem {
	case TypeString:
		return readArray[string](d, n, elem)
	case TypeUint8:
		return readArray[uint8](d, n, elem)
	case TypeInt8:
		return readArray[int8](d, n, elem)
	case TypeUint16:
		return readArray[uint16](d, n, elem)
	case TypeInt16:
		return readArray[int16](d, n, elem)
	case TypeUint32:
		return readArray[uint32](d, n, elem)
	case TypeInt32:
		return readArray[int32](d, n, elem)
	case TypeFloat32:
		return readArray[float32](d, n, elem)
	case TypeBool:
		return readArray[bool](d, n, elem)
	case TypeUint64:
		return readArray[uint64](d, n, elem)
	case TypeInt64:
		return readArray[int64](d, n, elem)
	case TypeFloat64:
		return readArray[float64](d, n, elem)
	case TypeArray:
		out := make([]any, 0, min(n, 1<<16))
		for i := uint64(0); i < n; i++ {
			v, err := d.value(TypeArray, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown array element type %d", et)
}

func readArray[T any](d *decoder, n uint64, t ValueType) ([]T, error) {
	out := make([]T, 0, min(n, 1<<20))
	for i := uint64(0); i < n; i++ {
		v, err := d.scalar(t)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", i, err)
		}
		out = append(out, v.(T))
	}
	return out, nil
}

// Value returns the value of a metadata key (see KV for the Go types) and whether the key exists.
func (f *File) Value(key string) (any, bool) {
	if f.index == nil {
		f.reindex()
	}
	i, ok := f.index[key]
	if !ok {
		return nil, false
	}
	return f.KV[i].Value, true
}

func (f *File) reindex() {
	f.index = make(map[string]int, len(f.KV))
	for i, kv := range f.KV {
		f.index[kv.Key] = i
	}
}

// Keys returns the metadata keys in sorted order.
func (f *File) Keys() []string {
	keys := make([]string, len(f.KV))
	for i, kv := range f.KV {
		keys[i] = kv.Key
	}
	sort.Strings(keys)
	return keys
}

// String returns a string value, or "" when the key is missing or not a string.
func (f *File) String(key string) string {
	v, _ := f.Value(key)
	s, _ := v.(string)
	return s
}

// Uint returns an unsigned integer value of any width; it reports false when the key is missing, is not an
// integer or is negative.
func (f *File) Uint(key string) (uint64, bool) {
	v, ok := f.Value(key)
	if !ok {
		return 0, false
	}
	switch x := v.(type) {
	case uint8:
		return uint64(x), true
	case uint16:
		return uint64(x), true
	case uint32:
		return uint64(x), true
	case uint64:
		return x, true
	}
	if i, ok := f.Int(key); ok && i >= 0 {
		return uint64(i), true
	}
	return 0, false
}

// Int returns a signed integer value of any width (or an unsigned one that fits); it reports false when the
// key is missing or is not an integer.
func (f *File) Int(key string) (int64, bool) {
	v, ok := f.Value(key)
	if !ok {
		return 0, false
	}
	switch x := v.(type) {
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x), true
		}
	}
	return 0, false
}

// Float returns a float value (or an integer one, converted); it reports false when the key is missing or not
// a number.
func (f *File) Float(key string) (float64, bool) {
	v, ok := f.Value(key)
	if !ok {
		return 0, false
	}
	switch x := v.(type) {
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	if i, ok := f.Int(key); ok {
		return float64(i), true
	}
	return 0, false
}

// Bool returns a bool value; it reports false as its second result when the key is missing or not a bool.
func (f *File) Bool(key string) (value, ok bool) {
	v, found := f.Value(key)
	b, isBool := v.(bool)
	return b, found && isBool
}

// Strings returns a string array value, or nil when the key is missing or not an array of strings.
func (f *File) Strings(key string) []string {
	v, _ := f.Value(key)
	s, _ := v.([]string)
	return s
}

// ArrayLen returns the length of an array value, or -1 when the key is missing or not an array.
func (f *File) ArrayLen(key string) int {
	v, ok := f.Value(key)
	if !ok {
		return -1
	}
	switch x := v.(type) {
	case []string:
		return len(x)
	case []uint8:
		return len(x)
	case []int8:
		return len(x)
	case []uint16:
		return len(x)
	case []int16:
		return len(x)
	case []uint32:
		return len(x)
	case []int32:
		return len(x)
	case []float32:
		return len(x)
	case []bool:
		return len(x)
	case []uint64:
		return len(x)
	case []int64:
		return len(x)
	case []float64:
		return len(x)
	case []any:
		return len(x)
	}
	return -1
}

// Tensor returns the description of the named tensor.
func (f *File) Tensor(name string) (TensorInfo, bool) {
	for _, t := range f.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return TensorInfo{}, false
}
