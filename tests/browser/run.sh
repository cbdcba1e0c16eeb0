#!/usr/bin/env bash
# Runs Cairn's browser test: Debian's chromium (apt-get install chromium), driven by
# playwright-core from npm, uploads to the real binary from a page on another origin.
#   tests/browser/run.sh
# CAIRN_BIN selects the binary (default: <repo>/build/cairn), CHROMIUM the browser
# (default: /usr/bin/chromium).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export CAIRN_BIN="${CAIRN_BIN:-$repo/build/cairn}"
if [[ ! -x "$CAIRN_BIN" ]]; then
  echo "run.sh: no cairn binary at $CAIRN_BIN (build it or set CAIRN_BIN)" >&2
  exit 2
fi
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "run.sh: no browser at $CHROMIUM (apt-get install -y chromium, or set CHROMIUM)" >&2
  exit 2
fi
command -v node >/dev/null || { echo "run.sh: node (>= 20) is required" >&2; exit 2; }
major="$(node -p 'process.versions.node.split(".")[0]')"
if (( major < 20 )); then
  echo "run.sh: node >= 20 is required (found $(node --version))" >&2
  exit 2
fi
cd "$here"
# npm ci always reinstalls, so skip it when node_modules was installed from this very lock file.
stamp="node_modules/.cairn-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  if ! timeout 600 npm ci --no-audit --no-fund --loglevel=error; then
    echo "run.sh: npm ci failed" >&2
    exit 2
  fi
  echo "$want" >"$stamp"
fi
exec timeout 600 node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs
