#!/usr/bin/env bash
# Regenerates the BM25 golden files with the Python references (FastEmbed, bm25s) and, with
# "cranfield", recomputes the reference Cranfield nDCG@10 (bm25s + pytrec_eval):
#   scripts/golden/bm25/make-reference.sh [DATA_DIR]             tests/golden/bm25-*.json
#   scripts/golden/bm25/make-reference.sh --cranfield [DATA_DIR] tests/golden/cranfield-bm25-reference.json
# The venv (pinned requirements.txt) lives in $BM25_VENV, default /tmp/embedkit-bm25-venv.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
venv="${BM25_VENV:-/tmp/embedkit-bm25-venv}"
req="$here/requirements.txt"
mode=golden
if [[ "${1:-}" == "--cranfield" ]]; then mode=cranfield; shift; fi
data="${1:-$root/../shared/data}"
if [[ ! -x "$venv/bin/python" ]]; then python3 -m venv "$venv"; fi
if ! cmp -s "$req" "$venv/.bm25-requirements.txt"; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$venv/.bm25-requirements.txt"
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$root"
if [[ "$mode" == golden ]]; then
  HF_HUB_OFFLINE=1 "$venv/bin/python" "$here/make_fastembed_reference.py" "$root" "$data"
  node --import tsx "$here/dump-terms.ts" golden "$tmp/terms.json"
  "$venv/bin/python" "$here/make_bm25s_reference.py" "$tmp/terms.json" "$root/tests/golden/bm25-index-bm25s.json"
else
  node --import tsx "$here/dump-terms.ts" cranfield "$data" "$tmp/cranfield-terms.json"
  "$venv/bin/python" "$here/cranfield_reference.py" "$data" "$tmp/cranfield-terms.json" "$root/tests/golden/cranfield-bm25-reference.json"
fi
