#!/usr/bin/env python3
"""Times ListObjectVersions and ListObjectsV2 pages against a running cairn (bench/versions).

Each case is one SigV4-signed GET over a keep-alive connection; the clock runs from sending the
request to the last byte of the response (signing and XML parsing are outside it). The cases run
round-robin (interleaved) for --runs runs after one warm-up run; every response is checked (HTTP
200, the expected number of entries). Prints one JSON object: per case the samples in ms.

Usage: listbench.py --port P [--runs 7]
"""
import argparse
import hashlib
import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
EMPTY_SHA = hashlib.sha256(b"").hexdigest()


class Client:
    def __init__(self, port, access, secret):
        self.port, self.creds = port, Credentials(access, secret)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path, params):
        qs = "&".join(f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}"
                      for k, v in sorted(params.items()))
        target = f"{path}?{qs}"
        host = f"127.0.0.1:{self.port}"
        req = AWSRequest(method="GET", url=f"http://{host}{target}",
                         headers={"Host": host, "x-amz-content-sha256": EMPTY_SHA})
        S3SigV4Auth(self.creds, "s3", "us-east-1").add_auth(req)
        t0 = time.perf_counter()
        self.conn.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
        for k, v in req.headers.items():
            self.conn.putheader(k, v)
        self.conn.endheaders()
        resp = self.conn.getresponse()
        body = resp.read()
        ms = (time.perf_counter() - t0) * 1000
        if resp.status != 200:
            sys.exit(f"GET {target} -> HTTP {resp.status}: {body[:300]!r}")
        return ms, ET.fromstring(body), len(body)


def count(root):
    n = {t: len(root.findall(NS + t)) for t in ("Version", "DeleteMarker", "Contents",
                                                 "CommonPrefixes")}
    return n


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bucket", default="bench")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--keys", type=int, default=200000, help="as populated: 1,000 per directory")
    p.add_argument("--server-pid", type=int, default=0,
                   help="also measure the server's CPU time per page (/proc/PID/stat, batches of --cpu-batch)")
    p.add_argument("--cpu-batch", type=int, default=20)
    p.add_argument("--access", default="benchadmin")
    p.add_argument("--secret", default="bench-secret-key-123")
    a = p.parse_args()
    c = Client(a.port, a.access, a.secret)
    b = f"/{a.bucket}"
    # A real version id in the middle, for version-id-marker: the 3rd version of key 100001.
    dirs, mid = a.keys // 1000, a.keys // 2
    kname = lambda i: f"d{i // 1000:03d}/k{i:06d}"
    _, root, _ = c.get(b, {"versions": "", "key-marker": kname(mid), "max-keys": "8"})
    ents = [(e.findtext(NS + "Key"), e.findtext(NS + "VersionId")) for e in root
           if e.tag in (NS + "Version", NS + "DeleteMarker")]
    mid_key, mid_vid = [m for m in ents if m[0] == kname(mid + 1)][2]
    cases = {
        # name: (params, check(counts) -> bool)
        "versions, first page": ({"versions": "", "max-keys": "1000"},
                                 lambda n: n["Version"] + n["DeleteMarker"] == 1000),
        "versions, middle (key-marker + version-id-marker)": (
            {"versions": "", "max-keys": "1000", "key-marker": mid_key,
             "version-id-marker": mid_vid},
            lambda n: n["Version"] + n["DeleteMarker"] == 1000),
        "versions, delimiter / (all prefixes)": ({"versions": "", "max-keys": "1000",
                                                  "delimiter": "/"},
                                                 lambda n: n["CommonPrefixes"] == dirs),
        "versions, middle key-marker + delimiter /": (
            {"versions": "", "max-keys": "1000", "delimiter": "/", "key-marker": kname(mid + 500)},
            lambda n: n["CommonPrefixes"] in (dirs - mid // 1000 - 1, dirs - mid // 1000)),
        "versions, prefix (middle dir) + delimiter /": (
            {"versions": "", "max-keys": "1000", "prefix": kname(mid)[:5], "delimiter": "/"},
            lambda n: n["Version"] + n["DeleteMarker"] == 1000),
        "v2, first page": ({"list-type": "2", "max-keys": "1000"},
                           lambda n: n["Contents"] == 1000),
        "v2, middle (start-after)": ({"list-type": "2", "max-keys": "1000",
                                      "start-after": kname(mid)},
                                     lambda n: n["Contents"] == 1000),
        "v2, delimiter / (all prefixes)": ({"list-type": "2", "max-keys": "1000",
                                            "delimiter": "/"},
                                           lambda n: n["CommonPrefixes"] == dirs),
        "v2, middle start-after + delimiter /": (
            {"list-type": "2", "max-keys": "1000", "delimiter": "/",
             "start-after": kname(mid + 500)},
            lambda n: n["CommonPrefixes"] in (dirs - mid // 1000 - 1, dirs - mid // 1000)),
    }
    samples = {name: [] for name in cases}
    sizes = {}
    for run in range(a.runs + 1):  # run 0 is the warm-up
        for name, (params, check) in cases.items():
            ms, root, nbytes = c.get(b, params)
            n = count(root)
            if not check(n):
                sys.exit(f"{name}: unexpected page {n}")
            sizes[name] = (n, nbytes)
            if run:
                samples[name].append(ms)
    cpu = {}
    if a.server_pid:
        tick = os.sysconf("SC_CLK_TCK")

        def cpu_s():
            with open(f"/proc/{a.server_pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

        for name, (params, _) in cases.items():
            t0 = cpu_s()
            for _ in range(a.cpu_batch):
                c.get(b, params)
            cpu[name] = (cpu_s() - t0) * 1000 / a.cpu_batch
    out = {}
    for name, s in samples.items():
        out[name] = {"median_ms": statistics.median(s), "min_ms": min(s), "max_ms": max(s),
                     "samples_ms": [round(x, 3) for x in s], "entries": sizes[name][0],
                     "response_bytes": sizes[name][1], "server_cpu_ms": cpu.get(name)}
    print(json.dumps(out, indent=1))
    print("\n| case | median ms | min–max ms | server CPU ms/page | entries in page | response bytes |",
          file=sys.stderr)
    print("|---|---|---|---|---|---|", file=sys.stderr)
    for name, r in out.items():
        ents = ", ".join(f"{v} {k}" for k, v in r["entries"].items() if v)
        sc = "—" if r["server_cpu_ms"] is None else f"{r['server_cpu_ms']:.1f}"
        print(f"| {name} | {r['median_ms']:.2f} | {r['min_ms']:.2f}–{r['max_ms']:.2f} | {sc} | {ents} | "
              f"{r['response_bytes']:,} |", file=sys.stderr)


if __name__ == "__main__":
    main()
