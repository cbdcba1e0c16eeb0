"""Lifecycle scanner benchmark (issue 13): one scanner pass over a bucket of 1,000,000 objects of
which 10 % (100,000, under `tmp/`) match an expiration rule, with GETs of the other objects
(random keys among the 900,000 under `data/`) running beside it.

Each round starts `cairn server` on a fresh copy of the populated store (scanner_populate), then
  1. baseline   s3load GETs (16-byte objects, random keys under data/, c=CONCURRENCY): one
                CHUNK-second warm-up run, then three (their median), with no lifecycle rule;
  2. pass       PutBucketLifecycleConfiguration (prefix tmp/, Expiration Days 1; a lifecycle day is
                CAIRN_LIFECYCLE_DAY_SECONDS=2, so every populated object is past its date), then
                the same GETs in CHUNK-second runs, back to back, until the pass has finished;
  3. checks     the pass expired exactly the tmp/ objects (scanner status), `tmp/` lists empty,
                `data/` keys are still there, and no GET failed.
The baseline and the pass are measured in the same server process, one after the other, in every
round: they are interleaved by construction. The report gives the median of the rounds and the
spread (min-max) of each figure, and writes bench/scanner/RESULTS.md.

The populated store is settled once before the first round (a server runs on it until its
RocksDB compactions are done), so no round pays for compacting the population.

The pass duration is the scanner's own (started -> finished in its status); the server's CPU time
during the pass comes from /proc/PID/stat, and the GET figures are s3load's (nearest-rank
percentiles of every sample of a run; the median over a phase's runs).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO / "tests" / "integration"))

from harness import CairnServer  # noqa: E402

BUCKET = "bench"
DAY_SECONDS = 2
MAX_PASS_SECONDS = 900  # a pass longer than this fails the round (bounded run)


def s3load(args, server: CairnServer) -> dict:
    # The populated data/ objects are s3load's names with 16-byte bodies of other content, so
    # bodies are only length-checked (--verify-every 0).
    cmd = [args.s3load, "--endpoint", server.endpoint, "--access-key", server.access_key,
           "--secret-key", server.secret_key, "--bucket", BUCKET, "--op", "get", "--prepared",
           "--size", "16", "--verify-every", "0", "--objects", str(args.keys - args.keys // 10),
           "--prefix", "data/", "--concurrency", str(args.concurrency),
           "--duration", f"{args.chunk}s", "--timeout", "30s", "--json"]
    p = subprocess.run(cmd, capture_output=True, timeout=args.chunk + 120, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise RuntimeError(f"s3load exit {p.returncode}: {p.stderr.decode(errors='replace')[-2000:]}")
    report = json.loads(p.stdout.decode().strip().splitlines()[-1])
    get = report["per_op"]["GET"]
    return {"ops_per_s": get["ops_per_s"], "p50_ms": get["lat_ms"]["p50"],
            "p99_ms": get["lat_ms"]["p99"], "errors": report["errors"]}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def scanner_status(server: CairnServer) -> dict:
    r = server.request("GET", "/cairn/admin/v1/scanner/status")
    if r.status != 200:
        raise RuntimeError(f"scanner status {r.status}: {r.body[:300]!r}")
    return json.loads(r.body)


def parse_time(s: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


def one_round(args, n: int) -> dict:
    server = CairnServer(env={"CAIRN_LIFECYCLE_DAY_SECONDS": str(DAY_SECONDS)})
    shutil.copytree(args.snapshot, server.data_dir, dirs_exist_ok=True)
    server.start()
    try:
        s3 = server.client()
        s3load(args, server)  # warm-up (block cache, connections): not counted
        runs = [s3load(args, server) for _ in range(3)]
        baseline = {"runs": len(runs), "errors": sum(r["errors"] for r in runs),
                    **{k: statistics.median(r[k] for r in runs)
                       for k in ("ops_per_s", "p50_ms", "p99_ms")}}
        s3.put_bucket_lifecycle_configuration(Bucket=BUCKET, LifecycleConfiguration={"Rules": [{
            "ID": "expire-tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
            "Expiration": {"Days": 1}}]})
        cpu0 = cpu_seconds(server.proc.pid)
        during, deadline = [], time.monotonic() + MAX_PASS_SECONDS
        while True:
            during.append(s3load(args, server))
            # Only this round's pass can act (a fresh store; the GETs' keys match no rule).
            last = scanner_status(server)["lastActivePass"]
            if last is not None:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"round {n}: no pass acted in {MAX_PASS_SECONDS} s")
        cpu = cpu_seconds(server.proc.pid) - cpu0
        seconds = (parse_time(last["finished"]) - parse_time(last["started"])).total_seconds()
        # The pass must have run under the GETs for most of its length (the last chunk may end
        # after it), else the latency figures describe an idle server.
        covered = len(during) * args.chunk
        if covered < seconds:
            raise RuntimeError(f"round {n}: GETs covered {covered} s of a {seconds} s pass")
        expected = args.keys // 10
        if last["expired"] != expected or last["errors"] != 0:
            raise RuntimeError(f"round {n}: pass expired {last['expired']} (want {expected}), "
                               f"errors {last['errors']}: {last}")
        left = s3.list_objects_v2(Bucket=BUCKET, Prefix="tmp/", MaxKeys=1)["KeyCount"]
        kept = s3.list_objects_v2(Bucket=BUCKET, Prefix="data/", MaxKeys=1000)["KeyCount"]
        for i in (0, args.keys - args.keys // 10 - 1):  # the first and last data/ keys
            s3.head_object(Bucket=BUCKET, Key=f"data/obj-{i:08d}")
        if left != 0 or kept != 1000:
            raise RuntimeError(f"round {n}: tmp/ holds {left} keys, first data/ page {kept}")
        errors = baseline["errors"] + sum(d["errors"] for d in during)
        if errors:
            raise RuntimeError(f"round {n}: {errors} GETs failed")
        result = {
            "round": n,
            "pass_s": seconds,
            "scanned": last["scanned"],
            "expired": last["expired"],
            "server_cpu_s": cpu,
            "baseline": baseline,
            "during": {
                "runs": len(during),
                "ops_per_s": statistics.median(d["ops_per_s"] for d in during),
                "p50_ms": statistics.median(d["p50_ms"] for d in during),
                "p99_ms": statistics.median(d["p99_ms"] for d in during),
                "p99_max_ms": max(d["p99_ms"] for d in during),
            },
        }
        print(json.dumps(result), flush=True)
        return result
    finally:
        server.stop()
        server.cleanup()


def settle(snapshot: str) -> None:
    """Runs a server on the populated store until its compactions are done (its CPU idles for
    3 s in a row), then stops it cleanly; marks the store so it is done once."""
    marker = Path(snapshot).parent / (Path(snapshot).name + ".settled")
    if marker.exists():
        return
    server = CairnServer(extra_args=[], pass_dir_arg=False)
    server.extra_args = [snapshot]
    server.start()
    try:
        quiet, prev, deadline = 0, cpu_seconds(server.proc.pid), time.monotonic() + 600
        while quiet < 3:
            if time.monotonic() > deadline:
                raise RuntimeError("the store did not settle in 600 s")
            time.sleep(1)
            now = cpu_seconds(server.proc.pid)
            quiet = quiet + 1 if now - prev < 0.02 else 0
            prev = now
    finally:
        server.stop()
        server.cleanup()
    marker.touch()


def med(values) -> str:
    values = list(values)
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def report(args, rounds: list[dict], started: str) -> str:
    b = [r["baseline"] for r in rounds]
    d = [r["during"] for r in rounds]
    lines = [
        "# Lifecycle scanner: one pass over 1,000,000 objects (issue 13)",
        "",
        f"- command: `{args.command}`",
        f"- when: {started} UTC, cairn {args.rev}; load average at start {args.loadavg}",
        f"- store: bucket `{BUCKET}` (unversioned), {args.keys:,} objects of 16 bytes, "
        f"{args.keys - args.keys // 10:,} under `data/` and {args.keys // 10:,} under `tmp/`; rule "
        "`Filter.Prefix=tmp/, Expiration.Days=1`, CAIRN_LIFECYCLE_DAY_SECONDS=2 (so all are due)",
        f"- GETs: s3load, random keys among the `data/` objects (mostly not in the record "
        f"cache), c={args.concurrency}, {args.chunk} s runs; the pass runs beside back-to-back runs",
        "- the populated store is settled once (compactions done) before the rounds",
        f"- {len(rounds)} rounds, each on a fresh copy of the store; median (min-max)",
        "",
        "| figure | without a pass | during the pass |",
        "| --- | --- | --- |",
        f"| GET ops/s | {med(x['ops_per_s'] for x in b)} | {med(x['ops_per_s'] for x in d)} |",
        f"| GET p50 ms | {med(x['p50_ms'] for x in b)} | {med(x['p50_ms'] for x in d)} |",
        f"| GET p99 ms | {med(x['p99_ms'] for x in b)} | {med(x['p99_ms'] for x in d)} |",
        f"| worst p99 of a run, ms | | {med(x['p99_max_ms'] for x in d)} |",
        "",
        f"- pass duration: **{med(r['pass_s'] for r in rounds)} s** for "
        f"{rounds[0]['expired']:,} expirations ({med(r['scanned'] for r in rounds)} entries "
        "scanned: only the `tmp/` range is listed)",
        f"- server CPU during the pass (GETs included): {med(r['server_cpu_s'] for r in rounds)} s",
        f"- rate: {med(r['expired'] / r['pass_s'] for r in rounds)} expirations/s",
        "",
        "Raw rounds:",
        "",
        "```",
        *(json.dumps(r) for r in rounds),
        "```",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--snapshot", required=True, help="populated store (scanner_populate)")
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--s3load", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--chunk", type=int, default=5)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"))
    ap.add_argument("--command", default="bench/scanner/run.sh")
    ap.add_argument("--rev", default="?")
    args = ap.parse_args()
    if not 1 <= args.rounds <= 9:
        ap.error("--rounds must be 1..9")
    args.loadavg = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    settle(args.snapshot)
    rounds = [one_round(args, n + 1) for n in range(args.rounds)]
    text = report(args, rounds, started)
    Path(args.out).write_text(text)
    (Path(args.out).with_suffix(".json")).write_text(json.dumps(rounds, indent=1) + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
