"""Front-door benchmarks (issue 10), each a pair measured in the same run, interleaved:

  scale      s3load GETs (4 KiB, c=64) alone, and the same with 10,000 idle keep-alive
             connections held open (conn_holder.py idle): ops/s, p99, the server's peak RSS
             (VmRSS sampled every 100 ms) and peak thread count, beside each other.
  slowloris  s3load GETs (4 KiB, c=16) alone, and the same with 2,000 connections trickling
             request-head bytes (conn_holder.py trickle, one byte per second): normal clients'
             p99 must stay under 100 ms, and every trickling connection must be closed by the
             server once its header deadline (--read-header-timeout) passes.

Every pair is run ROUNDS times (default 3), alternating, on one server process per mode; the
report gives the median and the spread (min-max) of each figure, and writes
bench/frontdoor/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO / "tests" / "integration"))

from harness import CairnServer  # noqa: E402
from procstat import ProcSampler, status_kib  # noqa: E402

BUCKET = "frontdoor"


def s3load(args, server: CairnServer, conc: int, duration: str, extra=()) -> dict:
    cmd = [args.s3load, "--endpoint", server.endpoint, "--access-key", server.access_key,
           "--secret-key", server.secret_key, "--bucket", BUCKET, "--op", "get", "--size", "4KiB",
           "--objects", "1000", "--prefix", "g4k/", "--concurrency", str(conc), "--duration",
           duration, "--timeout", "30s", "--json", *extra]
    p = subprocess.run(cmd, capture_output=True, timeout=300, stdin=subprocess.DEVNULL)
    if p.returncode == 1:
        raise RuntimeError(f"s3load failed: {p.stderr.decode(errors='replace')}")
    report = json.loads(p.stdout.decode().strip().splitlines()[-1])
    report["exit"] = p.returncode
    return report


def get_line(report: dict) -> dict:
    return report["per_op"]["GET"]


def holder(args, server: CairnServer, mode: str, count: int, hold: float) -> tuple[subprocess.Popen, Path]:
    ready = Path(tempfile.mktemp(prefix="cairn-holder-"))
    cmd = [sys.executable, str(HERE / "conn_holder.py"), mode, "--port", str(server.port),
           "--count", str(count), "--hold", str(hold), "--ready-file", str(ready)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not ready.exists():
        if p.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"conn_holder did not get ready: {p.stderr.read().decode(errors='replace')}")
        time.sleep(0.1)
    return p, ready


def finish_holder(p: subprocess.Popen, ready: Path) -> dict:
    out, err = p.communicate(timeout=700)
    ready.unlink(missing_ok=True)
    if p.returncode != 0:
        raise RuntimeError(f"conn_holder failed: {err.decode(errors='replace')}")
    return json.loads(out.decode().strip().splitlines()[-1])


def measured(args, server: CairnServer, conc: int, with_holder: tuple | None) -> dict:
    """One measured s3load run, optionally with a conn_holder running beside it."""
    hp = None
    if with_holder:
        mode, count, hold = with_holder
        hp = holder(args, server, mode, count, hold)
        time.sleep(1.0)  # the holder's connections are all open; let the server settle
    sampler = ProcSampler(server.proc.pid)
    sampler.start()
    report = s3load(args, server, conc, args.duration, ["--prepared"])
    sampler.stop()
    row = {"ops": get_line(report)["ops_per_s"],
           "p50": get_line(report)["lat_ms"]["p50"], "p99": get_line(report)["lat_ms"]["p99"],
           "errors": report.get("errors", 0), "rss_kib": sampler.peak_kib, "threads": sampler.peak_threads}
    if hp:
        row["holder"] = finish_holder(*hp)
    return row


def start_server(args, extra_args=()) -> CairnServer:
    server = CairnServer(extra_args=list(extra_args)).start()
    s3load(args, server, 16, "1ms", ["--create-bucket"])  # upload the 1000 objects
    return server


def spread(values, digits=2):
    """Median of the rounds, then min–max: '23,801 (22,950–24,107)'."""
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    f = f"{{:,.{digits}f}}"
    if len(values) == 1:
        return f.format(values[0])
    return f"{f.format(statistics.median(values))} ({f.format(min(values))}–{f.format(max(values))})"


def run_scale(args) -> list[str]:
    server = start_server(args)
    try:
        rows = {"alone": [], "idle": []}
        for r in range(args.rounds):
            order = ["alone", "idle"] if r % 2 == 0 else ["idle", "alone"]
            for kind in order:
                hold = None if kind == "alone" else ("idle", args.idle, args.hold)
                row = measured(args, server, 64, hold)
                print(f"scale round {r + 1} {kind}: {json.dumps(row)}", file=sys.stderr)
                rows[kind].append(row)
    finally:
        hwm = status_kib(server.proc.pid, "VmHWM") if server.proc else None
        server.stop()
        server.cleanup()
    out = [f"### Connection scale: {args.idle:,} idle keep-alive connections + s3load 4 KiB GETs at c=64",
           "",
           "| run | GET ops/s | p50 ms | p99 ms | peak RSS MiB | peak threads | idle conns held (opened / answered / closed by server) |",
           "|---|---|---|---|---|---|---|"]
    for kind, label in (("alone", "without idle connections"), ("idle", f"with {args.idle:,} idle connections")):
        rs = rows[kind]
        held = "—"
        if kind == "idle":
            held = "; ".join(f"{h['opened']} / {h['answered']} / {h['closed_by_server']}"
                             for h in (x["holder"] for x in rs))
        out.append(f"| {label} | {spread([x['ops'] for x in rs], 0)} | {spread([x['p50'] for x in rs])} | "
                   f"{spread([x['p99'] for x in rs])} | {spread([x['rss_kib'] / 1024 for x in rs], 1)} | "
                   f"{spread([x['threads'] for x in rs], 0)} | {held} |")
    out += ["", f"Server VmHWM over the whole mode: {hwm / 1024:,.1f} MiB." if hwm else "", ""]
    ok_rss = all(x["rss_kib"] < 200 * 1024 for x in rows["idle"])
    ok_thr = all(x["threads"] <= 64 for x in rows["idle"])
    ok_held = all(x["holder"]["opened"] == args.idle and x["holder"]["closed_by_server"] == 0
                  for x in rows["idle"])
    out.append(f"Targets: peak RSS < 200 MiB with the idle connections: **{'met' if ok_rss else 'NOT met'}**; "
               f"≤ 64 threads: **{'met' if ok_thr else 'NOT met'}**; every idle connection opened and kept "
               f"(none closed by the server within the idle timeout): **{'yes' if ok_held else 'NO'}**.")
    return out


def run_slowloris(args) -> list[str]:
    timeout = args.header_timeout
    server = start_server(args, ["--read-header-timeout", f"{timeout}s"])
    try:
        rows = {"alone": [], "trickle": []}
        for r in range(args.rounds):
            order = ["alone", "trickle"] if r % 2 == 0 else ["trickle", "alone"]
            for kind in order:
                # The trickling connections are held longer than the header deadline, so the
                # server must be the one to close them.
                hold = None if kind == "alone" else ("trickle", args.trickle, timeout + 15)
                row = measured(args, server, 16, hold)
                print(f"slowloris round {r + 1} {kind}: {json.dumps(row)}", file=sys.stderr)
                rows[kind].append(row)
    finally:
        server.stop()
        server.cleanup()
    out = [f"### Slowloris: {args.trickle:,} connections trickling head bytes (1 byte/s) + s3load 4 KiB GETs at c=16, `--read-header-timeout {timeout}s`",
           "",
           "| run | GET ops/s | p50 ms | p99 ms | peak threads | trickling conns: opened / closed by server / still open | closed after s (min / median / max) |",
           "|---|---|---|---|---|---|---|"]
    for kind, label in (("alone", "normal clients alone"), ("trickle", f"with {args.trickle:,} trickling connections")):
        rs = rows[kind]
        held = closes = "—"
        if kind == "trickle":
            held = "; ".join(f"{h['opened']} / {h['closed_by_server']} / {h['still_open_at_end']}"
                             for h in (x["holder"] for x in rs))
            closes = "; ".join(
                (f"{h['close_after_s']['min']} / {h['close_after_s']['median']} / {h['close_after_s']['max']}"
                 if h["close_after_s"] else "—") for h in (x["holder"] for x in rs))
        out.append(f"| {label} | {spread([x['ops'] for x in rs], 0)} | {spread([x['p50'] for x in rs])} | "
                   f"{spread([x['p99'] for x in rs])} | {spread([x['threads'] for x in rs], 0)} | {held} | {closes} |")
    ok_p99 = statistics.median(x["p99"] for x in rows["trickle"]) < 100
    ok_closed = all(x["holder"]["still_open_at_end"] == 0 and x["holder"]["closed_by_server"] == x["holder"]["opened"]
                    for x in rows["trickle"])
    out += ["", f"Targets: normal clients' p99 < 100 ms beside the trickling connections (median of the rounds): "
                f"**{'met' if ok_p99 else 'NOT met'}**; every trickling connection closed by the server after its "
                f"header deadline: **{'yes' if ok_closed else 'NO'}**."]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--s3load", required=True)
    ap.add_argument("--mode", choices=["all", "scale", "slowloris"], default="all")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", default="10s")
    ap.add_argument("--idle", type=int, default=10000)
    ap.add_argument("--hold", type=float, default=25.0, help="seconds the idle connections are held")
    ap.add_argument("--trickle", type=int, default=2000)
    ap.add_argument("--header-timeout", type=int, default=5)
    ap.add_argument("--command", default="bench/frontdoor/run.sh")
    ap.add_argument("--rev", default="")
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"))
    args = ap.parse_args()
    if not 1 <= args.rounds <= 9:
        ap.error("--rounds 1..9")
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = open("/proc/loadavg").read().split()[:3]
    sections = []
    if args.mode in ("all", "scale"):
        sections += run_scale(args) + [""]
    if args.mode in ("all", "slowloris"):
        sections += run_slowloris(args) + [""]
    load_after = open("/proc/loadavg").read().split()[:3]
    head = ["# Front-door benchmarks (issue 10)", "",
            f"- date: {started}; machine: {os.cpu_count()} CPUs; load average before {' '.join(load_before)}, after {' '.join(load_after)}",
            f"- cairn: {args.rev or 'build/cairn'}; load generator: s3load (shared/tools/s3load), SigV4 on every request; "
            f"connection holder: bench/frontdoor/conn_holder.py; all on the same 2 cores, 127.0.0.1",
            f"- command: `{args.command}`",
            f"- each figure: median of {args.rounds} interleaved rounds (min–max); each s3load run {args.duration}",
            ""]
    text = "\n".join(head + sections) + "\n"
    Path(args.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
