#!/usr/bin/env bash
# Front-door benchmarks (issue 10): 10,000 idle keep-alive connections beside c=64 GETs, and
# 2,000 slowloris connections beside c=16 GETs, each pair interleaved ROUNDS times (default 3).
# Writes bench/frontdoor/RESULTS.md.
#
#   bench/frontdoor/run.sh                         # both (~8 min)
#   bench/frontdoor/run.sh --mode scale --rounds 5 # driver options: see driver.py --help
#   CAIRN_BIN=/path/to/cairn CAIRN_REV="git abc" bench/frontdoor/run.sh
#
# 127.0.0.1 only; every run bounded (s3load --duration, holder --hold, timeout 1800 s overall).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
PY="${PYTHON:-/root/.pyenv/shims/python3}"
[[ -x "$PY" ]] || PY=python3
S3LOAD_SRC="${S3LOAD_SRC:-$repo/../shared/tools/s3load}"
cmake -S "$S3LOAD_SRC" -B "$repo/build/s3load" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$repo/build/s3load" -j"$(nproc)" >/dev/null
export CAIRN_BIN="${CAIRN_BIN:-$repo/build/cairn}"
[[ -x "$CAIRN_BIN" ]] || { echo "run.sh: no cairn binary at $CAIRN_BIN" >&2; exit 2; }
rev="${CAIRN_REV:-git $(git -C "$repo" rev-parse --short HEAD)}"
cmd="CAIRN_BIN=$CAIRN_BIN bench/frontdoor/run.sh${*:+ $*}"
ulimit -n 65536 2>/dev/null || true
exec timeout 1800 "$PY" "$here/driver.py" --s3load "$repo/build/s3load/s3load" --command "$cmd" --rev "$rev" "$@"
