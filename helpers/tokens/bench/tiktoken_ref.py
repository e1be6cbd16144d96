"""The reference: OpenAI's tiktoken (its Rust code, through the Python package), run offline.

tiktoken downloads its vocabularies; here it reads them from TIKTOKEN_CACHE_DIR, where
`go run ./helpers/tokens/bench -write-vocab DIR` writes helpers/tokens' own under the names tiktoken's cache
uses. tiktoken.get_encoding checks each file against the SHA-256 that OpenAI publishes, and takes the split
pattern and special tokens from its own tiktoken_ext/openai_public.py: nothing of the reference is ours.

    TIKTOKEN_CACHE_DIR=DIR python tiktoken_ref.py bench CORPUS[,CORPUS] ENCODINGS RUNS
    TIKTOKEN_CACHE_DIR=DIR python tiktoken_ref.py cases OUT.json.gz
    python tiktoken_ref.py classes OUT.go

bench prints lines in the format of the Go bench (the median speed of RUNS encodings of each whole corpus on
one thread, the token count and an FNV-1a hash of the ids). cases writes the differential test's corpus:
random and adversarial texts with tiktoken's ids for them in every encoding (see make_cases). classes writes
the Go table of the Unicode classes that the split patterns use, as tiktoken's regular-expression engine
sees them (its Unicode version, not Go's; see write_classes).
"""

import gzip
import json
import os
import random
import struct
import sys
import time

import tiktoken

ENCODINGS = ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"]


def fnv1a(ids):
    h = 0xCBF29CE484222325
    for b in struct.pack("<%dI" % len(ids), *ids):
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def bench(corpora, encodings, runs):
    for path in corpora.split(","):
        data = open(path, "rb").read()
        text = data.decode("utf-8")
        for name in encodings.split(","):
            enc = tiktoken.get_encoding(name)
            enc.encode_ordinary("warm up")
            speeds, cpu = [], []
            for _ in range(runs):
                start, cpu_start = time.perf_counter(), time.process_time()
                ids = enc.encode_ordinary(text)
                speeds.append(len(data) / 1e6 / (time.perf_counter() - start))
                cpu.append(len(data) / 1e6 / (time.process_time() - cpu_start))
            speeds.sort()
            cpu.sort()
            label = "python tiktoken " + tiktoken.__version__
            print(
                f"{label:<22} {os.path.basename(path):<10} {name:<12} {speeds[len(speeds) // 2]:7.2f} MB/s  "
                f"{len(ids):9d} tokens  ids fnv1a {fnv1a(ids):016x}  "
                f"({runs} runs, {speeds[0]:.2f}-{speeds[-1]:.2f} MB/s; per CPU second {cpu[len(cpu) // 2]:.2f} MB/s)",
                flush=True,
            )


# Pools of characters and fragments that the split patterns and the merges treat differently.
POOLS = {
    "ascii": [chr(c) for c in range(32, 127)],
    "letters": list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "digits": list("0123456789") + ["٣", "৫", "Ⅻ", "½", "²", "𝟘"],
    "space": [" ", " ", " ", "\t", "\n", "\r\n", "\r", "\u00a0", "\u3000", "\u2028", "\u2029", "\x0b", "\x0c",
              "\x85", "\u200b", "\u2003", "\u202f"],
    "punct": list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") + ["…", "«", "»", "“", "”", "—", "¿", "§", "\x7f", "\x00",
                                                         "\x1b", "\ufffd", "€", "©"],
    "contractions": ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'LL", "'D",
                     "'ſ", "'l", "'x", "’s", "''s"],
    "latin": list("éèêëàâäôöûüçñßøåæœÉÈÀÇÑØÅÆŒſǅǈǋʰʲˆ"),
    "cyrillic": list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙ"),
    "greek": list("αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ"),
    "cjk": list("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年日本語漢字かなカナ한국어"),
    "arabic": list("العربيةمرحبا") + ["\u064b", "\u0650"],
    "indic": list("हिन्दीनमस्तेதமிழ்বাংলা"),
    "thai": list("ภาษาไทยสวัสดี"),
    "marks": ["\u0301", "\u0300", "\u0308", "\u0327", "\u20dd", "\u0903", "\u093f", "\ufe0f", "\u200d"],
    # Characters of Unicode 15.1 and 16.0, which Go 1.26's tables do not have yet (see write_classes).
    "newer": ["\u1c89", "\u1c8a", "\ua7cb", "\ua7dc", "\U00010d4a", "\U00016d40", "\U0001e5d0", "\U00010d50",
              "\U00011bc0", "\U0001ccf0", "\U0002ebf0", "\u0897"],
    "emoji": ["🦀", "😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "❤️", "✨", "🎉", "🙂", "🧑‍💻"],
    "words": ["the", " the", "The", " THE", "hello", " world", "Go", "func", "main", "tokenizer", "café",
              "naïve", "über", "Straße", "façade", "don", "can", "I", "it", "HTTPServer", "camelCase", "snake_case",
              "xmlHTTPRequest", "iPhone", "McDonald", "ABCdef", "aBC", "ǅemal", "ʰello"],
}


def random_text(r, n):
    kinds = list(POOLS)
    weights = [r.random() for _ in kinds]
    out = []
    for _ in range(n):
        pool = POOLS[r.choices(kinds, weights)[0]]
        out.append(r.choice(pool))
    return "".join(out)


