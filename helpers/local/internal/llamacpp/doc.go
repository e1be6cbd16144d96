// Package llamacpp compiles llama.cpp's library (its src folder, without the model graphs) from the sources
// that the Go module github.com/ollama/ollama carries, with two files replaced by patched copies
// (llama-graph.cpp, llama-context.cpp: see their first lines) so that training reaches every layer.
//
// Package local imports it, in place of ollama's own package llama/llama.cpp/src, when it is built with the
// llama build tag; nothing else should: the program must link exactly one copy of llama.cpp. Each .cpp file
// here but the two copies includes the ollama module's file of the same name through the include folder that
// helpers/local/cgoflags.sh gives the preprocessor, so that the repository carries no other third-party
// source. The model graphs (ollama's package llama/llama.cpp/src/models) and ggml (ml/backend/ggml/ggml/src)
// stay ollama's packages. llama.cpp is MIT licensed: see the file LICENSE here.
package llamacpp
