// golden.mjs writes golden.json: the token ids that OpenAI's tokenizer (the npm package tiktoken, a WASM
// build of the Rust tiktoken) gives for a set of texts, for each encoding helpers/tokens provides, plus a
// fingerprint of each vocabulary and the model-to-encoding table of the package. The Go tests compare
// against golden.json and never need node or npm.
//
// Regenerate (from this folder):  npm ci && node golden.mjs
import { get_encoding } from "tiktoken";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const encodings = ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"];
const version = JSON.parse(readFileSync(new URL("./node_modules/tiktoken/package.json", import.meta.url))).version;
const models = JSON.parse(readFileSync(new URL("./node_modules/tiktoken/model_to_encoding.json", import.meta.url)));

// A deterministic pseudo-random generator (xorshift32), so that the "random" cases never change.
let seed = 2463534242;
function rand() {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
}
function randomString(n, alphabet) {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[rand() % alphabet.length];
  return s;
}

const goCode = `package main

import (
	"fmt"
	"strings"
)

// Greet returns a greeting.
func Greet(name string) string {
	if name == "" {
		name = "world"
	}
	return fmt.Sprintf("Hello, %s!", strings.ToUpper(name))
}

func main() {
	for i := 0; i < 3; i++ {
		fmt.Println(Greet(""), i*i, 0x1F, 1e-9)
	}
}
`;

const pythonCode = `def sums(a, b=1):
    "Adds a + b"
    return a + b

class Model:
    def __init__(self, n_layers: int = 12) -> None:
        self.n_layers = n_layers  # comment
        self._cache = {"key": [1, 2, 3], 'other': None}

    def forward(self, x):
        return [y ** 2 for y in x if y % 2 == 0]
`;

