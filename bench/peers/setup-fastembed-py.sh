#!/usr/bin/env bash
# Creates bench/.venv (gitignored) with a pinned FastEmbed (Python) for the peer benchmark.
# onnxruntime is pinned to 1.30.0, the same ONNX Runtime release embedkit runs through
# onnxruntime-node, so the peers differ in their own code, not in the runtime.
# Idempotent: a venv that already has these exact versions is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

FASTEMBED_VERSION=0.9.1
ONNXRUNTIME_VERSION=1.30.0
VENV=.venv
PY="${PYTHON:-python3}"

want="fastembed==${FASTEMBED_VERSION} onnxruntime==${ONNXRUNTIME_VERSION}"
stamp="$VENV/.embedkit-bench-stamp"
if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "bench/.venv ready ($want)"
  exit 0
fi

"$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "fastembed==${FASTEMBED_VERSION}" "onnxruntime==${ONNXRUNTIME_VERSION}"
echo "$want" >"$stamp"
echo "bench/.venv ready ($want)"
