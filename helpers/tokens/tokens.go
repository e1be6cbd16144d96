package tokens

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// Encoding is one of OpenAI's token encodings: it turns text into token ids and back. Get one with Get or
// ForModel. Its methods are safe for concurrent use.
type Encoding struct {
	name    string
	special map[int]string // special token ids and their text
	split   splitFunc      // the pre-tokenizer of the encoding's split pattern (split.go)
	vocab   *vocab         // the ordinary tokens' ranks
	states  sync.Pool      // *encodeState, reused between calls
}

var (
	encodingsMu sync.Mutex
	encodings   = map[string]*Encoding{}
)

// Get returns the encoding with the given name: "o200k_base", "cl100k_base", "p50k_base" or "r50k_base"
// (see Encodings). Names are matched without regard to case or surrounding spaces. The first call for a name
// loads its vocabulary (tens of milliseconds, once per program); later calls return the same *Encoding.
func Get(name string) (*Encoding, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	encodingsMu.Lock()
	defer encodingsMu.Unlock()
	if e, ok := encodings[n]; ok {
		return e, nil
	}
	// The special tokens and vocabulary sizes are tiktoken's (tiktoken_ext/openai_public.py).
	var special map[int]string
	var nVocab int
	split := nextR50k
	switch n {
	case O200kBase:
		special = map[int]string{199999: "<|endoftext|>", 200018: "<|endofprompt|>"}
		nVocab, split = 200019, nextO200k
	case Cl100kBase:
		special = map[int]string{100257: "<|endoftext|>", 100258: "<|fim_prefix|>", 100259: "<|fim_middle|>",
			100260: "<|fim_suffix|>", 100276: "<|endofprompt|>"}
		nVocab, split = 100277, nextCl100k
	case P50kBase:
		special = map[int]string{50256: "<|endoftext|>"}
		nVocab = 50281
	case R50kBase:
		special = map[int]string{50256: "<|endoftext|>"}
		nVocab = 50257
	default:
		return nil, fmt.Errorf("tokens: %w %q: the encodings are %s (to look one up by model, use tokens.ForModel)",
			ErrUnknownEncoding, name, strings.Join(encodingNames, ", "))
	}
	loadClasses()
	v, err := loadVocab(n, nVocab, special)
	if err != nil {
		return nil, err
	}
	e := &Encoding{name: n, special: special, split: split, vocab: v}
	e.states.New = func() any { return new(encodeState) }
	encodings[n] = e
	return e, nil
}

// ForModel returns the encoding an OpenAI model uses, such as o200k_base for "gpt-4o" and p50k_base for
// "text-davinci-003" (see EncodingNameForModel for how names are matched).
func ForModel(model string) (*Encoding, error) {
	name, err := EncodingNameForModel(model)
	if err != nil {
		return nil, err
	}
	return Get(name)
}

// Name returns the encoding's name, such as "cl100k_base".
func (e *Encoding) Name() string { return e.name }

// String returns the encoding's name.
func (e *Encoding) String() string { return e.name }

// Pieces returns the text of each token of text, in order; joined, they give the text back when it is valid
// UTF-8 and no piece needed escaping. A token
// that holds only part of a multi-byte character (emoji and many CJK characters take several tokens) is not
// valid UTF-8 on its own; its invalid bytes are written as Go byte escapes (a backslash, an x and two hex
// digits for each byte): the crab emoji "🦀" is three tokens in cl100k_base, with the pieces `\xf0\x9f`,
// `\xa6` and `\x80`. To get the raw bytes of a token, Decode its id alone.
func (e *Encoding) Pieces(text string) []string {
	ids := e.Encode(text)
	pieces := make([]string, len(ids))
	for i, id := range ids {
		pieces[i] = escapeInvalid(e.vocab.token(id))
	}
	return pieces
}

// Decode returns the text of the token ids: the bytes of each token, concatenated. Special token ids give
// their text, such as "<|endoftext|>". Decoding only some ids of a text can split a character, giving a
// string that is not valid UTF-8. An id that is not a token of the encoding is an error.
func (e *Encoding) Decode(ids []int) (string, error) {
	v := e.vocab
	n := 0
	for i, id := range ids {
		if id < 0 || id >= v.size() || v.token(id) == "" {
			return "", fmt.Errorf("tokens: %s: decoding: id %d (at index %d) is not a token of this encoding",
				e.name, id, i)
		}
		n += len(v.token(id))
	}
	var sb strings.Builder
	sb.Grow(n)
	for _, id := range ids {
		sb.WriteString(v.token(id))
	}
	return sb.String(), nil
}

// ranks returns a new map of every ordinary token's bytes to its id.
func (e *Encoding) ranks() map[string]int {
	ranks := make(map[string]int, e.vocab.size())
	for id := range e.vocab.size() {
		if b := e.vocab.token(id); b != "" && !e.isSpecial(id) {
			ranks[b] = id
		}
	}
	return ranks
}

// tokenTable returns the bytes of every token by id, special tokens included ("" where an id has none).
func (e *Encoding) tokenTable() []string {
	table := make([]string, e.vocab.size())
	for id := range table {
		table[id] = e.vocab.token(id)
	}
	return table
}

// isSpecial reports whether id is the id of a special token.
func (e *Encoding) isSpecial(id int) bool {
	_, ok := e.special[id]
	return ok
}

// escapeInvalid returns s with each byte that is not part of valid UTF-8 written as a Go escape (\xff).
func escapeInvalid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			fmt.Fprintf(&sb, `\x%02x`, s[i])
		} else {
			sb.WriteString(s[i : i+n])
		}
		i += n
	}
	return sb.String()
}
