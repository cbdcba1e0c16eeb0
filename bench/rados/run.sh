#!/usr/bin/env bash
# The RADOS back ends beside raw librados on a one-node dev cluster of their own, in one run
# (rados_bench.cc: blob store write/read at 1 MiB and 64 MiB, index conditional put and get),
# ROUNDS interleaved rounds; writes bench/rados/RESULTS.md (median, min-max) and its section of
# bench/RESULTS.md.
#   bench/rados/run.sh    env: ROUNDS (3), RADOS_BENCH_BIN (build-bench/bench/rados/rados_bench)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
BIN="${RADOS_BENCH_BIN:-$repo/build-bench/bench/rados/rados_bench}"
ROUNDS="${ROUNDS:-3}"
PY="${PYTHON:-/root/.pyenv/shims/python3}"
if [[ ! -x "$BIN" ]]; then
  cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=Release -DCAIRN_BUILD_BENCH=ON \
    -DCAIRN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$repo/build-bench" -j2 --target rados_bench >/dev/null
fi
export CEPH_DEV_DIR="$(mktemp -d)/ceph" CEPH_DEV_PORT="${CEPH_DEV_PORT:-16795}" CEPH_DEV_OSD_GIB=8
trap 'scripts/ceph-dev.sh purge >/dev/null 2>&1 || true; rm -rf "$(dirname "$CEPH_DEV_DIR")"' EXIT
conf=$(scripts/ceph-dev.sh start 2>/dev/null)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
timeout 1800 "$BIN" "$conf" bench "$ROUNDS" >"$(dirname "$CEPH_DEV_DIR")/cells.jsonl"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
"$PY" - "$(dirname "$CEPH_DEV_DIR")/cells.jsonl" "$ROUNDS" "$(git rev-parse --short HEAD)" \
  "$load_before" "$load_after" <<'PYEOF'
import collections, datetime, json, statistics, sys
sys.path.insert(0, "bench")
from results_md import REPO, write_section
path, rounds, rev, before, after = sys.argv[1:6]
cells = collections.OrderedDict()
for line in open(path):
    c = json.loads(line)
    cells.setdefault((c["group"], c["cell"], c["unit"]), []).append(c["value"])
lines = [f"## RADOS back ends beside raw librados (issue 17), {datetime.date.today()}", "",
         f"Command: `ROUNDS={rounds} bench/rados/run.sh` at {rev}; a one-node dev cluster "
         "(scripts/ceph-dev.sh: one bluestore OSD on a sparse file, pool size 1) on the same 2 "
         f"cores; load average before {before}, after {after}. One client thread; median of "
         f"{rounds} interleaved rounds (min-max). Blobs: 48 bodies of 1 MiB or 3 of 64 MiB per "
         "round; raw: the same bytes as 4 MiB objects written and read one call at a time. "
         "Index: 300 conditional creates (ExpectAbsent + Put of a 300-byte record) then 300 "
         "Gets, beside raw omap set / get of one key.", "",
         "| what | median | min-max | unit |", "| --- | --- | --- | --- |"]
for (group, cell, unit), values in cells.items():
    lines.append(f"| {group}: {cell} | {statistics.median(values):.1f} | "
                 f"{min(values):.1f}-{max(values):.1f} | {unit} |")
text = "\n".join(lines) + "\n"
print(text)
write_section(REPO / "bench" / "rados" / "RESULTS.md", "rados-bench", text)
PYEOF
