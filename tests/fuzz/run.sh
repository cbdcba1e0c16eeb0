#!/usr/bin/env bash
# Builds the fuzz targets into build-fuzz/ (clang-14, ccache) and runs each one for SECONDS
# (default 15) on a copy of its seed corpus, one target at a time, so a CI run stays bounded and
# never grows the repository. Fails on the first crash, leak, timeout or out-of-memory, naming
# the input that caused it. Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(request_head aws_chunked multipart_form xml_bodies policy auth_headers conditions)
fi

if [[ ! -f build-fuzz/CMakeCache.txt ]]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Release -DCAIRN_FUZZ=ON \
    -DCAIRN_WERROR=ON >/dev/null
fi
cmake --build build-fuzz -j"$(($(nproc) < 2 ? $(nproc) : 2))" >/dev/null

work=$(mktemp -d /tmp/cairn-fuzz.XXXXXX)
failed=()
for t in "${targets[@]}"; do
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  cp tests/fuzz/corpus/"$t"/* "$work/$t/corpus/"
  log="$work/$t/log.txt"
  status=0
  build-fuzz/fuzz/"${t}"_fuzz -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$work/$t/artifacts/" "$work/$t/corpus" \
    >"$log" 2>&1 || status=$?
  final=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 || true)
  if ((status != 0)); then
    failed+=("$t")
    echo "FAIL $t (exit $status)"
    grep -E 'ERROR|SUMMARY|Test unit written to' "$log" | head -5 || true
    for a in "$work/$t/artifacts"/*; do [[ -e "$a" ]] && echo "  crashing input: $a"; done
    echo "  log: $log"
  else
    echo "ok   $t ${seconds}s: ${final}"
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]} (inputs and logs kept in $work)"
  exit 1
fi
rm -rf "$work"
