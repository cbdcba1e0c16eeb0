#!/usr/bin/env bash
# The RADOS back ends on a real cluster: starts a one-node dev cluster of its own
# (scripts/ceph-dev.sh, own folder and monitor port), then
#  1. the storage unit tests that need one (RadosBlobStoreTest, RadosIndexTest, RadosLeaseTest,
#     and the blob store and index conformance suites' rados back ends) with
#     CAIRN_TEST_CEPH_CONF set;
#  2. the integration suites that matter (objects, listing, multipart, versioning, policies,
#     IAM, lifecycle, usage) a second time, each server on `rados://cairn-it/<its own namespace>`
#     (CAIRN_TEST_STORE=rados);
#  3. two gateways on one namespace (tests/ceph/test_rados_gateways.py).
# Fails unless they all ran and passed. Purges the cluster after.
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
    --gtest_filter='*BucketShardedIndexTest*:*RadosBlobStoreTest*:*RadosIndexTest*:*RadosLeaseTest*:*RadosClusterTest*:*RadosWatchTest*:*RadosStoreTest*:*rados*' >"$out" 2>&1; then
  tail -60 "$out" >&2
  fail "the RADOS tests failed"
fi
passed=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) tests\?.*/\1/p' "$out")
grep -q "SKIPPED" "$out" && { tail -30 "$out" >&2; fail "some RADOS tests skipped"; }
(( ${passed:-0} >= 44 )) || { tail -30 "$out" >&2; fail "only ${passed:-0} RADOS tests ran"; }
echo "rados test: ok ($passed unit tests on a one-node cluster)"

export CAIRN_BIN="$PWD/$build/cairn" CAIRN_TEST_CEPH_CONF="$conf" CAIRN_TEST_RADOS_POOL=cairn-it
[[ -x "$CAIRN_BIN" ]] || fail "$CAIRN_BIN not built"
suites=(test_objects test_listing test_multipart test_versioning test_bucket_policy test_iam
  test_lifecycle test_usage test_buckets test_delete)
if ! (cd tests/integration && CAIRN_TEST_STORE=rados timeout 900 \
      "${PYTHON:-/root/.pyenv/shims/python3}" -m unittest "${suites[@]}" >"$out" 2>&1); then
  tail -80 "$out" >&2
  fail "the integration suites failed on rados://"
fi
grep -q "skipped" "$out" && { tail -30 "$out" >&2; fail "integration tests skipped on rados://"; }
echo "rados test: $(grep -E '^Ran [0-9]+ tests' "$out") on rados:// (${suites[*]})"
if ! (cd tests/ceph && timeout 600 "${PYTHON:-/root/.pyenv/shims/python3}" -m unittest \
      test_rados_gateways -v >"$out" 2>&1); then
  tail -80 "$out" >&2
  fail "two gateways on one pool failed"
fi
echo "rados test: two gateways: $(grep -E '^Ran [0-9]+ tests' "$out")"
