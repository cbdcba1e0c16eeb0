#!/usr/bin/env bash
# The RADOS back ends (src/storage/rados_blobs, src/storage/rados_index) on a real cluster: starts
# a one-node dev cluster of its own (scripts/ceph-dev.sh, own folder and monitor port), runs the
# storage unit tests that need one (RadosBlobStoreTest, RadosIndexTest, and the blob store and
# index conformance suites' rados back ends) with CAIRN_TEST_CEPH_CONF set, and fails unless
# they ran and passed. Purges the cluster after.
#   tests/ceph/rados_test.sh [build dir, default build]
set -euo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
bin="$build/tests/unit/storage/storage_test"
export CEPH_DEV_DIR="$(mktemp -d)/ceph" CEPH_DEV_PORT="${CEPH_DEV_PORT:-16790}" CEPH_DEV_OSD_GIB=4
trap 'scripts/ceph-dev.sh purge >/dev/null 2>&1 || true; rm -rf "$(dirname "$CEPH_DEV_DIR")"' EXIT
fail() { echo "rados test: FAIL: $*" >&2; exit 1; }

if ! command -v ceph-mon >/dev/null; then
  [[ "${CI:-}" == true ]] && fail "ceph-mon is not installed"
  echo "rados test: skipped (ceph-mon not installed)"; exit 0
fi
[[ -x "$bin" ]] || fail "$bin not built"

conf=$(scripts/ceph-dev.sh start)
out="$(dirname "$CEPH_DEV_DIR")/gtest.out"
if ! CAIRN_TEST_CEPH_CONF="$conf" timeout 300 "$bin" \
    --gtest_filter='*RadosBlobStoreTest*:*RadosIndexTest*:*rados*' >"$out" 2>&1; then
  tail -60 "$out" >&2
  fail "the RADOS tests failed"
fi
passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\?.*/\1/p' "$out")
grep -q "SKIPPED" "$out" && { tail -30 "$out" >&2; fail "some RADOS tests skipped"; }
(( ${passed:-0} >= 24 )) || { tail -30 "$out" >&2; fail "only ${passed:-0} RADOS tests ran"; }
echo "rados test: ok ($passed tests on a one-node cluster)"
