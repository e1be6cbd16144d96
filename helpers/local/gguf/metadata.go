package gguf

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Metadata summarises a model file: what it is, how big, how quantized, and what it needs to run (context
// length, tokenizer, chat template). Fields the file does not record are zero ("" or 0); integer ids that are
// absent are -1.
type Metadata struct {
	// Path is the file the metadata was read from ("" when read from a stream).
	Path string
	// FileSize is the size of the file in bytes.
	FileSize int64
	// Version is the GGUF version.
	Version uint32

	// Architecture is the model architecture (general.architecture), such as "llama", "qwen2" or "bert".
	Architecture string
	// Name is the model's name (general.name).
	Name string
	// SizeLabel is the size the publisher gives, such as "7B" (general.size_label).
	SizeLabel string
	// License is general.license.
	License string

	// Parameters is the number of weights, counted over all tensors.
	Parameters uint64
	// FileType is the overall quantization (general.file_type) such as "Q4_K_M"; when the file does not record
	// it, the most common tensor type followed by " (guessed)".
	FileType string
	// TensorTypes counts the tensors of each type, such as {"Q4_K": 193, "F32": 65}.
	TensorTypes map[string]int
	// TensorBytes is the size of all tensor data.
	TensorBytes uint64
	// BitsPerWeight is the average size of a weight: 8·TensorBytes/Parameters.
	BitsPerWeight float64

	// ContextLength is the context the model was trained for ({arch}.context_length).
	ContextLength uint64
	// EmbeddingLength is the width of the model ({arch}.embedding_length).
	EmbeddingLength uint64
	// BlockCount is the number of layers ({arch}.block_count).
	BlockCount uint64
	// FeedForwardLength is the hidden size of the feed-forward layers ({arch}.feed_forward_length).
	FeedForwardLength uint64
	// HeadCount and HeadCountKV are the numbers of attention heads for queries and for keys and values.
	HeadCount, HeadCountKV uint64
	// ExpertCount is the number of experts of a mixture-of-experts model (0 for a dense model).
	ExpertCount uint64
	// Pooling is how an embedding model pools token vectors into one ("mean", "cls", "last", "none", "rank"),
	// from {arch}.pooling_type; "" when the file does not say (generative models).
	Pooling string

	// ChatTemplate is the Jinja chat template (tokenizer.chat_template), "" when the model has none.
	ChatTemplate string
	// TokenizerModel is the tokenizer family (tokenizer.ggml.model): "llama" (SentencePiece), "gpt2" (byte-level
	// BPE), "bert" (WordPiece), "t5" (Unigram), ….
	TokenizerModel string
	// TokenizerPre names the pre-tokenizer of a BPE tokenizer (tokenizer.ggml.pre), such as "llama-bpe".
	TokenizerPre string
	// VocabSize is the number of tokens.
	VocabSize int
	// Merges is the number of BPE merges (0 for other tokenizers).
	Merges int
	// BOS, EOS, EOT, PAD and UNK are the ids of the special tokens, -1 when absent.
	BOS, EOS, EOT, PAD, UNK int64
	// AddBOS reports whether prompts should start with BOS (tokenizer.ggml.add_bos_token; when absent,
	// llama.cpp decides by tokenizer family).
	AddBOS *bool
}

// ReadMetadata reads the metadata of the GGUF file at path (no tensor data).
func ReadMetadata(path string) (*Metadata, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	m := f.Metadata()
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	m.Path = path
	return m, nil
}

var poolingNames = map[int64]string{0: "none", 1: "mean", 2: "cls", 3: "last", 4: "rank"}

// Metadata summarises the file's metadata.
func (f *File) Metadata() *Metadata {
	arch := f.String("general.architecture")
	u := func(name string) uint64 { v, _ := f.Uint(ArchKey(arch, name)); return v }
	id := func(key string) int64 {
		if v, ok := f.Int(key); ok {
			return v
		}
		return -1
	}
	m := &Metadata{
		FileSize:          f.Size,
		Version:           f.Version,
		Architecture:      arch,
		Name:              f.String("general.name"),
		SizeLabel:         f.String("general.size_label"),
		License:           f.String("general.license"),
		ContextLength:     u("context_length"),
		EmbeddingLength:   u("embedding_length"),
		BlockCount:        u("block_count"),
		FeedForwardLength: u("feed_forward_length"),
		HeadCount:         u("attention.head_count"),
		HeadCountKV:       u("attention.head_count_kv"),
		ExpertCount:       u("expert_count"),
		ChatTemplate:      f.String("tokenizer.chat_template"),
		TokenizerModel:    f.String("tokenizer.ggml.model"),
		TokenizerPre:      f.String("tokenizer.ggml.pre"),
		VocabSize:         max(f.ArrayLen("tokenizer.ggml.tokens"), 0),
		Merges:            max(f.ArrayLen("tokenizer.ggml.merges"), 0),
		BOS:               id("tokenizer.ggml.bos_token_id"),
		EOS:               id("tokenizer.ggml.eos_token_id"),
		EOT:               id("tokenizer.ggml.eot_token_id"),
		PAD:               id("tokenizer.ggml.padding_token_id"),
		UNK:               id("tokenizer.ggml.unknown_token_id"),
		TensorTypes:       map[string]int{},
	}
	if m.HeadCountKV == 0 {
		m.HeadCountKV = m.HeadCount
	}
	if p, ok := f.Int(ArchKey(arch, "pooling_type")); ok {
		m.Pooling = poolingNames[p]
	}
	if b, ok := f.Bool("tokenizer.ggml.add_bos_token"); ok {
		m.AddBOS = &b
	}
	byType := map[TensorType]uint64{}
	for _, t := range f.Tensors {
		n := t.Elements()
		m.Parameters += n
		m.TensorBytes += t.Size()
		m.TensorTypes[t.Type.String()]++
		if len(t.Dims) >= 2 { // weights, not norms and biases
			byType[t.Type] += n
		}
	}
	if m.Parameters > 0 {
		m.BitsPerWeight = float64(m.TensorBytes) * 8 / float64(m.Parameters)
	}
	if ft, ok := f.Uint("general.file_type"); ok {
		m.FileType = FileType(ft).String()
	} else if len(byType) > 0 {
		var best TensorType
		for t, n := range byType {
			if n > byType[best] || (n == byType[best] && t < best) {
				best = t
			}
		}
		m.FileType = best.String() + " (guessed)"
	}
	return m
}

// ParameterLabel returns the parameter count in words, such as "6.7B" or "124M".
func (m *Metadata) ParameterLabel() string {
	return humanCount(m.Parameters)
}

func humanCount(n uint64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.0fM", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0fK", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// rows returns the summary as label/value pairs, skipping what the file does not record.
func (m *Metadata) rows() [][2]string {
	var rows [][2]string
	add := func(k, v string) {
		if v != "" && v != "0" {
			rows = append(rows, [2]string{k, v})
		}
	}
	add("name", m.Name)
	if m.Path != "" {
		add("file", filepath.Base(m.Path))
	}
	add("architecture", m.Architecture)
	params := m.ParameterLabel()
	if m.SizeLabel != "" {
		params += " (labelled " + m.SizeLabel + ")"
	}
	add("parameters", params)
	add("quantization", m.FileType)
	if m.BitsPerWeight > 0 {
		add("bits per weight", fmt.Sprintf("%.2f", m.BitsPerWeight))
	}
	if m.FileSize > 0 {
		add("file size", humanBytes(m.FileSize))
	}
	add("context length", fmt.Sprint(m.ContextLength))
	add("embedding length", fmt.Sprint(m.EmbeddingLength))
	add("layers", fmt.Sprint(m.BlockCount))
	if m.HeadCount > 0 {
		add("attention heads", fmt.Sprintf("%d (%d for keys and values)", m.HeadCount, m.HeadCountKV))
	}
	add("experts", fmt.Sprint(m.ExpertCount))
	add("pooling", m.Pooling)
	tok := m.TokenizerModel
	if m.TokenizerPre != "" {
		tok += " (" + m.TokenizerPre + ")"
	}
	if m.VocabSize > 0 {
		tok += fmt.Sprintf(", %d tokens", m.VocabSize)
	}
	add("tokenizer", strings.TrimPrefix(tok, ", "))
	if m.ChatTemplate != "" {
		add("chat template", fmt.Sprintf("%d characters", len(m.ChatTemplate)))
	} else {
		add("chat template", "none")
	}
	return rows
}

// String returns a readable summary, one property a line.
func (m *Metadata) String() string {
	var b strings.Builder
	for _, r := range m.rows() {
		fmt.Fprintf(&b, "%-17s %s\n", r[0]+":", r[1])
	}
	return strings.TrimRight(b.String(), "\n")
}

// HTML renders the summary as a table (a notebook shows a Metadata value with it).
func (m *Metadata) HTML() string {
	var b strings.Builder
	b.WriteString("<table>")
	for _, r := range m.rows() {
		fmt.Fprintf(&b, "<tr><th style=\"text-align:left\">%s</th><td style=\"text-align:left\">%s</td></tr>",
			html.EscapeString(r[0]), html.EscapeString(r[1]))
	}
	b.WriteString("</table>")
	return b.String()
}

// SortedTensorTypes returns the tensor types from most to least used, such as ["Q4_K", "Q6_K", "F32"].
func (m *Metadata) SortedTensorTypes() []string {
	types := make([]string, 0, len(m.TensorTypes))
	for t := range m.TensorTypes {
		types = append(types, t)
	}
	sort.Slice(types, func(i, j int) bool {
		if m.TensorTypes[types[i]] != m.TensorTypes[types[j]] {
			return m.TensorTypes[types[i]] > m.TensorTypes[types[j]]
		}
		return types[i] < types[j]
	})
	return types
}

// Exists reports whether path names a readable GGUF file (it checks the magic only).
func Exists(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	_, err = f.Read(magic[:])
	return err == nil && string(magic[:]) == Magic
}
