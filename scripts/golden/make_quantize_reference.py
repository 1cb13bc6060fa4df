#!/usr/bin/env python3
"""Golden reference for output precision (int8 / uint8 / binary / ubinary), from the real
sentence-transformers `quantize_embeddings` (sentence_transformers/util/quantization.py, 6.x).

Inputs: the real fp32 embeddings already checked in as golden vectors
(tests/golden/BAAI__bge-small-en-v1.5.json and sentence-transformers__all-MiniLM-L6-v2.json, 28
texts each, 384 dimensions), read as float32 as numpy and embedkit both do (np.float32 /
Math.fround of the 7-digit JSON numbers give the same float32).

How the reference is loaded: util/quantization.py imports numpy, `from torch import Tensor` and
`from .tensor import _tensor_to_numpy`, both used only for torch inputs (`isinstance(embeddings,
Tensor)`). torch is not installed here (a 5 GB CUDA build), so a stub module `torch` with an
empty class `Tensor` is put in sys.modules, and the file is loaded by path with importlib as
`sentence_transformers.util.quantization` under stub parent packages (so neither the package's
__init__ nor util/__init__, which import torch for real, runs) with a stub `.tensor` module. The
function that runs is sentence-transformers' own, unchanged, on numpy arrays.

Cases (per model):
- "batch": no ranges, no calibration: ranges from the 28 embeddings themselves.
- "calibration": calibration_embeddings = the last 18, quantizing the first 10 (values outside
  the calibration range are clipped to 0 / 255, so the clipping is covered too).
- "ranges": explicit ranges = (min - 0.05, max + 0.05) of the 28, as float32, on all 28.
- binary and ubinary: no ranges involved.

Run (from the repository root):
  python3 -m venv scripts/.venv
  scripts/.venv/bin/pip install numpy==2.4.6
  scripts/.venv/bin/pip install --no-deps sentence-transformers==6.2.0   # no torch, no other deps
  scripts/.venv/bin/python scripts/golden/make_quantize_reference.py
Writes tests/golden/quantize-reference.json.
"""
import importlib.util
import json
import os
import sys
import types

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = ["BAAI/bge-small-en-v1.5", "sentence-transformers/all-MiniLM-L6-v2"]


def load_reference():
    import importlib.metadata as md

    dist = md.distribution("sentence-transformers")
    path = os.path.join(str(dist.locate_file("")), "sentence_transformers", "util", "quantization.py")
    torch_stub = types.ModuleType("torch")

    class Tensor:  # only used by isinstance() in quantize_embeddings
        pass

    torch_stub.Tensor = Tensor
    sys.modules.setdefault("torch", torch_stub)
    for name in ["sentence_transformers", "sentence_transformers.util"]:
        pkg = types.ModuleType(name)
        pkg.__path__ = []
        sys.modules[name] = pkg
    tensor_stub = types.ModuleType("sentence_transformers.util.tensor")
    tensor_stub._tensor_to_numpy = None  # torch inputs only; never called on numpy arrays
    sys.modules["sentence_transformers.util.tensor"] = tensor_stub
    spec = importlib.util.spec_from_file_location("sentence_transformers.util.quantization", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.quantize_embeddings, dist.version, path


def main():
    quantize_embeddings, st_version, path = load_reference()
    out = {
        "format": "embedkit-quantize-golden/1",
        "generatedBy": "scripts/golden/make_quantize_reference.py",
        "reference": {
            "implementation": "sentence_transformers.quantization.quantize_embeddings (file loaded by path, torch stubbed)",
            "sentenceTransformers": st_version,
            "numpy": np.__version__,
            "python": sys.version.split()[0],
        },
        "models": [],
    }
    for model in MODELS:
        golden_file = model.replace("/", "__") + ".json"
        golden = json.load(open(os.path.join(ROOT, "tests", "golden", golden_file)))
        emb = np.array([c["vector"] for c in golden["cases"]], dtype=np.float32)
        lo = (emb.min(axis=0) - np.float32(0.05)).astype(np.float32)
        hi = (emb.max(axis=0) + np.float32(0.05)).astype(np.float32)
        ranges = np.vstack((lo, hi))
        cases = []
        for precision in ["int8", "uint8"]:
            cases.append(
                {"name": f"{precision}-batch", "precision": precision, "rows": "all",
                 "output": quantize_embeddings(emb, precision).tolist()}
            )
            cases.append(
                {"name": f"{precision}-calibration", "precision": precision, "rows": 10, "calibration": [10, 28],
                 "output": quantize_embeddings(emb[:10], precision, calibration_embeddings=emb[10:]).tolist()}
            )
            cases.append(
                {"name": f"{precision}-ranges", "precision": precision, "rows": "all",
                 "ranges": {"min": lo.tolist(), "max": hi.tolist()},
                 "output": quantize_embeddings(emb, precision, ranges=ranges).tolist()}
            )
        for precision in ["binary", "ubinary"]:
            cases.append(
                {"name": precision, "precision": precision, "rows": "all",
                 "output": quantize_embeddings(emb, precision).tolist()}
            )
        # a dimension that is not a multiple of 8 (Matryoshka-style prefix of 100): padded per row
        cases.append(
            {"name": "ubinary-dim100", "precision": "ubinary", "rows": "all", "dims": 100,
             "output": quantize_embeddings(emb[:, :100], "ubinary").tolist()}
        )
        out["models"].append({"model": model, "vectors": golden_file, "count": int(emb.shape[0]),
                              "dim": int(emb.shape[1]), "cases": cases})
    dest = os.path.join(ROOT, "tests", "golden", "quantize-reference.json")
    with open(dest, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {dest} (reference {path})")


if __name__ == "__main__":
    main()
