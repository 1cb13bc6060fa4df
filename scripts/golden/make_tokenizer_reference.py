#!/usr/bin/env python3
"""Reference tokenizations for embedkit's tokenizer adapter (src/tokenizer/tokenizer.ts).

Python `tokenizers` (the same Rust library as the npm binding, but reached through a different
binding) encodes single texts and text pairs; this script writes what a JavaScript caller must
see: token ids, token_type_ids, which tokens the post-processor added, and each token's offsets
as UTF-16 code units into its own text (Python reports code point offsets; they are converted
here by encoding the text's prefix to UTF-16-LE, independently of the TypeScript conversion).

Pairs are encoded with truncation strategy "longest_first" at `max_tokens` (the cross-encoder's
setting in sentence-transformers), and also untruncated (their length is `original_length`).

Output: tests/golden/tokenizer-reference.json. Run with the golden venv:
  scripts/.venv/bin/python scripts/golden/make_tokenizer_reference.py
(scripts/golden/make-reference.sh creates that venv from requirements.txt).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import tokenizers
from tokenizers import Tokenizer

REPO_ROOT = Path(__file__).resolve().parents[2]
OUT = REPO_ROOT / "tests" / "golden" / "tokenizer-reference.json"
CACHE = Path(os.environ.get("EMBEDKIT_CACHE", Path.home() / ".cache" / "embedkit"))

# The cross-encoder sits in ../shared/models beside the project; the others in the embedkit cache.
SHARED_MODELS = REPO_ROOT.parent / "shared" / "models"
TOKENIZERS = {
    "cross-encoder/stsb-minilm-l6": ("../shared/models/stsb-minilm-l6-cross-encoder", SHARED_MODELS / "stsb-minilm-l6-cross-encoder" / "tokenizer.json"),
    "BAAI/bge-small-en-v1.5": ("cache", CACHE / "BAAI" / "bge-small-en-v1.5" / "tokenizer.json"),
    "BAAI/bge-small-zh-v1.5": ("cache", CACHE / "BAAI" / "bge-small-zh-v1.5" / "tokenizer.json"),
}

TEXTS = [
    "Hello world.",
    "emoji 😀 in the middle, and 🎉🎉 twice",
    "flags 🇫🇷🇯🇵 and a family 👨‍👩‍👧 (ZWJ)",
    "中文分词测试：今天天气很好。明天呢？",
    "日本語のテキスト、そして한국어 텍스트.",
    "combining: e\u0301te\u0301, cafe\u0301 vs café, n\u0303",
    "math 𝔸𝔹ℂ and old italic 𐌰𐌱 letters",
    "mixed: naïve 😀 中文 e\u0301 🇫🇷 end",
    "   leading and trailing spaces   ",
    "tabs\tand\nnewlines\n\nparagraph",
    "",
]

PAIRS = [
    ("A man is playing a guitar.", "A person plays an instrument."),
    ("How many hours of sleep does an adult need?", "Most adults need between seven and nine hours 😴 per night."),
    ("中文问题是什么？", "这是一个中文答案。🎉"),
    ("short query", " ".join(["the long passage keeps going"] * 40)),
    (" ".join(["a long query that rambles"] * 30), " ".join(["and an even longer passage 😀"] * 45)),
    ("", "only the second text"),
]
MAX_TOKENS = 64


def utf16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def describe(enc, texts: tuple[str, ...]) -> dict:
    seqs = enc.sequence_ids
    offsets = []
    segments = []
    for (s, e), seq in zip(enc.offsets, seqs):
        if seq is None:
            segments.append(-1)
            offsets.append([0, 0])
        else:
            segments.append(seq)
            t = texts[seq]
            offsets.append([utf16(t, s), utf16(t, e)])
    return {
        "ids": enc.ids,
        "type_ids": enc.type_ids,
        "tokens": enc.tokens,
        "segments": segments,
        "offsets": offsets,
    }


def main() -> None:
    out = {"format": "embedkit-tokenizer-reference/1", "tokenizers_version": tokenizers.__version__, "max_tokens": MAX_TOKENS, "models": {}}
    for name, (where, path) in TOKENIZERS.items():
        if not path.is_file():
            raise SystemExit(f"tokenizer for {name} missing: {path}")
        full = Tokenizer.from_file(str(path))
        full.no_padding()
        full.no_truncation()
        cut = Tokenizer.from_file(str(path))
        cut.no_padding()
        cut.enable_truncation(MAX_TOKENS, strategy="longest_first")
        singles = [{"text": t, **describe(full.encode(t), (t,))} for t in TEXTS]
        pairs = []
        for a, b in PAIRS:
            whole = full.encode(a, b)
            pairs.append({"a": a, "b": b, "original_length": len(whole.ids), **describe(cut.encode(a, b), (a, b))})
        out["models"][name] = {"tokenizer": where, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "singles": singles, "pairs": pairs}
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
