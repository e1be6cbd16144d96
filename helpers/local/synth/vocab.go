package synth

import (
	"fmt"
	"sort"
	"strings"
)

// Token types of a SentencePiece vocabulary (llama_token_type in llama.h).
const (
	tokenNormal  = 1
	tokenUnknown = 2
	tokenControl = 3
	tokenByte    = 6
)

// Special token ids of the synthetic vocabulary.
const (
	// UNK is the id of <unk>.
	UNK = 0
	// BOS is the id of <s>, which starts every prompt.
	BOS = 1
	// EOS is the id of </s>.
	EOS = 2
	// IMStart is the id of <|im_start|> (ChatML).
	IMStart = 3
	// IMEnd is the id of <|im_end|> (ChatML), an end-of-generation token.
	IMEnd = 4
)

// chain lists the tokens whose greedy successor is fixed, as (token, successor) pairs, in SentencePiece
// spelling: ▁ is a space, <0x0A> a newline byte. Every other token is followed by a newline.
var chain = [][2]string{
	// Completion of "Jeremy Howard is " (ends with a lone ▁) and chat answers (templates end with a newline).
	{"▁", "a"},
	{"<0x0A>", "Jeremy"},
	{"Jeremy", "▁Howard"},
	{"▁Jeremy", "▁Howard"},
	{"▁Howard", "▁is"},
	{"▁is", "▁a"},
	{"▁a", "▁data"},
	{"a", "▁data"},
	{"▁data", "▁scientist"},
	{"▁scientist", "▁who"},
	{"▁who", "▁co"},
	{"▁co", "-founded"},
	{"-founded", "▁fast"},
	{"▁fast", ".ai."},
	{".ai.", "▁He"},
	{"▁He", "▁was"},
	{"▁was", "▁president"},
	{"▁president", "▁of"},
	{"▁of", "▁Kaggle."},
	{"▁Kaggle.", "<|im_end|>"},
	// The planets (lesson 07): the answer, then a new question the stop sequences cut off.
	{"▁A:", "▁Mercury,"},
	{"▁Mercury,", "▁Venus,"},
	{"▁Venus,", "▁Earth,"},
	{"▁Earth,", "▁Mars,"},
	{"▁Mars,", "▁Jupiter,"},
	{"▁Jupiter,", "▁Saturn,"},
	{"▁Saturn,", "▁Uranus,"},
	{"▁Uranus,", "▁Neptune."},
	{"▁Neptune.", "\nQ:"},
	{"\nQ:", "▁Which"},
	{"▁Which", "▁planet"},
	{"▁planet", "▁has"},
	{"▁has", "▁rings?"},
	{"▁rings?", "▁A:"},
}

// defaultSuccessor follows every token not in chain.
const defaultSuccessor = "<0x0A>"

// extraWords are in the vocabulary, with no fixed successor, so that common prompt words are single tokens.
var extraWords = []string{"▁Who", "▁Name", "▁the", "▁planets", "▁in", "▁solar", "▁system?", "▁What", "▁Q:",
	"▁money?", "▁You", "▁are", "▁helpful", "▁assistant.", "▁user", "▁system", "assistant", "user", "system",
	"▁Howard?", "###", "▁Instruction:", "▁Response:", "▁System:", "▁User:", "▁Assistant:", "[INST]",
	"[/INST]", "<<SYS>>", "<</SYS>>"}

// vocab is a SentencePiece ("llama") vocabulary with byte fallback.
type vocab struct {
	tokens []string
	scores []float32
	types  []int32
	id     map[string]int
}

func (v *vocab) add(tok string, score float32, typ int32) {
	if _, ok := v.id[tok]; ok {
		return
	}
	v.id[tok] = len(v.tokens)
	v.tokens = append(v.tokens, tok)
	v.scores = append(v.scores, score)
	v.types = append(v.types, typ)
}

// buildVocab returns the synthetic vocabulary: the special tokens, the 256 byte tokens, the printable ASCII
// characters, ▁, and the words of chain and extraWords with every prefix, so that SentencePiece merges can
// build each word from characters. A longer piece has a higher score, so merges grow words left to right.
func buildVocab() *vocab {
	v := baseVocab()
	words := map[string]bool{}
	for _, p := range chain {
		words[p[0]] = true
		words[p[1]] = true
	}
	for _, w := range extraWords {
		words[w] = true
	}
	var pieces []string
	for w := range words {
		if strings.HasPrefix(w, "<") && strings.HasSuffix(w, ">") && len(w) > 2 && w != "<<SYS>>" &&
			w != "<</SYS>>" {
			continue // special or byte token, already added
		}
		r := []rune(w)
		for n := 2; n <= len(r); n++ {
			pieces = append(pieces, string(r[:n]))
		}
	}
	v.addPieces(pieces)
	return v
}

// baseVocab returns the tokens every stand-in vocabulary starts with, in this order: the special tokens, the
// 256 byte tokens, the word-start mark "▁" and the printable ASCII characters. Model files depend on this
// order: changing it changes every token id.
func baseVocab() *vocab {
	v := &vocab{id: map[string]int{}}
	v.add("<unk>", 0, tokenUnknown)
	v.add("<s>", 0, tokenControl)
	v.add("</s>", 0, tokenControl)
	v.add("<|im_start|>", 0, tokenControl)
	v.add("<|im_end|>", 0, tokenControl)
	for b := 0; b < 256; b++ {
		v.add(fmt.Sprintf("<0x%02X>", b), 0, tokenByte)
	}
	v.add("▁", -1, tokenNormal)
	for c := '!'; c <= '~'; c++ {
		v.add(string(c), -1, tokenNormal)
	}
	return v
}

// addPieces adds multi-character pieces, shortest first and in byte order among equals, each scored by its
// length in characters so that the tokenizer prefers longer pieces.
func (v *vocab) addPieces(pieces []string) {
	sort.Slice(pieces, func(i, j int) bool {
		if a, b := len([]rune(pieces[i])), len([]rune(pieces[j])); a != b {
			return a < b
		}
		return pieces[i] < pieces[j]
	})
	for _, p := range pieces {
		v.add(p, float32(len([]rune(p))), tokenNormal)
	}
}
