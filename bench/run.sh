#!/usr/bin/env bash
# Cairn vs nginx on loopback, with s3load as the load generator for both, plus fio figures for
# the disk as a reference for PUTs. Writes bench/RESULTS.md (and the raw JSON next to it).
#
#   bench/run.sh                 # build s3load + cairn (Release), run everything (~15 min)
#   DURATION=5s bench/run.sh     # shorter runs (each measurement lasts DURATION)
#   ROUNDS=5 bench/run.sh        # more rounds (default 3)
#
# Every cairn/nginx pair runs ROUNDS times, interleaved (cairn first in odd rounds, nginx first
# in even ones), and the report gives the median of the rounds with their spread (min-max):
# this machine is shared and noisy, so one run is not a result.
#
# Environment:
#   DURATION    length of each measured run (s3load --duration), default 10s
#   CAIRN_BIN   use this cairn binary instead of building build/cairn
#   CAIRN_REV   what CAIRN_BIN was built from, for the report (default: this checkout's HEAD)
#   S3LOAD_SRC  s3load sources (default ../shared/tools/s3load relative to the repo root)
#   OUT         results file (default bench/RESULTS.md)
#   FIO_RUNTIME seconds per fio job (default 5)
#   GET_CONCURRENCY  the GET comparisons' concurrencies (default "16 64 256")
#
# Everything listens on 127.0.0.1 only. Processes and temp dirs are cleaned up on exit.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
cd "$REPO"
DURATION="${DURATION:-10s}"
ROUNDS="${ROUNDS:-3}"
[[ "$ROUNDS" =~ ^[1-9]$ ]] || { echo "bench: ROUNDS must be 1..9" >&2; exit 2; }
FIO_RUNTIME="${FIO_RUNTIME:-5}"
GET_CONCURRENCY="${GET_CONCURRENCY:-16 64 256}"
export GET_CONCURRENCY
OUT="${OUT:-$REPO/bench/RESULTS.md}"
S3LOAD_SRC="${S3LOAD_SRC:-$REPO/../shared/tools/s3load}"
PY="${PYTHON:-/root/.pyenv/shims/python3}"
[[ -x "$PY" ]] || PY=python3
cpu_idle() {  # % of all CPU time idle over one second (other work on the shared cores)
  local a b
  a=($(head -n 1 /proc/stat)); sleep 1; b=($(head -n 1 /proc/stat))
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for ((i = 1; i < ${#a[@]}; i++)); do total=$(( total + b[i] - a[i] )); done
  echo "$(( total > 0 ? 100 * idle / total : 0 ))%"
}
LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg)"
CPU_IDLE="$(cpu_idle)"
COMMAND="${CAIRN_BIN:+CAIRN_BIN=$CAIRN_BIN }DURATION=$DURATION ROUNDS=$ROUNDS FIO_RUNTIME=$FIO_RUNTIME bench/run.sh${*:+ $*}"

ACCESS_KEY=benchadmin
SECRET_KEY=bench-secret-key-123
BUCKET=bench

log() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- cleanup
WORK=""
CAIRN_PID=""
NGINX_PID=""
stop_pid() {  # pid, name: SIGTERM, wait up to 25 s, then SIGKILL
  local pid=$1 name=$2 i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 250; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "$name ($pid) did not stop on SIGTERM; killing"
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  set +e
  stop_pid "$CAIRN_PID" cairn
  stop_pid "$NGINX_PID" nginx
  wait 2>/dev/null
  [[ -n "$WORK" && -d "$WORK" ]] && rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
scripts/install-deps.sh --test
[[ -f "$S3LOAD_SRC/CMakeLists.txt" ]] || die "s3load sources not found at $S3LOAD_SRC"
log "building s3load into build/s3load"
cmake -S "$S3LOAD_SRC" -B build/s3load -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/s3load -j"$(nproc)" >/dev/null
S3LOAD="$REPO/build/s3load/s3load"
[[ -x "$S3LOAD" ]] || die "no s3load binary at $S3LOAD"

if [[ -z "${CAIRN_BIN:-}" ]]; then
  log "building cairn (Release) into build/"
  scripts/build.sh --target cairn >/dev/null
  CAIRN_BIN="$REPO/build/cairn"
  bt=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' build/CMakeCache.txt)
  # An empty CMAKE_BUILD_TYPE means Release: the top-level CMakeLists.txt defaults to it.
  [[ "$bt" == "Release" || -z "$bt" ]] || die "build/ is configured as '$bt', not Release (reconfigure it or set CAIRN_BIN)"
fi
[[ -x "$CAIRN_BIN" ]] || die "no cairn binary at $CAIRN_BIN"

# ---------------------------------------------------------------- helpers
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cairn-bench.XXXXXX")"
chmod 755 "$WORK"
mkdir -p "$WORK/cairn-data" "$WORK/www" "$WORK/nginx" "$WORK/json" "$WORK/fio"
free_port() {
  "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_http() {  # url, name, pid: wait up to 30 s for a 200
  local url=$1 name=$2 pid=$3 i
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up (see above)"
    [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url")" == 200 ]] && return 0
    sleep 0.1
  done
  die "$name not ready at $url after 30 s"
}
cpu_ticks() {  # total utime+stime of the given pids (clock ticks)
  local t=0 p
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] || continue
    t=$((t + $(awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$p/stat")))
  done
  echo "$t"
}
nginx_pids() { echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"; }

# run_load NAME TARGET PIDS-FN s3load-args...: one measured s3load run, JSON + server CPU.
run_load() {
  local name=$1 target=$2 pidsfn=$3
  shift 3
  local endpoint
  if [[ $target == cairn ]]; then endpoint="http://127.0.0.1:$CAIRN_PORT"; else endpoint="http://127.0.0.1:$NGINX_PORT"; fi
  log "run $name: $*"
  local t0 t1 rc=0
  # The upload phase (cairn GETs) is not measured by s3load; server CPU is sampled around the
  # whole call, so it is only reported for runs without an upload phase.
  t0=$(cpu_ticks $($pidsfn))
  "$S3LOAD" --endpoint "$endpoint" --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" \
    --bucket "$BUCKET" --duration "$DURATION" --timeout 30s --json "$@" \
    >"$WORK/json/$name.txt" 2>"$WORK/json/$name.err" || rc=$?
  t1=$(cpu_ticks $($pidsfn))
  tail -n 1 "$WORK/json/$name.txt" >"$WORK/json/$name.json"
  echo "$(( t1 - t0 ))" >"$WORK/json/$name.cpu"
  grep -E '^\s+(GET|PUT|TOTAL) ' "$WORK/json/$name.txt" | sed 's/^/    /' >&2 || true
  if ((rc == 1)); then
    cat "$WORK/json/$name.err" >&2
    die "s3load failed to run ($name)"
  elif ((rc == 2)); then
    log "WARNING: $name had request errors:"; head -n 20 "$WORK/json/$name.err" >&2
  fi
}
cairn_pids() { echo "$CAIRN_PID"; }

# ---------------------------------------------------------------- servers
CAIRN_PORT=$(free_port)
log "starting cairn on 127.0.0.1:$CAIRN_PORT ($CAIRN_BIN)"
MINIO_ROOT_USER=$ACCESS_KEY MINIO_ROOT_PASSWORD=$SECRET_KEY \
  "$CAIRN_BIN" server --address "127.0.0.1:$CAIRN_PORT" --console-address "127.0.0.1:$(free_port)" \
  "$WORK/cairn-data" >"$WORK/cairn.log" 2>&1 </dev/null &
CAIRN_PID=$!
wait_http "http://127.0.0.1:$CAIRN_PORT/minio/health/ready" cairn "$CAIRN_PID"

NGINX_PORT=$(free_port)
cat >"$WORK/nginx/nginx.conf" <<EOF
user root;
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  # nginx at its best for this test: cached open files (+15-50% on 4 KiB GETs here), one
  # unbounded sendfile per response (the default sendfile_max_chunk of 2m halved 1 MiB GET
  # throughput here) and no TCP_CORK.
  open_file_cache max=10000 inactive=60s;
  open_file_cache_valid 60s;
  sendfile on;
  sendfile_max_chunk 0;
  tcp_nopush off;
  tcp_nodelay on;
  keepalive_timeout 75s;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path $WORK/nginx/client_body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location / { }
  }
}
EOF
log "starting nginx on 127.0.0.1:$NGINX_PORT"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -t -q || die "nginx rejects the generated config"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" </dev/null >"$WORK/nginx/stdout.log" 2>&1 &
NGINX_PID=$!

# Identical bytes for both servers: the same --size/--seed/--prefix as the cairn upload phase.
SMALL_N=1000
LARGE_N=64
"$S3LOAD" --access-key unused --secret-key unused --bucket "$BUCKET" --size 4KiB --objects $SMALL_N \
  --prefix g4k/ --write-local "$WORK/www" 2>/dev/null || die "s3load --write-local failed"
"$S3LOAD" --access-key unused --secret-key unused --bucket "$BUCKET" --size 1MiB --objects $LARGE_N \
  --prefix g1m/ --write-local "$WORK/www" 2>/dev/null || die "s3load --write-local failed"
chmod -R a+rX "$WORK/www"
wait_http "http://127.0.0.1:$NGINX_PORT/$BUCKET/g4k/obj-00000000" nginx "$NGINX_PID"

# ---------------------------------------------------------------- measurements
# Uploads for the GET runs first (not measured), then every GET pair, then the PUTs.
# (`--op get` uploads all N keys before its timed phase; that phase is cut to 1 ms here.)
run_load prep-4k cairn cairn_pids --op get --size 4KiB --objects $SMALL_N --prefix g4k/ --create-bucket --duration 1ms
run_load prep-1m cairn cairn_pids --op get --size 1MiB --objects $LARGE_N --prefix g1m/ --duration 1ms
for ((round = 1; round <= ROUNDS; round++)); do
  if ((round % 2)); then order="cairn nginx"; else order="nginx cairn"; fi
  for size in 4KiB 1MiB; do
    if [[ $size == 4KiB ]]; then p=g4k/ n=$SMALL_N; else p=g1m/ n=$LARGE_N; fi
    for c in $GET_CONCURRENCY; do
      for target in $order; do
        run_load "get-$size-c$c-$target-r$round" $target ${target}_pids --op get --prepared --size $size --objects $n --prefix $p --concurrency $c
      done
    done
  done
  run_load "put-4KiB-c16-cairn-r$round" cairn cairn_pids --op put --size 4KiB --objects 1000 --prefix p4k/ --concurrency 16
  run_load "put-1MiB-c16-cairn-r$round" cairn cairn_pids --op put --size 1MiB --objects 64 --prefix p1m/ --concurrency 16
done

LOADAVG_END="$(cut -d' ' -f1-3 /proc/loadavg)"
RSS_PEAK=$(awk '/^VmHWM/ {print $2, $3}' "/proc/$CAIRN_PID/status")
RSS_NOW=$(awk '/^VmRSS/ {print $2, $3}' "/proc/$CAIRN_PID/status")
kill -0 "$CAIRN_PID" 2>/dev/null || die "cairn died during the benchmark (log: $WORK/cairn.log)"

# ---------------------------------------------------------------- disk reference (fio)
FIO_DIR="$WORK/fio"
run_fio() {  # name, fio args...
  local name=$1
  shift
  log "fio $name: $*"
  fio --name="$name" --directory="$FIO_DIR" --ioengine=sync --output-format=json "$@" \
    >"$WORK/json/fio-$name.json" 2>"$WORK/json/fio-$name.err" || {
    cat "$WORK/json/fio-$name.err" >&2
    die "fio $name failed"
  }
  rm -f "$FIO_DIR"/*
}
run_fio 4k-fdatasync --rw=write --bs=4k --size=64M --fdatasync=1 --runtime="$FIO_RUNTIME" --time_based
run_fio 4k-fdatasync-qd16 --rw=write --bs=4k --size=16M --fdatasync=1 --numjobs=16 --group_reporting \
  --runtime="$FIO_RUNTIME" --time_based
run_fio 1m-fdatasync --rw=write --bs=1M --size=1G --fdatasync=1 --runtime="$FIO_RUNTIME" --time_based
run_fio 1m-buffered --rw=write --bs=1M --size=1G --end_fsync=1 --runtime="$FIO_RUNTIME" --time_based

# ---------------------------------------------------------------- report
stop_pid "$CAIRN_PID" cairn
CAIRN_PID=""
if grep -qiE 'error|fatal|abort' "$WORK/cairn.log"; then
  log "cairn logged errors during the run:"
  grep -iE 'error|fatal|abort' "$WORK/cairn.log" | head -n 10 >&2
fi
mkdir -p "$(dirname "$OUT")"
RAW="${OUT%.md}.json"
CPU_MODEL=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
export ROUNDS NPROC="$(nproc)" CPU_MODEL LOADAVG LOADAVG_END CPU_IDLE RSS_PEAK RSS_NOW CAIRN_BIN COMMAND DURATION SMALL_N LARGE_N
# CAIRN_REV describes a CAIRN_BIN built elsewhere; by default, the state of this checkout.
export GIT_REV="${CAIRN_REV:-$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$REPO" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted src changes')}"
export NGINX_VER="$(nginx -v 2>&1 | sed 's|.*nginx/||')" FIO_VER="$(fio --version)"
"$PY" - "$WORK/json" "$OUT" "$RAW" <<'PYEOF'
import json, os, sys, glob, datetime
jdir, out, raw_out = sys.argv[1], sys.argv[2], sys.argv[3]
tick = os.sysconf("SC_CLK_TCK")
runs = {}
for f in glob.glob(os.path.join(jdir, "*.json")):
    name = os.path.basename(f)[:-5]
    try:
        runs[name] = json.load(open(f))
    except ValueError:
        continue
    if not name.startswith("fio-"):
        runs[name]["server_cpu_s"] = int(open(os.path.join(jdir, name + ".cpu")).read()) / tick

import statistics
ROUNDS = int(os.environ["ROUNDS"])

def op(name, kind):
    r = runs.get(name)
    return (r, r["per_op"].get(kind, {})) if r else (None, {})

def rounds(name, kind):
    """(run, per-op line) of every round of `name` that ran."""
    return [x for x in (op(f"{name}-r{i}", kind) for i in range(1, ROUNDS + 1)) if x[0]]

def med(values, fmt, unit=""):
    """Median of the rounds with the spread: '44,215 (41,002–45,870)'."""
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    m = statistics.median(values)
    if len(values) == 1:
        return fmt(m) + unit
    return f"{fmt(m)}{unit} ({fmt(min(values))}–{fmt(max(values))})"

def med_value(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

def fmt_ops(x): return f"{x:,.0f}"
def fmt_mib(x): return f"{x:,.1f}"

GET_CONCURRENCY = tuple(int(c) for c in os.environ.get("GET_CONCURRENCY", "16 64 256").split())

rows, notes = [], []
hdr = ("| op | size | conc | cairn ops/s | cairn MiB/s | cairn p50 / p99 ms | cairn CPU µs/req | "
       "nginx ops/s | nginx MiB/s | nginx p50 / p99 ms | nginx CPU µs/req | cairn/nginx |")
rows.append(hdr)
rows.append("|" + "---|" * 12)
ratios = {}
def cpu_us(r, o):
    n = o.get("ok", 0)
    return r["server_cpu_s"] / n * 1e6 if n else None
for kind, size in (("GET", "4KiB"), ("GET", "1MiB"), ("PUT", "4KiB"), ("PUT", "1MiB")):
    for c in (GET_CONCURRENCY if kind == "GET" else (16,)):
        cr = rounds(f"{kind.lower()}-{size}-c{c}-cairn", kind)
        nr = rounds(f"{kind.lower()}-{size}-c{c}-nginx", kind)
        def cell(rs):
            if not rs:
                return ["—"] * 4
            errs = sum(o.get("err", 0) for _, o in rs)
            err = f" ({errs} err)" if errs else ""
            return [med([o.get("ops_per_s", 0) for _, o in rs], fmt_ops) + err,
                    med([o.get("mib_per_s", 0) for _, o in rs], fmt_mib),
                    med([o["lat_ms"]["p50"] for _, o in rs if o.get("lat_ms")], lambda x: f"{x:.2f}") + " / "
                    + med([o["lat_ms"]["p99"] for _, o in rs if o.get("lat_ms")], lambda x: f"{x:.2f}"),
                    med([cpu_us(r, o) for r, o in rs], lambda x: f"{x:.1f}")]
        ratio = "—"
        if cr and nr:
            # The ratio of each round (cairn and nginx ran back to back), then their median.
            per_round = []
            for i in range(1, ROUNDS + 1):
                _, a = op(f"{kind.lower()}-{size}-c{c}-cairn-r{i}", kind)
                _, b = op(f"{kind.lower()}-{size}-c{c}-nginx-r{i}", kind)
                if a.get("ops_per_s") is not None and b.get("ops_per_s"):
                    per_round.append(a["ops_per_s"] / b["ops_per_s"])
            if per_round:
                ratios[(kind, size, c)] = per_round
                ratio = med(per_round, lambda x: f"{x:.2f}")
        rows.append(f"| {kind} | {size} | {c} | " + " | ".join(cell(cr)) + " | "
                    + " | ".join(cell(nr)) + f" | {ratio} |")

def fio_line(name, label):
    r = runs.get("fio-" + name)
    if not r:
        return f"| {label} | — | — | — |"
    w = r["jobs"][0]["write"]
    sync = r["jobs"][0].get("sync", {}).get("lat_ns", {}).get("percentile", {})
    p50 = sync.get("50.000000")
    p99 = sync.get("99.000000")
    lat = f"{p50/1e6:.2f} / {p99/1e6:.2f}" if p50 and p99 else "—"
    return f"| {label} | {w['iops']:,.0f} | {w['bw_bytes']/2**20:,.1f} | {lat} |"

fio_rows = ["| fio job (same disk, ioengine=sync) | write IOPS | MiB/s | fdatasync p50 / p99 ms |",
            "|---|---|---|---|",
            fio_line("4k-fdatasync", "4 KiB writes, fdatasync after each, 1 job"),
            fio_line("4k-fdatasync-qd16", "4 KiB writes, fdatasync after each, 16 jobs (own files)"),
            fio_line("1m-fdatasync", "1 MiB sequential writes, fdatasync after each, 1 job"),
            fio_line("1m-buffered", "1 MiB sequential buffered writes, one fsync at the end")]

errs = {n: r.get("errors_all_requests", r.get("errors", 0)) for n, r in runs.items()
        if not n.startswith("fio-") and r.get("errors_all_requests", r.get("errors", 0))}
client_cpu = {}
for n, r in runs.items():
    if not n.startswith("fio-") and not n.startswith("prep") and "cpu_user_s" in r:
        client_cpu.setdefault(n.rsplit("-r", 1)[0], []).append(
            (r["cpu_user_s"] + r["cpu_sys_s"]) / r["elapsed_s"] * 100)
json.dump(runs, open(raw_out, "w"), indent=1, sort_keys=True)
env = os.environ
# Other benchmarks' sections (bench/memory/driver.py, bench/versions/run.sh) live in the same
# file between <!-- NAME:begin --> and <!-- NAME:end -->: keep them all.
keep = ""
if os.path.exists(out):
    import re
    old = open(out).read()
    keep = "\n\n".join(m.group(0) for m in
                        re.finditer(r"<!-- ([\w-]+):begin -->.*?<!-- \1:end -->", old, re.S))
with open(out, "w") as f:
    w = lambda s="": f.write(s + "\n")
    w("# Cairn benchmark: cairn vs nginx on loopback")
    w()
    w(f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")
    w(f"- machine: {os.cpu_count()} CPUs (nproc {env['NPROC']}), {env['CPU_MODEL']}, "
      f"CPU idle in the second before the run: {env['CPU_IDLE']}; load average before: "
      f"{env['LOADAVG']}, after the HTTP runs: {env['LOADAVG_END']}")
    w(f"- cairn: `{env['CAIRN_BIN']}` (git {env['GIT_REV']}); nginx {env['NGINX_VER']}; fio {env['FIO_VER']}")
    w(f"- command: `{env['COMMAND']}`")
    w(f"- load generator: s3load (shared/tools/s3load), one thread, SigV4 header auth with the real "
      f"payload SHA-256, keep-alive connections, every 100th GET body compared byte-for-byte, "
      f"each run {env['DURATION']}, every pair run {env['ROUNDS']} times interleaved (each cell: median of the rounds, min–max in brackets); nginx serves the same bytes (written by `s3load --write-local`), "
      f"with `access_log off`, 2 workers, `open_file_cache`, sendfile (`sendfile_max_chunk 0`), keep-alive. Server, nginx and s3load share the same cores.")
    w(f"- GET objects: {env['SMALL_N']} x 4 KiB and {env['LARGE_N']} x 1 MiB (page cache warm); "
      f"PUT: overwrites of 1000 x 4 KiB / 64 x 1 MiB keys.")
    w()
    w("\n".join(rows))
    w()
    w("CPU µs/req = server CPU time during the run / successful requests; for nginx, master + workers. "
      "Latency runs from the request start to the last response byte.")
    w()
    w(f"cairn peak RSS (VmHWM) over the whole run: **{env['RSS_PEAK']}** (RSS at the end: {env['RSS_NOW']}).")
    w()
    w("Disk reference for PUTs (cairn fdatasyncs every data file and syncs the metadata commit "
      "before answering; a 4 KiB body is inline: one synced RocksDB write):")
    w()
    w("\n".join(fio_rows))
    w()
    w("s3load client CPU (% of one core, median of the rounds): "
      + ", ".join(f"{n} {statistics.median(v):.0f}%" for n, v in sorted(client_cpu.items())))
    w()
    if errs:
        w("**Request errors:** " + ", ".join(f"{n}: {v}" for n, v in sorted(errs.items())))
    else:
        w("No request errors in any run (every op got its 2xx and passed s3load's checks).")
    w()
    w("## Interpretation (computed)")
    w()
    for (kind, size, c), r in ratios.items():
        m = statistics.median(r)
        w(f"- {kind} {size} at concurrency {c}: cairn serves {m*100:.0f}% of nginx's rate "
          f"(rounds: {', '.join(f'{x*100:.0f}%' for x in r)})"
          + (f"; target ≥ 80%: **{'met' if m >= 0.8 else 'NOT met'}**." if size == "4KiB" else "."))
    p4s = rounds("put-4KiB-c16-cairn", "PUT")
    p4 = {"ops_per_s": med_value([o.get("ops_per_s") for _, o in p4s])} if p4s else None
    f4 = runs.get("fio-4k-fdatasync")
    if p4 and f4:
        qd1 = f4["jobs"][0]["write"]["iops"]
        w(f"- PUT 4 KiB: {p4['ops_per_s']:,.0f} acknowledged durable writes/s against {qd1:,.0f} "
          f"fdatasyncs/s for one fio writer: "
          + ("more than one PUT per sync, so commits are batched (group commit)."
             if p4["ops_per_s"] > qd1 * 1.2 else "about one sync per PUT or worse: no effective group commit."))
    p1s = rounds("put-1MiB-c16-cairn", "PUT")
    p1 = {"mib_per_s": med_value([o.get("mib_per_s") for _, o in p1s])} if p1s else None
    f1 = runs.get("fio-1m-fdatasync")
    if p1 and f1:
        w(f"- PUT 1 MiB: {p1['mib_per_s']:,.1f} MiB/s against {f1['jobs'][0]['write']['bw_bytes']/2**20:,.1f} MiB/s "
          f"for 1 MiB writes + fdatasync on the same disk.")
    if keep:
        w()
        w(keep)
print(open(out).read())
PYEOF
log "wrote $OUT and $RAW"
