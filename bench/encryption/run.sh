#!/usr/bin/env bash
# Encryption benchmark (issue 14): plain vs SSE-S3 vs SSE-KMS PUT/GET of 1 MiB and 64 MiB in one
# run, with `openssl speed` (AES-NI on and masked) as the cipher's reference; see driver.py.
#   bench/encryption/run.sh      env: CAIRN_BIN (build/cairn), S3LOAD_BIN, ROUNDS (3), DURATION (5s)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CAIRN_BIN=${CAIRN_BIN:-$PWD/build/cairn}
S3LOAD_BIN=${S3LOAD_BIN:-$PWD/build/s3load/s3load}
PY=${PY:-/root/.pyenv/shims/python3}
if [[ ! -x "$S3LOAD_BIN" ]]; then
  cmake -S ../shared/tools/s3load -B build/s3load -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/s3load -j"$(nproc)" >/dev/null
fi
timeout 1800 "$PY" bench/encryption/driver.py --s3load "$S3LOAD_BIN" --rounds "${ROUNDS:-3}" \
  --duration "${DURATION:-5s}" --rev "$(git rev-parse --short HEAD)" \
  --command "ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-5s} bench/encryption/run.sh"
