#!/usr/bin/env bash
# Runs the web console's end-to-end tests in headless Chromium against the real binary.
#   tests/console/run.sh                       # every *.test.mjs
#   tests/console/run.sh console.test.mjs      # some files
# CAIRN_BIN selects the binary (default: <repo>/build/cairn); CHROMIUM_PATH the browser
# (default: /usr/bin/chromium, Debian's `chromium` package). Screenshots: tests/console/screenshots/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
browser="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$browser" ]]; then
  echo "run.sh: no Chromium at $browser (apt-get install chromium, or set CHROMIUM_PATH)" >&2
  exit 2
fi
exec "$here/../../scripts/node-tests.sh" "$here" 900 "$@"
