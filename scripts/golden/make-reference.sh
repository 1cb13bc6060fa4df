#!/usr/bin/env bash
# Regenerates tests/golden/<org>__<name>.json with the Python reference implementation.
# Creates scripts/.venv (pip, pinned requirements.txt) when missing or when the requirements
# changed, then runs make_reference.py with the arguments given, for example:
#   scripts/golden/make-reference.sh                       # models from the embedkit cache
#   scripts/golden/make-reference.sh --model-dir BAAI/bge-small-en-v1.5=/path/to/dir ...
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/../.venv"
req="$here/requirements.txt"
stamp="$venv/.golden-requirements.txt"
python="${PYTHON:-python3}"

if [[ ! -x "$venv/bin/python" ]]; then
  echo "make-reference: creating $venv" >&2
  "$python" -m venv "$venv"
fi
if ! cmp -s "$req" "$stamp"; then
  echo "make-reference: installing $req" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  cp "$req" "$stamp"
fi

exec "$venv/bin/python" "$here/make_reference.py" "$@"
