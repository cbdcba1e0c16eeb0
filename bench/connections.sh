#!/usr/bin/env bash
# Connection scale: 4 KiB GETs at concurrency 64 (s3load) with IDLE idle keep-alive connections
# held open beside them, against the same load with none. Records ops/s, p50/p99, server peak
# RSS (VmHWM), RSS during the load and the thread count. Runs alternate (without, with,
# without, with, ...) ROUNDS times on one server; the report gives the median and the range.
#
#   bench/connections.sh                    # IDLE=10000 ROUNDS=3 DURATION=10s
#   IDLE=2000 ROUNDS=1 DURATION=3s bench/connections.sh
#
# Environment: CAIRN_BIN (default build/cairn), S3LOAD (default build/s3load/s3load), IDLE,
# ROUNDS, DURATION, CONCURRENCY (64), OUT (default: print only). 127.0.0.1 only; every
# process and temp dir is cleaned up on exit.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
IDLE="${IDLE:-10000}"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10s}"
CONCURRENCY="${CONCURRENCY:-64}"
CAIRN_BIN="${CAIRN_BIN:-$REPO/build/cairn}"
S3LOAD="${S3LOAD:-$REPO/build/s3load/s3load}"
PY="${PYTHON:-/root/.pyenv/shims/python3}"
[[ -x "$PY" ]] || PY=python3
OUT="${OUT:-}"
ACCESS_KEY=benchadmin
SECRET_KEY=bench-secret-key-123
BUCKET=bench

log() { printf '%s connections: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[[ -x "$CAIRN_BIN" ]] || die "no cairn binary at $CAIRN_BIN"
[[ -x "$S3LOAD" ]] || die "no s3load at $S3LOAD (cmake -S ../shared/tools/s3load -B build/s3load)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cairn-conn-bench.XXXXXX")"
CAIRN_PID=""
HOLDER_PID=""
cleanup() {
  local rc=$?
  set +e
  [[ -n "$HOLDER_PID" ]] && kill "$HOLDER_PID" 2>/dev/null && wait "$HOLDER_PID" 2>/dev/null
  if [[ -n "$CAIRN_PID" ]]; then
    kill -TERM "$CAIRN_PID" 2>/dev/null
    for ((i = 0; i < 250; i++)); do kill -0 "$CAIRN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$CAIRN_PID" 2>/dev/null
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
CPORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/data"
log "starting cairn on 127.0.0.1:$PORT"
MINIO_ROOT_USER=$ACCESS_KEY MINIO_ROOT_PASSWORD=$SECRET_KEY \
  "$CAIRN_BIN" server --address "127.0.0.1:$PORT" --console-address "127.0.0.1:$CPORT" \
  --idle-timeout 10m "$WORK/data" >"$WORK/cairn.log" 2>&1 </dev/null &
CAIRN_PID=$!
for ((i = 0; i < 300; i++)); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/minio/health/ready")" == 200 ]] && break
  kill -0 "$CAIRN_PID" 2>/dev/null || die "cairn exited: $(tail -5 "$WORK/cairn.log")"
  sleep 0.1
done

load() {  # extra s3load args...
  "$S3LOAD" --endpoint "http://127.0.0.1:$PORT" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
    --bucket "$BUCKET" --size 4KiB --objects 1000 --prefix g4k/ --json "$@" 2>"$WORK/s3load.err" | tail -n 1
}
log "uploading 1000 x 4 KiB"
load --op get --create-bucket --duration 1ms >/dev/null

# A helper that opens IDLE connections, makes one request on each (keep-alive, not just
# accepted), prints "ready", and holds them until killed (or 30 minutes pass).
cat >"$WORK/holder.py" <<'EOF'
import resource, socket, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 256), hard))
req = b"GET /minio/health/live HTTP/1.1\r\nHost: x\r\n\r\n"
socks = []
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(req)
    socks.append(s)
