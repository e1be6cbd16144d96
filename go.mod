module github.com/golm-dev/golm

go 1.26.8

require (
	github.com/dlclark/regexp2/v2 v2.5.1
	github.com/elastic/go-seccomp-bpf v1.6.0
	github.com/go-zeromq/zmq4 v0.17.0
	github.com/ollama/ollama v0.17.4
	github.com/pkoukk/tiktoken-go v0.1.8
	github.com/sashabaranov/go-openai v1.43.0
	github.com/tiktoken-go/tokenizer v0.10.0
	github.com/traefik/yaegi v0.16.1
	golang.org/x/net v0.46.0
	golang.org/x/sync v0.17.0
	golang.org/x/sys v0.50.0
)

require (
	github.com/dlclark/regexp2 v1.11.4 // indirect
	github.com/go-zeromq/goczmq/v4 v4.2.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	golang.org/x/text v0.30.0 // indirect
)
