//go:build llama

// Compiles llama.cpp's src/llama-grammar.cpp as github.com/ollama/ollama carries it (found through the include
// folder that cgoflags.sh gives the preprocessor).
#include "../src/llama-grammar.cpp"
