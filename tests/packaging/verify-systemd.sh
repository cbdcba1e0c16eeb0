#!/usr/bin/env bash
# packaging/systemd checked offline, without a running systemd (none runs in CI containers):
# `systemd-analyze verify` on cairn.service must print nothing (unknown keys, bad paths and
# missing units are only warnings to it, so any output fails), `systemd-analyze security
# --offline` must rate its exposure at most 3.0 ("OK"), and cairn.default and cairn.sysusers must
# parse. The unit's AssertFileIsExecutable/ExecStart name /usr/local/bin/cairn, so the binary
# is put there in a private mount namespace (a tmpfs over /usr/local/bin), leaving the machine as
# it was.
#   tests/packaging/verify-systemd.sh [CAIRN_BIN]
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${1:-build/cairn}")
UNIT=packaging/systemd/cairn.service
[[ -x "$BIN" ]] || { echo "FAIL: no cairn binary at $BIN" >&2; exit 1; }

out=$(timeout 60 unshare -m sh -c '
  mount -t tmpfs cairn-verify /usr/local/bin && cp "$1" /usr/local/bin/cairn &&
  systemd-analyze verify "$2" 2>&1 &&
  systemd-analyze security --offline=true --threshold=30 --no-pager "$2" >/dev/null 2>&1 ||
    { echo "systemd-analyze security --offline rates $2 above 3.0 (or failed)"; exit 1; }' \
  verify "$BIN" "$UNIT") || { echo "FAIL: $out" >&2; exit 1; }
[[ -z "$out" ]] || { echo "FAIL: systemd-analyze verify $UNIT:"$'\n'"$out" >&2; exit 1; }

# The environment file: shell-style assignments of MinIO's four variables, nothing else.
vars=$(env -i bash -c 'set -a; . packaging/systemd/cairn.default; env' | cut -d= -f1 | sort |
  grep -v -x -e PWD -e SHLVL -e _ | tr '\n' ' ')
[[ "$vars" == "MINIO_OPTS MINIO_ROOT_PASSWORD MINIO_ROOT_USER MINIO_VOLUMES " ]] ||
  { echo "FAIL: cairn.default sets: $vars" >&2; exit 1; }
# The sysusers line makes the user the unit names.
grep -Eq '^u cairn - ' packaging/systemd/cairn.sysusers
grep -qx 'User=cairn' "$UNIT"
echo "systemd unit: verify clean, exposure within 3.0, environment file and user consistent"
