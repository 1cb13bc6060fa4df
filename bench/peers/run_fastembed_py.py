"""Peer runner: FastEmbed (Python), run from bench/.venv (see setup-fastembed-py.sh).

Speaks the protocol of runner-protocol.ts: the same flags, a FIRST_VECTOR line in cold mode and
one RESULT {json} line last. The model is registered with TextEmbedding.add_custom_model (pooling,
normalization and the ONNX file named explicitly) and loaded with specific_model_path pointing at
the prepared folder, so nothing is downloaded; HF_HUB_OFFLINE is set as a second guard.
"""

import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

COLD_START_TEXT = "The quick brown fox jumps over the lazy dog."
FASTEMBED_DEFAULT_BATCH = 256


def since_start() -> float:
    """Seconds since this process started, from /proc (as the Node runners' time origin)."""
    try:
        with open("/proc/self/stat") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.perf_counter()


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser()
    p.add_argument("--mode", default="throughput", choices=["cold", "throughput"])
    p.add_argument("--model", default="BAAI/bge-small-en-v1.5")
    p.add_argument("--model-dir", required=True)
    p.add_argument("--onnx", default="onnx/model.onnx")
    p.add_argument("--quantization", default="fp32", choices=["fp32", "int8"])
    p.add_argument("--pooling", default="cls", choices=["cls", "mean"])
    p.add_argument("--max-tokens", type=int, default=512)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=0)
    p.add_argument("--corpus", default="")
    p.add_argument("--warmup", type=int, default=0)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--probe", type=int, default=3)
    p.add_argument("--cache-dir", default="")
    p.add_argument("--max-batch-tokens", type=int, default=0)
    p.add_argument("--fastembed-cache", default="")
    return p.parse_args()


def main() -> None:
    args = parse_args()
    from importlib.metadata import version

    from fastembed import TextEmbedding
    from fastembed.common.model_description import ModelSource, PoolingType

    name = f"embedkit-bench/{args.model.split('/')[-1]}-{args.quantization}"
    TextEmbedding.add_custom_model(
        model=name,
        pooling=PoolingType.CLS if args.pooling == "cls" else PoolingType.MEAN,
        normalization=True,
        sources=ModelSource(hf=args.model),
        dim=384,
        model_file=args.onnx,
    )
    kwargs = {"cache_dir": args.fastembed_cache} if args.fastembed_cache else {}
    model = TextEmbedding(
        model_name=name,
        threads=args.threads,
        specific_model_path=args.model_dir,
        providers=["CPUExecutionProvider"],
        **kwargs,
    )
    batch = args.batch if args.batch > 0 else FASTEMBED_DEFAULT_BATCH
    load_seconds = since_start()

    def embed(texts: list[str]) -> list:
        return list(model.embed(texts, batch_size=batch))

    import onnxruntime

    base = {
        "peer": "fastembed-py",
        "version": version("fastembed"),
        "mode": args.mode,
        "loadSeconds": load_seconds,
        "batch": batch,
        "threads": args.threads,
        "notes": [f"onnxruntime {onnxruntime.__version__}", f"python {sys.version.split()[0]}"],
    }

    def rounded(v) -> list[float]:
        return [round(float(x), 6) for x in v]

    if args.mode == "cold":
        t = time.perf_counter()
        vectors = embed([COLD_START_TEXT])
        first = since_start()
        print("FIRST_VECTOR", flush=True)
        result = {
            **base,
            "texts": 1,
            "seconds": [time.perf_counter() - t],
            "firstVectorSeconds": first,
            "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "probe": [rounded(vectors[0])],
        }
    else:
        with open(args.corpus, encoding="utf8") as f:
            texts = json.load(f)["texts"]
        warm = texts if args.warmup < 0 else texts[: args.warmup]
        if warm:
            embed(warm)
        seconds = []
        vectors = []
        for _ in range(max(1, args.repeat)):
            t = time.perf_counter()
            vectors = embed(texts)
            seconds.append(time.perf_counter() - t)
        if len(vectors) != len(texts):
            raise RuntimeError(f"fastembed returned {len(vectors)} vectors for {len(texts)} texts")
        result = {
            **base,
            "texts": len(texts),
            "seconds": seconds,
            "maxRssKiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "probe": [rounded(v) for v in vectors[: args.probe]],
        }
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
