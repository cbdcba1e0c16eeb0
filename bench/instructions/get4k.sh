#!/usr/bin/env bash
# Instructions the server spends per signed 4 KiB GET: cairn runs under callgrind with
# instrumentation switched on only while s3load GETs (concurrency 4, SHA-256 signed requests).
#
#   bench/instructions/get4k.sh [CAIRN_BIN] [SECONDS]    # defaults: build/cairn, 6
#   KEEP=DIR/ ...                                        # keep the callgrind files for callgrind_annotate
#
# Instruction counts repeat within ±0.2 % here, so two builds compare on a noisy shared machine
# where timings do not. Valgrind hides the SHA extensions, so hashing weighs more than on the CPU.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
BIN=${1:-$REPO/build/cairn}
SECS=${2:-6}
S3LOAD=$REPO/build/s3load/s3load
if [[ ! -x $S3LOAD ]]; then
  cmake -S "$REPO/../shared/tools/s3load" -B "$REPO/build/s3load" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$REPO/build/s3load" -j2 >/dev/null
fi
D=$(mktemp -d)
VG=""
trap '[[ -n $VG ]] && kill $VG 2>/dev/null; rm -rf "$D"' EXIT
PORT=$((20000 + RANDOM % 20000))
MINIO_ROOT_USER=cgadmin MINIO_ROOT_PASSWORD=cg-secret-123 valgrind --tool=callgrind \
  --instr-atstart=no --callgrind-out-file="$D/cg.out" "$BIN" server "$D/data" \
  --address 127.0.0.1:$PORT --console-address 127.0.0.1:$((PORT + 1)) >"$D/log" 2>&1 &
VG=$!
for _ in $(seq 100); do
  curl -sf http://127.0.0.1:$PORT/minio/health/live >/dev/null && break
  sleep 0.3
done
load() {
  "$S3LOAD" --endpoint http://127.0.0.1:$PORT --access-key cgadmin --secret-key cg-secret-123 \
    --bucket cgbench --op get --size 4KiB --objects 100 --concurrency 4 "$@"
}
load --create-bucket --duration 1s >/dev/null 2>&1
callgrind_control -i on $VG >/dev/null 2>&1
OK=$(load --prepared --duration "${SECS}s" --json 2>/dev/null | tail -1 |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["ok"])')
callgrind_control -i off $VG >/dev/null 2>&1
callgrind_control -d $VG >/dev/null 2>&1
sleep 1
kill $VG
wait $VG 2>/dev/null || true
VG=""
IR=$(cat "$D"/cg.out* | awk '/^totals:/ {s += $2} END {print s}')
echo "gets=$OK instructions=$IR per_get=$((IR / OK))"
if [[ -n "${KEEP:-}" ]]; then cp "$D"/cg.out* "$KEEP"; fi
