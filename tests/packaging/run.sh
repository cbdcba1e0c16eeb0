#!/usr/bin/env bash
# The container image and the examples' compose files, really built and run (podman as root):
#
#   1. a Debian 12 base image made locally with debootstrap (no registry is reachable where the
#      tests run), cached as a tarball under $CAIRN_TEST_CACHE (default /var/cache/cairn-test),
#      remade when older than 30 days or when the debootstrap arguments change;
#   2. packaging/Dockerfile built with `--target prebuilt` from build/cairn (CI compiles once),
#      and a PostgreSQL 15 stand-in for postgres:15 (tests/packaging/postgres) on the same base;
#   3. the image on the host network on free 127.0.0.1 ports with a named volume and the root
#      password from a _FILE: boto3 put/get/list, the host `cairn` client (alias set, ls, cp),
#      the server's uid, `podman healthcheck run`; then a new container on the same volume reads
#      the object back;
#   4. both examples' docker-compose.yml under podman-compose, with an override file that only
#      swaps the images (tests/packaging/*.override.yml), inside a network namespace of the test's
#      own: the examples publish 9000/9001/5432 as their users get them, on that namespace's
#      127.0.0.1, so nothing is bound on the machine's ports. Health checks pass, data written
#      before `down` is read back after `up`.
#
# Every step is bounded with `timeout`; containers, volumes, networks, images and the namespace
# are removed on exit. Under CI=true a missing prerequisite fails; elsewhere it skips.
#   CAIRN_BIN=build/cairn tests/packaging/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
CAIRN_BIN=${CAIRN_BIN:-$ROOT/build/cairn}
CACHE=${CAIRN_TEST_CACHE:-/var/cache/cairn-test}
APP_PY=${PACKAGING_PYTHON:-/usr/bin/python3}  # Debian's python3-boto3 and python3-psycopg2
START=$SECONDS

missing() {
  if [[ "${CI:-}" == "true" ]]; then
    echo "FAIL: tests/packaging needs $*" >&2
    exit 1
  fi
  echo "SKIP: tests/packaging needs $* (CI=true makes this a failure)"
  exit 0
}
[[ $(id -u) -eq 0 ]] || missing "root (podman runs as root here: scripts/install-deps.sh --test)"
for tool in podman podman-compose buildah runc debootstrap nsenter unshare flock ip curl systemd-analyze; do
  command -v "$tool" >/dev/null || missing "$tool (scripts/install-deps.sh --test)"
done
[[ -x /usr/lib/cni/dnsname ]] || missing "the CNI dnsname plugin (golang-github-containernetworking-plugin-dnsname)"
"$APP_PY" -c 'import boto3, psycopg2' 2>/dev/null || missing "$APP_PY with boto3 and psycopg2"
[[ -x "$CAIRN_BIN" ]] || missing "a cairn binary at $CAIRN_BIN (scripts/build.sh --target cairn)"
CAIRN_BIN=$(realpath "$CAIRN_BIN")

step() { printf '== packaging [%3ss] %s\n' "$((SECONDS - START))" "$*"; }
T() { timeout "$@"; }  # T SECONDS COMMAND...: every step bounded

ID="cairntest$$"
WORK=$(mktemp -d "/tmp/cairn-packaging.XXXXXX")
NS="$ID"                             # network namespace for the compose stacks
IN_NS=(nsenter "--net=/run/netns/$NS")
IMAGE="localhost/$ID:cairn"
PG_IMAGE="localhost/$ID:postgres"
BASE="localhost/$ID:base"
FRAMES="${ID}frames"
STUDY="${ID}study"

# podman as this machine needs it (../shared/notes/containers.md), without touching /etc: runc
# with cgroupfs, ulimits within the hard limits, the host network unless told otherwise.
nofile=$(ulimit -Hn); [[ "$nofile" == unlimited || "$nofile" -gt 65536 ]] && nofile=65536
nproc=$(ulimit -Hu); [[ "$nproc" == unlimited || "$nproc" -gt 4096 ]] && nproc=4096
cat >"$WORK/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
netns = "host"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
export CONTAINERS_CONF="$WORK/containers.conf"

