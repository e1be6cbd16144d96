package convert

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"sort"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

// maxHeader bounds a safetensors header: real ones are tens of KiB.
const maxHeader = 64 << 20

// tensorInfo is one tensor of a safetensors file.
type tensorInfo struct {
	Name    string
	DType   string   `json:"dtype"`
	Shape   []uint64 `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// safetensors is an open safetensors file: a little-endian header length, a JSON header, then the data.
type safetensors struct {
	f       *os.File
	base    int64 // where the data starts
	size    int64 // bytes of data
	tensors map[string]tensorInfo
}

func openSafetensors(path string) (*safetensors, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := readHeader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return st, nil
}

func readHeader(f *os.File) (*safetensors, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var n uint64
	if err := binary.Read(f, binary.LittleEndian, &n); err != nil {
		return nil, fmt.Errorf("not a safetensors file: %w", err)
	}
	if n == 0 || n > maxHeader || int64(n)+8 > fi.Size() {
		return nil, fmt.Errorf("not a safetensors file: header length %d in a file of %d bytes", n, fi.Size())
	}
	raw := make([]byte, n)
	if _, err := io.ReadFull(f, raw); err != nil {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("the header is not JSON: %w", err)
	}
	st := &safetensors{f: f, base: 8 + int64(n), size: fi.Size() - 8 - int64(n), tensors: map[string]tensorInfo{}}
	for name, e := range entries {
		if name == "__metadata__" {
			continue
		}
		var ti tensorInfo
		if err := json.Unmarshal(e, &ti); err != nil {
			return nil, fmt.Errorf("tensor %s: %w", name, err)
		}
		ti.Name = name
		size, ok := dtypeSize[ti.DType]
		if !ok {
			return nil, fmt.Errorf("tensor %s: unsupported dtype %q", name, ti.DType)
		}
		count := uint64(1)
		for _, d := range ti.Shape {
			if d != 0 && count > math.MaxInt64/d {
				return nil, fmt.Errorf("tensor %s: shape %v overflows", name, ti.Shape)
			}
			count *= d
		}
		begin, end := ti.Offsets[0], ti.Offsets[1]
		if begin < 0 || end < begin || end > st.size || uint64(end-begin) != count*size {
			return nil, fmt.Errorf("tensor %s: data offsets %v do not fit shape %v of %s in %d bytes of data",
				name, ti.Offsets, ti.Shape, ti.DType, st.size)
		}
		st.tensors[name] = ti
	}
	return st, nil
}

// dtypeSize is the byte size of the element types read here.
var dtypeSize = map[string]uint64{"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4}

func (st *safetensors) Close() error { return st.f.Close() }

// names returns the tensors' names, sorted.
func (st *safetensors) names() []string {
	out := make([]string, 0, len(st.tensors))
	for n := range st.tensors {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// floats reads a floating-point tensor as float32 values.
func (st *safetensors) floats(ti tensorInfo) ([]float32, error) {
	raw := make([]byte, ti.Offsets[1]-ti.Offsets[0])
	if _, err := st.f.ReadAt(raw, st.base+ti.Offsets[0]); err != nil {
		return nil, fmt.Errorf("tensor %s: %w", ti.Name, err)
	}
	switch ti.DType {
	case "F32":
		xs := make([]float32, len(raw)/4)
		for i := range xs {
			xs[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		return xs, nil
	case "F16":
		xs := make([]float32, len(raw)/2)
		for i := range xs {
			xs[i] = gguf.Float32(binary.LittleEndian.Uint16(raw[2*i:]))
		}
		return xs, nil
	case "BF16":
		xs := make([]float32, len(raw)/2)
		for i := range xs {
			xs[i] = math.Float32frombits(uint32(binary.LittleEndian.Uint16(raw[2*i:])) << 16)
		}
		return xs, nil
	}
	return nil, fmt.Errorf("tensor %s: %s is not a floating-point type", ti.Name, ti.DType)
}
