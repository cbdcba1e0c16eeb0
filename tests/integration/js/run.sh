#!/usr/bin/env bash
# Runs Cairn's Node.js integration tests (AWS SDK for JavaScript v3, lib-storage, minio client)
# against the real binary.
#   tests/integration/js/run.sh                          # every *.test.mjs
#   tests/integration/js/run.sh sdk_checksums.test.mjs   # some files
# CAIRN_BIN selects the binary (default: <repo>/build/cairn).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../../../scripts/node-tests.sh" "$here" 1800 "$@"
