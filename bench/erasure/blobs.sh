#!/usr/bin/env bash
# Blob store PUT/GET throughput (issue 15): the erasure blob store on 4 drive folders (EC:2)
# beside DataDir on one folder, 1 MiB and 64 MiB blobs, ROUNDS interleaved rounds, medians.
# Writes the table between the erasure-blobs-bench markers of bench/RESULTS.md.
#
#   bench/erasure/blobs.sh      env: ERASURE_BLOB_BENCH_BIN (build-bench/bench/erasure/erasure_blob_bench),
#                                    ROUNDS (3), BENCH_DIR (build-bench/blob-bench: the disk measured)
#
# Builds the binary in build-bench/ (-DCAIRN_BUILD_BENCH=ON, only this target) when missing.
# About 0.5 GiB written a round; the folder is removed afterwards.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
BIN="${ERASURE_BLOB_BENCH_BIN:-$repo/build-bench/bench/erasure/erasure_blob_bench}"
ROUNDS="${ROUNDS:-3}"
DIR="${BENCH_DIR:-$repo/build-bench/blob-bench}"
if [[ ! -x "$BIN" ]]; then
  cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=Release -DCAIRN_BUILD_BENCH=ON \
    -DCAIRN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$repo/build-bench" -j2 --target erasure_blob_bench >/dev/null
fi
mkdir -p "$(dirname "$DIR")"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
table="$(timeout 600 "$BIN" "$DIR" "$ROUNDS")"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
rev="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
fs="$(df -PT "$(dirname "$DIR")" | awk 'NR==2 {print $2}')"
section="<!-- erasure-blobs-bench:begin -->
## Blob stores on drive folders: erasure (4 folders, EC:2) vs one folder (issue 15)

- date: $(date -u '+%Y-%m-%d %H:%M') UTC; machine: $(nproc) CPUs; load average before: $load_before, after: $load_after
- code: git $rev; command: \`ROUNDS=$ROUNDS bench/erasure/blobs.sh\` (bench/erasure/erasure_blob_bench, -DCAIRN_BUILD_BENCH=ON)
- all folders on one $fs file system (the 4 \"drives\" share one disk, so this measures the
  store's own cost, not 4 spindles); PUT = Create, 256 KiB appends, Finish (fdatasync of each
  shard), Publish (rename + fsync of the fan-out directory per shard); GET = Open + a full range
  stream in 256 KiB reads, from the page cache; wall-clock MiB/s of body, process CPU ms per MiB;
  median of $ROUNDS interleaved rounds (min–max); 1 MiB erasure blocks, XXH3-128, shards written
  and read one after the other; \"syncs at once\": the shards' fdatasyncs at Finish from a thread
  each (\`parallel_sync\`), \"one by one\": from the writer's thread (the default)

$table
<!-- erasure-blobs-bench:end -->"
echo "$section"
results="$repo/bench/RESULTS.md"
python3 - "$results" "$section" <<'PYEOF'
import sys
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
begin, end = "<!-- erasure-blobs-bench:begin -->", "<!-- erasure-blobs-bench:end -->"
if begin in text and end in text:
    text = text[:text.index(begin)] + section + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(path, "w").write(text)
PYEOF