def make_cases(r):
    """Yields (name, bytes) of the differential corpus."""
    for i in range(400):
        yield f"random {i}", random_text(r, r.randint(1, 60)).encode()
    for i in range(60):
        yield f"random long {i}", random_text(r, r.randint(200, 600)).encode()
    runs = ["a", "A", "é", " ", "\n", "\t", "\r\n", "1", "!", ".", "/", "🦀", "的", "\u0301", "'s", "ab", "Ab",
            "\u00a0", " \n", "aA", "-", "=", "x "]
    for c in runs:
        for n in (2, 3, 17, 300, 1200):
            yield f"run {c!r} x{n}", (c * n).encode()
    for n in (50, 500, 1500):
        yield f"long word {n}", "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n)).encode()
        yield f"long upper word {n}", "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(n)).encode()
        yield f"long number {n}", "".join(r.choice("0123456789") for _ in range(n)).encode()
        yield f"long mixed word {n}", "".join(r.choice("abcdeéèçñßαβγабв的一") for _ in range(n)).encode()
    for pre in ["", " ", "x", "\n", "  ", "\t"]:
        for ws in [" ", "  ", "\n", " \n", "\n ", "\n\n  ", " \t\n \r\n  ", "\u3000\n"]:
            for post in ["", "x", "!", "1", "é"]:
                yield f"whitespace {pre!r}{ws!r}{post!r}", (pre + ws + post).encode()
    # Invalid UTF-8: stray continuation bytes, cut sequences, overlongs, surrogates, bytes that never occur.
    bad = [b"\x80", b"\xbf", b"\xc0\xaf", b"\xc2", b"\xe2\x82", b"\xf0\x9f\xa6", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
           b"\xfe", b"\xff", b"\xf8\x88\x80\x80\x80", b"\xe0\x80\x80", b"\xc3\x28"]
    for i in range(80):
        parts = []
        for _ in range(r.randint(1, 12)):
            parts.append(r.choice(bad) if r.random() < 0.4 else random_text(r, r.randint(1, 6)).encode())
        yield f"invalid {i}", b"".join(parts)


def cases(out):
    r = random.Random(20261205)
    encs = {name: tiktoken.get_encoding(name) for name in ENCODINGS}
    result = []
    for name, data in make_cases(r):
        text = data.decode("utf-8", errors="replace")
        case = {"name": name}
        if text.encode() == data:
            case["text"] = text
        else:
            case["hex"] = data.hex()
        case["ids"] = {n: e.encode_ordinary(text) for n, e in encs.items()}
        result.append(case)
    doc = {
        "comment": "Generated by helpers/tokens/bench/tiktoken_ref.py (make tokens-reference) with OpenAI's tiktoken; "
                   "do not edit. Ids are encode_ordinary's; for cases with hex, the input is those bytes and "
                   "tiktoken was given the string bytes.decode(errors='replace') makes of them.",
        "tiktoken_version": tiktoken.__version__,
        "cases": result,
    }
    data = (json.dumps(doc, ensure_ascii=True, separators=(",", ":")) + "\n").encode()
    with open(out, "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))


# The classes the split patterns name, and the bits helpers/tokens gives them (classes.go).
CLASSES = [("Lu", "cL | cUp"), ("Lt", "cL | cUp"), ("Ll", "cL | cLw"), ("Lm", "cL | cUp | cLw"), ("Lo", "cL | cUp | cLw"),
           ("M", "cUp | cLw"), ("N", "cN"), ("s", "cWS")]


def write_classes(out):
    """Writes the class of every character as tiktoken's engine sees it, found by asking it: an encoding whose
    pattern is only \\p{X} encodes the characters that \\p{X} matches and skips the others."""
    ranks = {bytes([i]): i for i in range(256)}
    chars = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    bits = {}
    for cls, b in CLASSES:
        pat = r"\s" if cls == "s" else r"\p{%s}" % cls
        enc = tiktoken.Encoding("probe-" + cls, pat_str=pat, mergeable_ranks=ranks, special_tokens={})
        for c in bytes(enc.encode_ordinary(chars)).decode("utf-8"):
            assert ord(c) not in bits, (cls, hex(ord(c)))
            bits[ord(c)] = b
    ranges = []
    for c in sorted(bits):
        if ranges and ranges[-1][1] == c - 1 and ranges[-1][2] == bits[c]:
            ranges[-1][1] = c
        else:
            ranges.append([c, c, bits[c]])
    with open(out, "w") as f:
        f.write("// Code generated by bench/tiktoken_ref.py classes (make tokens-reference) from tiktoken %s; DO NOT EDIT.\n\n"
                % tiktoken.__version__)
        f.write("package tokens\n\n")
        f.write("// classRanges holds the class bits of every character that has some, as runs of characters, in\n")
        f.write("// order: the classes of tiktoken's regular-expression engine (the Unicode version of its tables).\n")
        f.write("var classRanges = [...]classRange{\n")
        for lo, hi, b in ranges:
            f.write("\t{0x%X, 0x%X, %s},\n" % (lo, hi, b))
        f.write("}\n")


if __name__ == "__main__":
    if sys.argv[1] == "bench":
        bench(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1] == "cases":
        cases(sys.argv[2])
    elif sys.argv[1] == "classes":
        write_classes(sys.argv[2])
    else:
        sys.exit(__doc__)
