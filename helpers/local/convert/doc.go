// Package convert turns models published in Hugging Face's format into GGUF files that llama.cpp (and so
// local.Load and golm serve) can run, in pure Go.
//
// BERT converts a BERT-architecture embedding model (sentence-transformers' all-MiniLM-L6-v2, BAAI's
// bge-small-en-v1.5, and others of the same shape) from a folder holding config.json, model.safetensors and
// tokenizer.json or vocab.txt:
//
//	err := convert.BERT(ctx, "all-MiniLM-L6-v2", "minilm.gguf", convert.Options{})
//	m, err := local.Load(ctx, "minilm.gguf")
//	vecs, err := m.Embed(ctx, []string{"hello world"})
//
// The tensors keep their values (F32, or F16 with Options.F16), named as llama.cpp's own converter names them;
// the WordPiece vocabulary is written in llama.cpp's "phantom space" spelling; the pooling (mean or CLS)
// comes from the model's 1_Pooling/config.json.
package convert
