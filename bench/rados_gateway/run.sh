#!/usr/bin/env bash
# Issue 17's gateway benchmark: Ceph's own RADOS Gateway (radosgw, beast, tcp_nodelay) on a
# one-node dev cluster of its own beside Cairn on a local drive (and, once `cairn server
# rados://` exists, Cairn on the same cluster), in one run: PUT/GET 4 KiB and 1 MiB at
# concurrency 16 and 64, and one 1,000-key ListObjectsV2 page over LIST_KEYS keys; see driver.py.
#   bench/rados_gateway/run.sh   env: CAIRN_BIN (build/cairn), S3LOAD_BIN, ROUNDS (3),
#                                DURATION (5s), CEPH_DEV_PORT (16794), LIST_KEYS (100000: the
#                                issue's 1000000 takes ~13 min to fill on radosgw here, ~11 on
#                                Cairn on RADOS: a run of ~37 min)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CAIRN_BIN=${CAIRN_BIN:-$PWD/build/cairn}
S3LOAD_BIN=${S3LOAD_BIN:-$PWD/build/s3load/s3load}
PY=${PY:-/root/.pyenv/shims/python3}
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-5s} LIST_KEYS=${LIST_KEYS:-100000}
if [[ ! -x "$S3LOAD_BIN" ]]; then
  cmake -S ../shared/tools/s3load -B build/s3load -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/s3load -j"$(nproc)" >/dev/null
fi
# radosgw is needed by this benchmark only, so it is installed here, not by the test set-up.
command -v radosgw >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y radosgw >/dev/null

bench_dir=$(mktemp -d /tmp/cairn-rgwbench-XXXXXX)
export CEPH_DEV_DIR="$bench_dir/ceph" CEPH_DEV_PORT="${CEPH_DEV_PORT:-16794}"
export CEPH_DEV_OSD_GIB=${CEPH_DEV_OSD_GIB:-16}
cleanup() {
  local rc=$?
  # The driver stops radosgw itself; this covers a driver that died or timed out.
  if [[ $rc != 0 && -f "$bench_dir/radosgw.log" ]]; then tail -30 "$bench_dir/radosgw.log" >&2; fi
  if [[ -f "$bench_dir/radosgw.pid" ]]; then kill "$(cat "$bench_dir/radosgw.pid")" 2>/dev/null || true; fi
  scripts/ceph-dev.sh purge >/dev/null 2>&1 || true
  rm -rf "$bench_dir"
}
trap cleanup EXIT
conf=$(scripts/ceph-dev.sh start 2>/dev/null)
timeout 7200 "$PY" bench/rados_gateway/driver.py --s3load "$S3LOAD_BIN" --ceph-conf "$conf" \
  --bench-dir "$bench_dir" --rounds "$ROUNDS" --duration "$DURATION" --list-keys "$LIST_KEYS" \
  --rev "$(git rev-parse --short HEAD)" \
  --command "ROUNDS=$ROUNDS DURATION=$DURATION LIST_KEYS=$LIST_KEYS bench/rados_gateway/run.sh"
