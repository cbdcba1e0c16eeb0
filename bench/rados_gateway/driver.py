"""Issue 17's gateway benchmark: Cairn on RADOS (`cairn server rados://cairn-bench`) beside Ceph's
RADOS Gateway and beside Cairn on a local drive, on one dev cluster, in one run.

Figures per setup: PUT and GET of 4 KiB and 1 MiB objects, each at concurrency 16 and 64 (ops/s,
MiB/s, p50/p99), and LIST: one 1,000-key ListObjectsV2 page over --list-keys keys (s3load's list
op, one client, so a page's latency is the figure). Each round runs every (figure, setup) once,
the setup order alternating between rounds, so all setups see the same machine noise; the report
is the median of the rounds with min-max. The list bucket is filled once per setup (zero-byte
objects, 64 clients), untimed by the rounds but timed on its own.

radosgw runs on the cluster scripts/ceph-dev.sh started (run.sh), as client.rgw.bench with its
own data dir and log in --bench-dir, beast on 127.0.0.1 with tcp_nodelay, no cephx (the dev
cluster has none), and a user with fixed keys made by radosgw-admin through the same conf.

Writes bench/rados_gateway/RESULTS.md and a section between markers in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "integration"))
sys.path.insert(0, str(REPO / "bench"))

from harness import CairnServer, free_port  # noqa: E402
from results_md import med, spread, write_section  # noqa: E402
from s3load_cell import s3load_cell  # noqa: E402

KiB, MiB = 1 << 10, 1 << 20
SIZES = [(4 * KiB, "4KiB", 256), (MiB, "1MiB", 128)]  # (bytes, name, keys)
CONCURRENCIES = [16, 64]
FILL_CONCURRENCY = 64
ISSUE_LIST_KEYS = 1_000_000
RGW_NAME = "client.rgw.bench"
RGW_ACCESS_KEY = "RGWBENCHACCESSKEY000"
RGW_SECRET_KEY = "rgwbenchsecretkey0000000000000000000000"


def rgw_conf_lines(bench_dir: Path, port: int) -> list[str]:
    """The gateway's section of the cluster's ceph.conf (also read by radosgw-admin)."""
    return [
        f"[{RGW_NAME}]",
        f"rgw frontends = beast endpoint=127.0.0.1:{port} tcp_nodelay=1",
        f"rgw data = {bench_dir}/rgw",
        f"log file = {bench_dir}/radosgw.log",
        f"pid file = {bench_dir}/radosgw.pid",
        # $pid: radosgw-admin runs under the same name beside the gateway.
        f"admin socket = {bench_dir}/radosgw.$pid.asok",
        # No rgw dns name: requests are path-style (s3load, boto3 with addressing_style=path).
        # One OSD: pools of 8 PGs keep radosgw's seven pools far under mon_max_pg_per_osd.
        "osd pool default pg num = 8",
        "osd pool default pgp num = 8",
    ]


class RadosGateway:
    """radosgw on the dev cluster, with the attributes s3load_cell expects of a server."""

    def __init__(self, ceph_conf: Path, bench_dir: Path):
        self.ceph_conf, self.bench_dir = ceph_conf, bench_dir
        self.port = free_port()
        self.access_key, self.secret_key = RGW_ACCESS_KEY, RGW_SECRET_KEY
        self.proc: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def ceph(self, *args: str, timeout: int = 60) -> str:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                              check=True).stdout

    def start(self) -> "RadosGateway":
        (self.bench_dir / "rgw").mkdir(parents=True, exist_ok=True)
        self.conf_lines = rgw_conf_lines(self.bench_dir, self.port)
        with open(self.ceph_conf, "a") as f:
            f.write("\n" + "\n".join(self.conf_lines) + "\n")
        # The monitor read its conf at start; pools radosgw asks it for take the default it has.
        for opt in ("osd_pool_default_pg_num", "osd_pool_default_pgp_num"):
            self.ceph("ceph", "-c", str(self.ceph_conf), "config", "set", "global", opt, "8")
        log = open(self.bench_dir / "radosgw.stdout", "ab")
        self.proc = subprocess.Popen(["radosgw", "-c", str(self.ceph_conf), "-n", RGW_NAME, "-f"],
                                     stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self.wait_ready(timeout=180)
        self.ceph("radosgw-admin", "-c", str(self.ceph_conf), "-n", RGW_NAME, "user", "create",
                  "--uid", "bench", "--display-name", "bench", "--access-key", self.access_key,
                  "--secret-key", self.secret_key, timeout=120)
        return self

    def pools(self) -> str:
        """The pools radosgw made and their PG counts, for the report."""
        pools = json.loads(self.ceph("ceph", "-c", str(self.ceph_conf), "osd", "pool", "ls",
                                     "detail", "--format", "json"))
        return ", ".join(f"{p['pool_name']} ({p['pg_num']})" for p in pools)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = None
        for _ in range(int(timeout / 0.25) + 1):
            if self.proc.poll() is not None:
                raise SystemExit(f"radosgw exited with {self.proc.returncode} "
                                 f"(see {self.bench_dir}/radosgw.log)")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/")
                conn.getresponse().read()
                conn.close()
                return
            except OSError as e:
                last = repr(e)
            if time.monotonic() > deadline:
                break
            time.sleep(0.25)
        raise SystemExit(f"radosgw did not answer on {self.port} in {timeout}s ({last})")

    def version(self) -> str:
        return self.ceph("radosgw", "--version").strip()

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)


def cairn_on_rados(ceph_conf: Path, bench_dir: Path) -> CairnServer:
    """Cairn as a gateway on the same cluster: `cairn server rados://POOL --ceph-conf ...`, its
    state folder (audit queues, its lease name) in the bench folder."""
    server = CairnServer(env={"CAIRN_STATE_DIR": str(bench_dir / "cairn-gateway")},
                         extra_args=["--ceph-conf", str(ceph_conf), "rados://cairn-bench"],
                         pass_dir_arg=False)
    return server.start()


@dataclass
class Setup:
    name: str
    start: Callable[[], object] | None  # None: reported as `not_measured`, never left out
    not_measured: str = ""


def setups(ceph_conf: Path, bench_dir: Path) -> list[Setup]:
    return [
        Setup("Cairn, local drive", lambda: CairnServer().start()),
        Setup("radosgw", lambda: RadosGateway(ceph_conf, bench_dir).start()),
        Setup("Cairn on RADOS", lambda: cairn_on_rados(ceph_conf, bench_dir)),
    ]


def client(server):
    import boto3
    from botocore.config import Config
    return boto3.session.Session().client(
        "s3", endpoint_url=server.endpoint, region_name="us-east-1",
        aws_access_key_id=server.access_key, aws_secret_access_key=server.secret_key,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 0}))


class Bench:
    def __init__(self, args):
        self.args = args
        self.setups = setups(Path(args.ceph_conf), Path(args.bench_dir))
        self.servers: dict[str, object] = {}
        self.fills: dict[str, dict] = {}

    def cell(self, setup: str, op: str, size: int, size_name: str, objects: int, conc: int,
             prepare: bool = False, timeout_s: int = 600) -> dict:
        return s3load_cell(self.args.s3load, self.servers[setup], "bench", op, size, size_name,
                           self.args.duration, prepare, objects=objects, concurrency=conc,
                           timeout_s=timeout_s)

    def prepare(self) -> None:
        for s in self.setups:
            if s.start is None:
                continue
            server = self.servers[s.name] = s.start()
            client(server).create_bucket(Bucket="bench")
            print(f"{s.name}: up at {server.endpoint}", flush=True)
        for name in self.servers:
            for size, size_name, keys in SIZES:
                self.cell(name, "get", size, size_name, keys, 16, prepare=True)
            t0 = time.monotonic()
            fill = self.cell(name, "get", 0, "list", self.args.list_keys, FILL_CONCURRENCY,
                             prepare=True, timeout_s=3 * 3600)
            took = time.monotonic() - t0
            self.fills[name] = {"seconds": took, "s3load_seconds": fill["prepare"]["elapsed_s"],
                                "keys": fill["prepare"]["ok"]}
            print(f"{name}: filled {self.args.list_keys} keys in {took:.0f} s "
                  f"({self.args.list_keys / took:.0f} PUT/s)", flush=True)
        if "radosgw" in self.servers:
            self.rgw_pools = self.servers["radosgw"].pools()

    def run(self) -> dict:
        results: dict = {}
        names = list(self.servers)
        for r in range(self.args.rounds):
            order = names if r % 2 == 0 else names[::-1]
            for size, size_name, keys in SIZES:
                for op in ("put", "get"):
                    for conc in CONCURRENCIES:
                        for name in order:
                            c = self.cell(name, op, size, size_name, keys, conc)
                            results.setdefault((f"{op.upper()} {size_name} c{conc}", name),
                                               []).append(c)
                            print(f"round {r + 1} {op} {size_name} c{conc} {name}: "
                                  f"{c['ops_s']:.0f} ops/s {c['mib_s']:.1f} MiB/s "
                                  f"p50 {c['p50']:.2f} ms p99 {c['p99']:.2f} ms", flush=True)
            for name in order:
                c = self.cell(name, "list", 0, "list", self.args.list_keys, 1)
                results.setdefault(("LIST page", name), []).append(c)
                print(f"round {r + 1} list {name}: page p50 {c['p50']:.1f} ms "
                      f"p99 {c['p99']:.1f} ms ({c['ops_s']:.1f} pages/s)", flush=True)
        return results

    def cleanup(self) -> None:
        for server in self.servers.values():
            server.cleanup()


def report(bench: Bench, results: dict, args, load: tuple[str, str]) -> str:
    model = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo")
                  if ln.startswith("model name")), "unknown")
    rgw = bench.servers.get("radosgw")
    lines = [
        f"## Gateways on RADOS (issue 17): radosgw beside Cairn, {datetime.date.today()}",
        "",
        f"Command: `{args.command}` at {args.rev}; {args.rounds} interleaved rounds, "
        f"{args.duration} per cell, s3load with UNSIGNED-PAYLOAD, keep-alive connections. "
        f"4 KiB over 256 keys, 1 MiB over 128 keys; GET reads keys written before the rounds. "
        f"LIST: one client paging `list-type=2&max-keys=1000` through {args.list_keys:,} "
        "zero-byte keys; the figure is one page's latency. Median (min-max) of the rounds.",
        "",
        f"Machine: 2 cores ({model}) shared by the servers, the Ceph daemons, s3load and the "
        f"lead's builds; load average before {load[0]}, after {load[1]}. Cluster: "
        "scripts/ceph-dev.sh (one monitor, one bluestore OSD on a sparse file, pool size 1, "
        "no cephx). Cairn, local drive: `cairn server DIR` on the same disk.",
    ]
    if rgw is not None:
        lines += ["", f"radosgw: {rgw.version()}, as `{RGW_NAME}`; the conf section the bench "
                  "adds (plus `ceph config set global osd_pool_default_pg_num 8` and `..._pgp_num "
                  "8` for the monitor):", "", "```", *rgw.conf_lines, "```", "",
                  f"Pools radosgw made (PGs): {bench.rgw_pools}. Everything else is radosgw's "
                  "default (debug rgw 1/5, which logs one line per request; dynamic resharding "
                  "of the bucket index)."]
    lines += ["", "Fill of the list bucket (once per setup, before the rounds; "
              f"{FILL_CONCURRENCY} clients, one PUT of each zero-byte key):", ""]
    for name, f in bench.fills.items():
        lines.append(f"- {name}: {f['keys']:,} keys in {f['seconds']:.0f} s "
                     f"({f['keys'] / f['seconds']:.0f} PUT/s)")
    if args.list_keys < ISSUE_LIST_KEYS and bench.fills:
        slowest = min(f["keys"] / f["seconds"] for f in bench.fills.values())
        lines += ["", f"The list bucket holds {args.list_keys:,} keys, not the issue's "
                  f"{ISSUE_LIST_KEYS:,}: at this run's slowest fill rate ({slowest:.0f} PUT/s) "
                  f"{ISSUE_LIST_KEYS:,} keys would take {ISSUE_LIST_KEYS / slowest / 60:.0f} min "
                  "for that setup alone on these 2 cores (over the bench's 15-minute budget per "
                  f"setup), so run.sh defaults to LIST_KEYS=100000; `LIST_KEYS={ISSUE_LIST_KEYS}` "
                  "runs the issue's figure."]
    lines += ["", "| figure | setup | ops/s | MiB/s | p50 ms | p99 ms | ops/s vs radosgw |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    figures = list(dict.fromkeys(f for f, _ in results))
    for figure in figures:
        base = results.get((figure, "radosgw"))
        for s in bench.setups:
            cells = results.get((figure, s.name))
            if cells is None:
                lines.append(f"| {figure} | {s.name} | {s.not_measured or 'not measured'} "
                             "| | | | |")
                continue
            ops, mb, p50, p99 = (med(cells, k) for k in ("ops_s", "mib_s", "p50", "p99"))
            ratio = f"{ops[0] / med(base, 'ops_s')[0]:.2f}x" if base else ""
            mib = "" if figure.startswith("LIST") else spread(mb)
            lines.append(f"| {figure} | {s.name} | {spread(ops, 0)} | {mib} | {spread(p50, 2)} | "
                         f"{spread(p99, 2)} | {ratio} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--s3load", required=True)
    p.add_argument("--ceph-conf", required=True)
    p.add_argument("--bench-dir", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", default="5s")
    p.add_argument("--list-keys", type=int, default=100_000)
    p.add_argument("--rev", default="?")
    p.add_argument("--command", default="bench/rados_gateway/run.sh")
    args = p.parse_args()
    bench = Bench(args)
    load_before = open("/proc/loadavg").read().split()[:3]
    try:
        bench.prepare()
        results = bench.run()
        load_after = open("/proc/loadavg").read().split()[:3]
        text = report(bench, results, args, (" ".join(load_before), " ".join(load_after)))
    finally:
        bench.cleanup()
    print(text)
    write_section(REPO / "bench" / "rados_gateway" / "RESULTS.md", "rados-gateway-bench", text)


if __name__ == "__main__":
    main()
