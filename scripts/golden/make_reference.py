#!/usr/bin/env python3
"""Golden reference vectors for embedkit, from an implementation independent of embedkit.

The reference is the Hugging Face `tokenizers` package (reading the model's tokenizer.json)
plus Python onnxruntime on CPU, with pooling and L2 normalization done here in numpy float64.
Each text is encoded on its own (batch size 1, no padding), truncated at the model's maximum
token count. A padded batch of 8 is run as well, only to assert that it matches the single
runs; batched vectors are not stored.

Output: tests/golden/<org>__<name>.json, one per model, with the token ids and the full vector
(7 significant digits) of every case. A case's `text` is as in the texts file; the model input
is `prefix + text` (e5 is run with no prefix and with "query: "). Regenerate with
scripts/golden/make-reference.sh.

Model files are taken from --model-dir MODEL_ID=DIR when given, otherwise from the embedkit
cache: <cacheDir>/<org>/<name>/onnx/model.onnx and <cacheDir>/<org>/<name>/tokenizer.json,
where cacheDir is --cache-dir, else $EMBEDKIT_CACHE, else $XDG_CACHE_HOME/embedkit, else
~/.cache/embedkit. A model whose files are missing is an error; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
import tokenizers
from tokenizers import Tokenizer

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = REPO_ROOT / "tests" / "golden"
FORMAT = "embedkit-golden/1"
SIGNIFICANT_DIGITS = 7
BATCH_SIZE = 8
BATCH_MIN_COSINE = 0.99999

# English texts that bge-small-zh is also run on (it must handle Latin script too).
ZH_MODEL_ENGLISH_IDS = ("short-sentence", "question", "mixed-case", "accents-french")


@dataclass(frozen=True)
class TextSet:
    """A slice of a committed texts file, embedded with an optional prefix."""

    file: str  # name under tests/golden/
    prefix: str = ""
    only_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ModelRef:
    model_id: str
    pooling: str  # "cls" | "mean"
    max_tokens: int
    dim: int
    # sha256 of the fp32 ONNX export the golden files are meant for (the Xenova export, as in
    # src/models/registry.ts). Guards against generating references from a quantized file.
    onnx_sha256: str
    text_sets: tuple[TextSet, ...]


MODELS: tuple[ModelRef, ...] = (
    ModelRef(
        "BAAI/bge-small-en-v1.5",
        pooling="cls",
        max_tokens=512,
        dim=384,
        onnx_sha256="828e1496d7fabb79cfa4dcd84fa38625c0d3d21da474a00f08db0f559940cf35",
        text_sets=(TextSet("texts.json"),),
    ),
    ModelRef(
        "sentence-transformers/all-MiniLM-L6-v2",
        pooling="mean",
        max_tokens=256,
        dim=384,
        onnx_sha256="759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e",
        text_sets=(TextSet("texts.json"),),
    ),
    ModelRef(
        "intfloat/e5-small-v2",
        pooling="mean",
        max_tokens=512,
        dim=384,
        onnx_sha256="b2a43b66f7f9b6f29643a21340ad7c03d2d91e6bd5d43429a77799a9ee880eb0",
        text_sets=(TextSet("texts.json"), TextSet("texts.json", prefix="query: ")),
    ),
    ModelRef(
        "BAAI/bge-small-zh-v1.5",
        pooling="cls",
        max_tokens=512,
        dim=512,
        onnx_sha256="69a0b846f4f116b5e6aabf9546ea6754d02264f3211a13a1bd69b31b8040749a",
        text_sets=(TextSet("texts-zh.json"), TextSet("texts.json", only_ids=ZH_MODEL_ENGLISH_IDS)),
    ),
)


class ReferenceError(Exception):
    """A problem the user must fix (missing files, wrong weights, bad texts)."""


# ---------------------------------------------------------------- locating model files


def default_cache_dir() -> Path:
    explicit = os.environ.get("EMBEDKIT_CACHE", "").strip()
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return Path(xdg if xdg else Path.home() / ".cache") / "embedkit"


def _single(candidates: list[Path], what: str, where: Path) -> Path | None:
    if len(candidates) > 1:
        names = ", ".join(sorted(p.name for p in candidates))
        raise ReferenceError(f"{where}: more than one {what} ({names}); point --model-dir at a folder with one")
    return candidates[0] if candidates else None


def find_model_files(model: ModelRef, model_dir: Path | None, cache_dir: Path) -> tuple[Path, Path]:
    """(onnx path, tokenizer.json path) for the model, or a ReferenceError naming where it looked."""
    folder = model_dir if model_dir is not None else cache_dir / model.model_id
    hint = (
        f"pass --model-dir {model.model_id}=DIR, or put the files at "
        f"{cache_dir / model.model_id / 'onnx' / 'model.onnx'} and {cache_dir / model.model_id / 'tokenizer.json'}"
    )
    if not folder.is_dir():
        raise ReferenceError(f"{model.model_id}: folder {folder} does not exist; {hint}")
    onnx = next((p for p in (folder / "onnx" / "model.onnx", folder / "model.onnx") if p.is_file()), None)
    if onnx is None:
        onnx = _single(sorted(folder.glob("*.onnx")), "ONNX file", folder)
    tok = folder / "tokenizer.json"
    if not tok.is_file():
        tok = _single(sorted(folder.glob("*tokenizer.json")), "tokenizer.json", folder)
    missing = [name for name, p in (("ONNX model", onnx), ("tokenizer.json", tok)) if p is None]
    if missing:
        raise ReferenceError(f"{model.model_id}: no {' and no '.join(missing)} in {folder}; {hint}")
    assert onnx is not None and tok is not None
    return onnx, tok


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------- texts


def load_cases(text_sets: tuple[TextSet, ...], texts_dir: Path) -> list[dict]:
    cases: list[dict] = []
    for ts in text_sets:
        path = texts_dir / ts.file
        entries = json.loads(path.read_text(encoding="utf-8"))
        by_id = {e["id"]: e["text"] for e in entries}
        if len(by_id) != len(entries):
            raise ReferenceError(f"{path}: text ids are not unique")
        ids = list(ts.only_ids) if ts.only_ids is not None else [e["id"] for e in entries]
        for text_id in ids:
            if text_id not in by_id:
                raise ReferenceError(f"{path}: no text with id {text_id!r}")
            cases.append({"textsFile": ts.file, "id": text_id, "prefix": ts.prefix, "text": by_id[text_id]})
    return cases


# ---------------------------------------------------------------- the reference pipeline


def load_tokenizer(path: Path, max_tokens: int, pad: bool) -> Tokenizer:
    """tokenizer.json with truncation forced to max_tokens; padding off unless pad (longest)."""
    tok = Tokenizer.from_file(str(path))
    tok.enable_truncation(max_length=max_tokens, stride=0, strategy="longest_first", direction="right")
    tok.no_padding()  # several files ship with a fixed padding of 128
    if pad:
        pad_id = tok.token_to_id("[PAD]")
        if pad_id is None:
            raise ReferenceError(f"{path}: no [PAD] token to pad the batch check with")
        tok.enable_padding(direction="right", pad_id=pad_id, pad_type_id=0, pad_token="[PAD]")
    return tok


def make_session(onnx_path: Path, threads: int) -> ort.InferenceSession:
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(str(onnx_path), sess_options=opts, providers=["CPUExecutionProvider"])


def run_model(session: ort.InferenceSession, encodings: list) -> tuple[np.ndarray, np.ndarray]:
    """(last_hidden_state [B, T, H] float32, attention_mask [B, T] int64) for equal-length encodings."""
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    feeds = {"input_ids": ids, "attention_mask": mask}
    input_names = {i.name for i in session.get_inputs()}
    if "token_type_ids" in input_names:
        feeds["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
    unknown = input_names - feeds.keys()
    if unknown:
        raise ReferenceError(f"the ONNX graph wants inputs this script does not know: {sorted(unknown)}")
    (hidden,) = session.run(["last_hidden_state"], feeds)
    return hidden, mask


def pool_and_normalize(hidden: np.ndarray, mask: np.ndarray, pooling: str) -> np.ndarray:
    h = hidden.astype(np.float64)
    if pooling == "cls":
        pooled = h[:, 0, :]
    elif pooling == "mean":
        m = mask.astype(np.float64)[:, :, None]
        pooled = (h * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
    else:
        raise ValueError(f"unknown pooling {pooling!r}")
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return pooled / np.maximum(norms, 1e-12)


def embed_single(model: ModelRef, tok: Tokenizer, session: ort.InferenceSession, text: str) -> tuple[list[int], np.ndarray]:
    enc = tok.encode(text)
    hidden, mask = run_model(session, [enc])
    return list(enc.ids), pool_and_normalize(hidden, mask, model.pooling)[0]


def batch_check(model: ModelRef, tok_path: Path, session: ort.InferenceSession, cases: list[dict]) -> float:
    """Embed the texts in padded batches of BATCH_SIZE; assert they match the single runs."""
    tok = load_tokenizer(tok_path, model.max_tokens, pad=True)
    worst = 1.0
    for start in range(0, len(cases), BATCH_SIZE):
        chunk = cases[start : start + BATCH_SIZE]
        encodings = tok.encode_batch([c["prefix"] + c["text"] for c in chunk])
        hidden, mask = run_model(session, encodings)
        vectors = pool_and_normalize(hidden, mask, model.pooling)
        for case, enc, vec in zip(chunk, encodings, vectors):
            real = [i for i, m in zip(enc.ids, enc.attention_mask) if m == 1]
            if real != case["tokenIds"]:
                raise AssertionError(f"{model.model_id} {case['id']!r}: batched token ids differ from single")
            cos = float(np.dot(vec, case["_vector"]))
            worst = min(worst, cos)
            if cos < BATCH_MIN_COSINE:
                raise AssertionError(
                    f"{model.model_id} {case['prefix']}{case['id']!r}: batched vs single cosine {cos:.8f} < {BATCH_MIN_COSINE}"
                )
    return worst


# ---------------------------------------------------------------- output


def round_sig(vec: np.ndarray) -> list[float]:
    return [float(f"{x:.{SIGNIFICANT_DIGITS}g}") for x in vec.tolist()]


def compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_golden(path: Path, header: dict, cases: list[dict]) -> None:
    """Header fields indented, then one case per line, so diffs stay readable and files small."""
    head = json.dumps(header, ensure_ascii=False, indent=2)
    lines = [head[: head.rstrip().rfind("}")].rstrip() + ',\n  "cases": [']
    lines.append(",\n".join("    " + compact(c) for c in cases))
    lines.append("  ]\n}\n")
    path.write_text("\n".join(lines), encoding="utf-8")


def versions() -> dict:
    return {
        "python": platform.python_version(),
        "onnxruntime": ort.__version__,
        "tokenizers": tokenizers.__version__,
        "numpy": np.__version__,
    }


def make_reference(model: ModelRef, onnx_path: Path, tok_path: Path, args: argparse.Namespace) -> Path:
    onnx_sha = sha256_of(onnx_path)
    if onnx_sha != model.onnx_sha256 and not args.allow_unknown_weights:
        raise ReferenceError(
            f"{model.model_id}: {onnx_path} has sha256 {onnx_sha}, not the fp32 export {model.onnx_sha256}; "
            "use --allow-unknown-weights to generate references for other weights anyway"
        )
    tok = load_tokenizer(tok_path, model.max_tokens, pad=False)
    full_tok = Tokenizer.from_file(str(tok_path))
    full_tok.no_truncation()
    full_tok.no_padding()
    session = make_session(onnx_path, args.threads)

    cases = load_cases(model.text_sets, args.texts_dir)
    for case in cases:
        model_input = case["prefix"] + case["text"]
        ids, vec = embed_single(model, tok, session, model_input)
        if vec.shape != (model.dim,):
            raise AssertionError(f"{model.model_id}: vector has shape {vec.shape}, expected ({model.dim},)")
        full = len(full_tok.encode(model_input).ids)
        case.update(tokenCount=len(ids), untruncatedTokenCount=full, truncated=full > len(ids), tokenIds=ids, _vector=vec)
    worst = batch_check(model, tok_path, session, cases)

    out_cases = [
        {k: v for k, v in c.items() if not k.startswith("_")} | {"vector": round_sig(c["_vector"])} for c in cases
    ]
    header = {
        "format": FORMAT,
        "model": model.model_id,
        "generatedBy": "scripts/golden/make_reference.py",
        "reference": {
            "implementation": "HF tokenizers (Python) + onnxruntime CPUExecutionProvider (Python); pooling and L2 normalization in numpy float64",
            **versions(),
            "intraOpThreads": args.threads,
        },
        "onnx": {"file": onnx_path.name, "bytes": onnx_path.stat().st_size, "sha256": onnx_sha},
        "tokenizer": {"file": tok_path.name, "sha256": sha256_of(tok_path)},
        "pooling": model.pooling,
        "normalize": True,
        "maxTokens": model.max_tokens,
        "dim": model.dim,
        "encoding": "model input = prefix + text; one input per run, no padding, truncated on the right to maxTokens (special tokens included)",
        "vectorDigits": SIGNIFICANT_DIGITS,
        "batchCheck": {"batchSize": BATCH_SIZE, "padding": "longest", "threshold": BATCH_MIN_COSINE, "minCosine": float(f"{worst:.12g}")},
        "texts": [{"file": ts.file, "prefix": ts.prefix, "ids": list(ts.only_ids) if ts.only_ids else "all"} for ts in model.text_sets],
    }
    out = args.out_dir / (model.model_id.replace("/", "__") + ".json")
    write_golden(out, header, out_cases)
    return out


def parse_args(argv: list[str]) -> argparse.Namespace:
    known = [m.model_id for m in MODELS]
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model-dir", action="append", default=[], metavar="MODEL_ID=DIR",
                   help="folder holding the model's .onnx and tokenizer.json (repeatable)")
    p.add_argument("--cache-dir", type=Path, default=None, help="embedkit cache (default: $EMBEDKIT_CACHE or ~/.cache/embedkit)")
    p.add_argument("--only", action="append", default=[], choices=known, metavar="MODEL_ID",
                   help=f"generate only these models (repeatable); known: {', '.join(known)}")
    p.add_argument("--texts-dir", type=Path, default=GOLDEN_DIR)
    p.add_argument("--out-dir", type=Path, default=GOLDEN_DIR)
    p.add_argument("--threads", type=int, default=1, help="onnxruntime intra-op threads (default 1)")
    p.add_argument("--allow-unknown-weights", action="store_true", help="accept ONNX files whose sha256 is not the expected fp32 export")
    args = p.parse_args(argv)
    dirs: dict[str, Path] = {}
    for item in args.model_dir:
        model_id, sep, folder = item.partition("=")
        if not sep or model_id not in known:
            p.error(f"--model-dir wants MODEL_ID=DIR with MODEL_ID one of {', '.join(known)}; got {item!r}")
        dirs[model_id] = Path(folder).expanduser()
    args.model_dirs = dirs
    args.cache_dir = args.cache_dir or default_cache_dir()
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    selected = [m for m in MODELS if not args.only or m.model_id in args.only]
    try:
        # Resolve every model's files first, so a missing one fails before any work is done.
        files = [(m, *find_model_files(m, args.model_dirs.get(m.model_id), args.cache_dir)) for m in selected]
        for model, onnx_path, tok_path in files:
            out = make_reference(model, onnx_path, tok_path, args)
            size_kb = out.stat().st_size / 1024
            print(f"{model.model_id}: wrote {out.relative_to(REPO_ROOT) if out.is_relative_to(REPO_ROOT) else out} ({size_kb:.0f} KiB)")
    except ReferenceError as err:
        print(f"make_reference: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
