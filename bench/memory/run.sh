#!/usr/bin/env bash
# Memory bound (issue 3): 16 concurrent 1 GiB uploads, cairn's RSS sampled every 100 ms, VmHWM
# at the end; both multipart (boto3, 16 MiB parts) and streamed single PUTs (aws-chunked with a
# CRC32 trailer). Writes bench/memory/RESULTS.md and the "Memory" section of bench/RESULTS.md.
#
#   bench/memory/run.sh                          # both modes, 16 x 1 GiB (~16 GiB each)
#   bench/memory/run.sh --mode put --clients 4   # driver options: see driver.py --help
#   CAIRN_BIN=/path/to/cairn bench/memory/run.sh # another binary (default build/cairn)
#   CAIRN_REV="git abc123" ...                   # what that binary was built from (report)
#
# Needs ~20 GiB free in $TMPDIR (one mode's objects at a time). 127.0.0.1 only; the server and
# its data dir are removed at the end; the whole run is bounded (timeout 1800 s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export CAIRN_BIN="${CAIRN_BIN:-$repo/build/cairn}"
PY="${PYTHON:-/root/.pyenv/shims/python3}"
[[ -x "$PY" ]] || PY=python3
if [[ ! -x "$CAIRN_BIN" ]]; then
  echo "run.sh: no cairn binary at $CAIRN_BIN (build it or set CAIRN_BIN)" >&2
  exit 2
fi
cmd="CAIRN_BIN=$CAIRN_BIN ${CAIRN_REV:+CAIRN_REV=\"$CAIRN_REV\" }bench/memory/run.sh${*:+ $*}"
exec timeout 1800 "$PY" "$here/driver.py" --command "$cmd" "$@"
