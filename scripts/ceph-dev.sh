#!/usr/bin/env bash
# A one-node Ceph cluster on loopback for tests and benchmarks: one monitor, one bluestore OSD on
# a sparse file, no cephx, pools of size 1. Debian's ceph-mon/ceph-osd (scripts/install-deps.sh).
#
#   scripts/ceph-dev.sh start    # prints the ceph.conf path; CEPH_CONF=that points clients at it
#   scripts/ceph-dev.sh stop     # stops the daemons, keeps the data
#   scripts/ceph-dev.sh purge    # stops and removes everything
#
# CEPH_DEV_DIR (default /tmp/cairn-ceph) holds the conf, the daemons' data and logs;
# CEPH_DEV_PORT (default 6789) is the monitor's port; CEPH_DEV_OSD_GIB (default 8) the OSD's
# sparse file size. Everything listens on 127.0.0.1 only.
set -euo pipefail
DIR="${CEPH_DEV_DIR:-/tmp/cairn-ceph}"
PORT="${CEPH_DEV_PORT:-6789}"
OSD_GIB="${CEPH_DEV_OSD_GIB:-8}"
CONF="$DIR/ceph.conf"
log() { printf 'ceph-dev: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

ceph_() { timeout 30 ceph -c "$CONF" "$@"; }

running() { [[ -f "$DIR/$1.pid" ]] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

write_conf() {
  local fsid=$1
  cat >"$CONF" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$PORT
public network = 127.0.0.0/8
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = false
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon allow pool delete = true
osd crush chooseleaf type = 0
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
mon warn on msgr2 not enabled = false
ms bind ipv4 = true
ms bind ipv6 = false
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
log file = $DIR/log/\$name.log
[mon]
mon data = $DIR/mon
mon cluster log file = $DIR/log/cluster.log
[osd]
osd data = $DIR/osd
osd objectstore = bluestore
bluestore block path = $DIR/osd-block
bluestore block create = true
bluestore block size = $((OSD_GIB << 30))
osd memory target = 1073741824
bluestore cache autotune = false
bluestore cache size = 134217728
osd op num shards = 1
osd op num threads per shard = 2
# The OSD is placed in the CRUSH map by start_osd; its own placement commands at start raced the
# monitor under load ("wrong fsid", CI), so it sends none.
osd crush update on start = false
osd class update on start = false
[client]
# Several clients at once (gateways, tests, the ceph CLI): an admin socket each.
admin socket = $DIR/run/\$name.\$pid.asok
CONF
}

first_start() {
  log "creating a cluster in $DIR"
  mkdir -p "$DIR"/{mon,osd,run,log}
  local fsid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  write_conf "$fsid"
  monmaptool --create --addv a "v1:127.0.0.1:$PORT" --fsid "$fsid" "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" >/dev/null
}

start_mon() {
  running mon && return
  ceph-mon -c "$CONF" -i a --pid-file "$DIR/mon.pid"
  for _ in $(seq 60); do ceph_ -s >/dev/null 2>&1 && return; sleep 0.5; done
  die "the monitor did not answer (see $DIR/log/mon.a.log)"
}

start_osd() {
  running osd && return
  if [[ ! -f "$DIR/osd/whoami" ]]; then
    local uuid
    uuid=$(cat /proc/sys/kernel/random/uuid)
    [[ "$(ceph_ osd new "$uuid")" == 0 ]] || die "ceph osd new did not give id 0"
    ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$uuid" >/dev/null 2>&1 ||
      die "ceph-osd --mkfs failed (see $DIR/log/osd.0.log)"
    ceph_ osd crush add osd.0 1.0 host=localhost root=default >/dev/null 2>&1 || true
  fi
  local try
  for try in 1 2 3; do  # a start that fails at init (a busy machine) is tried again
    if ceph-osd -c "$CONF" -i 0 --pid-file "$DIR/osd.pid"; then
      for _ in $(seq 120); do
        ceph_ osd dump 2>/dev/null | grep -q '^osd.0 up' && return
        sleep 0.5
        running osd || break
      done
    fi
    log "the OSD did not start (try $try; see $DIR/log/osd.0.log)"
    running osd && kill "$(cat "$DIR/osd.pid")" 2>/dev/null
    rm -f "$DIR/osd.pid"
    sleep 2
  done
  die "the OSD did not come up (see $DIR/log/osd.0.log)"
}

stop_all() {
  local d pid
  for d in osd mon; do
    running "$d" || continue
    pid=$(cat "$DIR/$d.pid")
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$DIR/$d.pid"
  done
}

case "${1:-}" in
  start)
    command -v ceph-mon >/dev/null || die "ceph-mon is not installed (scripts/install-deps.sh --test)"
    [[ -f "$CONF" ]] || first_start
    start_mon
    start_osd
    log "up: CEPH_CONF=$CONF"
    echo "$CONF"
    ;;
  stop) stop_all ;;
  purge) stop_all; rm -rf "$DIR" ;;
  *) echo "usage: $0 start|stop|purge" >&2; exit 2 ;;
esac
