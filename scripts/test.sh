#!/usr/bin/env bash
# Installs, builds and runs every test: unit tests (ctest), integration tests against the real
# binary (boto3, AWS CLI, AWS SDK for JavaScript v3, minio npm), and the kill -9 crash test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
PY=${PYTHON:-/root/.pyenv/shims/python3}
[[ -x "$PY" ]] || PY=python3
export PATH="$(dirname "$PY"):$PATH"

echo "== unit tests"
ctest --test-dir build --output-on-failure -j"$(nproc)" --timeout 300

echo "== fuzz (short run)"
timeout 480 tests/fuzz/run.sh 15

echo "== integration tests (Node.js first: its npm packages also serve test_presigned; AWS SDK v3, lib-storage, minio)"
CAIRN_BIN="$PWD/build/cairn" timeout 900 tests/integration/js/run.sh

echo "== integration tests"
CAIRN_BIN="$PWD/build/cairn" timeout 1200 "$PY" -m unittest discover -s tests/integration -p 'test_*.py' -v

echo "== madmin-go (MinIO admin API v3)"; CAIRN_BIN="$PWD/build/cairn" timeout 600 tests/madmin/run.sh

echo "== browser test (chromium + playwright-core: presigned PUT, form POST, CORS)"
CAIRN_BIN="$PWD/build/cairn" timeout 900 tests/browser/run.sh

echo "== console end-to-end tests (headless Chromium)"
CAIRN_BIN="$PWD/build/cairn" timeout 900 tests/console/run.sh

echo "== crash test"
CAIRN_BIN="$PWD/build/cairn" timeout 600 "$PY" tests/crash/crash_test.py --rounds 5
echo "== example applications (session frames, ensure-study)"
CAIRN_BIN="$PWD/build/cairn" PYTHON="$PY" timeout 2400 examples/run-tests.sh

echo "== one-node Ceph cluster (scripts/ceph-dev.sh start, librados round trip, stop/start, purge)"
timeout 300 tests/ceph/dev_cluster_test.sh
echo "== RADOS blob store and index on a one-node cluster (storage_test's RADOS cases)"
timeout 300 tests/ceph/rados_test.sh build

echo "== packaging (image from build/cairn under podman, both examples' compose files, systemd unit)"
# About a minute with the Debian base cached under /var/cache/cairn-test; a cold cache adds
# a debootstrap of a few minutes.
CAIRN_BIN="$PWD/build/cairn" timeout 900 tests/packaging/run.sh

echo "== all tests passed"
