package llm

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// Defaults used when a Config leaves a field empty.
const (
	// DefaultBaseURL is OpenAI's API.
	DefaultBaseURL = "https://api.openai.com/v1"
	// DefaultModel is the chat model used when none is given: small, fast and cheap. OpenAI's models page
	// recommends GPT-6 Luna "for cost-sensitive, high-volume workloads" (read 2026-12-05; gpt-4o-mini, the
	// previous default, shuts down on 2027-01-14). Change it here, or per client with Config.Model or
	// OPENAI_MODEL.
	DefaultModel = "gpt-6-luna"
	// DefaultEmbeddingModel is the embedding model used when none is given.
	DefaultEmbeddingModel = "text-embedding-3-small"
	// DefaultCompletionModel is the model of the legacy completions endpoint used when none is given. OpenAI
	// shut its last completion models (gpt-3.5-turbo-instruct, davinci-002, babbage-002) down on 2026-09-28;
	// the endpoint lives on in local servers (golm serve, llama.cpp, vLLM), which serve whatever model they
	// loaded under any name.
	DefaultCompletionModel = "gpt-3.5-turbo-instruct"
)

// Environment variables read by ConfigFromEnv.
const (
	EnvAPIKey  = "OPENAI_API_KEY"
	EnvBaseURL = "OPENAI_BASE_URL"
	EnvOrgID   = "OPENAI_ORG_ID"
	// EnvModel is golm's own: the default chat model, handy with a local server whose model has another
	// name.
	EnvModel = "OPENAI_MODEL"
)

// Config says how to reach an OpenAI-compatible API. Printing a Config never shows its key.
type Config struct {
	// APIKey is the secret key. It may be empty for servers that need none (local servers); for OpenAI's
	// own API New refuses an empty key with a message that says how to set one.
	APIKey string `json:"-"`
	// BaseURL is the API's base URL, usually ending in /v1; empty means DefaultBaseURL.
	BaseURL string
	// OrgID is the optional OpenAI organization id.
	OrgID string
	// Model is the default chat model; empty means DefaultModel.
	Model string
	// EmbeddingModel is the default embedding model; empty means DefaultEmbeddingModel.
	EmbeddingModel string
	// CompletionModel is the default model of the legacy completions endpoint; empty means
	// DefaultCompletionModel.
	CompletionModel string
	// HTTPClient is the HTTP client to start from (its Timeout, Jar and Transport are kept, the transport
	// wrapped with retries); nil means a new http.Client over http.DefaultTransport.
	HTTPClient *http.Client
	// Retry says how failed requests are retried; the zero value gives the defaults (see RetryPolicy).
	Retry RetryPolicy
	// Usage receives a record of every call; nil means a new tracker (see Client.Usage). Share one between
	// clients to total a whole session.
	Usage *Usage
	// Prices prices the calls; nil means DefaultPrices().
	Prices *Prices
	// Log receives a line for each retry when Retry.OnRetry is nil; nil means standard error, which a
	// notebook shows under the cell. Use io.Discard to silence it.
	Log io.Writer
}

// ConfigFromEnv returns a Config from the environment: OPENAI_API_KEY, OPENAI_BASE_URL (or the older
// OPENAI_API_BASE), OPENAI_ORG_ID and golm's OPENAI_MODEL. Surrounding spaces and quotes are trimmed, as
// they often sneak in when a key is pasted.
func ConfigFromEnv() Config {
	get := func(names ...string) string {
		for _, n := range names {
			if v := strings.Trim(strings.TrimSpace(os.Getenv(n)), `"'`); v != "" {
				return v
			}
		}
		return ""
	}
	return Config{
		APIKey:  get(EnvAPIKey),
		BaseURL: get(EnvBaseURL, "OPENAI_API_BASE"),
		OrgID:   get(EnvOrgID),
		Model:   get(EnvModel),
	}
}

// String describes the configuration without its key: whether one is set, and its length.
func (c Config) String() string {
	return fmt.Sprintf("llm.Config{BaseURL: %s, Model: %s, Key: %s}", displayURL(orDefault(c.BaseURL, DefaultBaseURL)),
		orDefault(c.Model, DefaultModel), keyStatus(c.APIKey))
}

// GoString is String: %#v never shows the key either.
func (c Config) GoString() string { return c.String() }

// Format makes every fmt verb (%v, %+v, %#v, %s, %q) print String, so that the key cannot leak through
// fmt's struct printing.
func (c Config) Format(f fmt.State, verb rune) { formatSafe(f, verb, c.String()) }

func formatSafe(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = fmt.Sprintf("%q", s)
	}
	_, _ = io.WriteString(f, s)
}

func keyStatus(key string) string {
	if key == "" {
		return "none"
	}
	return fmt.Sprintf("set (%d characters, hidden)", len(key))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// displayURL hides a password in a URL's user information.
func displayURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "REDACTED")
	}
	return u.String()
}

// needsKey reports whether the base URL is OpenAI's, which refuses requests without a key.
func needsKey(baseURL string) bool {
	u, err := url.Parse(baseURL)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "api.openai.com" || strings.HasSuffix(h, ".openai.com")
}

// missingKeyMessage is the explanation given when no key is set for OpenAI's API.
const missingKeyMessage = "OPENAI_API_KEY is not set. Get a key at https://platform.openai.com/api-keys and set it " +
	"in the environment before starting Jupyter (export OPENAI_API_KEY=sk-...), or in a cell with " +
	"os.Setenv(\"OPENAI_API_KEY\", key) reading the key from somewhere that is not the notebook " +
	"(display.Password asks for it without showing it). To use a local OpenAI-compatible server " +
	"instead (golm serve MODEL.gguf, llama.cpp's llama-server, Ollama, vLLM), set OPENAI_BASE_URL to its " +
	"URL, such as http://127.0.0.1:8080/v1; a local server needs no key."
