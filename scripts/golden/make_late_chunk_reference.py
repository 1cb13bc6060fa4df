#!/usr/bin/env python3
"""Golden reference vectors for late chunking, from an implementation independent of embedkit.

Late chunking (Günther et al., 2024) embeds a whole document once and pools each chunk from the
token states of that one pass. This script computes the reference with HF `tokenizers` (Python),
onnxruntime (Python, CPU) and numpy float64, for bge-small-en-v1.5, all-MiniLM-L6-v2 and
e5-small-v2 fp32, on the documents of tests/golden/late-chunking-docs.json (written here too:
the documents, and the chunk character ranges used).

THE ALGORITHM (the TypeScript side must do exactly this)

1. Input. model input = prefix + text, where prefix is the model's passage prompt ("passage: "
   for e5-small-v2, "" for bge-small-en-v1.5 and all-MiniLM-L6-v2). Tokenized whole: no
   truncation, no padding. The encoding is [CLS] body [SEP]; the body is every token between
   them (the prompt's tokens, then the text's tokens). n = len(body).

2. Offsets. The tokenizer's offsets (code points into prefix + text) are converted to UTF-16 code
   units and shifted by the prefix's UTF-16 length, so they are offsets into `text`. A body token
   whose end is <= 0 after the shift is a prompt token. The others are the text's tokens, in
   order; a token's start is max(0, shifted start).

3. Chunk spans. A chunk is a character range [start, end) of `text` (UTF-16). Its tokens are the
   text's tokens whose start s satisfies start <= s < end. Special tokens ([CLS], [SEP]) and
   prompt tokens never count in any chunk. (So chunks that partition the text partition its
   tokens; this is how src/chunking/token-index.ts counts them.) Every chunk here has >= 1 token.

4. Token states, one pass (len(encoding) <= window): run the whole encoding once (batch of one,
   attention mask all ones, token_type_ids all zero) and take last_hidden_state.

5. Token states, macro windows (len(encoding) > window). Parameters, stored per case:
   `window` W = most tokens per forward pass, specials included, and `overlap` O = body tokens
   shared by consecutive windows (0 <= O < W - 2). Let L = W - 2 (body tokens per window) and
   step = L - O. Window starts over the body are the multiples j * step (j = 0, 1, ...) with
   j * step + L < n, followed by one last window starting at n - L (right-aligned, so it is
   full; it may overlap the one before by more than O). Window k covers body tokens [a_k, a_k + L) and is
   run as [CLS] body[a_k : a_k + L] [SEP] on its own (batch of one, no padding). Body token p
   takes its state from the window where it has the most context on both sides: the window k
   containing p that maximizes min(p - a_k, a_k + L - 1 - p); on a tie, the earliest such window.
   With one window (len(encoding) <= W) this is step 4 exactly.

6. Chunk vector = mean (float64) of the states of the chunk's tokens, then L2-normalized. This
   is the same for CLS-pooled (bge) and mean-pooled (MiniLM, e5) models: a span mean.

Also recorded, for each document that fits one window (step 4), `wholeSpanVsPooled`: the cosine
between the span mean over all of the text's tokens (step 6 with the chunk [0, len(text))) and
the model's ordinary pooled embedding of prefix + text (CLS for bge; mean over every token,
[CLS]/[SEP] included, for MiniLM and e5). It says how far "specials do not count" moves a
whole-text span from the ordinary embedding; it is not a tolerance.

Chunk ranges in the docs file: `by: "tokens"` ranges are token windows of `size` text tokens
from bge-small-en-v1.5's tokenizer, [start of the first token, end of the last] (what
embedkit's chunk(text, { by: "tokens", size }) gives); other ranges are given explicitly.

Output: tests/golden/late-chunking-docs.json and tests/golden/late-chunking__<org>__<name>.json.
Run: scripts/golden/make-reference.sh creates the venv (scripts/.venv); then
  scripts/.venv/bin/python scripts/golden/make_late_chunk_reference.py
Model files come from the embedkit cache (see make_reference.py); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_reference as mr  # noqa: E402  (same folder: file lookup, session, versions)

FORMAT = "embedkit-late-chunking-golden/1"
DOCS_FILE = mr.GOLDEN_DIR / "late-chunking-docs.json"
CHUNK_TOKENIZER = "BAAI/bge-small-en-v1.5"
MODEL_IDS = ("BAAI/bge-small-en-v1.5", "sentence-transformers/all-MiniLM-L6-v2", "intfloat/e5-small-v2")
PREFIX = {"intfloat/e5-small-v2": "passage: "}


# ---------------------------------------------------------------- documents


def build_documents() -> list[dict]:
    """>= 12 documents from the committed golden texts plus inline CJK, emoji and Markdown."""
    en = {e["id"]: e["text"] for e in json.loads((mr.GOLDEN_DIR / "texts.json").read_text(encoding="utf-8"))}
    zh = {e["id"]: e["text"] for e in json.loads((mr.GOLDEN_DIR / "texts-zh.json").read_text(encoding="utf-8"))}
    p150, p300, p600 = en["paragraph-150w"], en["paragraph-300w"], en["over-length-600w"]
    emoji_story = (
        "We landed at 6am 🛬 and the city was still asleep 😴. "
        "The café ☕ near the station opened first; the owner waved 👋 and we ordered croissants 🥐. "
        "By noon the flags 🇫🇷🇯🇵🇧🇷 were out for the festival, and a family 👨‍👩‍👧 sold lemonade 🍋. "
        "At night the fireworks 🎆🎆 went on for an hour, and everyone cheered 🎉. "
    )
    combining = (
        "Cafe\u0301 society in the nineteenth century met in e\u0301tablissements along the river. "
        "Crème brûlée, jalapeño and naïve façades: precomposed and decomposed forms (e\u0301 vs é) mix here. "
        "Vietnamese adds stacked marks: Tie\u0302\u0301ng Vie\u0323\u0302t co\u0301 nhie\u0302\u0300u da\u0302\u0301u. "
        "Mathematical letters 𝔸𝔹ℂ𝔻 and old italic 𐌰𐌱𐌲 are outside the Basic Multilingual Plane. "
    )
    cjk_mixed = (
        "日本語の文章です。東京は大きな都市で、毎日たくさんの人が電車に乗ります。"
        "한국어 문장도 있습니다. 서울은 한국의 수도입니다. "
        "中文句子在这里。北京是中国的首都，有很多历史建筑。"
    )
    markdown = (
        "# Installing\n\nRun the installer and wait for it to finish. It downloads the model once.\n\n"
        "## Offline use\n\nCopy the cache folder to the machine. Set the cache variable.\n\n"
        "```sh\n# not a heading\nembedkit models list\n```\n\n"
        "# Using\n\nCall embed on your texts. Each vector has 384 numbers. 🙂\n"
    )
    docs = [
        {"id": "short-en", "text": p150, "chunking": {"by": "tokens", "size": 64}},
        {"id": "medium-en", "text": p300, "chunking": {"by": "tokens", "size": 128}},
        {"id": "whole-text", "text": p150, "chunking": {"by": "whole"}},
        {"id": "zh-paragraph", "text": zh["zh-paragraph"] + zh["zh-over-length"][:200], "chunking": {"by": "tokens", "size": 96}},
        {"id": "cjk-mixed", "text": cjk_mixed * 2, "chunking": {"by": "tokens", "size": 64}},
        {"id": "emoji", "text": emoji_story * 2, "chunking": {"by": "tokens", "size": 48}},
        {"id": "combining-astral", "text": combining, "chunking": {"by": "tokens", "size": 20}},
        {"id": "markdown-sections", "text": markdown, "chunking": {"by": "paragraphs"}},
        {"id": "unaligned-ranges", "text": p150, "chunking": {"by": "ranges", "ranges": [[0, 37], [37, 301], [301, 555], [555, len(p150)]]}},
        {"id": "long-en-1", "text": p600 + "\n\n" + p300, "chunking": {"by": "tokens", "size": 256}, "long": True},
        {"id": "long-en-2", "text": "\n\n".join([p300, p150, p600, p150]), "chunking": {"by": "tokens", "size": 200}, "long": True},
        {"id": "long-zh", "text": zh["zh-over-length"] * 2, "chunking": {"by": "tokens", "size": 256}, "long": True},
        {"id": "long-emoji-mixed", "text": (emoji_story + cjk_mixed + combining) * 4, "chunking": {"by": "tokens", "size": 192}, "long": True},
        {"id": "small-windows", "text": p300 + " " + emoji_story, "chunking": {"by": "tokens", "size": 100}, "window": 128, "overlap": 32},
        {"id": "tiny-windows-odd-overlap", "text": p150 + " " + cjk_mixed, "chunking": {"by": "tokens", "size": 60}, "window": 64, "overlap": 21},
    ]
    return docs


# ---------------------------------------------------------------- offsets and spans


def utf16_index(s: str) -> list[int]:
    """u[i] = UTF-16 offset of code point i of s; u[len(s)] = UTF-16 length."""
    u = [0]
    for ch in s:
        u.append(u[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return u


def body_tokens(tok: Tokenizer, prefix: str, text: str):
    """(encoding, body ids, text-token (body position, start, end) list), offsets UTF-16 into text."""
    full = prefix + text
    enc = tok.encode(full)
    seq = enc.sequence_ids
    if len(enc.ids) < 2 or seq[0] is not None or seq[-1] is not None or any(s is None for s in seq[1:-1]):
        raise mr.ReferenceError("expected [CLS] body [SEP] with no special token inside the body")
    u = utf16_index(full)
    shift = u[len(prefix)]
    text_tokens = []
    for p, (s, e) in enumerate(enc.offsets[1:-1]):
        us, ue = u[s] - shift, u[e] - shift
        if ue <= 0:
            continue  # a token of the prompt
        text_tokens.append((p, max(0, us), ue))
    return enc, enc.ids[1:-1], text_tokens


def chunk_ranges(doc: dict, tok: Tokenizer) -> list[list[int]]:
    text, how = doc["text"], doc["chunking"]
    if how["by"] == "whole":
        return [[0, len(text.encode("utf-16-le")) // 2]]
    if how["by"] == "ranges":
        return [list(r) for r in how["ranges"]]
    _, _, tt = body_tokens(tok, "", text)
    if how["by"] == "tokens":
        size = how["size"]
        return [[tt[i][1], max(t[2] for t in tt[i : i + size])] for i in range(0, len(tt), size)]
    if how["by"] == "paragraphs":
        # Paragraphs: maximal runs of non-blank lines, trimmed of whitespace.
        out, pos = [], 0
        u = utf16_index(text)
        for para in text.split("\n\n"):
            stripped = para.strip()
            if stripped:
                a = pos + para.index(stripped)
                out.append([u[a], u[a + len(stripped)]])
            pos += len(para) + 2
        return out
    raise mr.ReferenceError(f"unknown chunking {how}")


# ---------------------------------------------------------------- token states


def run_ids(session, ids: list[int]) -> np.ndarray:
    """last_hidden_state [T, H] of one unpadded sequence."""
    feeds = {"input_ids": np.array([ids], dtype=np.int64), "attention_mask": np.ones((1, len(ids)), dtype=np.int64)}
    if "token_type_ids" in {i.name for i in session.get_inputs()}:
        feeds["token_type_ids"] = np.zeros((1, len(ids)), dtype=np.int64)
    (hidden,) = session.run(["last_hidden_state"], feeds)
    return hidden[0].astype(np.float64)


def window_starts(n: int, window: int, overlap: int) -> list[int]:
    length = window - 2
    step = length - overlap
    starts = [0]
    while starts[-1] + length < n:
        nxt = starts[-1] + step
        if nxt + length >= n:
            nxt = n - length
        if nxt > starts[-1]:
            starts.append(nxt)
        if nxt == n - length:
            break
    return starts


def body_states(session, enc, body: list[int], window: int, overlap: int) -> tuple[np.ndarray, list[list[int]]]:
    """States [n, H] of the body tokens, and the windows used ([a, b) over the body)."""
    n = len(body)
    if len(enc.ids) <= window:
        return run_ids(session, enc.ids)[1:-1], [[0, n]]
    cls, sep = enc.ids[0], enc.ids[-1]
    length = window - 2
    starts = window_starts(n, window, overlap)
    runs = [run_ids(session, [cls, *body[a : a + length], sep])[1:-1] for a in starts]
    states = np.empty((n, runs[0].shape[1]), dtype=np.float64)
    for p in range(n):
        best, best_ctx = -1, -1
        for k, a in enumerate(starts):
            if a <= p < a + length:
                ctx = min(p - a, a + length - 1 - p)
                if ctx > best_ctx:
                    best, best_ctx = k, ctx
        states[p] = runs[best][p - starts[best]]
    return states, [[a, a + length] for a in starts]


def unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


# ---------------------------------------------------------------- main


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache-dir", type=Path, default=None)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    cache = args.cache_dir or mr.default_cache_dir()
    refs = {m.model_id: m for m in mr.MODELS}
    try:
        files = {mid: mr.find_model_files(refs[mid], None, cache) for mid in MODEL_IDS}
        chunk_tok = Tokenizer.from_file(str(files[CHUNK_TOKENIZER][1]))
        chunk_tok.no_truncation()
        chunk_tok.no_padding()
        docs = build_documents()
        for d in docs:
            d["chunks"] = chunk_ranges(d, chunk_tok)
        public_docs = [{k: v for k, v in d.items() if k != "long"} for d in docs]
        DOCS_FILE.write_text(
            json.dumps({"format": FORMAT, "generatedBy": "scripts/golden/make_late_chunk_reference.py", "documents": public_docs},
                       ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        for mid in MODEL_IDS:
            model = refs[mid]
            onnx_path, tok_path = files[mid]
            sha = mr.sha256_of(onnx_path)
            if sha != model.onnx_sha256:
                raise mr.ReferenceError(f"{mid}: {onnx_path} is not the fp32 export ({sha})")
            tok = Tokenizer.from_file(str(tok_path))
            tok.no_truncation()
            tok.no_padding()
            session = mr.make_session(onnx_path, args.threads)
            prefix = PREFIX.get(mid, "")
            default_window = model.max_tokens
            default_overlap = model.max_tokens // 4
            cases = []
            for d in docs:
                window = d.get("window", default_window)
                overlap = d.get("overlap", default_overlap)
                enc, body, tt = body_tokens(tok, prefix, d["text"])
                states, windows = body_states(session, enc, body, window, overlap)
                if d.get("long") and len(windows) < 2:
                    raise mr.ReferenceError(f"{mid} {d['id']}: meant to need macro windows, has {len(enc.ids)} tokens")
                chunks = []
                for start, end in d["chunks"]:
                    span = [p for p, s, _ in tt if start <= s < end]
                    if not span:
                        raise mr.ReferenceError(f"{mid} {d['id']}: chunk [{start}, {end}) holds no token")
                    # Text tokens are consecutive in the body, so a span is a body range.
                    assert span == list(range(span[0], span[-1] + 1))
                    vec = unit(states[span].mean(axis=0))
                    first_text = tt[0][0]
                    chunks.append({"start": start, "end": end, "tokenStart": span[0] - first_text,
                                   "tokenEnd": span[-1] + 1 - first_text, "vector": mr.round_sig(vec)})
                case = {"id": d["id"], "prefix": prefix, "window": window, "overlap": overlap,
                        "tokenCount": len(enc.ids), "textTokens": len(tt), "windows": windows, "chunks": chunks}
                if len(windows) == 1:
                    whole = unit(states[[p for p, _, _ in tt]].mean(axis=0))
                    full = run_ids(session, enc.ids)
                    pooled = unit(full[0] if model.pooling == "cls" else full.mean(axis=0))
                    case["wholeSpanVsPooled"] = float(f"{float(np.dot(whole, pooled)):.8f}")
                cases.append(case)
            header = {
                "format": FORMAT,
                "model": mid,
                "generatedBy": "scripts/golden/make_late_chunk_reference.py",
                "algorithm": "see the script's header: one pass or macro windows (most context on both sides), span mean over the text's tokens (no [CLS]/[SEP]/prompt tokens), L2-normalized",
                "reference": {"implementation": "HF tokenizers (Python) + onnxruntime CPU (Python) + numpy float64", **mr.versions()},
                "onnx": {"file": onnx_path.name, "sha256": sha},
                "tokenizer": {"file": tok_path.name, "sha256": mr.sha256_of(tok_path)},
                "documents": DOCS_FILE.name,
                "defaultWindow": default_window,
                "defaultOverlap": default_overlap,
                "vectorDigits": mr.SIGNIFICANT_DIGITS,
            }
            out = mr.GOLDEN_DIR / f"late-chunking__{mid.replace('/', '__')}.json"
            mr.write_golden(out, header, cases)
            n_chunks = sum(len(c["chunks"]) for c in cases)
            n_long = sum(1 for c in cases if len(c["windows"]) > 1)
            print(f"{mid}: wrote {out.name} ({len(cases)} documents, {n_chunks} chunks, {n_long} with macro windows, {out.stat().st_size // 1024} KiB)")
    except mr.ReferenceError as err:
        print(f"make_late_chunk_reference: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
