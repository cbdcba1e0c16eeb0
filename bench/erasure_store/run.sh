#!/usr/bin/env bash
# Erasure set benchmark (issue 15): 1 MiB and 64 MiB PUT/GET on 4 drives (EC:2) beside one drive
# in the same run, interleaved rounds, and the time to refill a wiped drive; see driver.py.
#   bench/erasure_store/run.sh   env: CAIRN_BIN (build/cairn), S3LOAD_BIN, ROUNDS (3),
#                                DURATION (5s), HEAL_GIB (1: GiB on the set when drives are wiped;
#                                20 is the issue's drive holding 10 GiB)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CAIRN_BIN=${CAIRN_BIN:-$PWD/build/cairn}
S3LOAD_BIN=${S3LOAD_BIN:-$PWD/build/s3load/s3load}
PY=${PY:-/root/.pyenv/shims/python3}
if [[ ! -x "$S3LOAD_BIN" ]]; then
  cmake -S ../shared/tools/s3load -B build/s3load -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/s3load -j"$(nproc)" >/dev/null
fi
timeout 3600 "$PY" bench/erasure_store/driver.py --s3load "$S3LOAD_BIN" --rounds "${ROUNDS:-3}" \
  --duration "${DURATION:-5s}" --heal-gib "${HEAL_GIB:-1}" --heal-rounds "${ROUNDS:-3}" --rev "$(git rev-parse --short HEAD)" \
  --command "ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-5s} HEAL_GIB=${HEAL_GIB:-1} bench/erasure_store/run.sh"
