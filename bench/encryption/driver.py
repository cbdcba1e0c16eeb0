"""Encryption benchmark for issue 14: plain vs SSE-S3 vs SSE-KMS PUT and GET of 1 MiB and 64 MiB
objects, in one run on one server, with the cipher's own ceiling beside them.

One cairn (started with MINIO_KMS_SECRET_KEY) serves three buckets: `plain`, `sse-s3` (bucket
default AES256) and `sse-kms` (bucket default aws:kms with the KMS's key). s3load sends no
encryption headers, so the bucket default is what encrypts; a HEAD of one object per bucket
checks that it did. SSE-C costs the same cipher work (only the data key is sealed differently)
and is not measured separately.

Each round runs every (size, op, mode) once, the mode order rotating between rounds, so the
three modes see the same machine noise; the report is the median of the rounds with min-max.
Per cell: MiB/s, p50/p99 latency, and the server's CPU per MiB (utime+stime from /proc), which
is what encryption adds. The reference is `openssl speed -evp aes-256-gcm` on 64 KiB blocks (one
core), run with AES-NI and with it masked (OPENSSL_ia32cap), showing that AES-NI is in use and
what the cipher alone costs per MiB.

Writes bench/encryption/RESULTS.md and a section between markers in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))
sys.path.insert(0, str(REPO / "bench"))

from harness import CairnServer  # noqa: E402
from results_md import med, spread, write_section  # noqa: E402
from s3load_cell import s3load_cell  # noqa: E402

MiB = 1024 * 1024
KEY_NAME = "bench-key"
MODES = ["plain", "sse-s3", "sse-kms"]
# OpenSSL's capability mask bit for AES-NI (bit 57 of the first word).
NO_AESNI = "~0x200000000000000"


def openssl_speed(env_extra: dict) -> float:
    """MiB/s of AES-256-GCM over 64 KiB blocks on one core."""
    env = dict(os.environ, **env_extra)
    out = subprocess.run(
        ["openssl", "speed", "-elapsed", "-seconds", "2", "-bytes", "65536", "-evp",
         "aes-256-gcm"], capture_output=True, text=True, env=env, timeout=60, check=True).stdout
    line = [ln for ln in out.splitlines() if ln.lower().startswith("aes-256-gcm")][-1]
    kbytes_per_s = float(line.split()[-1].rstrip("k"))  # openssl prints 1000-byte units
    return kbytes_per_s * 1000 / MiB


class Bench:
    def __init__(self, args):
        self.args = args
        secret = KEY_NAME + ":" + base64.b64encode(os.urandom(32)).decode()
        self.server = CairnServer(env={"MINIO_KMS_SECRET_KEY": secret})

    def setup(self) -> None:
        self.server.start()
        s3 = self.server.client()
        for mode in MODES:
            s3.create_bucket(Bucket=mode)
        s3.put_bucket_encryption(Bucket="sse-s3", ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        s3.put_bucket_encryption(Bucket="sse-kms", ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY_NAME}}]})
        self.s3 = s3

    def check_encrypted(self, size_name: str) -> None:
        want = {"plain": None, "sse-s3": "AES256", "sse-kms": "aws:kms"}
        for mode in MODES:
            key = f"{size_name}/obj-00000000"
            got = self.s3.head_object(Bucket=mode, Key=key).get("ServerSideEncryption")
            if got != want[mode]:
                raise SystemExit(f"{mode}/{key}: stored with {got!r}, expected {want[mode]!r}")

    def load(self, mode: str, op: str, size: int, size_name: str, prepare=False) -> dict:
        return s3load_cell(self.args.s3load, self.server, mode, op, size, size_name,
                           self.args.duration, prepare)

    def run(self) -> dict:
        results: dict = {}
        sizes = [(MiB, "1MiB"), (64 * MiB, "64MiB")]
        for size, size_name in sizes:
            for mode in MODES:
                self.load(mode, "get", size, size_name, prepare=True)
            self.check_encrypted(size_name)
        for r in range(self.args.rounds):
            order = MODES[r % 3:] + MODES[:r % 3]
            for size, size_name in sizes:
                for op in ("put", "get"):
                    for mode in order:
                        cell = self.load(mode, op, size, size_name)
                        results.setdefault((size_name, op, mode), []).append(cell)
                        print(f"round {r + 1} {size_name} {op} {mode}: "
                              f"{cell['mib_s']:.1f} MiB/s p50 {cell['p50']:.1f} ms "
                              f"cpu {cell['cpu_ms_per_mib']:.2f} ms/MiB", flush=True)
        return results




def report(results, aesni, no_aesni, args) -> str:
    cpu = platform.processor() or "unknown"
    model = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo")
                  if ln.startswith("model name")), cpu)
    has_aes = " aes " in open("/proc/cpuinfo").read()
    lines = [
        f"## Encryption (issue 14): plain vs SSE-S3 vs SSE-KMS, {datetime.date.today()}",
        "",
        f"Command: `{args.command}` at {args.rev}; {args.rounds} interleaved rounds, "
        f"{args.duration} per cell; 1 MiB at concurrency 4 over 32 keys, 64 MiB at concurrency 2 "
        "over 4 keys; s3load with UNSIGNED-PAYLOAD; the bucket default encrypts. Median "
        "(min-max) of the rounds.",
        "",
        f"CPU: {model}, `aes` flag {'present' if has_aes else 'ABSENT'}. Reference, "
        f"`openssl speed -evp aes-256-gcm -bytes 65536` on one core: median "
        f"{aesni[0]:.0f} MiB/s ({aesni[1]:.0f}-{aesni[2]:.0f}) with AES-NI, "
        f"{no_aesni[0]:.0f} MiB/s ({no_aesni[1]:.0f}-{no_aesni[2]:.0f}) with it masked "
        f"(`OPENSSL_ia32cap={NO_AESNI}`): the cipher alone costs "
        f"{1000 / aesni[0]:.2f} ms of CPU per MiB with AES-NI.",
        "",
        "| size | op | mode | MiB/s | p50 ms | p99 ms | server CPU ms/MiB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for (size_name, op, mode), cells in results.items():
        mb, p50, p99, cpu_ms = (med(cells, f) for f in ("mib_s", "p50", "p99", "cpu_ms_per_mib"))
        lines.append(
            f"| {size_name} | {op.upper()} | {mode} | {spread(mb)} | {spread(p50)} | "
            f"{p99[0]:.1f} | {spread(cpu_ms, 2)} |")
    return "\n".join(lines) + "\n"




def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--s3load", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", default="5s")
    p.add_argument("--rev", default="?")
    p.add_argument("--command", default="bench/encryption/run.sh")
    args = p.parse_args()
    speeds = {"aesni": [], "none": []}
    bench = Bench(args)
    bench.setup()
    try:
        results = bench.run()
        for _ in range(args.rounds):  # interleaved too
            speeds["aesni"].append(openssl_speed({}))
            speeds["none"].append(openssl_speed({"OPENSSL_ia32cap": NO_AESNI}))
    finally:
        bench.server.stop()
    summary = lambda v: (statistics.median(v), min(v), max(v))  # noqa: E731
    text = report(results, summary(speeds["aesni"]), summary(speeds["none"]), args)
    print(text)
    write_section(REPO / "bench" / "encryption" / "RESULTS.md", "encryption-bench", text)


if __name__ == "__main__":
    main()
