"""Erasure sets (issue 15): the real binary over 4 and 6 drive folders.

Objects of 0 B, 1 KiB (inline in the replicated metadata), 1 MiB + 1 and a 40 MiB multipart
upload (coded, with 64 KiB blocks so each spans many) read back byte for byte, full and ranged,
while drives are wiped (stopped and running), missing, corrupted, replaced; one drive past parity
is a 503 S3 error, never wrong bytes; heals rewrite the damaged shard files; kill -9 during
writes loses no acknowledged write; the health endpoints and `cairn admin heal/info` report it.
Every loop is bounded in count and time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
from pathlib import Path

import botocore

from harness import CairnServer, cairn_bin, base_env, unique_bucket
from signing import send, sign_v4_headers
from procstat import status_kib
from test_metrics import parse_exposition, value

BLOCK = 64 << 10
MIB = 1 << 20
# Fast drive checks and no pause between healed blobs, unless a test slows the heal on purpose.
FAST = {"CAIRN_DRIVE_CHECK_MS": "200", "CAIRN_HEAL_PAUSE_MS": "0",
        "CAIRN_ERASURE_BLOCK_SIZE": str(BLOCK), "MINIO_PROMETHEUS_AUTH_TYPE": "public"}


def payload(size: int, seed: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(f"{seed}-{counter}".encode()).digest() * 64
        counter += 1
    return bytes(out[:size])


def wait_until(what: str, check, timeout: float = 30.0, step: float = 0.1):
    deadline = time.monotonic() + timeout
    last = None
    for _ in range(int(timeout / step) + 1):
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            break
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


class ErasureServer(CairnServer):
    """A server over `drives` folders root/d1..dN, given with MinIO's ellipsis."""

    def __init__(self, drives: int, env: dict | None = None):
        merged = dict(FAST)
        merged.update(env or {})
        super().__init__(env=merged, pass_dir_arg=False)
        self.drives = [self.root / f"d{i}" for i in range(1, drives + 1)]
        self.extra_args = [str(self.root / f"d{{1...{drives}}}")]

    def shard_files(self, drive: int) -> dict[str, Path]:
        base = self.drives[drive] / ".cairn" / "shards"
        if not base.is_dir():
            return {}
        return {p.name: p for p in base.glob("*/*") if p.is_file()}

    def wipe(self, drive: int, recreate: bool = True):
        """The drive is replaced by an empty folder (or none): moved away in one step, so the
        server's drive monitor never sees it half deleted."""
        trash = self.root / f"trash-{drive}-{time.monotonic_ns()}"
        os.rename(self.drives[drive], trash)
        if recreate:
            self.drives[drive].mkdir()
        shutil.rmtree(trash, ignore_errors=True)

    def health(self, path: str):
        return send(self.port, "GET", path)