cleanup() {
  local rc=$?
  set +e
  if ((rc != 0)); then
    for log in "$WORK"/*.log; do
      [[ -f "$log" ]] && { echo "---- $log (tail)"; tail -n 40 "$log"; }
    done
  fi
  for c in "$ID-a" "$ID-b"; do T 60 podman rm -f -v -t 5 "$c" >/dev/null 2>&1; done
  T 30 podman volume rm -f "$ID-data" >/dev/null 2>&1
  if [[ -e "/run/netns/$NS" ]]; then
    # Container networks live in the namespace: tear them down from inside it.
    for p in "$FRAMES" "$STUDY"; do
      for c in $(podman ps -aq --filter "label=io.podman.compose.project=$p"); do
        T 60 "${IN_NS[@]}" podman rm -f -v -t 5 "$c" >/dev/null 2>&1
      done
      for v in $(podman volume ls -q --filter "label=io.podman.compose.project=$p"); do
        T 30 podman volume rm -f "$v" >/dev/null 2>&1
      done
      T 30 "${IN_NS[@]}" podman network rm -f "${p}_default" >/dev/null 2>&1
      # dnsname's dnsmasq for that network, if the last container's teardown left it running.
      local pidfile="/run/containers/cni/dnsname/${p}_default/pidfile"
      [[ -f "$pidfile" ]] && kill "$(cat "$pidfile")" 2>/dev/null
    done
    ip netns del "$NS"
  fi
  for i in "$IMAGE" "$PG_IMAGE" "$BASE"; do T 60 podman rmi -f "$i" >/dev/null 2>&1; done
  rm -rf "$WORK"
  ((rc == 0)) && step "passed" || echo "== packaging FAILED (exit $rc)" >&2
  exit $rc
}
trap cleanup EXIT

# ---- 1. the local Debian base ---------------------------------------------------------------
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
key=$(printf '%s\n' "$SUITE" minbase "$MIRROR" | sha256sum | cut -c1-12)
TARBALL="$CACHE/debian-$SUITE-minbase-$key.tar"
mkdir -p "$CACHE"
(
  flock -w 900 9 || { echo "another run holds $CACHE/lock" >&2; exit 1; }
  if [[ -z $(find "$TARBALL" -mtime -30 2>/dev/null) ]]; then
    step "debootstrap --variant=minbase $SUITE (cold cache: a few minutes)"
    rootfs="$CACHE/rootfs.$$"
    rm -rf "$rootfs"
    T 900 debootstrap --variant=minbase "$SUITE" "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    T 300 tar -C "$rootfs" -cf "$TARBALL.tmp" .
    mv "$TARBALL.tmp" "$TARBALL"
    rm -rf "$rootfs"
  fi
) 9>"$CACHE/lock"
step "podman import $TARBALL"
T 300 podman import "$TARBALL" "$BASE" >"$WORK/import.log" 2>&1

# ---- 2. the images ----------------------------------------------------------------------------
# The documented fast path: the repository as context, only build/cairn from the build folder
# (.dockerignore). A binary elsewhere goes into a context of its own.
if [[ "$CAIRN_BIN" == "$ROOT/build/cairn" ]]; then
  context=$ROOT binary=build/cairn
else
  context="$WORK/context" binary=cairn
  mkdir -p "$context" && cp "$CAIRN_BIN" "$context/cairn"
fi
step "podman build --target prebuilt (packaging/Dockerfile)"
T 600 podman build --format docker --isolation chroot --pull=never --target prebuilt \
  --build-arg "BASE_IMAGE=$BASE" --build-arg "CAIRN_BINARY=$binary" \
  -t "$IMAGE" -f "$ROOT/packaging/Dockerfile" "$context" >"$WORK/build.log" 2>&1
step "podman build tests/packaging/postgres (the stand-in for postgres:15)"
T 600 podman build --format docker --isolation chroot --pull=never --build-arg "BASE_IMAGE=$BASE" \
  -t "$PG_IMAGE" "$ROOT/tests/packaging/postgres" >"$WORK/build-postgres.log" 2>&1

expect() {  # expect WHAT GOT WANTED
  [[ "$2" == "$3" ]] || { echo "FAIL: $1 is '$2', expected '$3'" >&2; exit 1; }
}
inspect() { podman image inspect --format "$1" "$IMAGE"; }
expect "image user" "$(inspect '{{.Config.User}}')" "cairn:cairn"
expect "entrypoint" "$(inspect '{{json .Config.Entrypoint}}')" '["cairn"]'
expect "cmd" "$(inspect '{{json .Config.Cmd}}')" '["server","/data","--console-address",":9001"]'
expect "volumes" "$(inspect '{{json .Config.Volumes}}')" '{"/data":{}}'
expect "exposed ports" "$(inspect '{{json .Config.ExposedPorts}}')" '{"9000/tcp":{},"9001/tcp":{}}'
expect "health check" "$(inspect '{{json .Config.Healthcheck.Test}}')" '["CMD","cairn","ready","local"]'
T 60 podman run --rm --network none "$IMAGE" --help >/dev/null  # every library is there

# ---- 3. the image alone: host network, free loopback ports, a named volume ----------------------
free_port() { "$APP_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() {  # wait_ready URL SECONDS
  local deadline=$((SECONDS + $2))
  until curl -fsS -m 2 -o /dev/null "$1/minio/health/ready" 2>/dev/null; do
    ((SECONDS < deadline)) || { echo "FAIL: $1 not ready after $2s" >&2; return 1; }
    sleep 0.5
  done
}
wait_healthy() {  # wait_healthy CONTAINER SECONDS [nsenter...]: the image's or compose's check
  local c=$1 deadline=$((SECONDS + $2))
  shift 2
  until T 30 "$@" podman healthcheck run "$c" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { echo "FAIL: $c unhealthy after the deadline" >&2; return 1; }
    sleep 1
  done
  # (podman's own interval timer needs systemd, absent here: the check is run on demand.)
  expect "health of $c" "$(podman inspect --format '{{.State.Health.Status}}' "$c")" healthy
}
server_uid() { podman exec "$1" sh -c 'grep "^Uid:" /proc/1/status' | awk '{print $2}'; }

PORT=$(free_port) CONSOLE=$(free_port)
URL="http://127.0.0.1:$PORT"
PASSWORD="pkg-$RANDOM-secret"
printf '%s\n' "$PASSWORD" >"$WORK/root_password" && chmod 0444 "$WORK/root_password"
T 60 podman volume create "$ID-data" >/dev/null
step "podman run $IMAGE on 127.0.0.1:$PORT (password from MINIO_ROOT_PASSWORD_FILE)"
# The image's CMD with the addresses moved to free loopback ports; the health check's alias
# follows the port through CAIRN_HOST_local, as the examples' compose files set it.
T 60 podman run -d --name "$ID-a" --network host -v "$ID-data:/data" \
  -v "$WORK/root_password:/run/secrets/root_password:ro" \
  -e MINIO_ROOT_USER=packager -e MINIO_ROOT_PASSWORD_FILE=/run/secrets/root_password \
  -e MINIO_ADDRESS="127.0.0.1:$PORT" -e "CAIRN_HOST_local=http://packager:$PASSWORD@127.0.0.1:$PORT" \
  "$IMAGE" server /data --console-address "127.0.0.1:$CONSOLE" >/dev/null 2>"$WORK/run-a.log"
wait_ready "$URL" 30
wait_healthy "$ID-a" 40
expect "server uid" "$(server_uid "$ID-a")" 10001
expect "/data owner" "$(podman exec "$ID-a" stat -c %u:%g /data)" 10001:10001
T 10 curl -fsS -o /dev/null "http://127.0.0.1:$CONSOLE/"  # the console answers
T 60 "$APP_PY" tests/packaging/drive.py s3-write "$URL" packager "$PASSWORD" pkg-bucket hello.txt "hello from a container"

step "host cairn client: alias set, ls, cp"
export CAIRN_CONFIG_DIR="$WORK/cairn-config"
T 30 "$CAIRN_BIN" alias set pkg "$URL" packager "$PASSWORD" >/dev/null
T 30 "$CAIRN_BIN" ls pkg/pkg-bucket | grep -q "hello.txt" || { echo "FAIL: cairn ls lacks hello.txt" >&2; exit 1; }
head -c 300000 /dev/urandom >"$WORK/upload.bin"
T 60 "$CAIRN_BIN" cp "$WORK/upload.bin" pkg/pkg-bucket/upload.bin >/dev/null
T 60 "$CAIRN_BIN" cp pkg/pkg-bucket/upload.bin "$WORK/download.bin" >/dev/null
cmp "$WORK/upload.bin" "$WORK/download.bin"

step "stop, then a new container on the same volume"
T 60 podman stop -t 30 "$ID-a" >/dev/null 2>>"$WORK/run-a.log"
expect "exit code after SIGTERM" "$(podman inspect --format '{{.State.ExitCode}}' "$ID-a")" 0
T 60 podman rm -v "$ID-a" >/dev/null 2>>"$WORK/run-a.log"
T 60 podman run -d --name "$ID-b" --network host -v "$ID-data:/data" \
  -e MINIO_ROOT_USER=packager -e MINIO_ROOT_PASSWORD="$PASSWORD" -e MINIO_ADDRESS="127.0.0.1:$PORT" \
  "$IMAGE" server /data --console-address "127.0.0.1:$CONSOLE" >/dev/null 2>"$WORK/run-b.log"
wait_ready "$URL" 30
T 60 "$APP_PY" tests/packaging/drive.py s3-read "$URL" packager "$PASSWORD" pkg-bucket hello.txt "hello from a container"
T 60 "$CAIRN_BIN" cat pkg/pkg-bucket/upload.bin | cmp - "$WORK/upload.bin"
T 60 podman rm -f -v -t 30 "$ID-b" >/dev/null 2>>"$WORK/run-b.log"
T 30 podman volume rm "$ID-data" >/dev/null

# ---- 4. the examples' compose files under podman-compose ---------------------------------------
ip netns add "$NS"
ip -n "$NS" link set lo up
export CAIRN_TEST_IMAGE="$IMAGE" CAIRN_TEST_POSTGRES_IMAGE="$PG_IMAGE"
compose() {  # compose PROJECT EXAMPLE ARGS...: podman-compose in the test's namespace
  local project=$1 example=$2
  shift 2
  T 300 "${IN_NS[@]}" podman-compose -p "$project" -f "examples/$example/docker-compose.yml" \
    -f "tests/packaging/$example.override.yml" "$@" >>"$WORK/compose-$example.log" 2>&1
}
in_ns() { T 120 "${IN_NS[@]}" "$@"; }
volume_survives() {  # volume_survives VOLUME: after `down`, the volume is still there
  podman volume exists "$1" || { echo "FAIL: volume $1 did not survive down" >&2; exit 1; }
}
ENDPOINT=http://127.0.0.1:9000  # the examples' published port, inside the namespace
DSN="host=127.0.0.1 port=5432 user=frames password=frames dbname=frames"

step "session-frames: podman-compose up (cairn + PostgreSQL)"
compose "$FRAMES" session-frames up -d --no-build
wait_healthy "${FRAMES}_cairn_1" 90 "${IN_NS[@]}"
wait_healthy "${FRAMES}_postgres_1" 90 "${IN_NS[@]}"
expect "compose server uid" "$(server_uid "${FRAMES}_cairn_1")" 10001
in_ns "$APP_PY" tests/packaging/drive.py s3-write "$ENDPOINT" minioadmin minioadmin123 frames-check frame.bin "frame 1"
in_ns "$APP_PY" tests/packaging/drive.py pg-write "$DSN" "session 1"
step "session-frames: down, up, read back"
compose "$FRAMES" session-frames down
volume_survives "${FRAMES}_cairn_data"
volume_survives "${FRAMES}_postgres_data"
compose "$FRAMES" session-frames up -d --no-build
wait_healthy "${FRAMES}_cairn_1" 90 "${IN_NS[@]}"
wait_healthy "${FRAMES}_postgres_1" 90 "${IN_NS[@]}"
in_ns "$APP_PY" tests/packaging/drive.py s3-read "$ENDPOINT" minioadmin minioadmin123 frames-check frame.bin "frame 1"
in_ns "$APP_PY" tests/packaging/drive.py pg-read "$DSN" "session 1"
compose "$FRAMES" session-frames down -v

# podman-compose 1.0.3 starts services in order but does not wait for `condition:
# service_healthy`, which the example's cairn-setup depends on; `docker compose up` does. So the
# test does what Docker Compose would: cairn first, until healthy, then the whole file.
study_up() {
  compose "$STUDY" ensure-study up -d --no-build cairn
  wait_healthy "${STUDY}_cairn_1" 90 "${IN_NS[@]}"
  compose "$STUDY" ensure-study up -d --no-build
  expect "cairn-setup's exit code" "$(T 120 podman wait "${STUDY}_cairn-setup_1")" 0
  # The one-shot job also got an anonymous volume for the image's /data, which `down` leaves.
  T 60 "${IN_NS[@]}" podman rm -v "${STUDY}_cairn-setup_1" >/dev/null 2>>"$WORK/compose-ensure-study.log"
}
step "ensure-study: podman-compose up (cairn, then setup.sh in the image)"
study_up
expect "compose server uid" "$(server_uid "${STUDY}_cairn_1")" 10001
in_ns "$APP_PY" tests/packaging/drive.py ensure-study "$ENDPOINT"
step "ensure-study: down, up (setup.sh again), read back"
compose "$STUDY" ensure-study down
volume_survives "${STUDY}_cairn_data"
study_up
in_ns "$APP_PY" tests/packaging/drive.py s3-read "$ENDPOINT" ensure-study ensure-study-secret \
  ensure-study-documents classrooms/c1/thumbnails/d1_thumb.png thumb
compose "$STUDY" ensure-study down -v

# ---- 5. the systemd unit --------------------------------------------------------------------------
step "systemd-analyze verify packaging/systemd/cairn.service"
T 120 tests/packaging/verify-systemd.sh "$CAIRN_BIN"
