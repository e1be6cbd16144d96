//go:build llama

package llamacpp

// #cgo CXXFLAGS: -std=c++17
// #cgo windows CPPFLAGS: -D_WIN32_WINNT=0x0602
import "C"

import (
	_ "github.com/ollama/ollama/llama/llama.cpp/src/models" // llama.cpp's model graphs
	_ "github.com/ollama/ollama/ml/backend/ggml/ggml/src"   // ggml and its CPU backend
)
