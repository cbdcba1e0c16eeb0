#!/usr/bin/env bash
# Installs every Debian package Cairn needs to build, test and benchmark (Debian 12, as root or
# with sudo). Safe to run again: apt skips what is already there.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config clang-format
  libboost-dev libssl-dev librocksdb-dev libisal-dev libhighwayhash-dev libxxhash-dev librados-dev
  libpugixml-dev nlohmann-json3-dev
  libcli11-dev libspdlog-dev libfmt-dev libcurl4-openssl-dev zlib1g-dev libargon2-dev
  libgtest-dev libgmock-dev libbenchmark-dev libgoogle-perftools-dev
)
# Node.js (>= 20.19, for Vite) builds the web console embedded in the binary, and runs the
# JavaScript tests: the machine's own if present, else Debian's.
command -v node >/dev/null || packages+=(nodejs npm)
if [[ "${1:-}" == "--test" ]]; then
  # Integration tests, crash test and benchmarks: reference servers and tools.
  packages+=(nginx-light fio curl procps)
  # tests/integration/test_acl.py: s3cmd, as apps run it (s3cmd setacl --acl-public).
  packages+=(s3cmd)
  # Example applications (examples/): PostgreSQL and Debian's Python drivers for /usr/bin/python3.
  packages+=(postgresql python3-psycopg2 python3-boto3 python3-yaml)
  # tests/integration/madmin_payload.py: madmin's encrypted admin bodies (AES-GCM, ChaCha20,
  # Argon2id), computed by /usr/bin/python3 with Debian's packages (PyPI is out of reach).
  packages+=(python3-cryptography python3-argon2)
  packages+=(chromium)  # tests/browser, tests/console: playwright-core drives Debian's chromium
  packages+=(clang-14 libclang-rt-14-dev)  # tests/fuzz: libFuzzer, ASan and UBSan
  # tests/madmin: MinIO's admin client and S3 client, built in GOPATH mode from Debian's sources.
  packages+=(golang-go golang-github-minio-madmin-go-dev golang-github-minio-minio-go-v7-dev
    golang-github-secure-io-sio-go-dev)
  # tests/packaging: the image built and run under podman as root (runc, cgroupfs), a Debian base
  # made with debootstrap, the examples' compose files under podman-compose (dnsname: service
  # names resolve on compose networks), `systemd-analyze verify` for the unit.
  # scripts/ceph-dev.sh: a one-node Ceph cluster (monitor, bluestore OSD) for the RADOS back end.
  packages+=(ceph-mon ceph-osd ceph-common)
  packages+=(podman buildah runc debootstrap podman-compose
    golang-github-containernetworking-plugin-dnsname systemd iproute2 util-linux)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
