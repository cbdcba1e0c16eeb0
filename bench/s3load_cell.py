"""One timed s3load run against a Cairn server, shared by the benchmark drivers: throughput,
latency and the server's CPU per MiB moved (from /proc, so only the server's work counts)."""

from __future__ import annotations

import json
import os
import subprocess

MiB = 1 << 20


def cpu_ticks(pid: int) -> int:
    """User + system clock ticks the process has used."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def s3load_cell(s3load: str, server, bucket: str, op: str, size: int, size_name: str,
                duration: str, prepare: bool = False, objects: int | None = None,
                concurrency: int | None = None, timeout_s: int = 600) -> dict:
    """Runs `op` ("put"/"get"/"list") on `size`-byte objects under `size_name`/ for `duration`.
    `prepare` writes the objects once, untimed, so a later GET or LIST reads them (--prepared)
    and the CPU counted is theirs. Unless given, small objects get more keys and clients than
    large ones. A `prepare` run returns only s3load's account of the upload ("prepare")."""
    default_objects, default_conc = (32, 4) if size <= MiB else (4, 2)
    objects = objects or default_objects
    conc = concurrency or default_conc
    cmd = [s3load, "--endpoint", server.endpoint,
           "--access-key", server.access_key, "--secret-key", server.secret_key,
           "--bucket", bucket, "--op", op, "--size", str(size), "--objects", str(objects),
           "--concurrency", str(conc), "--duration", "1ms" if prepare else duration,
           "--prefix", f"{size_name}/", "--unsigned-payload", "--timeout", "120s", "--json"]
    if op in ("get", "list") and not prepare:
        cmd.append("--prepared")
    before = cpu_ticks(server.proc.pid)
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    ticks = cpu_ticks(server.proc.pid) - before
    if run.returncode != 0:
        raise SystemExit(f"s3load failed: {run.stderr[-2000:]}")
    summary = json.loads(run.stdout.strip().splitlines()[-1])
    if summary["errors"] or (summary["prepare"] or {}).get("err"):
        raise SystemExit(f"s3load errors: {summary}")
    if prepare:  # the 1 ms after the upload may have started no op at all
        return {"prepare": summary["prepare"]}
    per = summary["per_op"][op.upper()]
    mib = summary["ok"] * size / MiB
    return {"mib_s": summary["mib_per_s"], "ops_s": summary["ops_per_s"],
            "p50": per["lat_ms"]["p50"], "p99": per["lat_ms"]["p99"],
            "cpu_ms_per_mib": ticks * 1000 / os.sysconf("SC_CLK_TCK") / max(mib, 1e-9)}
