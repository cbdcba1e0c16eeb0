"""Erasure set benchmark for issue 15: PUT and GET of 1 MiB and 64 MiB objects on one drive and
on 4 drives (EC:2), in one run, and the time to refill a wiped drive.

Two cairn servers run side by side (one drive; 4 drive folders), each on the same disk, so the
comparison is what coding, 4 shard files with their fsyncs, and the replicated index cost. Each
round runs every (size, op, setup) once, the setup order alternating between rounds, so both see
the same machine noise; the report is the median of the rounds with min-max, with the server's
CPU per MiB (utime+stime from /proc).

Heal: `--heal-gib` GiB of 64 MiB objects are written to the set, one drive's folder is replaced by
an empty one while the server runs, and the time from the wipe to the drive being online again
(admin info) is measured, with CAIRN_HEAL_PAUSE_MS=0, over --heal-rounds rounds (another drive each
time) beside a `cp -a` of one drive. The issue's figure, a drive holding 10 GiB, is --heal-gib 20
(4 drives EC:2: each drive holds half the data); the default 1 is a quick check.

Writes bench/erasure_store/RESULTS.md and a section between markers in bench/RESULTS.md.
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
sys.path.insert(0, str(REPO / "tests" / "integration"))
sys.path.insert(0, str(REPO / "bench"))

from harness import CairnServer, cairn_bin, base_env  # noqa: E402
from results_md import med, spread, write_section  # noqa: E402
from s3load_cell import s3load_cell  # noqa: E402

MiB = 1024 * 1024
SETUPS = ["1 drive", "4 drives EC:2"]


class SetServer(CairnServer):
    def __init__(self, drives: int, env=None):
        super().__init__(env=env, pass_dir_arg=drives == 1)
        self.drives = [self.root / f"d{i}" for i in range(1, drives + 1)]
        if drives > 1:
            self.extra_args = [str(self.root / f"d{{1...{drives}}}")]


class Bench:
    def __init__(self, args):
        self.args = args
        self.servers = {"1 drive": SetServer(1), "4 drives EC:2": SetServer(4)}

    def load(self, setup: str, op: str, size: int, size_name: str, prepare=False) -> dict:
        return s3load_cell(self.args.s3load, self.servers[setup], "bench", op, size, size_name,
                           self.args.duration, prepare)

    def run(self) -> dict:
        for server in self.servers.values():
            server.start()
            server.client().create_bucket(Bucket="bench")
        results: dict = {}
        sizes = [(MiB, "1MiB"), (64 * MiB, "64MiB")]
        for size, size_name in sizes:
            for setup in SETUPS:
                self.load(setup, "get", size, size_name, prepare=True)
        for r in range(self.args.rounds):
            order = SETUPS if r % 2 == 0 else SETUPS[::-1]
            for size, size_name in sizes:
                for op in ("put", "get"):
                    for setup in order:
                        cell = self.load(setup, op, size, size_name)
                        results.setdefault((size_name, op, setup), []).append(cell)
                        print(f"round {r + 1} {size_name} {op} {setup}: "
                              f"{cell['mib_s']:.1f} MiB/s p50 {cell['p50']:.1f} ms "
                              f"cpu {cell['cpu_ms_per_mib']:.2f} ms/MiB", flush=True)
        for server in self.servers.values():
            server.cleanup()
        return results


def drive_states(server: CairnServer, env: dict) -> list[str]:
    out = subprocess.run([cairn_bin(), "--json", "admin", "info", "local"], env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return [d["state"] for d in json.loads(out)["drives"]]


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def heal_time(args) -> dict:
    """Writes --heal-gib GiB to a 4-drive set, then per round wipes another drive while the
    server runs and times it back to online; beside each, the reference: `cp -a` of a surviving
    drive's folder (reading and writing one drive's bytes on the same disk, the floor a refill
    that must also read a second drive per shard cannot beat)."""
    server = SetServer(4, env={"CAIRN_HEAL_PAUSE_MS": "0", "CAIRN_DRIVE_CHECK_MS": "500"})
    server.start()
    try:
        s3 = server.client()
        s3.create_bucket(Bucket="heal")
        objects = int(args.heal_gib * 1024 // 64)
        subprocess.run([args.s3load, "--endpoint", server.endpoint, "--access-key",
                        server.access_key, "--secret-key", server.secret_key, "--bucket", "heal",
                        "--op", "get", "--size", str(64 * MiB), "--objects", str(objects),
                        "--concurrency", "2", "--duration", "1ms", "--unsigned-payload",
                        "--timeout", "300s", "--json"], check=True, capture_output=True,
                       timeout=3600)
        env = base_env()
        env["CAIRN_CONFIG_DIR"] = str(server.root / "cli")
        subprocess.run([cairn_bin(), "alias", "set", "local", server.endpoint,
                        server.access_key, server.secret_key], env=env, check=True,
                       capture_output=True, timeout=60)
        rounds = []
        for r in range(args.heal_rounds):
            victim_index = 1 + r % 3
            victim = server.drives[victim_index]
            used = tree_bytes(victim)
            # The reference first on odd rounds, second on even ones.
            def reference():
                source = server.drives[0]
                target = server.root / "copy"
                t0 = time.monotonic()
                subprocess.run(["cp", "-a", str(source), str(target)], check=True, timeout=3600)
                subprocess.run(["sync", "-f", str(target)], check=True, timeout=600)
                took = time.monotonic() - t0
                shutil.rmtree(target)
                return took

            def refill():
                start = time.monotonic()
                os.rename(victim, server.root / "trash")
                victim.mkdir()
                shutil.rmtree(server.root / "trash")
                seen_healing = False
                for _ in range(36000):
                    states = drive_states(server, env)
                    seen_healing |= states[victim_index] == "healing"
                    if seen_healing and states[victim_index] == "online":
                        break
                    time.sleep(0.1)
                else:
                    raise SystemExit("the wiped drive did not come back online")
                return time.monotonic() - start

            if r % 2 == 0:
                copy_s = reference()
                heal_s = refill()
            else:
                heal_s = refill()
                copy_s = reference()
            refilled = tree_bytes(victim)
            if refilled < used * 0.99:
                raise SystemExit(f"drive {victim_index + 1} refilled {refilled} of {used} bytes")
            rounds.append({"seconds": heal_s, "copy_seconds": copy_s, "drive_bytes": used,
                           "refilled_bytes": refilled})
            print(f"heal round {r + 1}: drive {victim_index + 1} ({used / MiB:.0f} MiB) online "
                  f"after {heal_s:.1f} s; cp -a of a drive {copy_s:.1f} s", flush=True)
        return {"objects": objects, "gib": args.heal_gib, "rounds": rounds}
    finally:
        server.cleanup()




def report(results, heal, args) -> str:
    model = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo")
                  if ln.startswith("model name")), "unknown")
    lines = [
        f"## Erasure set (issue 15): 4 drives EC:2 beside one drive, {datetime.date.today()}",
        "",
        f"Command: `{args.command}` at {args.rev}; {args.rounds} interleaved rounds, "
        f"{args.duration} per cell; 1 MiB at concurrency 4 over 32 keys, 64 MiB at concurrency 2 "
        "over 4 keys; s3load with UNSIGNED-PAYLOAD. The 4 drive folders share one disk with "
        f"each other and with the one-drive server. CPU: {model}. Median (min-max) of the rounds.",
        "",
        "| size | op | setup | MiB/s | p50 ms | p99 ms | server CPU ms/MiB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for (size_name, op, setup), cells in sorted(results.items()):
        mb, p50, p99, cpu_ms = (med(cells, f) for f in ("mib_s", "p50", "p99", "cpu_ms_per_mib"))
        lines.append(
            f"| {size_name} | {op.upper()} | {setup} | {spread(mb)} | {spread(p50)} | "
            f"{p99[0]:.1f} | {spread(cpu_ms, 2)} |")
    if heal:
        secs = med(heal["rounds"], "seconds")
        copy = med(heal["rounds"], "copy_seconds")
        drive = statistics.median(r["drive_bytes"] for r in heal["rounds"])
        rate = [r["refilled_bytes"] / MiB / r["seconds"] for r in heal["rounds"]]
        lines += [
            "",
            f"Refill of a wiped drive: {heal['gib']:g} GiB on the set ({heal['objects']} objects "
            f"of 64 MiB; each drive holds {drive / (1 << 30):.2f} GiB of shards). Each of "
            f"{len(heal['rounds'])} rounds replaces another drive's folder by an empty one while "
            f"the server runs and times it until admin info shows it online again: "
            f"**{secs[0]:.1f} s** ({secs[1]:.1f}-{secs[2]:.1f}), "
            f"{statistics.median(rate):.0f} MiB/s of shards written ({min(rate):.0f}-{max(rate):.0f}). "
            f"Reference in the same rounds, interleaved: `cp -a` of one drive's folder and a sync "
            f"(the same bytes read and written on the same disk): {copy[0]:.1f} s "
            f"({copy[1]:.1f}-{copy[2]:.1f}). The refill reads two shards per block "
            "(data = 2) and checks their hashes, so it moves 1.5x the bytes the copy does.",
        ]
    return "\n".join(lines) + "\n"




def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--s3load", required=True)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--duration", default="5s")
    p.add_argument("--heal-gib", type=float, default=1.0)
    p.add_argument("--heal-rounds", type=int, default=3)
    p.add_argument("--rev", default="?")
    p.add_argument("--command", default="bench/erasure_store/run.sh")
    args = p.parse_args()
    results = Bench(args).run()
    heal = heal_time(args) if args.heal_gib > 0 else None
    text = report(results, heal, args)
    print(text)
    write_section(REPO / "bench" / "erasure_store" / "RESULTS.md", "erasure-store-bench", text)


if __name__ == "__main__":
    main()
