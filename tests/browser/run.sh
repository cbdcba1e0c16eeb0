#!/usr/bin/env bash
# Runs Cairn's browser test: Debian's chromium (apt-get install chromium), driven by
# playwright-core from npm, uploads to the real binary from a page on another origin.
#   tests/browser/run.sh
# CAIRN_BIN selects the binary (default: <repo>/build/cairn), CHROMIUM the browser
# (default: /usr/bin/chromium).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "run.sh: no browser at $CHROMIUM (apt-get install -y chromium, or set CHROMIUM)" >&2
  exit 2
fi
exec "$here/../../scripts/node-tests.sh" "$here" 600 "$@"
