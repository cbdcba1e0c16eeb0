#!/usr/bin/env bash
# scripts/ceph-dev.sh works: a cluster comes up in under a minute, takes and returns an object
# through librados (the `rados` tool), keeps it across stop/start, and purge leaves nothing.
# Runs on its own folder and monitor port, so a developer's cluster is left alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CEPH_DEV_DIR="$(mktemp -d)/ceph" CEPH_DEV_PORT="${CEPH_DEV_PORT:-16789}" CEPH_DEV_OSD_GIB=2
trap 'scripts/ceph-dev.sh purge || true; rm -rf "$(dirname "$CEPH_DEV_DIR")"' EXIT
fail() { echo "ceph dev cluster test: FAIL: $*" >&2; exit 1; }
# A command failing under set -e says which, with the daemons' last log lines (CI saw a silent 250).
on_error() {
  local rc=$? line=$1
  echo "ceph dev cluster test: FAIL: line $line exited $rc: $BASH_COMMAND" >&2
  for f in "$CEPH_DEV_DIR"/log/*.log; do
    [[ -f "$f" ]] && { echo "--- $f" >&2; tail -15 "$f" >&2; }
  done
  exit "$rc"
}
trap 'on_error $LINENO' ERR

if ! command -v ceph-mon >/dev/null; then
  [[ "${CI:-}" == true ]] && fail "ceph-mon is not installed"
  echo "ceph dev cluster test: skipped (ceph-mon not installed)"; exit 0
fi

t0=$(date +%s)
conf=$(scripts/ceph-dev.sh start)
elapsed=$(( $(date +%s) - t0 ))
(( elapsed < 60 )) || fail "start took ${elapsed}s"
[[ "$conf" == "$CEPH_DEV_DIR/ceph.conf" ]] || fail "start printed '$conf'"
grep -q "127.0.0.1:$CEPH_DEV_PORT" "$conf" || fail "the monitor is not on loopback port $CEPH_DEV_PORT"

timeout 30 ceph -c "$conf" health | grep -q HEALTH_OK || fail "health: $(ceph -c "$conf" health)"
for try in 1 2 3; do  # the first call after start may meet a monitor still electing itself
  timeout 30 ceph -c "$conf" osd pool create devtest 8 >/dev/null 2>&1 && break
  (( try < 3 )) || fail "osd pool create failed 3 times"
  sleep 2
done
body="$(dirname "$CEPH_DEV_DIR")/body"
head -c 1048577 /dev/urandom >"$body"
timeout 30 rados -c "$conf" -p devtest put obj "$body"
cmp <(timeout 30 rados -c "$conf" -p devtest get obj -) "$body" || fail "object read back differs"

scripts/ceph-dev.sh stop
pgrep -f "ceph-(mon|osd) -c $conf" >/dev/null && fail "daemons still running after stop"
scripts/ceph-dev.sh start >/dev/null
cmp <(timeout 30 rados -c "$conf" -p devtest get obj -) "$body" || fail "object lost across stop/start"

scripts/ceph-dev.sh purge
[[ ! -e "$CEPH_DEV_DIR" ]] || fail "purge left $CEPH_DEV_DIR"
pgrep -f "ceph-(mon|osd) -c $conf" >/dev/null && fail "daemons still running after purge"
echo "ceph dev cluster test: ok (start ${elapsed}s)"
