"""Memory bound for issue 3: N concurrent uploads of SIZE each must keep cairn's peak RSS
under 256 MiB (memory bounded by concurrency, not object size).

Modes (each on a fresh server process, so each VmHWM is its own):
  multipart  boto3 create_multipart_upload / upload_part (PART MiB parts) / complete, one
             thread per upload, default boto3 checksum behaviour (CRC32 per part)
  put        one streamed PutObject per upload over http.client: aws-chunked
             STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer (what the AWS CLI and SDKs
             send), the body produced by a generator while it is sent

No data is ever stored as a file: each object is a fixed pseudo-random prefix (1 MiB block
repeated) followed by a 32-byte tail unique to (upload, part), so every object and every part
differs, and their MD5/CRC32 come from the shared prefix's saved hash state plus the tail
(verification costs no client CPU that would be taken from the server on 2 shared cores).

The server's VmRSS is sampled every 100 ms; VmHWM is read at the end. Each object's size and
ETag are checked by HEAD. A section is written to bench/memory/RESULTS.md and appended (or
replaced, between markers) under "## Memory" in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import http.client
import json
import os
import platform
import random
import shlex
import sys
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from harness import CairnServer, cairn_bin  # noqa: E402
from procstat import ProcSampler, status_kib  # noqa: E402

MiB = 1024 * 1024
GiB = 1024 * MiB
TAIL = 32
BEGIN = "<!-- memory-bench:begin -->"
END = "<!-- memory-bench:end -->"


# -- data -------------------------------------------------------------------------------------


class Pattern:
    """Bytes of length L: `block` repeated, cut at L - TAIL, then a 32-byte tail."""

    def __init__(self, length: int, seed: int = 0xCA1A):
        self.length = length
        self.block = random.Random(seed).randbytes(MiB)
        prefix_len = length - TAIL
        md5, crc = hashlib.md5(), 0
        full, rest = divmod(prefix_len, MiB)
        for _ in range(full):
            md5.update(self.block)
            crc = zlib.crc32(self.block, crc)
        md5.update(self.block[:rest])
        crc = zlib.crc32(self.block[:rest], crc)
        self.prefix_md5, self.prefix_crc = md5, crc

    @staticmethod
    def tail(*ids: int) -> bytes:
        raw = b"".join(i.to_bytes(8, "big") for i in ids)
        return (raw * TAIL)[:TAIL] if raw else bytes(TAIL)

    def md5(self, tail: bytes) -> bytes:
        h = self.prefix_md5.copy()
        h.update(tail)
        return h.digest()

    def crc32(self, tail: bytes) -> int:
        return zlib.crc32(tail, self.prefix_crc)

    def chunks(self, tail: bytes, size: int):
        """Yields the bytes in pieces of at most `size` (size divides MiB)."""
        prefix_len = self.length - TAIL
        sent = 0
        view = memoryview(self.block)
        while sent < prefix_len:
            off = sent % MiB
            n = min(size, MiB - off, prefix_len - sent)
            sent += n
            if sent == prefix_len:  # the tail rides in the last chunk, as an SDK would send it
                yield bytes(view[off : off + n]) + tail
            else:
                yield view[off : off + n]
        if prefix_len == 0:
            yield tail

    def materialize(self, tail: bytes) -> bytes:
        full, rest = divmod(self.length - TAIL, MiB)
        return self.block * full + self.block[:rest] + tail


# -- sampling ---------------------------------------------------------------------------------


# -- upload modes ----------------------------------------------------------------------------


def multipart_upload(server, bucket, key, index, size, part_size, pattern_part, pattern_last,
                     deadline):
    s3 = server.client()
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts, digests = [], []
    nparts = (size + part_size - 1) // part_size
    for n in range(1, nparts + 1):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{key}: over the time budget at part {n}")
        pat = pattern_part if n < nparts or size % part_size == 0 else pattern_last
        tail = Pattern.tail(index, n)
        body = pat.materialize(tail)
        resp = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n,
                              Body=body)
        del body
        want = pat.md5(tail)
        if resp["ETag"] != f'"{want.hex()}"':
            raise AssertionError(f"{key} part {n}: ETag {resp['ETag']} != {want.hex()}")
        digests.append(want)
        parts.append({"PartNumber": n, "ETag": resp["ETag"],
                      **({"ChecksumCRC32": resp["ChecksumCRC32"]}
                         if "ChecksumCRC32" in resp else {})})
    done = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                        MultipartUpload={"Parts": parts})
    etag = f'"{hashlib.md5(b"".join(digests)).hexdigest()}-{nparts}"'
    if done["ETag"] != etag:
        raise AssertionError(f"{key}: complete ETag {done['ETag']} != {etag}")
    return etag


def streamed_put(server, bucket, key, index, size, pattern, chunk, deadline):
    """aws-chunked STREAMING-UNSIGNED-PAYLOAD-TRAILER, body generated while sending."""
    import base64

    from harness import _RawSigner  # noqa: PLC0415
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    tail = Pattern.tail(index)
    crc = base64.b64encode(pattern.crc32(tail).to_bytes(4, "big")).decode()
    trailer = f"x-amz-checksum-crc32:{crc}\r\n".encode()
    # encoded length: every chunk "<hex>\r\n<data>\r\n", then "0\r\n<trailer>\r\n"
    sizes = [len(c) for c in pattern.chunks(tail, chunk)]
    encoded = sum(len(f"{n:x}") + 2 + n + 2 for n in sizes) + 3 + len(trailer) + 2
    host = f"127.0.0.1:{server.port}"
    path = f"/{bucket}/{key}"
    headers = {
        "Host": host,
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(size),
        "x-amz-trailer": "x-amz-checksum-crc32",
        "x-amz-sdk-checksum-algorithm": "CRC32",
        "Content-Length": str(encoded),
    }
    req = AWSRequest(method="PUT", url=f"http://{host}{path}", headers=headers)
    _RawSigner(Credentials(server.access_key, server.secret_key),
               payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER").add_auth(req)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    try:
        conn.putrequest("PUT", path, skip_host=True, skip_accept_encoding=True)
        for k, v in req.headers.items():
            conn.putheader(k, v)
        conn.endheaders()
        for piece in pattern.chunks(tail, chunk):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{key}: over the time budget")
            conn.send(f"{len(piece):x}\r\n".encode())
            conn.send(piece)
            conn.send(b"\r\n")
        conn.send(b"0\r\n" + trailer + b"\r\n")
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise AssertionError(f"{key}: PUT {resp.status} {body[:300]!r}")
        etag = f'"{pattern.md5(tail).hex()}"'
        if resp.getheader("ETag") != etag:
            raise AssertionError(f"{key}: ETag {resp.getheader('ETag')} != {etag}")
        return etag
    finally:
        conn.close()


# -- one run ----------------------------------------------------------------------------------


def cpu_idle_pct() -> float:
    def read():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[3] + v[4], sum(v)

    i0, t0 = read()
    time.sleep(1)
    i1, t1 = read()
    return 100.0 * (i1 - i0) / max(1, t1 - t0)


def run_mode(mode, args, deadline):
    size = int(args.size_mib * MiB)
    part = args.part_mib * MiB
    server = CairnServer()
    print(f"[{mode}] cairn {cairn_bin()} on {server.endpoint}, data {server.data_dir}",
          flush=True)
    server.start()
    try:
        pid = server.proc.pid
        s3 = server.client()
        bucket = "membench"
        s3.create_bucket(Bucket=bucket)
        rss_idle = status_kib(pid, "VmRSS")
        if mode == "multipart":
            pat_part = Pattern(part)
            last = size % part
            pat_last = Pattern(last) if last else pat_part
            job = lambda i: multipart_upload(server, bucket, f"mp/{i:02d}", i, size, part,  # noqa: E731
                                             pat_part, pat_last, deadline)
        else:
            pat = Pattern(size)
            job = lambda i: streamed_put(server, bucket, f"put/{i:02d}", i, size, pat,  # noqa: E731
                                         args.chunk_kib * 1024, deadline)
        sampler = ProcSampler(pid)
        load_before = os.getloadavg()
        sampler.start()
        t0 = time.monotonic()
        errors = []
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            futures = [pool.submit(job, i) for i in range(args.clients)]
            etags = []
            for f in futures:
                try:
                    etags.append(f.result(timeout=max(1.0, deadline - time.monotonic())))
                except Exception as e:  # noqa: BLE001
                    errors.append(repr(e))
        wall = time.monotonic() - t0
        sampler.stop()
        hwm = status_kib(pid, "VmHWM")
        rss_end = status_kib(pid, "VmRSS")
        load_after = os.getloadavg()
        # verify every object by HEAD: size and ETag
        prefix = "mp" if mode == "multipart" else "put"
        verified = 0
        for i, etag in enumerate(etags):
            head = s3.head_object(Bucket=bucket, Key=f"{prefix}/{i:02d}")
            if head["ContentLength"] != size or head["ETag"] != etag:
                errors.append(f"{prefix}/{i:02d}: HEAD {head['ContentLength']} {head['ETag']}")
            else:
                verified += 1
        result = dict(
            mode=mode, clients=args.clients, size=size, part=part if mode == "multipart" else None,
            chunk=args.chunk_kib * 1024 if mode == "put" else None,
            wall=wall, bytes=size * len(etags), hwm_kib=hwm, peak_sampled_kib=sampler.peak_kib,
            samples=len(sampler.samples), rss_idle_kib=rss_idle, rss_end_kib=rss_end,
            verified=verified, errors=errors, load_before=load_before, load_after=load_after,
        )
        print(f"[{mode}] {fmt_result(result)}", flush=True)
        return result
    finally:
        server.cleanup()


def fmt_result(r):
    mib_s = r["bytes"] / MiB / r["wall"] if r["wall"] else 0
    return (f"{r['clients']} x {r['size'] / MiB:g} MiB in {r['wall']:.1f}s ({mib_s:.0f} MiB/s), "
            f"VmHWM {r['hwm_kib']} kB ({r['hwm_kib'] / 1024:.1f} MiB), sampled peak VmRSS "
            f"{r['peak_sampled_kib']} kB, {r['verified']}/{r['clients']} verified, "
            f"errors: {len(r['errors'])}")


# -- report -----------------------------------------------------------------------------------


def git_rev():
    import subprocess

    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return rev + (" + uncommitted src/ changes" if dirty else "")
    except Exception:  # noqa: BLE001
        return "unknown"


def report(results, args, command, idle_before):
    built_from = args.cairn_rev or f"checkout {git_rev()}"
    limit = args.limit_mib * 1024
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        BEGIN,
        "## Memory",
        "",
        f"Issue 3's bound: {args.clients} concurrent uploads of {args.size_mib / 1024:g} GiB "
        f"keep cairn's peak RSS under {args.limit_mib} MiB.",
        "",
        f"- date: {now}; machine: {os.cpu_count()} CPUs, {platform.machine()}; "
        f"CPU idle before the run: {idle_before:.0f}%",
        f"- cairn: `{cairn_bin()}` ({built_from})",
        f"- command: `{command}`",
        "- data generated on the fly (a 1 MiB pseudo-random block repeated, a unique 32-byte "
        "tail per part/object), never stored as files; client and server share the 2 cores, "
        "so wall time and throughput are CPU-bound figures, not disk figures",
        "- RSS: VmRSS sampled every 100 ms; VmHWM (kernel peak) read at the end; each mode on a "
        "fresh server process; every object verified by HEAD (size and ETag)",
        "",
        "| mode | uploads | object | part / chunk | wall s | MiB/s | peak RSS (VmHWM) | "
        "sampled peak VmRSS | RSS idle → end | verified | under limit |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        mib_s = r["bytes"] / MiB / r["wall"] if r["wall"] else 0
        pc = (f"{r['part'] // MiB} MiB parts (boto3 upload_part, default checksums)"
              if r["mode"] == "multipart"
              else f"{r['chunk'] // 1024} KiB aws-chunked chunks, unsigned + CRC32 trailer")
        ok = r["hwm_kib"] is not None and r["hwm_kib"] < limit and not r["errors"]
        lines.append(
            f"| {r['mode']} | {r['clients']} | {r['size'] / GiB:g} GiB | {pc} | {r['wall']:.1f} | "
            f"{mib_s:.0f} | **{r['hwm_kib'] / 1024:.1f} MiB** ({r['hwm_kib']} kB) | "
            f"{r['peak_sampled_kib'] / 1024:.1f} MiB | {r['rss_idle_kib'] / 1024:.1f} → "
            f"{r['rss_end_kib'] / 1024:.1f} MiB | {r['verified']}/{r['clients']} | "
            f"{'yes' if ok else 'NO'} |"
        )
    for r in results:
        lb, la = r["load_before"], r["load_after"]
        lines.append("")
        lines.append(f"- {r['mode']}: load average {lb[0]:.2f} before, {la[0]:.2f} after; "
                     f"{r['samples']} RSS samples" +
                     (f"; errors: {'; '.join(r['errors'][:5])}" if r["errors"] else ""))
    lines += ["", END, ""]
    section = "\n".join(lines)

    raw = REPO / "bench" / "memory" / "RESULTS.json"
    raw.write_text(json.dumps({"date": now, "command": command, "cairn": cairn_bin(),
                               "built_from": built_from, "results": results}, indent=1) + "\n")
    own = REPO / "bench" / "memory" / "RESULTS.md"
    own.write_text("# Cairn memory benchmark\n\n" + section)
    shared = Path(args.results)
    # Re-read right before writing: another engineer maintains the rest of this file.
    text = shared.read_text() if shared.exists() else ""
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + section.rstrip("\n") + tail
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + section
    shared.write_text(text)
    print(f"wrote {own} and the Memory section of {shared}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=["multipart", "put", "both"], default="both")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--size-mib", type=float, default=1024)
    ap.add_argument("--part-mib", type=int, default=16)
    ap.add_argument("--chunk-kib", type=int, default=64, help="aws-chunked chunk size (put)")
    ap.add_argument("--limit-mib", type=int, default=256)
    ap.add_argument("--budget", type=float, default=1500, help="seconds for the whole run")
    ap.add_argument("--results", default=str(REPO / "bench" / "RESULTS.md"))
    ap.add_argument("--no-report", action="store_true")
    ap.add_argument("--command", default=None, help="command line to record")
    ap.add_argument("--cairn-rev", default=os.environ.get("CAIRN_REV"),
                    help="what the binary was built from, for the report (env CAIRN_REV)")
    args = ap.parse_args()
    if MiB % (args.chunk_kib * 1024):
        ap.error("--chunk-kib must divide 1024")
    command = args.command or " ".join(shlex.quote(a) for a in [sys.argv[0], *sys.argv[1:]])
    deadline = time.monotonic() + args.budget
    idle = cpu_idle_pct()
    modes = ["multipart", "put"] if args.mode == "both" else [args.mode]
    results = [run_mode(m, args, deadline) for m in modes]
    if not args.no_report:
        report(results, args, command, idle)
    limit = args.limit_mib * 1024
    failed = [r for r in results if r["errors"] or r["hwm_kib"] is None or r["hwm_kib"] >= limit]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
