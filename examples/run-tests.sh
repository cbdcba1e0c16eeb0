#!/usr/bin/env bash
# Installs what the examples need and runs their tests against build/cairn (or $CAIRN_BIN).
#
#   examples/run-tests.sh               both examples, the 1 GiB session included
#   CAIRN_LARGE_GIB=0.25 examples/...   a smaller "large" session for a quicker run
#
# session-frames runs under Debian's /usr/bin/python3 (python3-psycopg2, python3-boto3, python3-yaml are
# Debian packages, installed for that interpreter); ensure-study under $PYTHON (default the
# project's pyenv Python, as the integration tests) with boto3.
set -euo pipefail
cd "$(dirname "$0")"
EXAMPLES=$PWD
export CAIRN_BIN=${CAIRN_BIN:-$(cd .. && pwd)/build/cairn}
[[ -x "$CAIRN_BIN" ]] || { echo "no cairn binary at $CAIRN_BIN: build it first (scripts/build.sh --target cairn)" >&2; exit 1; }

# ---- Debian packages (as root, or through sudo) ---------------------------------------------
packages=(postgresql python3-psycopg2 python3-boto3 python3-yaml)
command -v node >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  echo "== installing ${missing[*]}"
  $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
    --no-install-recommends "${missing[@]}"
fi

# ---- npm: the Parquet writer and reader, pinned by the committed package-lock.json ----------
(cd session-frames/parquet && timeout 300 npm ci --no-audit --no-fund --loglevel=error)

APP_PY=${FRAMES_PYTHON:-/usr/bin/python3}
PY=${PYTHON:-/root/.pyenv/shims/python3}
[[ -x "$PY" ]] || PY=python3

echo "== examples: session-frames (Parquet in a bucket, metadata in PostgreSQL)"
(cd "$EXAMPLES/session-frames" &&
  timeout 1800 "$APP_PY" -W ignore::ResourceWarning -m unittest discover -s tests -t . -v)

echo "== examples: ensure-study (classroom platform)"
(cd "$EXAMPLES/ensure-study" &&
  timeout 600 "$PY" -W ignore::ResourceWarning -m unittest discover -s tests -t . -v)

echo "== examples: all tests passed"