// Text cases: [name, string].
const texts = [
  ["empty", ""],
  ["talk: They are splashing", "They are splashing"],
  ["ascii sentence", "Hello, world! The quick brown fox jumps over the lazy dog."],
  ["ascii punctuation", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ... --- === ??? !!!"],
  ["contractions", "I'm sure you're right; they've said we'll go, she'd know. It's DON'T and HE'S, i'M, You'Re."],
  ["contractions: case folding", "it'ſ IT'S It'Ll we'VE I'M ſ 'ſ 'K 'K 'ß"],
  ["curly apostrophes", "It’s the dog’s bone; L’été d’un café."],
  ["numbers", "0 1 12 123 1234 12345 123456 1234567 3.14159 1,000,000 -42 2024-05-13 0x1F 1e-9 ٣٤٥ 四五六"],
  ["mixed case", "camelCaseWord PascalCase snake_case SCREAMING_CASE kebab-case iPhone eBay McDonald"],
  ["go code", goCode],
  ["python code", pythonCode],
  ["json", `{"model": "gpt-4o", "messages": [{"role": "user", "content": "What is 6+3?"}], "temperature": 0.7}`],
  ["html", `<div class="x"><p>Hello&nbsp;<b>world</b></p>\n  <a href="https://example.com/a?b=c&d=e#f">link</a></div>`],
  ["url and email", "See https://www.fast.ai/posts/2023-09-24-llm-hacker.html or mail someone@example.org."],
  ["whitespace: spaces", "a b  c   d    e     f      g"],
  ["whitespace: tabs", "\ta\t\tb\t\t\tc \t \td"],
  ["whitespace: newlines", "line one\nline two\n\nline four\n\n\n\nline eight\r\nwindows\r\n\r\nend\n"],
  ["whitespace: leading and trailing", "     leading and trailing     "],
  ["whitespace: only", "   \n\t \r\n   \u00a0\u2003\u3000  "],
  ["whitespace: long run", " ".repeat(1000) + "x" + "\n".repeat(300) + "\t".repeat(200)],
  ["whitespace: unicode spaces", "a\u00a0b\u2002c\u2003d\u2009e\u200bf\u3000g\u202fh"],
  ["emoji", "I 💚 Go 🐹 and 🦀. 👍🏽 👩‍👩‍👧‍👦 🇫🇷 🏳️‍🌈 ❤️ ✅ 🤖🤖🤖"],
  ["emoji only", "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰"],
  ["cjk: japanese", "今日はとても良い天気ですね。東京タワーに行きましょう！カタカナ"],
  ["cjk: chinese", "我爱自然语言处理。大型语言模型可以生成文本，也可以回答问题。"],
  ["cjk: korean", "안녕하세요, 세계! 언어 모델은 다음 토큰을 예측합니다."],
  ["other scripts", "Привет, мир! Γειά σου Κόσμε! مرحبا بالعالم! नमस्ते दुनिया! שלום עולם! สวัสดีชาวโลก"],
  ["combining marks", "e\u0301 a\u0308 n\u0303 o\u0302\u0323 A\u030a Cafe\u0301 vs Café, Zalgo: Z\u0334\u0349\u0300a\u0335\u0347\u034al\u0336\u0330\u0343g\u0338\u0331\u033eo\u0335\u0304\u0359"],
  ["combining marks: devanagari and thai", "क्षत्रिय हिन्दी भाषा ภาษาไทย น้ำ"],
  ["special token text", "<|endoftext|> is text here, so are <|fim_prefix|><|fim_middle|><|fim_suffix|> and <|endofprompt|>."],
  ["long word: english", "supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft"],
  ["long word: repeated letter", "a".repeat(3000)],
  ["long word: repeated syllable", "abc".repeat(700)],
  ["long word: random letters", randomString(4000, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")],
  ["long word: random accented letters", randomString(1500, "aeiouéèêëàâäôöûüçñßøåæœ")],
  ["long word: cjk", randomString(1200, "的一是不了人我在有他这为之大来以个中上们")],
  ["long number", "1234567890".repeat(200)],
  ["long punctuation", "-".repeat(500) + "=".repeat(500) + "!?".repeat(300)],
  ["base64", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="],
  ["random printable", randomString(3000, " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\n\t")],
  ["control characters", "a\u0000b\u0001c\u0007d\u001be\u007ff\u0085g\u2028h\u2029i\ufeffj"],
  // U+007F DELETE is the only ASCII character tiktoken-go/tokenizer v0.10.0 drops (its generated regular
  // expressions leave 0x7F out of their character classes); helpers/tokens works around it.
  ["delete character", "\u007f a\u007fb \u007f\u007f\u007f x!\u007f? \u007fabc \u007f123 '\u007fs \u007f\n\u007f\r\n\u007f/ \u007f\u007f \u007f"],
  ["delete character alone", "\u007f"],
  ["private use and noncharacters", "\ue000\uf8ff \ufffd \ufffe\uffff \u{10ffff} \u{1f9ff}\u{1fa70}"],
];

// Invalid UTF-8 cases: [name, bytes]. JavaScript strings cannot hold them, so tiktoken gets the string that a
// UTF-8 decoder makes of them (TextDecoder: each maximal invalid subsequence becomes one U+FFFD, as Python's
// bytes.decode(errors="replace") does). helpers/tokens defines Encode of a Go string holding the same bytes to
// give these ids.
const crab = Buffer.from("🦀");
const invalid = [
  ["invalid: lone 0xff", Buffer.from([0xff])],
  ["invalid: continuation byte inside ascii", Buffer.concat([Buffer.from("abc"), Buffer.from([0x80]), Buffer.from("def")])],
  ["invalid: truncated emoji", Buffer.concat([Buffer.from("crab "), crab.subarray(0, 3), Buffer.from(" ok")])],
  ["invalid: truncated emoji at end", Buffer.concat([Buffer.from("crab "), crab.subarray(0, 2)])],
  ["invalid: truncated cjk", Buffer.concat([Buffer.from("中"), Buffer.from("文").subarray(0, 2), Buffer.from("字")])],
  ["invalid: encoded surrogate", Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62])],
  ["invalid: overlong slash", Buffer.from([0x2f, 0xc0, 0xaf, 0x2e, 0x2e])],
  ["invalid: above U+10FFFF", Buffer.from([0x78, 0xf4, 0x90, 0x80, 0x80, 0x79])],
  ["invalid: latin-1 text", Buffer.from("caf\xe9 na\xefve r\xe9sum\xe9 \xbfqu\xe9?", "latin1")],
  ["invalid: many bad bytes", Buffer.from([0x80, 0x81, 0xfe, 0xff, 0x20, 0xc3, 0x20, 0xe2, 0x82, 0x20, 0xf0, 0x9f, 0x98])],
  ["invalid: whitespace around bad bytes", Buffer.from([0x20, 0x20, 0xff, 0x20, 0x20, 0x0a, 0xfe, 0x0a])],
];

const encs = Object.fromEntries(encodings.map((n) => [n, get_encoding(n)]));

function idsFor(text) {
  const out = {};
  for (const n of encodings) out[n] = Array.from(encs[n].encode_ordinary(text));
  return out;
}

const cases = [];
for (const [name, text] of texts) cases.push({ name, text, ids: idsFor(text) });
for (const [name, bytes] of invalid) {
  const text = new TextDecoder("utf-8").decode(bytes);
  cases.push({ name, hex: bytes.toString("hex"), text, ids: idsFor(text) });
}

// Vocabulary fingerprints: SHA-256 over, for each id from 0 to the largest one that has bytes (special tokens
// excluded), the id and length as decimal text and the token's bytes; ids without a token are skipped.
const specials = {
  o200k_base: { "<|endoftext|>": 199999, "<|endofprompt|>": 200018 },
  cl100k_base: { "<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259, "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276 },
  p50k_base: { "<|endoftext|>": 50256 },
  r50k_base: { "<|endoftext|>": 50256 },
};
const vocabularies = {};
for (const n of encodings) {
  const special = new Set(Object.values(specials[n]));
  const h = createHash("sha256");
  // token_byte_values lists the bytes of every ordinary token; encode_single_token gives its id. (Asking
  // decode_single_token_bytes for an id without a token throws inside the WASM module and corrupts it.)
  const byID = new Map();
  for (const bytes of encs[n].token_byte_values()) {
    const b = Uint8Array.from(bytes);
    byID.set(encs[n].encode_single_token(b), b);
  }
  const ids = [...byID.keys()].sort((a, b) => a - b);
  for (const id of ids) {
    if (special.has(id)) continue;
    const b = byID.get(id);
    h.update(`${id} ${b.length} `); h.update(b);
  }
  const count = ids.length, maxID = ids[ids.length - 1];
  // Check that the special tokens are what this file claims.
  for (const [text, id] of Object.entries(specials[n])) {
    const got = Buffer.from(encs[n].decode_single_token_bytes(id)).toString();
    if (got !== text) throw new Error(`${n}: special token ${id} is ${got}, not ${text}`);
  }
  vocabularies[n] = { tokens: count, max_id: maxID, sha256: h.digest("hex"), special: specials[n] };
}

const golden = {
  comment: "Generated by golden.mjs from the npm package tiktoken; do not edit. Ids are from encode_ordinary (special-token text is ordinary text); for the cases with hex, the input is those bytes and tiktoken was given the string TextDecoder makes of them.",
  tiktoken_version: version,
  encodings,
  models,
  vocabularies,
  cases,
};
// One line per case and per vocabulary keeps the file small and its diffs readable.
const lines = Object.entries(golden).map(([k, v]) => {
  if (k === "cases") return ` "cases": [\n${v.map((c) => "  " + JSON.stringify(c)).join(",\n")}\n ]`;
  if (k === "models" || k === "vocabularies")
    return ` "${k}": {\n${Object.entries(v).map(([a, b]) => `  ${JSON.stringify(a)}: ${JSON.stringify(b)}`).join(",\n")}\n }`;
  return ` ${JSON.stringify(k)}: ${JSON.stringify(v)}`;
});
writeFileSync(new URL("./golden.json", import.meta.url), "{\n" + lines.join(",\n") + "\n}\n");
console.log(`golden.json: ${cases.length} cases, tiktoken ${version}`);
