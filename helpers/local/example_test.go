package local_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/golm-dev/golm/helpers/local"
	"github.com/golm-dev/golm/helpers/local/synth"
)

// Metadata is read in pure Go: it works in every build, without loading the weights.
func ExampleReadMetadata() {
	path := filepath.Join(os.TempDir(), "golm-example-metadata.gguf")
	if err := synth.WriteTiny(path, synth.TinyOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	defer os.Remove(path)
	m, err := local.ReadMetadata(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Name)
	fmt.Println(m.Architecture, m.ParameterLabel(), m.FileType, m.ContextLength, m.BlockCount)
	fmt.Println(m.TokenizerModel, m.VocabSize > 0, m.ChatTemplate != "")
	// Output:
	// golm tiny test model
	// llama 156K F32 2048 2
	// llama true true
}

func ExampleCosineSimilarity() {
	fmt.Printf("%.2f\n", local.CosineSimilarity([]float32{1, 1, 0}, []float32{1, 0, 0}))
	// Output: 0.71
}
