#!/usr/bin/env bash
# Installs, builds and starts `cairn server` on ./data with the default credentials
# (minioadmin/minioadmin) unless MINIO_ROOT_USER/MINIO_ROOT_PASSWORD are set.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target cairn
mkdir -p "${CAIRN_DATA:-./data}"
exec ./build/cairn server --address "${CAIRN_ADDRESS:-:9000}" "${CAIRN_DATA:-./data}"
