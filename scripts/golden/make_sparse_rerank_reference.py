#!/usr/bin/env python3
"""Golden references for embedkit's sparse (SPLADE) and cross-encoder heads, from an
implementation independent of embedkit: Hugging Face `tokenizers` (the model's tokenizer.json)
plus Python onnxruntime on CPU, with the output heads computed here in numpy float64.

SPLADE (tests/golden/splade-tiny.json): each text is encoded on its own (no padding), truncated
at 512 tokens. The vector is, for every vocabulary id, max over the text's tokens (all of them,
special tokens included: they are real, unmasked tokens) of log(1 + relu(logit)). Zero entries
are dropped; indices are ascending. Values are stored with 7 significant digits.

Cross-encoder (tests/golden/stsb-minilm-l6-cross-encoder.json): each pair (a, b) is encoded as
[CLS] a [SEP] b [SEP] (type ids 0 for a and its [CLS]/[SEP], 1 for b and the last [SEP]),
truncated "longest first" to 512 tokens (the tokenizer's own strategy: tokens are removed one
at a time from whichever side is longer). The score is the single logit; the sigmoid of it is
stored too (the model's config names Sigmoid as its activation).

A padded batch of all texts (or pairs) is also run to assert that padding changes nothing;
batched outputs are not stored.

Usage (from the repository root, with the venv of scripts/golden/make-reference.sh):
  scripts/.venv/bin/python scripts/golden/make_sparse_rerank_reference.py \
      [--models-dir ../shared/models]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
from pathlib import Path

import numpy as np
import onnxruntime as ort
import tokenizers
from tokenizers import Tokenizer

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = REPO_ROOT / "tests" / "golden"
FORMAT = "embedkit-golden/1"
MAX_TOKENS = 512
DIGITS = 7


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_tokenizer(folder: Path) -> Tokenizer:
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(MAX_TOKENS, strategy="longest_first")
    return tok


def feeds(session: ort.InferenceSession, encodings: list) -> dict[str, np.ndarray]:
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for r, e in enumerate(encodings):
        n = len(e.ids)
        ids[r, :n] = e.ids
        mask[r, :n] = e.attention_mask
        types[r, :n] = e.type_ids
    names = {i.name for i in session.get_inputs()}
    out = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in names:
        out["token_type_ids"] = types
    return out


def splade_rows(logits: np.ndarray, mask: np.ndarray) -> list[np.ndarray]:
    """max over unmasked tokens of log1p(relu(logits)), per row, float64."""
    act = np.log1p(np.maximum(logits.astype(np.float64), 0.0))
    act = np.where(mask[:, :, None] > 0, act, 0.0)
    return [row for row in act.max(axis=1)]


def sig(x: float) -> float:
    return float(f"{x:.{DIGITS}g}")


def make_splade(models_dir: Path, texts: list[dict]) -> dict:
    folder = models_dir / "splade-tiny"
    tok = load_tokenizer(folder)
    session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
    cases = []
    singles = []
    for t in texts:
        untruncated = len(tok.encode(t["text"]).overflowing) > 0
        enc = tok.encode(t["text"])
        f = feeds(session, [enc])
        (logits,) = session.run(["logits"], f)
        row = splade_rows(logits, f["attention_mask"])[0]
        singles.append(row)
        nz = np.nonzero(row > 0)[0]
        cases.append(
            {
                "id": t["id"],
                "text": t["text"],
                "tokenIds": enc.ids,
                "truncated": untruncated,
                "indices": [int(i) for i in nz],
                "values": [sig(float(row[i])) for i in nz],
            }
        )
    # Padding must change nothing: one padded batch of every text.
    encs = [tok.encode(t["text"]) for t in texts]
    f = feeds(session, encs)
    (logits,) = session.run(["logits"], f)
    for r, row in enumerate(splade_rows(logits, f["attention_mask"])):
        diff = float(np.max(np.abs(row - singles[r])))
        assert diff < 1e-4, f"splade batch vs single differ by {diff} on {texts[r]['id']}"
    return {
        "format": FORMAT,
        "model": "splade-tiny",
        "onnxSha256": sha256(folder / "model.onnx"),
        "maxTokens": MAX_TOKENS,
        "head": "max over unmasked tokens (special tokens included) of log(1 + relu(logit))",
        "reference": reference_versions(),
        "cases": cases,
    }


def make_rerank(models_dir: Path, pairs: list[dict]) -> dict:
    folder = models_dir / "stsb-minilm-l6-cross-encoder"
    tok = load_tokenizer(folder)
    session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
    cases = []
    singles = []
    for p in pairs:
        full = Tokenizer.from_file(str(folder / "tokenizer.json"))
        full.no_padding()
        full.no_truncation()
        untruncated_len = len(full.encode(p["a"], p["b"]).ids)
        enc = tok.encode(p["a"], p["b"])
        (logits,) = session.run(["logits"], feeds(session, [enc]))
        logit = float(logits[0][0])
        singles.append(logit)
        cases.append(
            {
                "id": p["id"],
                "a": p["a"],
                "b": p["b"],
                "untruncatedTokenCount": untruncated_len,
                "truncated": untruncated_len > MAX_TOKENS,
                "tokenIds": enc.ids,
                "typeIds": enc.type_ids,
                "logit": sig(logit),
                "score": sig(1.0 / (1.0 + np.exp(-logit))),
            }
        )
    encs = [tok.encode(p["a"], p["b"]) for p in pairs]
    (logits,) = session.run(["logits"], feeds(session, encs))
    for r in range(len(pairs)):
        diff = abs(float(logits[r][0]) - singles[r])
        assert diff < 1e-4, f"cross-encoder batch vs single differ by {diff} on {pairs[r]['id']}"
    return {
        "format": FORMAT,
        "model": "stsb-minilm-l6-cross-encoder",
        "onnxSha256": sha256(folder / "model.onnx"),
        "maxTokens": MAX_TOKENS,
        "truncation": "longest_first",
        "activation": "sigmoid",
        "reference": reference_versions(),
        "cases": cases,
    }


def reference_versions() -> dict:
    return {
        "python": platform.python_version(),
        "onnxruntime": ort.__version__,
        "tokenizers": tokenizers.__version__,
        "numpy": np.__version__,
    }


def build_pairs(texts: dict[str, str], sts: list[list[str]]) -> list[dict]:
    pairs = [{"id": f"sts-test-{i}", "a": r[5], "b": r[6]} for i, r in enumerate(sts)]
    long_a = texts["over-length-600w"]
    para = texts["paragraph-300w"]
    pairs += [
        {"id": "query-vs-long-doc", "a": "How was the town's water supply built?", "b": long_a},
        {"id": "long-doc-vs-query", "a": long_a, "b": "How was the town's water supply built?"},
        {"id": "long-vs-long", "a": long_a, "b": long_a[::-1]},
        {"id": "para-vs-long", "a": para, "b": long_a},
        {"id": "identical", "a": texts["answer"], "b": texts["answer"]},
        {"id": "unrelated", "a": texts["numbers"], "b": texts["short-sentence"]},
        {"id": "cjk-vs-en", "a": "今天天气很好。", "b": "The weather is nice today."},
        {"id": "emoji", "a": "I love pizza 🍕🍕", "b": "Pizza is my favourite food."},
        {"id": "punctuation", "a": texts["punctuation-heavy"], "b": texts["url-email"]},
    ]
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models-dir", default=str(REPO_ROOT.parent / "shared" / "models"))
    ap.add_argument("--data-dir", default=str(REPO_ROOT.parent / "shared" / "data"))
    args = ap.parse_args()
    models_dir = Path(args.models_dir)
    texts = json.loads((GOLDEN_DIR / "texts.json").read_text(encoding="utf-8"))
    by_id = {t["id"]: t["text"] for t in texts}
    rows = [
        line.rstrip("\n").split("\t")
        for line in (Path(args.data_dir) / "stsbenchmark" / "sts-test.csv").open(encoding="utf-8")
    ]
    sts = [r for r in rows if len(r) >= 7][:24]

    splade = make_splade(models_dir, texts)
    rerank = make_rerank(models_dir, build_pairs(by_id, sts))
    for name, doc in (("splade-tiny", splade), ("stsb-minilm-l6-cross-encoder", rerank)):
        out = GOLDEN_DIR / f"{name}.json"
        out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out.relative_to(REPO_ROOT)}: {len(doc['cases'])} cases")


if __name__ == "__main__":
    main()