for s in socks:  # read every answer: each connection is now idle keep-alive
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = s.recv(4096)
        if not chunk:
            sys.exit("server closed an idle connection early")
        got += chunk
print("ready", flush=True)
deadline = time.monotonic() + 1800
while time.monotonic() < deadline:
    time.sleep(1)
EOF

status_kib() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$CAIRN_PID/status"; }
results="$WORK/results.txt"
: >"$results"
for ((round = 1; round <= ROUNDS; round++)); do
  for mode in none idle; do
    if [[ $mode == idle ]]; then
      log "round $round: opening $IDLE idle connections"
      "$PY" "$WORK/holder.py" "$PORT" "$IDLE" >"$WORK/holder.out" 2>&1 &
      HOLDER_PID=$!
      for ((i = 0; i < 1200; i++)); do
        grep -q ready "$WORK/holder.out" 2>/dev/null && break
        kill -0 "$HOLDER_PID" 2>/dev/null || die "holder failed: $(cat "$WORK/holder.out")"
        sleep 0.1
      done
      grep -q ready "$WORK/holder.out" || die "holder not ready after 120 s"
    fi
    log "round $round ($mode): s3load c=$CONCURRENCY for $DURATION"
    ( sleep 2; echo "$(ls /proc/$CAIRN_PID/task | wc -l) $(status_kib VmRSS)" >"$WORK/sample" ) &
    sampler=$!
    json=$(load --op get --prepared --concurrency "$CONCURRENCY" --duration "$DURATION")
    wait "$sampler" || true
    read -r threads rss <"$WORK/sample"
    hwm=$(status_kib VmHWM)
    echo "$mode $round $threads $rss $hwm $json" >>"$results"
    if [[ $mode == idle ]]; then
      kill "$HOLDER_PID" 2>/dev/null; wait "$HOLDER_PID" 2>/dev/null || true
      HOLDER_PID=""
      sleep 1
    fi
  done
done

"$PY" - "$results" "$IDLE" "$CONCURRENCY" "$DURATION" "$ROUNDS" "$CAIRN_BIN" <<'PYEOF' | tee ${OUT:+"$OUT"}
import json, statistics, sys
path, idle, conc, duration, rounds, binary = sys.argv[1:]
rows = {"none": [], "idle": []}
for line in open(path):
    mode, rnd, threads, rss, hwm, js = line.split(" ", 5)
    r = json.loads(js)
    g = r["per_op"]["GET"]
    rows[mode].append({"ops": g["ops_per_s"], "p50": g["lat_ms"]["p50"], "p99": g["lat_ms"]["p99"],
                       "threads": int(threads), "rss": int(rss) / 1024, "hwm": int(hwm) / 1024,
                       "err": g.get("err", 0)})
def cell(vals, f):
    return f"{f(statistics.median(vals))} ({f(min(vals))}–{f(max(vals))})"
print(f"4 KiB GET, s3load c={conc}, {duration} per run, {rounds} interleaved rounds; "
      f"median (min–max). cairn: {binary}")
print()
print("| idle connections | ops/s | p50 ms | p99 ms | threads | RSS under load MiB | peak RSS so far MiB | errors |")
print("|---|---|---|---|---|---|---|---|")
for mode, label in (("none", "0"), (("idle"), idle)):
    rs = rows[mode]
    if not rs:
        continue
    print(f"| {label} | {cell([r['ops'] for r in rs], lambda x: f'{x:,.0f}')} "
          f"| {cell([r['p50'] for r in rs], lambda x: f'{x:.2f}')} "
          f"| {cell([r['p99'] for r in rs], lambda x: f'{x:.2f}')} "
          f"| {cell([r['threads'] for r in rs], lambda x: f'{x:.0f}')} "
          f"| {cell([r['rss'] for r in rs], lambda x: f'{x:.0f}')} "
          f"| {max(r['hwm'] for r in rs):.0f} | {sum(r['err'] for r in rs)} |")
PYEOF
