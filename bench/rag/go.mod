module github.com/golm-dev/golm/bench/rag

go 1.26.8

require (
	github.com/asg017/sqlite-vec-go-bindings v0.1.6
	github.com/golm-dev/golm v0.0.0
	github.com/mattn/go-sqlite3 v1.14.53
	github.com/ncruces/go-sqlite3 v0.20.3
	github.com/philippgille/chromem-go v0.7.0
)

require (
	github.com/dlclark/regexp2 v1.11.4 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/ledongthuc/pdf v0.0.0-20260907135840-6c8c28e0e8a0 // indirect
	github.com/ncruces/julianday v1.0.0 // indirect
	github.com/pkoukk/tiktoken-go v0.1.8 // indirect
	github.com/sashabaranov/go-openai v1.43.0 // indirect
	github.com/tetratelabs/wazero v1.8.2 // indirect
	golang.org/x/net v0.46.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/golm-dev/golm => ../..
