package tokens

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/tiktoken-go/tokenizer"
)

// Encoding is one of OpenAI's token encodings: it turns text into token ids and back. Get one with Get or
// ForModel. Its methods are safe for concurrent use.
type Encoding struct {
	name    string
	codec   tokenizer.Codec // in ErrorModeReplace: sees invalid UTF-8 as tiktoken would
	special map[int]string  // special token ids and their text
	nVocab  int             // one more than the largest id

	tableOnce sync.Once
	table     []string // token bytes by id, special tokens included; "" where an id has no token

	slowOnce sync.Once
	slowTok  *slowTokenizer // for text with U+007F (see bpe.go)
}

var (
	encodingsMu sync.Mutex
	encodings   = map[string]*Encoding{}
)

// Get returns the encoding with the given name: "o200k_base", "cl100k_base", "p50k_base" or "r50k_base"
// (see Encodings). Names are matched without regard to case or surrounding spaces. The first call for a name
// loads its vocabulary (tens of milliseconds); later calls return the same *Encoding.
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
	switch n {
	case O200kBase:
		special = map[int]string{199999: "<|endoftext|>", 200018: "<|endofprompt|>"}
		nVocab = 200019
	case Cl100kBase:
		special = map[int]string{100257: "<|endoftext|>", 100258: "<|fim_prefix|>", 100259: "<|fim_middle|>",
			100260: "<|fim_suffix|>", 100276: "<|endofprompt|>"}
		nVocab = 100277
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
	c, err := tokenizer.Get(tokenizer.Encoding(n))
	if err != nil {
		return nil, fmt.Errorf("tokens: loading %s: %w", n, err)
	}
	c.SetErrorMode(tokenizer.ErrorModeReplace)
	e := &Encoding{name: n, codec: c, special: special, nVocab: nVocab}
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

// Encode returns the token ids of text, exactly as OpenAI's tiktoken does (encode_ordinary). Text that looks
// like a special token, such as "<|endoftext|>", is encoded as ordinary text. Invalid UTF-8 is read as
// U+FFFD replacement characters (see the package documentation).
func (e *Encoding) Encode(text string) []int {
	ids, _ := e.encode(text, false)
	return ids
}

// Count returns the number of tokens in text: len(e.Encode(text)), without building the slice.
func (e *Encoding) Count(text string) int {
	if strings.IndexByte(text, 0x7f) >= 0 {
		ids, _ := e.encodeSlow(text)
		return len(ids)
	}
	n, err := e.codec.Count(text)
	if err != nil {
		panic(internalError(e.name, err))
	}
	return n
}

// Pieces returns the text of each token of text, in order; joined, they give the text back. A token
// that holds only part of a multi-byte character (emoji and many CJK characters take several tokens) is not
// valid UTF-8 on its own; its invalid bytes are written as Go byte escapes (a backslash, an x and two hex
// digits for each byte): the crab emoji "🦀" is three tokens in cl100k_base, with the pieces `\xf0\x9f`,
// `\xa6` and `\x80`. To get the raw bytes of a token, Decode its id alone.
func (e *Encoding) Pieces(text string) []string {
	_, raw := e.encode(text, true)
	pieces := make([]string, len(raw))
	for i, p := range raw {
		pieces[i] = escapeInvalid(p)
	}
	return pieces
}

// Decode returns the text of the token ids: the bytes of each token, concatenated. Special token ids give
// their text, such as "<|endoftext|>". Decoding only some ids of a text can split a character, giving a
// string that is not valid UTF-8. An id that is not a token of the encoding is an error.
func (e *Encoding) Decode(ids []int) (string, error) {
	table := e.tokenTable()
	n := 0
	for i, id := range ids {
		if id < 0 || id >= len(table) || table[id] == "" {
			return "", fmt.Errorf("tokens: %s: decoding: id %d (at index %d) is not a token of this encoding",
				e.name, id, i)
		}
		n += len(table[id])
	}
	var sb strings.Builder
	sb.Grow(n)
	for _, id := range ids {
		sb.WriteString(table[id])
	}
	return sb.String(), nil
}

// encode returns the ids of text and, with pieces, the bytes of each token.
func (e *Encoding) encode(text string, pieces bool) ([]int, []string) {
	if strings.IndexByte(text, 0x7f) >= 0 {
		// tiktoken-go/tokenizer drops U+007F (see bpe.go).
		ids, raw := e.encodeSlow(text)
		return ids, raw
	}
	uids, raw, err := e.codec.Encode(text)
	if err != nil {
		panic(internalError(e.name, err))
	}
	ids := make([]int, len(uids))
	for i, id := range uids {
		ids[i] = int(id)
	}
	if !pieces {
		raw = nil
	}
	return ids, raw
}

// internalError reports an error of the underlying tokenizer, which it only returns for a regular expression
// match timeout, and no timeout is set.
func internalError(name string, err error) string {
	return fmt.Sprintf("tokens: %s: internal error from the tokenizer: %v", name, err)
}

// tokenTable returns the bytes of every token by id, special tokens included, building it on first use.
func (e *Encoding) tokenTable() []string {
	e.tableOnce.Do(func() {
		// A second codec in the default mode, which returns the raw bytes of a token: the shared one
		// replaces invalid UTF-8 in what it decodes.
		c, err := tokenizer.Get(tokenizer.Encoding(e.name))
		if err != nil {
			panic(fmt.Sprintf("tokens: %s: %v", e.name, err))
		}
		table := make([]string, e.nVocab)
		one := make([]uint, 1)
		for id := range table {
			one[0] = uint(id)
			if s, err := c.Decode(one); err == nil {
				table[id] = s
			}
		}
		for id, s := range e.special {
			table[id] = s
		}
		e.table = table
	})
	return e.table
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