class ErasureTestBase(unittest.TestCase):
    DRIVES = 4
    ENV: dict = {}

    def setUp(self):
        self.server = ErasureServer(self.DRIVES, self.ENV)
        self.addCleanup(self.server.stop)  # its folder goes in run(), after a failure's log
        self.server.start()
        self.s3 = self.server.client()
        self.cli_env = base_env()
        self.cli_dir = Path(tempfile.mkdtemp(prefix="cairn-ec-cli-"))
        self.addCleanup(shutil.rmtree, self.cli_dir, True)
        self.cli_env["CAIRN_CONFIG_DIR"] = str(self.cli_dir)
        self.cairn("alias", "set", "local", self.server.endpoint, self.server.access_key,
                   self.server.secret_key)

    def run(self, result=None):
        before = (len(result.failures), len(result.errors)) if result is not None else None
        out = super().run(result)
        if result is not None and before is not None and \
                (len(result.failures), len(result.errors)) != before:
            srv = getattr(self, "server", None)
            if srv is not None:
                print(f"\n[{self.id()}] {srv.log_tail(30)}")
        if getattr(self, "server", None) is not None:
            self.server.cleanup()
        return out

    def cairn(self, *args, check=True, timeout=120):
        p = subprocess.run([cairn_bin(), *args], env=self.cli_env, capture_output=True,
                           text=True, timeout=timeout)
        if check and p.returncode != 0:
            self.fail(f"cairn {' '.join(args)} exited {p.returncode}\n{p.stdout}\n{p.stderr}")
        return p

    def drive_states(self) -> list[str]:
        info = json.loads(self.cairn("--json", "admin", "info", "local").stdout)
        return [d["state"] for d in info["drives"]]

    def wait_all_online(self, timeout: float = 60.0):
        wait_until("every drive online",
                   lambda: all(s == "online" for s in self.drive_states()), timeout, 0.2)

    # -- objects ----------------------------------------------------------------------------

    def put_set(self, bucket: str) -> dict[str, bytes]:
        """0 B, 1 KiB, 1 MiB + 1 and a 40 MiB multipart upload (8 parts of 5 MiB)."""
        self.s3.create_bucket(Bucket=bucket)
        objects = {"empty": b"", "small": payload(1024, 1), "mib-plus-one": payload(MIB + 1, 2)}
        for key, body in objects.items():
            self.s3.put_object(Bucket=bucket, Key=key, Body=body)
        big = payload(40 * MIB, 3)
        upload = self.s3.create_multipart_upload(Bucket=bucket, Key="multipart")["UploadId"]
        parts = []
        for n, at in enumerate(range(0, len(big), 5 * MIB), start=1):
            etag = self.s3.upload_part(Bucket=bucket, Key="multipart", UploadId=upload,
                                       PartNumber=n, Body=big[at:at + 5 * MIB])["ETag"]
            parts.append({"PartNumber": n, "ETag": etag})
        self.s3.complete_multipart_upload(Bucket=bucket, Key="multipart", UploadId=upload,
                                          MultipartUpload={"Parts": parts})
        objects["multipart"] = big
        return objects

    def check_set(self, bucket: str, objects: dict[str, bytes]):
        for key, body in objects.items():
            got = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            self.assertEqual(len(got), len(body), key)
            self.assertTrue(got == body, f"{key}: bytes differ")
            if len(body) < 2:
                continue
            # Ranges across block and part boundaries, the first and the last byte.
            n = len(body)
            for first, last in ((0, 0), (n - 1, n - 1), (BLOCK - 7, BLOCK + 7),
                                (n // 2 - 3000, n // 2 + 3000), (max(0, n - 5 * MIB - 11), n - 1)):
                first, last = max(0, min(first, n - 1)), max(0, min(last, n - 1))
                if first > last:
                    continue
                got = self.s3.get_object(Bucket=bucket, Key=key,
                                         Range=f"bytes={first}-{last}")["Body"].read()
                self.assertTrue(got == body[first:last + 1], f"{key} bytes={first}-{last}")

    def assert_unavailable(self, bucket: str, key: str):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        err = ctx.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 503, err)
        self.assertEqual(err["Error"]["Code"], "ServiceUnavailable", err)


class FourDrives(ErasureTestBase):
    DRIVES = 4

    def test_banner_info_and_storage_info_show_the_set(self):
        self.assertIn("Erasure set: 4 drives, EC:2", self.server.log_text())
        out = self.cairn("admin", "info", "local").stdout
        self.assertIn("Erasure set: 4 drives, EC:2", out)
        self.assertEqual(out.count(": online"), 4, out)
        target = "/minio/admin/v3/storageinfo"
        headers = sign_v4_headers(self.server.port, "GET", target, self.server.access_key,
                                  self.server.secret_key, region="")
        resp = send(self.server.port, "GET", target, headers)
        self.assertEqual(resp.status, 200, resp.body[:300])
        info = json.loads(resp.body)
        self.assertEqual([d["state"] for d in info["Disks"]], ["ok"] * 4)
        self.assertEqual(info["Backend"]["StandardSCParity"], 2)
        self.assertEqual(info["Backend"]["StandardSCData"], [2])

    def test_another_storage_class_is_refused_on_restart(self):
        self.server.stop()
        env = self.server.environment()
        env["MINIO_STORAGE_CLASS_STANDARD"] = "EC:1"
        p = subprocess.run(self.server.command(), env=env, capture_output=True, text=True,
                           timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("the set was made with EC:2", p.stdout + p.stderr)
        env["MINIO_STORAGE_CLASS_STANDARD"] = "EC:3"  # more parity than data: refused first
        p = subprocess.run(self.server.command(), env=env, capture_output=True, text=True,
                           timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.server.start()  # without it: the set's own EC:2
        self.assertIn("EC:2", self.server.log_text().split("Erasure set:")[-1])

    def test_wipe_parity_drives_while_stopped_then_refill(self):
        bucket = unique_bucket("ec-stopped")
        objects = self.put_set(bucket)
        self.check_set(bucket, objects)
        before = self.server.shard_files(0)
        self.assertGreaterEqual(len(before), 9)  # 1 MiB + 1 and 8 parts
        self.server.stop()
        self.server.wipe(1)
        self.server.wipe(3)
        self.server.start()
        log = self.server.log_text()
        self.assertIn("healing", log)
        self.check_set(bucket, objects)
        self.wait_all_online()
        for drive in (1, 3):
            self.assertEqual(set(self.server.shard_files(drive)), set(before),
                             f"drive {drive + 1} not refilled")
        # Refilled shards hold what the untouched drives' heal check accepts: a deep heal finds
        # nothing left to do.
        out = self.cairn("admin", "heal", "-r", "--scan", "deep", "local").stdout
        self.assertIn("0 damaged, 0 shards rebuilt, 0 failed", out)

    def test_wipe_while_running_reads_then_refills(self):
        bucket = unique_bucket("ec-running")
        objects = self.put_set(bucket)
        names = set(self.server.shard_files(0))
        self.server.wipe(0)
        self.server.wipe(2)
        self.check_set(bucket, objects)
        # The reads may end before the set's periodic drive check has noticed the wipes: every
        # drive still says online then, and only the blobs the reads healed are back (CI saw 2
        # and 3 shards missing so). Wait for both refills to finish, as their log says.
        for drive in (0, 2):
            wait_until(f"drive {drive + 1} refilled",
                       lambda d=drive: re.search(rf"drive {d + 1} \(.*\) refilled:",
                                                 self.server.log_text()), 60.0, 0.2)
        self.wait_all_online()
        for drive in (0, 2):
            self.assertEqual(set(self.server.shard_files(drive)), names,
                             f"drive {drive + 1}\n{self.server.log_tail(80)}")
        self.assertTrue((self.server.drives[0] / ".cairn" / "format.json").is_file())
        # The refilled set survives losing the two other drives.
        self.server.wipe(1)
        self.server.wipe(3)
        self.check_set(bucket, objects)

    def test_missing_drives_lose_write_quorum_and_come_back(self):
        bucket = unique_bucket("ec-missing")
        self.s3.create_bucket(Bucket=bucket)
        resp = self.server.health("/minio/health/cluster")
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.header("X-Minio-Write-Quorum"), "3")
        # One drive gone (its folder moved away, as an unmounted disk): writes still succeed.
        away = self.server.root / "d2.away"
        os.rename(self.server.drives[1], away)
        wait_until("drive 2 offline", lambda: self.drive_states()[1] == "offline")
        info = self.cairn("admin", "info", "local").stdout
        self.assertIn(f"Drive {self.server.drives[1]}: offline", info)
        self.assertIn(f"Drive {self.server.drives[0]}: online", info)
        written = {f"while-missing-{i}": payload(200_000 + i, 10 + i) for i in range(5)}
        for key, body in written.items():
            self.s3.put_object(Bucket=bucket, Key=key, Body=body)
        self.check_set(bucket, written)
        # Two gone: below write quorum (3 of 4), still at read quorum (2).
        away3 = self.server.root / "d3.away"
        os.rename(self.server.drives[2], away3)
        wait_until("drive 3 offline", lambda: self.drive_states()[2] == "offline")
        self.assertEqual(self.server.health("/minio/health/cluster").status, 503)
        metrics = parse_exposition(send(self.server.port, "GET",
                                        "/minio/v2/metrics/cluster").body.decode())
        self.assertEqual(value(metrics, "minio_cluster_drive_offline_total"), 2)
        self.assertEqual(value(metrics, "minio_cluster_drive_online_total"), 2)
        self.assertEqual(value(metrics, "minio_cluster_drive_total"), 4)
        read = self.server.health("/minio/health/cluster/read")
        self.assertEqual(read.status, 200)
        self.assertEqual(read.header("X-Minio-Read-Quorum"), "2")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_object(Bucket=bucket, Key="no-quorum", Body=payload(300_000, 99))
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
        self.check_set(bucket, written)
        # Both come back: the writes made meanwhile are healed onto them.
        os.rename(away, self.server.drives[1])
        os.rename(away3, self.server.drives[2])
        self.wait_all_online()
        self.assertEqual(self.server.health("/minio/health/cluster").status, 200)
        names = set(self.server.shard_files(0))
        self.assertEqual(len(names), 5)
        for drive in (1, 2):
            self.assertEqual(set(self.server.shard_files(drive)), names)
        self.s3.put_object(Bucket=bucket, Key="after", Body=b"x" * 300_000)
        # Lose the two drives that were there all along: the healed ones serve every byte.
        self.server.wipe(0, recreate=False)
        self.server.wipe(3, recreate=False)
        self.check_set(bucket, written)

    def test_starts_below_write_quorum_and_answers_503(self):
        bucket = unique_bucket("ec-start")
        self.s3.create_bucket(Bucket=bucket)
        body = payload(300_000, 5)
        self.s3.put_object(Bucket=bucket, Key="k", Body=body)
        self.server.stop()
        for drive in (2, 3):  # unreadable: a plain file where the folder was
            self.server.wipe(drive, recreate=False)
            self.server.drives[drive].write_text("not a folder")
        self.server.start()
        self.assertIn("WARNING: fewer drives than the write quorum", self.server.log_text())
        self.assertEqual(self.server.health("/minio/health/cluster").status, 503)
        self.assertEqual(self.server.health("/minio/health/cluster/read").status, 200)
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="k")["Body"].read(), body)
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.put_object(Bucket=bucket, Key="new", Body=b"x")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ServiceUnavailable")

    def test_corrupt_shards_read_right_and_heal(self):
        bucket = unique_bucket("ec-corrupt")
        self.s3.create_bucket(Bucket=bucket)
        bodies = {"on-read": payload(MIB + 1, 21), "on-demand": payload(3 * MIB + 5, 22)}
        names = {}
        for key, body in bodies.items():
            before = set(self.server.shard_files(0))
            self.s3.put_object(Bucket=bucket, Key=key, Body=body)
            (names[key],) = set(self.server.shard_files(0)) - before
        originals = {}
        for key, name in names.items():
            for drive in (0, 3):  # parity drives' worth of damage
                path = self.server.shard_files(drive)[name]
                data = bytearray(path.read_bytes())
                originals[(key, drive)] = bytes(data)
                middle = len(data) // 2
                data[middle:middle + 16] = bytes(b ^ 0x5A for b in data[middle:middle + 16])
                path.write_bytes(bytes(data))
                self.assertNotEqual(path.read_bytes(), originals[(key, drive)])
        # The first object is read: right bytes, and the read queues its heal.
        self.check_set(bucket, {"on-read": bodies["on-read"]})

        def restored(key):
            return all(self.server.shard_files(d)[names[key]].read_bytes() == originals[(key, d)]
                       for d in (0, 3))

        wait_until("the shards a read found corrupt rewritten", lambda: restored("on-read"))
        # The second is healed on demand, without a read, and the heal says what it fixed.
        out = self.cairn("admin", "heal", "-r", "--scan", "deep", f"local/{bucket}").stdout
        self.assertIn(f"{bucket}/on-demand", out)
        self.assertIn("2 shards rebuilt", out)
        self.assertTrue(restored("on-demand"))
        self.check_set(bucket, bodies)
        # A normal heal now finds nothing to do.
        out = self.cairn("admin", "heal", "-r", "local").stdout
        self.assertIn("0 damaged", out)

    def test_kill_during_writes_loses_no_acknowledged_write(self):
        bucket = unique_bucket("ec-kill")
        self.s3.create_bucket(Bucket=bucket)
        acknowledged: dict[str, str] = {}
        stop = threading.Event()

        def writer():
            client = self.server.client()
            for i in range(400):
                if stop.is_set():
                    return
                body = payload((i % 5) * 70_000 + 1000, 1000 + i)
                try:
                    client.put_object(Bucket=bucket, Key=f"k{i}", Body=body)
                except Exception:
                    return  # the server died under this request: not acknowledged
                acknowledged[f"k{i}"] = hashlib.md5(body).hexdigest()

        thread = threading.Thread(target=writer)
        thread.start()
        wait_until("some writes acknowledged", lambda: len(acknowledged) >= 15, 60)
        self.server.proc.kill()
        self.server.proc.wait(timeout=10)
        stop.set()
        thread.join(timeout=60)
        self.assertFalse(thread.is_alive())
        self.server.stop()
        self.server.proc = None
        self.server.start()
        client = self.server.client()
        for key, digest in acknowledged.items():
            got = client.get_object(Bucket=bucket, Key=key)["Body"].read()
            self.assertEqual(hashlib.md5(got).hexdigest(), digest, key)


    def test_swapped_drives_keep_their_places(self):
        bucket = unique_bucket("ec-swap")
        self.s3.create_bucket(Bucket=bucket)
        objects = {"small": payload(1024, 31), "coded": payload(MIB + 1, 32)}
        for key, body in objects.items():
            self.s3.put_object(Bucket=bucket, Key=key, Body=body)
        shards = [self.server.shard_files(d) for d in range(4)]
        self.server.stop()
        # Mount points swapped: d1 now holds drive 2 and d2 drive 1.
        tmp = self.server.root / "swap"
        os.rename(self.server.drives[0], tmp)
        os.rename(self.server.drives[1], self.server.drives[0])
        os.rename(tmp, self.server.drives[1])
        self.server.start()
        self.assertEqual(self.drive_states(), ["online"] * 4)
        self.check_set(bucket, objects)
        out = self.cairn("admin", "heal", "-r", "--scan", "deep", "local").stdout
        self.assertIn("0 damaged, 0 shards rebuilt, 0 failed", out)
        self.assertEqual(self.server.shard_files(0).keys(), shards[1].keys())
        self.assertEqual(self.server.shard_files(1).keys(), shards[0].keys())

    def test_foreign_drive_is_refused(self):
        other = ErasureServer(4)
        self.addCleanup(other.cleanup)
        other.start()
        other.stop()
        self.server.stop()
        self.server.wipe(3, recreate=False)
        shutil.copytree(other.drives[0], self.server.drives[3])
        p = subprocess.run(self.server.command(), env=self.server.environment(),
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(str(self.server.drives[3]), p.stdout + p.stderr)
        self.assertIn("another", p.stdout + p.stderr)
        # A one-drive store is not taken into a set either.
        one = CairnServer()
        self.addCleanup(one.cleanup)
        one.start()
        one.stop()
        shutil.rmtree(self.server.drives[3])
        shutil.copytree(one.data_dir, self.server.drives[3])
        p = subprocess.run(self.server.command(), env=self.server.environment(),
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(str(self.server.drives[3]), p.stdout + p.stderr)


class DeepPass(ErasureTestBase):
    DRIVES = 4
    ENV = {"CAIRN_HEAL_DEEP_INTERVAL_MS": "300", "CAIRN_HEAL_DEEP_SHARE": "50"}

    def test_the_deep_pass_rewrites_rot_nobody_read(self):
        bucket = unique_bucket("ec-deep")
        self.s3.create_bucket(Bucket=bucket)
        before = set(self.server.shard_files(2))
        body = payload(2 * MIB + 3, 41)
        self.s3.put_object(Bucket=bucket, Key="k", Body=body)
        (name,) = set(self.server.shard_files(2)) - before
        path = self.server.shard_files(2)[name]
        original = path.read_bytes()
        data = bytearray(original)
        data[len(data) // 3] ^= 0x01  # one bit in a shard block: only a hash check sees it
        path.write_bytes(bytes(data))
        wait_until("the deep pass rewrote the rotten shard",
                   lambda: path.read_bytes() == original, 30)
        self.assertIn("deep pass rebuilt", self.server.log_text())
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="k")["Body"].read(), body)


class TwoDrivesListed(ErasureTestBase):
    """Two folders as a plain list in MINIO_VOLUMES: EC:1, write quorum 2."""
    DRIVES = 2

    def setUp(self):
        self.ENV = {}
        super().setUp()

    def test_plain_list_one_parity_drive(self):
        self.server.stop()
        self.server.extra_args = []
        self.server.env_overrides["MINIO_VOLUMES"] = \
            f"{self.server.drives[0]} {self.server.drives[1]}"
        self.server.start()
        self.assertIn("Erasure set: 2 drives, EC:1 (read quorum 1, write quorum 2)",
                      self.server.log_text())
        bucket = unique_bucket("ec-two")
        objects = self.put_set(bucket)
        self.server.wipe(0)
        self.check_set(bucket, objects)
        self.wait_all_online()
        self.server.wipe(1)
        self.check_set(bucket, objects)


class SixteenDrives(ErasureTestBase):
    DRIVES = 16

    def test_sixteen_drives_four_lost_while_stopped(self):
        self.assertIn("Erasure set: 16 drives, EC:4 (read quorum 12, write quorum 12)",
                      self.server.log_text())
        bucket = unique_bucket("ec-sixteen")
        self.s3.create_bucket(Bucket=bucket)
        objects = {"small": payload(1024, 51), "mib-plus-one": payload(MIB + 1, 52),
                   "coded": payload(7 * MIB + 9, 53)}
        for key, body in objects.items():
            self.s3.put_object(Bucket=bucket, Key=key, Body=body)
        self.server.stop()
        for drive in (0, 5, 10, 15):
            self.server.wipe(drive)
        self.server.start()
        self.check_set(bucket, objects)
        self.wait_all_online()
        for drive in (0, 5, 10, 15):
            self.assertEqual(len(self.server.shard_files(drive)), 2)


class StreamingMemory(ErasureTestBase):
    """A 512 MiB object through a 4-drive set, put whole and read back with a drive wiped: the
    server's peak RSS stays under 256 MiB, so neither coding nor decoding holds the body."""
    DRIVES = 4
    SIZE = 512 * MIB
    ENV = {"CAIRN_ERASURE_BLOCK_SIZE": str(MIB)}  # MinIO's blocks: the memory that matters

    def test_large_object_streams_both_ways(self):
        block = payload(MIB, 61)
        path = self.server.root / "big.bin"
        want = hashlib.sha256()
        with open(path, "wb") as f:
            for i in range(self.SIZE // MIB):
                chunk = block[i % 97:] + block[:i % 97]  # no two neighbouring MiB alike
                f.write(chunk)
                want.update(chunk)
        bucket = unique_bucket("ec-stream")
        self.s3.create_bucket(Bucket=bucket)
        with open(path, "rb") as f:
            self.s3.put_object(Bucket=bucket, Key="big", Body=f)
        path.unlink()
        self.server.wipe(2)  # the read below decodes around a drive being refilled
        got, total = hashlib.sha256(), 0
        body = self.s3.get_object(Bucket=bucket, Key="big")["Body"]
        for _ in range(self.SIZE // MIB + 2):
            chunk = body.read(MIB)
            if not chunk:
                break
            got.update(chunk)
            total += len(chunk)
        self.assertEqual(total, self.SIZE)
        self.assertEqual(got.hexdigest(), want.hexdigest())
        at = 300 * MIB + 12345
        part = self.s3.get_object(Bucket=bucket, Key="big",
                                  Range=f"bytes={at}-{at + 3 * MIB}")["Body"].read()
        i, off = divmod(at, MIB)
        expect = b"".join(block[j % 97:] + block[:j % 97] for j in range(i, i + 5))
        self.assertTrue(part == expect[off:off + 3 * MIB + 1], "ranged bytes differ")
        hwm = status_kib(self.server.proc.pid, "VmHWM")
        self.assertIsNotNone(hwm)
        print(f"\n[test_erasure] 512 MiB on 4 drives: server VmHWM {hwm} kB", flush=True)
        self.assertLess(hwm, 256 * 1024, f"server peak RSS {hwm} kB")


class SixDrives(ErasureTestBase):
    DRIVES = 6
    # Refills crawl, so drives wiped here stay healing while the test looks at them.
    ENV = {"CAIRN_HEAL_PAUSE_MS": "5000"}

    def test_parity_lost_reads_all_one_more_is_503(self):
        self.assertIn("Erasure set: 6 drives, EC:3", self.server.log_text())
        bucket = unique_bucket("ec-six")
        objects = self.put_set(bucket)
        self.check_set(bucket, objects)
        for drive in (0, 2, 4):
            self.server.wipe(drive)
        wait_until("three drives healing",
                   lambda: self.drive_states().count("healing") == 3)
        self.check_set(bucket, objects)
        self.assertEqual(self.server.health("/minio/health/cluster/read").status, 200)
        # One past parity: 503 with an S3 error, never wrong bytes; inline objects too.
        self.server.wipe(5)
        wait_until("four drives healing",
                   lambda: self.drive_states().count("healing") == 4)
        for key in objects:
            self.assert_unavailable(bucket, key)
        read = self.server.health("/minio/health/cluster/read")
        self.assertEqual(read.status, 503)
        self.assertEqual(read.header("X-Minio-Read-Quorum"), "3")
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            self.s3.get_object(Bucket=bucket, Key="multipart", Range="bytes=100-200")
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], 503)


class OneDrive(unittest.TestCase):
    def test_heal_on_one_drive_is_minio_error(self):
        server = CairnServer()
        self.addCleanup(server.cleanup)
        server.start()
        self.assertIn("Data folder:", server.log_text())
        self.assertFalse((server.data_dir / ".cairn" / "format.json").exists())
        target = "/minio/admin/v3/heal/"
        headers = sign_v4_headers(server.port, "POST", target, server.access_key,
                                  server.secret_key, region="", body=b"{}")
        resp = send(server.port, "POST", target, headers, b"{}")
        self.assertEqual(resp.status, 400, resp.body)
        self.assertEqual(json.loads(resp.body)["Code"], "XMinioHealNotImplemented")


if __name__ == "__main__":
    unittest.main()
