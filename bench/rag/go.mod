module github.com/golm-dev/golm/bench/rag

go 1.26.8

require (
	github.com/golm-dev/golm v0.0.0
	github.com/philippgille/chromem-go v0.7.0
)

require (
	github.com/dlclark/regexp2 v1.11.4 // indirect
	github.com/dlclark/regexp2/v2 v2.5.1 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/pkoukk/tiktoken-go v0.1.8 // indirect
	github.com/sashabaranov/go-openai v1.43.0 // indirect
	github.com/tiktoken-go/tokenizer v0.10.0 // indirect
	golang.org/x/net v0.46.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/golm-dev/golm => ../..
