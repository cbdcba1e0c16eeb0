#!/usr/bin/env bash
# Lifecycle scanner benchmark (issue 13): one pass over 1,000,000 objects, 10 % matching a rule,
# with 4 KiB GETs beside it; see driver.py. Populates DIR once through the storage engine
# (scanner_populate, built with -DCAIRN_BUILD_BENCH=ON); every round copies it afresh.
#   bench/scanner/run.sh [DIR]     env: CAIRN_BIN (build/cairn), POPULATE_BIN, S3LOAD_BIN,
#                                       ROUNDS (3), KEYS (1000000), CHUNK (5), CONCURRENCY (4)
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${1:-/tmp/cairn-bench-scanner}
export CAIRN_BIN=${CAIRN_BIN:-$PWD/build/cairn}
POPULATE_BIN=${POPULATE_BIN:-$PWD/build/bench/scanner/scanner_populate}
S3LOAD_BIN=${S3LOAD_BIN:-$PWD/build/s3load/s3load}
PY=${PY:-/root/.pyenv/shims/python3}
KEYS=${KEYS:-1000000}
if [[ ! -x "$S3LOAD_BIN" ]]; then
  cmake -S ../shared/tools/s3load -B build/s3load -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/s3load -j"$(nproc)" >/dev/null
fi
if [[ ! -f "$DIR/.populated-$KEYS" ]]; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  # Population only: fsync/fdatasync made no-ops (nosync.c); the store is closed cleanly
  # before any timed server starts on a copy of it.
  gcc -O2 -shared -fPIC -o "$DIR.nosync.so" bench/versions/nosync.c
  LD_PRELOAD="$DIR.nosync.so" timeout 1800 "$POPULATE_BIN" "$DIR/store" "$KEYS" 4
  touch "$DIR/.populated-$KEYS"
fi
timeout 7200 "$PY" bench/scanner/driver.py --snapshot "$DIR/store" --keys "$KEYS" \
  --s3load "$S3LOAD_BIN" --rounds "${ROUNDS:-3}" --chunk "${CHUNK:-5}" \
  --concurrency "${CONCURRENCY:-4}" --rev "$(git rev-parse --short HEAD)" \
  --command "ROUNDS=${ROUNDS:-3} KEYS=$KEYS CHUNK=${CHUNK:-5} CONCURRENCY=${CONCURRENCY:-4} bench/scanner/run.sh"
