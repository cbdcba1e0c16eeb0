#!/usr/bin/env bash
# Runs Cairn's integration tests against the real binary.
#   tests/integration/run.sh                   # all tests
#   tests/integration/run.sh test_objects      # one module (or module.Class, module.Class.test)
# CAIRN_BIN selects the binary (default: <repo>/build/cairn).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export CAIRN_BIN="${CAIRN_BIN:-$repo/build/cairn}"
PYTHON="${PYTHON:-$(command -v python3 || echo /root/.pyenv/shims/python3)}"
if [[ ! -x "$CAIRN_BIN" ]]; then
  echo "run.sh: no cairn binary at $CAIRN_BIN (build it or set CAIRN_BIN)" >&2
  exit 2
fi
cd "$here"
if [[ $# -gt 0 ]]; then
  exec timeout 1800 "$PYTHON" -m unittest -v "$@"
fi
exec timeout 1800 "$PYTHON" -m unittest discover -s "$here" -t "$here" -p 'test_*.py' -v
