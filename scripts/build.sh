#!/usr/bin/env bash
# Configures (once) and builds Cairn into build/ with ccache. Extra args go to cmake --build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCAIRN_WERROR=ON >/dev/null
fi
cmake --build build -j"$(nproc)" "$@"
