#!/usr/bin/env bash
# Drives Cairn's MinIO admin API (/minio/admin/v3/) with Debian's madmin-go and minio-go v7
# (main.go): starts the real binary on 127.0.0.1 with a free port, a temporary data folder and
# known root credentials, builds the check in GOPATH mode (Debian's Go packages, no module
# download) and runs it; then the same over a second server with four drive folders (an erasure
# set: heal, the drives' reports; heal.go). Missing prerequisites fail under CI=true and skip
# otherwise.
#
#   CAIRN_BIN=$PWD/build/cairn tests/madmin/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${CAIRN_BIN:-$here/../../build/cairn}"

missing() {
  if [[ "${CI:-}" == "true" ]]; then
    echo "FAIL: $1 (install with scripts/install-deps.sh --test)" >&2
    exit 1
  fi
  echo "SKIP: $1 (install with scripts/install-deps.sh --test)" >&2
  exit 0
}
[[ -x "$bin" ]] || missing "cairn binary not found at $bin (set CAIRN_BIN)"
command -v go >/dev/null || missing "go not found (Debian golang-go)"
for pkg in github.com/minio/madmin-go github.com/minio/minio-go/v7 github.com/secure-io/sio-go; do
  [[ -d /usr/share/gocode/src/$pkg ]] || missing "$pkg not found under /usr/share/gocode"
done

work="$(mktemp -d /tmp/cairn-madmin.XXXXXX)"
server_pid=""
set_pid=""
cleanup() {
  for pid in $server_pid $set_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

echo "building the madmin-go check"
(cd "$here" && GOPATH=/usr/share/gocode GO111MODULE=off GOCACHE="${GOCACHE:-$work/gocache}" \
  go build -o "$work/madmin-check" .) || { echo "FAIL: the madmin-go check does not build" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port="$(free_port)"
console_port="$(free_port)"
root_user="madmin-root"
root_pass="madmin-root-secret"
mkdir -p "$work/data"
# HOME is the work folder: a ~/.minio/certs on this machine would turn the server to HTTPS.
HOME="$work" MINIO_ROOT_USER="$root_user" MINIO_ROOT_PASSWORD="$root_pass" \
  "$bin" server --address "127.0.0.1:$port" --console-address "127.0.0.1:$console_port" \
  "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!

wait_ready() {  # port pid log
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$1/minio/health/ready" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then
      echo "FAIL: the server exited at start" >&2; cat "$3" >&2; exit 1
    fi
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$1/minio/health/ready" >/dev/null ||
    { echo "FAIL: the server is not ready" >&2; cat "$3" >&2; exit 1; }
}
wait_ready "$port" "$server_pid" "$work/server.log"

if ! timeout 300 "$work/madmin-check" -endpoint "127.0.0.1:$port" -access "$root_user" \
  -secret "$root_pass" -data "$work/data"; then
  echo "--- server log" >&2
  tail -50 "$work/server.log" >&2
  exit 1
fi

set_port="$(free_port)"
set_console="$(free_port)"
mkdir -p "$work"/set/d{1,2,3,4}
# Small blocks and quick drive checks keep the heals short.
HOME="$work" MINIO_ROOT_USER="$root_user" MINIO_ROOT_PASSWORD="$root_pass" \
  CAIRN_ERASURE_BLOCK_SIZE=65536 CAIRN_DRIVE_CHECK_MS=200 CAIRN_HEAL_PAUSE_MS=0 \
  "$bin" server --address "127.0.0.1:$set_port" --console-address "127.0.0.1:$set_console" \
  "$work/set/d{1...4}" >"$work/set.log" 2>&1 &
set_pid=$!
wait_ready "$set_port" "$set_pid" "$work/set.log"
if ! timeout 300 "$work/madmin-check" -mode set -endpoint "127.0.0.1:$set_port" \
  -access "$root_user" -secret "$root_pass" \
  -drives "$work/set/d1,$work/set/d2,$work/set/d3,$work/set/d4"; then
  echo "--- server log (4 drives)" >&2
  tail -50 "$work/set.log" >&2
  exit 1
fi
