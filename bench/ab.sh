#!/usr/bin/env bash
# Interleaved A/B of 4 KiB GETs: several cairn binaries (and nginx) under the same s3load
# command, one after the other in each round, the order rotating between rounds. Prints one
# line per run (ops/s, p50/p99, server CPU µs per request) and a median (min-max) summary.
#
#   bench/ab.sh NAME=BINARY [NAME=BINARY...]
#   ROUNDS=3 DURATION=5s CONCURRENCY="16 64 256" NGINX=1 bench/ab.sh old=/tmp/old/cairn new=build/cairn
#
# On a shared 2-core machine one run is not a result: compare medians of interleaved rounds.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5s}"
CONCURRENCY="${CONCURRENCY:-16 64 256}"
NGINX="${NGINX:-1}"
S3LOAD="${S3LOAD:-$REPO/build/s3load/s3load}"
PY="${PYTHON:-/root/.pyenv/shims/python3}"
[[ -x "$PY" ]] || PY=python3
AK=benchadmin SK=bench-secret-key-123 BUCKET=bench
(($# > 0)) || { sed -n '2,9p' "$0" >&2; exit 2; }
if [[ ! -x "$S3LOAD" ]]; then
  cmake -S "$REPO/../shared/tools/s3load" -B "$REPO/build/s3load" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$REPO/build/s3load" -j2 >/dev/null
fi

WORK="$(mktemp -d /tmp/cairn-ab.XXXXXX)"
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ticks() {  # utime+stime of a pid and its children processes (nginx workers)
  local t=0 p
  for p in $1 $(pgrep -P "$1" | tr '\n' ' '); do
    t=$((t + $(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$p/stat")))
  done
  echo $t
}
wait_up() {
  for _ in $(seq 300); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1")" == 200 ]] && return 0
    sleep 0.1
  done
  echo "ab: $1 not ready" >&2
  exit 1
}
load() {  # port, args...
  "$S3LOAD" --endpoint "http://127.0.0.1:$1" --access-key $AK --secret-key $SK --bucket $BUCKET \
    --size 4KiB --objects 1000 --prefix g4k/ --timeout 30s --json "${@:2}" 2>/dev/null | tail -n 1
}

NAMES=() PORTS=() SPIDS=()
for spec in "$@"; do
  name=${spec%%=*} bin=${spec#*=}
  port=$(free_port)
  mkdir -p "$WORK/$name"
  MINIO_ROOT_USER=$AK MINIO_ROOT_PASSWORD=$SK "$bin" server --address 127.0.0.1:$port \
    --console-address 127.0.0.1:$(free_port) "$WORK/$name" >"$WORK/$name.log" 2>&1 </dev/null &
  PIDS+=($!)
  NAMES+=("$name") PORTS+=("$port") SPIDS+=($!)
  wait_up "http://127.0.0.1:$port/minio/health/ready"
  load $port --op get --create-bucket --duration 1ms >/dev/null
done
if [[ $NGINX == 1 ]]; then
  port=$(free_port)
  mkdir -p "$WORK/nginx" "$WORK/www"
  cat >"$WORK/nginx/nginx.conf" <<EOF
user root;
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  open_file_cache max=10000 inactive=60s;
  open_file_cache_valid 60s;
  sendfile on;
  sendfile_max_chunk 0;
  tcp_nopush off;
  tcp_nodelay on;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path $WORK/nginx/cb;
  proxy_temp_path $WORK/nginx/p;
  fastcgi_temp_path $WORK/nginx/f;
  uwsgi_temp_path $WORK/nginx/u;
  scgi_temp_path $WORK/nginx/s;
  server { listen 127.0.0.1:$port; root $WORK/www; location / { } }
}
EOF
  "$S3LOAD" --access-key x --secret-key x --bucket $BUCKET --size 4KiB --objects 1000 --prefix g4k/ \
    --write-local "$WORK/www" 2>/dev/null
  chmod -R a+rX "$WORK/www"
  nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" </dev/null >/dev/null 2>&1 &
  PIDS+=($!)
  NAMES+=(nginx) PORTS+=("$port") SPIDS+=($!)
  wait_up "http://127.0.0.1:$port/$BUCKET/g4k/obj-00000000"
fi

echo "ab: load $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds of $DURATION at c=$CONCURRENCY" >&2
n=${#NAMES[@]}
for ((r = 1; r <= ROUNDS; r++)); do
  for c in $CONCURRENCY; do
    for ((k = 0; k < n; k++)); do
      i=$(((k + r - 1) % n))
      t0=$(ticks ${SPIDS[i]})
      j=$(load ${PORTS[i]} --op get --prepared --concurrency $c --duration $DURATION)
      t1=$(ticks ${SPIDS[i]})
      echo "$j" | "$PY" -c "
import json, os, sys
g = json.load(sys.stdin)['per_op']['GET']
ok = max(1, g.get('ok', 0))
us = ($t1 - $t0) / os.sysconf('SC_CLK_TCK') / ok * 1e6
print(f'r$r c=$c ${NAMES[i]} {g[\"ops_per_s\"]:.0f} {g[\"lat_ms\"][\"p50\"]:.2f} {g[\"lat_ms\"][\"p99\"]:.2f} {us:.1f} {g.get(\"err\", 0)}')
" | tee -a "$WORK/runs.txt"
    done
  done
done
echo "ab: load after $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$PY" - "$WORK/runs.txt" <<'EOF'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    r, c, name, ops, p50, p99, us, err = line.split()
    rows[(int(c[2:]), name)].append((float(ops), float(p99), float(us), int(err)))
def m(v, f="{:,.0f}"):
    return f"{f.format(statistics.median(v))} ({f.format(min(v))}-{f.format(max(v))})"
print("| conc | server | ops/s | p99 ms | CPU µs/req | errors |")
print("|---|---|---|---|---|---|")
for (c, name), v in sorted(rows.items()):
    print(f"| {c} | {name} | {m([x[0] for x in v])} | {m([x[1] for x in v], '{:.2f}')} | "
          f"{m([x[2] for x in v], '{:.1f}')} | {sum(x[3] for x in v)} |")
EOF
