package tokens_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pkoukk/tiktoken-go"

	"github.com/golm-dev/golm/helpers/tokens"
)

// The example of the talk: text-davinci-003 used p50k_base.
func Example() {
	enc, err := tokens.ForModel("text-davinci-003")
	if err != nil {
		panic(err)
	}
	fmt.Println(enc.Name())
	fmt.Println(enc.Encode("They are splashing"))
	fmt.Printf("%q\n", enc.Pieces("They are splashing"))
	// Output:
	// p50k_base
	// [2990 389 4328 2140]
	// ["They" " are" " spl" "ashing"]
}

func ExampleGet() {
	enc, err := tokens.Get("cl100k_base")
	if err != nil {
		panic(err)
	}
	fmt.Println(enc.Encode("They are splashing"))

	_, err = tokens.Get("gpt-4")
	fmt.Println(errors.Is(err, tokens.ErrUnknownEncoding))
	fmt.Println(err)
	// Output:
	// [7009 527 12786 19587]
	// true
	// tokens: unknown encoding "gpt-4": the encodings are o200k_base, cl100k_base, p50k_base, r50k_base (to look one up by model, use tokens.ForModel)
}

func ExampleForModel() {
	for _, model := range []string{"gpt-4o-mini", "gpt-4.1", "o3", "gpt-3.5-turbo", "text-embedding-3-small", "text-davinci-003", "davinci"} {
		enc, err := tokens.ForModel(model)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-22s %s\n", model, enc.Name())
	}
	// Output:
	// gpt-4o-mini            o200k_base
	// gpt-4.1                o200k_base
	// o3                     o200k_base
	// gpt-3.5-turbo          cl100k_base
	// text-embedding-3-small cl100k_base
	// text-davinci-003       p50k_base
	// davinci                r50k_base
}

func ExampleEncodingNameForModel() {
	name, err := tokens.EncodingNameForModel("gpt-4o-2024-08-06")
	fmt.Println(name, err)
	_, err = tokens.EncodingNameForModel("llama-3")
	fmt.Println(errors.Is(err, tokens.ErrUnknownModel))
	// Output:
	// o200k_base <nil>
	// true
}

func ExampleEncodings() {
	fmt.Println(tokens.Encodings())
	// Output:
	// [o200k_base cl100k_base p50k_base r50k_base]
}

func ExampleModels() {
	models := tokens.Models()
	fmt.Println(len(models) > 40, models[:4])
	// Output:
	// true [ada babbage babbage-002 chatgpt-4o-latest]
}

func ExampleEncoding_Encode() {
	enc, _ := tokens.Get("o200k_base")
	fmt.Println(enc.Encode("Hello, world!"))
	// Special-token text is ordinary text.
	fmt.Println(enc.Encode("<|endoftext|>"))
	// Output:
	// [13225 11 2375 0]
	// [27 91 419 1440 919 91 29]
}

func ExampleEncoding_Decode() {
	enc, _ := tokens.Get("cl100k_base")
	text, err := enc.Decode([]int{7009, 527, 12786, 19587})
	fmt.Printf("%q %v\n", text, err)

	// One token alone: " spl".
	text, _ = enc.Decode([]int{12786})
	fmt.Printf("%q\n", text)

	// Special tokens decode to their text.
	text, _ = enc.Decode([]int{100257})
	fmt.Println(text)

	_, err = enc.Decode([]int{7009, 999999})
	fmt.Println(err)
	// Output:
	// "They are splashing" <nil>
	// " spl"
	// <|endoftext|>
	// tokens: cl100k_base: decoding: id 999999 (at index 1) is not a token of this encoding
}

func ExampleEncoding_Count() {
	enc, _ := tokens.ForModel("gpt-4o")
	fmt.Println(enc.Count("The quick brown fox jumps over the lazy dog."))
	// 1000 times " token", after a first "token".
	fmt.Println(enc.Count("token" + strings.Repeat(" token", 1000)))
	// Output:
	// 10
	// 1001
}

func ExampleEncoding_CountBatch() {
	enc, _ := tokens.Get("o200k_base")
	// Many texts at once, on all cores: the chunks of a document, the rows of a data set.
	fmt.Println(enc.CountBatch([]string{"Hello, world!", "They are splashing", ""}))
	fmt.Println(enc.EncodeBatch([]string{"They are splashing", "Hi"}))
	// Output:
	// [4 4 0]
	// [[12280 553 15885 33306] [12194]]
}

func ExampleEncoding_Pieces() {
	enc, _ := tokens.Get("cl100k_base")
	fmt.Printf("%q\n", enc.Pieces("func main() {\n\tfmt.Println(\"hi\")\n}"))
	// An emoji takes three tokens here; none is a whole character.
	fmt.Println(enc.Pieces("🦀"))
	// Output:
	// ["func" " main" "()" " {\n" "\tfmt" ".Println" "(\"" "hi" "\")\n" "}"]
	// [\xf0\x9f \xa6 \x80]
}

func ExampleEncoding_Tokenize() {
	enc, _ := tokens.Get("p50k_base")
	t := enc.Tokenize("They are splashing")
	// In a notebook, t as the last expression of a cell shows coloured pieces (t.HTML()).
	fmt.Println(t)
	fmt.Println(t.Len(), t.IDs[2], t.Pieces[2])
	// Output:
	// p50k_base: 4 tokens, 18 characters
	// "They" " are" " spl" "ashing"
	// [2990 389 4328 2140]
	// 4 4328  spl
}

func ExampleTokenized_HTML() {
	enc, _ := tokens.Get("r50k_base")
	h := enc.Tokenize("Hi there").HTML()
	fmt.Println(strings.Count(h, "<span title="), strings.Contains(h, `title="612 &#34; there&#34;"`))
	// Output:
	// 2 true
}

func ExampleCompare() {
	c, err := tokens.Compare("Gophers 🐹 tokenise 東京 quickly!", nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(c)
	// Output:
	// encoding     tokens  chars/token  used by
	// o200k_base       11         2.73  gpt-4o, gpt-4.1, gpt-5, o1, o3, o4-mini
	// cl100k_base      13         2.31  gpt-4, gpt-3.5-turbo, text-embedding-3-*
	// p50k_base        14         2.14  text-davinci-003, code-davinci-002
	// r50k_base        14         2.14  davinci (GPT-3), gpt2
}

// p50k_base, made for Codex, added tokens for runs of spaces: indented code takes fewer tokens.
func ExampleCompare_some() {
	c, _ := tokens.Compare("    if err != nil {\n        return err\n    }", []string{"p50k_base", "r50k_base"})
	for _, r := range c.Rows {
		fmt.Println(r.Encoding, r.Tokens)
	}
	// Output:
	// p50k_base 13
	// r50k_base 23
}

// Code written for github.com/pkoukk/tiktoken-go works without a network once the loader is installed.
func ExampleInstallOfflineLoader() {
	tokens.InstallOfflineLoader()
	tke, err := tiktoken.EncodingForModel("gpt-3.5-turbo")
	if err != nil {
		panic(err)
	}
	fmt.Println(tke.Encode("They are splashing", nil, nil))
	// Output:
	// [7009 527 12786 19587]
}
