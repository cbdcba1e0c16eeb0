#!/usr/bin/env bash
# Runs one folder's Node.js tests (node:test *.test.mjs) against the real binary; shared by
# tests/integration/js, tests/browser and tests/console.
#   scripts/node-tests.sh DIR SECONDS [FILE.test.mjs...]
# Installs DIR's npm packages from its package-lock.json (only when the lock changed: npm ci
# always reinstalls), then runs the files one at a time (each starts its own server and the
# machine has few cores), the whole run bounded by SECONDS. CAIRN_BIN selects the binary
# (default: <repo>/build/cairn).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$1"
seconds="$2"
shift 2
export CAIRN_BIN="${CAIRN_BIN:-$repo/build/cairn}"
if [[ ! -x "$CAIRN_BIN" ]]; then
  echo "$dir: no cairn binary at $CAIRN_BIN (build it or set CAIRN_BIN)" >&2
  exit 2
fi
command -v node >/dev/null || { echo "$dir: node (>= 20) is required" >&2; exit 2; }
major="$(node -p 'process.versions.node.split(".")[0]')"
if (( major < 20 )); then
  echo "$dir: node >= 20 is required (found $(node --version))" >&2
  exit 2
fi
cd "$dir"
stamp="node_modules/.cairn-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  if ! timeout 600 npm ci --no-audit --no-fund --loglevel=error; then
    echo "$dir: npm ci failed" >&2
    exit 2
  fi
  echo "$want" >"$stamp"
fi
if [[ $# -gt 0 ]]; then
  files=("$@")
else
  files=(*.test.mjs)
fi
exec timeout "$seconds" node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
