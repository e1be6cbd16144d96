package tokens

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The names of the encodings. Encodings returns them in this order (newest first).
const (
	O200kBase  = "o200k_base"
	Cl100kBase = "cl100k_base"
	P50kBase   = "p50k_base"
	R50kBase   = "r50k_base"
)

var encodingNames = []string{O200kBase, Cl100kBase, P50kBase, R50kBase}

// usedBy names a few models of each encoding, for people (Compare shows it).
var usedBy = map[string]string{
	O200kBase:  "gpt-4o, gpt-4.1, gpt-5, o1, o3, o4-mini",
	Cl100kBase: "gpt-4, gpt-3.5-turbo, text-embedding-3-*",
	P50kBase:   "text-davinci-003, code-davinci-002",
	R50kBase:   "davinci (GPT-3), gpt2",
}

// modelEncodings maps model names to encodings. It follows the model table of OpenAI's tiktoken
// (tiktoken/model.py and the npm package's model_to_encoding.json; a test checks it against the latter).
// The edit models (text-davinci-edit-001, code-davinci-edit-001) used p50k_edit, which this package does not
// provide. gpt2 is included because its encoding is identical to r50k_base (same vocabulary, pattern and
// special token).
var modelEncodings = map[string]string{
	// reasoning
	"o1":      O200kBase,
	"o3":      O200kBase,
	"o4-mini": O200kBase,
	// chat
	"gpt-5":             O200kBase,
	"gpt-4.5":           O200kBase,
	"gpt-4.1":           O200kBase,
	"gpt-4o":            O200kBase,
	"chatgpt-4o-latest": O200kBase,
	"gpt-4":             Cl100kBase,
	"gpt-3.5-turbo":     Cl100kBase,
	"gpt-3.5":           Cl100kBase,
	"gpt-35-turbo":      Cl100kBase, // Azure deployment name
	// base
	"davinci-002": Cl100kBase,
	"babbage-002": Cl100kBase,
	// embeddings
	"text-embedding-ada-002": Cl100kBase,
	"text-embedding-3-small": Cl100kBase,
	"text-embedding-3-large": Cl100kBase,
	// text (deprecated)
	"text-davinci-003": P50kBase,
	"text-davinci-002": P50kBase,
	"text-davinci-001": R50kBase,
	"text-curie-001":   R50kBase,
	"text-babbage-001": R50kBase,
	"text-ada-001":     R50kBase,
	"davinci":          R50kBase,
	"curie":            R50kBase,
	"babbage":          R50kBase,
	"ada":              R50kBase,
	// code (deprecated)
	"code-davinci-002": P50kBase,
	"code-davinci-001": P50kBase,
	"code-cushman-002": P50kBase,
	"code-cushman-001": P50kBase,
	"davinci-codex":    P50kBase,
	"cushman-codex":    P50kBase,
	// old embeddings (deprecated)
	"text-similarity-davinci-001":  R50kBase,
	"text-similarity-curie-001":    R50kBase,
	"text-similarity-babbage-001":  R50kBase,
	"text-similarity-ada-001":      R50kBase,
	"text-search-davinci-doc-001":  R50kBase,
	"text-search-curie-doc-001":    R50kBase,
	"text-search-babbage-doc-001":  R50kBase,
	"text-search-ada-doc-001":      R50kBase,
	"code-search-babbage-code-001": R50kBase,
	"code-search-ada-code-001":     R50kBase,
	// open source
	"gpt2":  R50kBase,
	"gpt-2": R50kBase,
}

// modelPrefixes maps families of model names (dated snapshots, sizes, fine-tunes) to encodings. The first
// matching prefix wins, so a longer prefix comes before a shorter one that it extends.
var modelPrefixes = []struct{ prefix, encoding string }{
	{"o1-", O200kBase},
	{"o3-", O200kBase},
	{"o4-mini-", O200kBase},
	{"gpt-5-", O200kBase},
	{"gpt-5.", O200kBase}, // gpt-5.1, gpt-5.2, ...: assumed to keep gpt-5's encoding
	{"gpt-4.5-", O200kBase},
	{"gpt-4.1-", O200kBase},
	{"chatgpt-4o-", O200kBase},
	{"gpt-4o-", O200kBase},
	{"gpt-4-", Cl100kBase},
	{"gpt-3.5-turbo-", Cl100kBase},
	{"gpt-35-turbo-", Cl100kBase},
	{"ft:gpt-4.1", O200kBase},
	{"ft:gpt-4o", O200kBase},
	{"ft:gpt-4", Cl100kBase},
	{"ft:gpt-3.5-turbo", Cl100kBase},
	{"ft:davinci-002", Cl100kBase},
	{"ft:babbage-002", Cl100kBase},
}

// ErrUnknownEncoding is returned (wrapped) by Get and Compare for an encoding name this package does not
// know; ErrUnknownModel by ForModel for a model name it does not know. Test for them with errors.Is.
var (
	ErrUnknownEncoding = errors.New("unknown encoding")
	ErrUnknownModel    = errors.New("unknown model")
)

// Encodings returns the names of the encodings this package provides, newest first:
// o200k_base, cl100k_base, p50k_base, r50k_base.
func Encodings() []string { return slices.Clone(encodingNames) }

// Models returns the model names ForModel knows exactly, sorted. ForModel also knows families of names by
// their prefix, such as gpt-4o-2024-08-06, gpt-4-32k or ft:gpt-4o-mini:org::id.
func Models() []string {
	names := make([]string, 0, len(modelEncodings))
	for m := range modelEncodings {
		names = append(names, m)
	}
	slices.Sort(names)
	return names
}

// EncodingNameForModel returns the name of the encoding of an OpenAI model, such as "o200k_base" for
// "gpt-4o" (ForModel returns the encoding itself).
// Model names are matched without regard to case or surrounding spaces; dated snapshots and variants
// ("gpt-4o-2024-08-06", "gpt-4-32k", "ft:gpt-3.5-turbo:org::id") are matched by their family's prefix.
func EncodingNameForModel(model string) (string, error) {
	m := strings.ToLower(strings.TrimSpace(model))
	if enc, ok := modelEncodings[m]; ok {
		return enc, nil
	}
	for _, p := range modelPrefixes {
		if strings.HasPrefix(m, p.prefix) {
			return p.encoding, nil
		}
	}
	prefixes := make([]string, len(modelPrefixes))
	for i, p := range modelPrefixes {
		prefixes[i] = p.prefix + "*"
	}
	return "", fmt.Errorf("tokens: %w %q: known models are %s, and names starting with %s; "+
		"or look an encoding up by name with tokens.Get(%s)",
		ErrUnknownModel, model, strings.Join(Models(), ", "), strings.Join(prefixes, ", "),
		strings.Join(quoted(encodingNames), " | "))
}

func quoted(names []string) []string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return q
}

// EncodingForModel returns the name of the encoding of an OpenAI model.
//
// Deprecated: use EncodingNameForModel (tiktoken-go's EncodingForModel returns an encoder, not a name).
func EncodingForModel(model string) (string, error) { return EncodingNameForModel(model) }
