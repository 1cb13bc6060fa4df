"""Peer runner for bench/splade-throughput.ts: FastEmbed (Python) SparseTextEmbedding on a local
SPLADE folder (model.onnx, tokenizer.json, config.json, tokenizer_config.json,
special_tokens_map.json). The folder is loaded under FastEmbed's own SPLADE record
(prithivida/Splade_PP_en_v1, model_file model.onnx) through specific_model_path, so nothing is
downloaded; HF_HUB_OFFLINE is set as a second guard. Prints one `RESULT {json}` line.
"""

import argparse
import json
import os
import resource
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model-dir", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--warmup", type=int, default=8)
    args = p.parse_args()
    from importlib.metadata import version

    from fastembed import SparseTextEmbedding

    texts = json.load(open(args.corpus))["texts"]
    model = SparseTextEmbedding(
        model_name="prithivida/Splade_PP_en_v1",
        specific_model_path=args.model_dir,
        threads=args.threads,
        providers=["CPUExecutionProvider"],
    )
    list(model.embed(texts[: args.warmup], batch_size=args.batch))
    t0 = time.perf_counter()
    out = list(model.embed(texts, batch_size=args.batch))
    seconds = time.perf_counter() - t0
    probe = [{"indices": [int(i) for i in v.indices], "values": [float(x) for x in v.values]} for v in out[:3]]
    result = {
        "peer": "fastembed-py",
        "version": version("fastembed"),
        "texts": len(texts),
        "seconds": seconds,
        "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "batch": args.batch,
        "notes": [f"onnxruntime {version('onnxruntime')}"],
        "probe": probe,
    }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
