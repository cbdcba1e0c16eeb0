#!/usr/bin/env bash
# Runs the web console's end-to-end tests in headless Chromium against the real binary.
#   tests/console/run.sh                       # every *.test.mjs
#   tests/console/run.sh console.test.mjs      # some files
# CAIRN_BIN selects the binary (default: <repo>/build/cairn); CHROMIUM_PATH the browser
# (default: /usr/bin/chromium, Debian's `chromium` package). Screenshots: tests/console/screenshots/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export CAIRN_BIN="${CAIRN_BIN:-$repo/build/cairn}"
if [[ ! -x "$CAIRN_BIN" ]]; then
  echo "run.sh: no cairn binary at $CAIRN_BIN (build it or set CAIRN_BIN)" >&2
  exit 2
fi
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$browser" ]]; then
  echo "run.sh: no Chromium at $browser (apt-get install chromium, or set CHROMIUM_PATH)" >&2
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
  if ! npm ci --no-audit --no-fund --loglevel=error; then
    echo "run.sh: npm ci failed" >&2
    exit 2
  fi
  echo "$want" >"$stamp"
fi
if [[ $# -gt 0 ]]; then
  files=("$@")
else
  files=(*.test.mjs)
fi
exec timeout 900 node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
