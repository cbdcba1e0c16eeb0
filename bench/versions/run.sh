#!/usr/bin/env bash
# ListObjectVersions / ListObjectsV2 page latency on a store of 1,000,000 versions
# (200,000 keys x 5 versions, every even key under a delete marker: +100,000 markers).
# Populates DIR once through the storage engine (versions_populate, built with
# -DCAIRN_BUILD_BENCH=ON), then starts `cairn server` on it and times pages through the S3 API.
#   bench/versions/run.sh [DIR]     env: CAIRN_BIN (build/cairn), POPULATE_BIN, RUNS (7),
#                                       KEYS (200000), VERSIONS (5)
set -euo pipefail
cd "$(dirname "$0")/../.."
DIR=${1:-/tmp/cairn-bench-versions}
CAIRN_BIN=${CAIRN_BIN:-$PWD/build/cairn}
POPULATE_BIN=${POPULATE_BIN:-$PWD/build/bench/versions/versions_populate}
PY=${PY:-/root/.pyenv/shims/python3}
RUNS=${RUNS:-7}
if [[ ! -f "$DIR/.populated" ]]; then
  rm -rf "$DIR" && mkdir -p "$DIR"
  # Population only: fsync/fdatasync made no-ops (nosync.c) — 10x faster on this machine; the
  # store is closed cleanly before the timed server starts, and the timings are reads.
  gcc -O2 -shared -fPIC -o "$DIR.nosync.so" bench/versions/nosync.c
  LD_PRELOAD="$DIR.nosync.so" timeout 1800 "$POPULATE_BIN" "$DIR" "${KEYS:-200000}" "${VERSIONS:-5}" 8
  touch "$DIR/.populated"
fi
du -sh "$DIR/.cairn" || true
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
CPORT=$((PORT + 1))
MINIO_ROOT_USER=benchadmin MINIO_ROOT_PASSWORD=bench-secret-key-123 \
  "$CAIRN_BIN" server --address "127.0.0.1:$PORT" --console-address "127.0.0.1:$CPORT" "$DIR" \
  >"$DIR/../cairn-bench-versions.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  curl -sf "http://127.0.0.1:$PORT/minio/health/ready" >/dev/null && break
  sleep 0.1
done
timeout 600 "$PY" bench/versions/listbench.py --port "$PORT" --runs "$RUNS" --keys "${KEYS:-200000}" --server-pid "$SERVER"
