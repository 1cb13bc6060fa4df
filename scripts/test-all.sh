#!/usr/bin/env bash
# The whole test suite from a fresh checkout, doing all of its own set-up:
# install (offline-safe), build, static checks, fetch the real test models, run every test,
# run the examples. `.ci/run` runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

export ONNXRUNTIME_NODE_INSTALL=skip ONNXRUNTIME_NODE_INSTALL_CUDA=skip   # no CUDA download from install scripts
step() { printf '\n=== %s ===\n' "$*"; }

step "system services: redis-server for the bulk-job tests (each test starts its own)"
if ! command -v redis-server >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server
fi
redis-server --version

step "system services: a Chroma server for the Chroma sink tests (chromadb 1.5.9 in scripts/.venv; each test starts its own)"
# --no-deps: the server is the Rust binary in the wheel (scripts/chroma-server.py starts it as
# `chroma run` does); the Python client's dependencies (~430 MB) are not needed.
CHROMA_VERSION=1.5.9
chroma_installed() { scripts/.venv/bin/python -c "import importlib.metadata as m; print(m.version('chromadb'))" 2>/dev/null; }
if [ "$(chroma_installed)" != "$CHROMA_VERSION" ]; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip
  fi
  rm -rf scripts/.venv
  # A venv without its own pip, filled by the system's pip (pip >= 22.3 has --python): a third
  # of the time of a venv with pip; else the ordinary way.
  python3 -m venv --without-pip scripts/.venv
  if python3 -m pip --python scripts/.venv/bin/python --version >/dev/null 2>&1; then
    python3 -m pip --python scripts/.venv/bin/python install -q --disable-pip-version-check --no-deps "chromadb==$CHROMA_VERSION"
  else
    rm -rf scripts/.venv && python3 -m venv scripts/.venv
    scripts/.venv/bin/pip install -q --disable-pip-version-check --no-deps "chromadb==$CHROMA_VERSION"
  fi
fi
echo "chromadb $(chroma_installed): $(scripts/.venv/bin/python scripts/chroma-server.py --version)"

step "system packages: chromium for the eval-report test (opens the HTML report headless)"
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
chromium --version

step "install"
npm ci --no-audit --no-fund

step "build"
npm run build

step "static checks: types, lint, format, layers, generated docs"
npm run typecheck
npm run lint
npm run format:check
npm run layers
npx tsx scripts/gen-readme-models.ts --check

step "API reference (TypeDoc into dist/api; fails on an undocumented public export)"
npm run docs

step "test models (Maven Central jars -> embedkit models import -> cache)"
npm run fetch-models

step "test runtimes for the package test (Node 22, Bun; from the npm registry)"
bash scripts/fetch-test-runtimes.sh

step "tests"
npm test

step "examples"
for f in examples/*.ts; do
  echo "--- $f"
  npx tsx "$f"
done
