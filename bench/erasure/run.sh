#!/usr/bin/env bash
# Erasure coding throughput per core (issue 15): bench/erasure/erasure_bench run ROUNDS times
# (each round measures everything once, so rounds interleave), then the median and min-max of
# each figure as a markdown section, written to bench/erasure/RESULTS.md and between the
# erasure-bench markers of bench/RESULTS.md.
#
#   bench/erasure/run.sh           env: ERASURE_BENCH_BIN (build-bench/bench/erasure/erasure_bench),
#                                       ROUNDS (3), MIN_SECONDS (0.2 of CPU per figure)
#
# Builds the binary in build-bench/ (-DCAIRN_BUILD_BENCH=ON, only this target) when missing.
# One thread, a few seconds a round; no files, no network.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
BIN="${ERASURE_BENCH_BIN:-$repo/build-bench/bench/erasure/erasure_bench}"
ROUNDS="${ROUNDS:-3}"
MIN_SECONDS="${MIN_SECONDS:-0.2}"
PY="${PYTHON:-/root/.pyenv/shims/python3}"
[[ -x "$PY" ]] || PY=python3
if [[ ! -x "$BIN" ]]; then
  cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=Release -DCAIRN_BUILD_BENCH=ON \
    -DCAIRN_BUILD_TESTS=OFF >/dev/null
  cmake --build "$repo/build-bench" -j2 --target erasure_bench >/dev/null
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= ROUNDS; r++)); do
  timeout 300 "$BIN" "$MIN_SECONDS" >"$out/round$r.tsv"
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
rev="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
exec "$PY" - "$out" "$ROUNDS" "$rev" "$load_before" "$load_after" "$repo" <<'PYEOF'
import datetime, os, platform, statistics, sys
out, rounds, rev, load_before, load_after, repo = sys.argv[1:7]
rounds = int(rounds)
figures = {}  # (kind, name) -> [MiB/s per round]
order = []
for r in range(1, rounds + 1):
    for line in open(os.path.join(out, f"round{r}.tsv")):
        kind, name, value = line.rstrip("\n").split("\t")
        key = (kind, name)
        if key not in figures:
            figures[key] = []
            order.append(key)
        figures[key].append(float(value))

def cell(key):
    v = figures.get(key)
    if not v:
        return "—"
    return f"{statistics.median(v):,.0f} ({min(v):,.0f}–{max(v):,.0f})"

cpu = "unknown"
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
geometries = [n for (k, n) in order if k == "rs-encode"]
lines = []
lines.append("<!-- erasure-bench:begin -->")
lines.append("## Erasure coding throughput per core (issue 15)")
lines.append("")
lines.append(f"- date: {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()} CPUs, {cpu}; "
             f"load average before: {load_before}, after: {load_after}")
lines.append(f"- code: git {rev}; command: `ROUNDS={rounds} bench/erasure/run.sh` "
             f"(bench/erasure/erasure_bench, built with -DCAIRN_BUILD_BENCH=ON)")
lines.append("- one thread; MiB of object per CPU second of that thread (`CLOCK_THREAD_CPUTIME_ID`), "
             f"median of {rounds} interleaved rounds (min–max in brackets); 1 MiB blocks, "
             "shards in memory (no I/O)")
lines.append("- rs-encode: ISA-L parity of one 1 MiB block, nothing else; encode: the streaming "
             "encoder on a 16 MiB body (codec, a hash per shard block, headers, copies into "
             "sinks that discard), with each hash; decode-k: a full read of that body with data "
             "shards 0..k-1 missing (k = parity: every block rebuilt from parity), hashes checked")
lines.append("")
X, H = "xxh3-128", "highwayhash-256"
lines.append("| set | rs-encode | encode, xxh3-128 | encode, highwayhash-256 | decode, 0 missing, "
             "xxh3-128 | decode, 0 missing, highwayhash-256 | decode, 1 missing, xxh3-128 | "
             "decode, parity missing, xxh3-128 |")
lines.append("|---|---|---|---|---|---|---|---|")
for g in geometries:
    parity = g.split("EC:")[1]
    lines.append(f"| {g} | {cell(('rs-encode', g))} | {cell(('encode ' + X, g))} | "
                 f"{cell(('encode ' + H, g))} | {cell(('decode-0-missing ' + X, g))} | "
                 f"{cell(('decode-0-missing ' + H, g))} | {cell(('decode-1-missing ' + X, g))} | "
                 f"{cell(('decode-' + parity + '-missing ' + X, g))} |")
lines.append("")
lines.append("Bitrot hash candidates (MiB/s per core, one call per buffer):")
lines.append("")
lines.append("| hash | 64 KiB | 256 KiB | 1 MiB |")
lines.append("|---|---|---|---|")
hashes = []
for (k, n) in order:
    if k == "hash":
        base = n.rsplit(" ", 2)[0]
        if base not in hashes:
            hashes.append(base)
for h in hashes:
    lines.append(f"| {h} | {cell(('hash', h + ' 64 KiB'))} | {cell(('hash', h + ' 256 KiB'))} | "
                 f"{cell(('hash', h + ' 1024 KiB'))} |")
lines.append("<!-- erasure-bench:end -->")
section = "\n".join(lines) + "\n"
print(section)
with open(os.path.join(repo, "bench/erasure/RESULTS.md"), "w") as f:
    f.write("# Erasure coding benchmark\n\nWritten by bench/erasure/run.sh; the choice it "
            "informed is in docs/storage-format.md (\"Erasure shards\").\n\n" + section)
results = os.path.join(repo, "bench/RESULTS.md")
text = open(results).read()
begin, end = "<!-- erasure-bench:begin -->", "<!-- erasure-bench:end -->"
if begin in text and end in text:
    text = text[:text.index(begin)] + section.rstrip("\n") + text[text.index(end) + len(end):]
else:
    text = text.rstrip("\n") + "\n\n" + section
open(results, "w").write(text)
PYEOF
