"""Two `cairn server rados://POOL/NS` gateways on one RADOS namespace (issue 17): a write acked
by one is read and listed by the other at once, the same key written through both at once keeps
every acknowledged version and never a torn body, kill -9 of a gateway in the middle of PUTs
loses no acknowledged write and shows no partial object, and IAM and configuration changes made
through one take effect on the other within a second.

Run by tests/ceph/rados_test.sh against its dev cluster (CAIRN_TEST_CEPH_CONF set), with the
real binary (CAIRN_BIN)."""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import signal
import sys
import threading
import time
import unittest
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))

from admin_client import AdminClient  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from harness import CairnServer, missing_prerequisite  # noqa: E402


class Gateway(CairnServer):
    """A server on a RADOS location shared with other gateways."""

    def __init__(self, location: str, state: Path | None = None):
        super().__init__()
        self.location = location
        self.state = state

    def store_args(self) -> list[str]:
        return ["--ceph-conf", os.environ["CAIRN_TEST_CEPH_CONF"], self.location]

    def environment(self) -> dict:
        env = super().environment()
        env["CAIRN_STATE_DIR"] = str(self.state or self.root / "state")
        return env


def body(seed: str, size: int) -> bytes:
    block = hashlib.sha256(seed.encode()).digest()
    return (block * (size // len(block) + 1))[:size]


class TwoGateways(unittest.TestCase):
    def setUp(self):
        if not os.environ.get("CAIRN_TEST_CEPH_CONF"):
            raise missing_prerequisite("CAIRN_TEST_CEPH_CONF names no cluster")
        pool = os.environ.get("CAIRN_TEST_RADOS_POOL", "cairn-it")
        location = f"rados://{pool}/gw-{uuid.uuid4().hex[:12]}"
        self.a = Gateway(location).start()
        self.b = Gateway(location).start()
        self.s3a = self.a.client()
        self.s3b = self.b.client()
        self.s3a.create_bucket(Bucket="shared")

    def tearDown(self):
        for gw in (self.a, self.b):
            gw.cleanup()

    def test_read_after_write_both_ways(self):
        for i, (writer, reader) in enumerate([(self.s3a, self.s3b), (self.s3b, self.s3a)] * 5):
            data = body(f"raw{i}", 1000 + i * 300_000)  # inline and striped, up to 2.7 MB
            key = f"sessions/{i}/frames.parquet"
            writer.put_object(Bucket="shared", Key=key, Body=data)
            got = reader.get_object(Bucket="shared", Key=key)["Body"].read()
            self.assertEqual(got, data, key)
            listed = reader.list_objects_v2(Bucket="shared", Prefix=f"sessions/{i}/")
            self.assertEqual([o["Key"] for o in listed.get("Contents", [])], [key])
            writer.delete_object(Bucket="shared", Key=key)
            with self.assertRaises(Exception):
                reader.head_object(Bucket="shared", Key=key)
        # A bucket made through one gateway is there for the other.
        self.s3b.create_bucket(Bucket="second")
        self.assertIn("second", [b["Name"] for b in self.s3a.list_buckets()["Buckets"]])

    def test_one_key_written_through_both_at_once(self):
        self.s3a.put_bucket_versioning(Bucket="shared",
                                       VersioningConfiguration={"Status": "Enabled"})
        acked: dict[str, bytes] = {}
        lock = threading.Lock()
        deadline = time.monotonic() + 60

        def writer(s3, name: str) -> None:
            for i in range(25):
                if time.monotonic() > deadline:
                    return
                data = body(f"{name}{i}", 200_000 if i % 2 else 900)
                vid = s3.put_object(Bucket="shared", Key="same", Body=data)["VersionId"]
                with lock:
                    acked[vid] = data

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(writer, s3, f"{gw}{t}")
                       for gw, s3 in (("a", self.s3a), ("b", self.s3b)) for t in range(2)]
            for f in futures:
                f.result()
        self.assertEqual(len(acked), 100)
        versions = []
        for page in self.s3b.get_paginator("list_object_versions").paginate(Bucket="shared"):
            versions += page.get("Versions", [])
        # Every acknowledged version is kept, once, and reads back whole through either gateway.
        self.assertEqual(sorted(v["VersionId"] for v in versions), sorted(acked))
        for n, (vid, data) in enumerate(acked.items()):
            s3 = self.s3a if n % 2 else self.s3b
            got = s3.get_object(Bucket="shared", Key="same", VersionId=vid)["Body"].read()
            self.assertEqual(got, data, vid)
        latest = [v for v in versions if v["IsLatest"]]
        self.assertEqual(len(latest), 1)
        now = self.s3a.get_object(Bucket="shared", Key="same")
        self.assertEqual(now["VersionId"], latest[0]["VersionId"])
        self.assertEqual(now["Body"].read(), acked[now["VersionId"]])

    def test_a_bucket_deleted_and_made_again_through_one_gateway_is_the_others(self):
        # Each bucket has its own sharded index; the other gateway's cached layout of a deleted
        # bucket must never take a write (docs/storage-format.md, "The index seam").
        self.s3a.create_bucket(Bucket="cycle")
        self.s3a.put_object(Bucket="cycle", Key="first", Body=b"1")
        self.assertEqual(self.s3b.get_object(Bucket="cycle", Key="first")["Body"].read(), b"1")
        self.s3b.delete_object(Bucket="cycle", Key="first")
        self.s3b.delete_bucket(Bucket="cycle")
        with self.assertRaises(ClientError) as gone:
            self.s3a.put_object(Bucket="cycle", Key="late", Body=b"x")
        self.assertEqual(gone.exception.response["Error"]["Code"], "NoSuchBucket")
        self.s3b.create_bucket(Bucket="cycle")
        self.s3a.put_object(Bucket="cycle", Key="second", Body=b"2")
        for s3 in (self.s3a, self.s3b):
            listed = s3.list_objects_v2(Bucket="cycle")
            self.assertEqual([o["Key"] for o in listed.get("Contents", [])], ["second"])
        self.assertEqual(self.s3b.get_object(Bucket="cycle", Key="second")["Body"].read(), b"2")

    def test_a_deletion_racing_puts_on_the_other_gateway_keeps_every_acked_write(self):
        # Either the deletion wins and no PUT was acknowledged, or it answers BucketNotEmpty and
        # every acknowledged object reads back: never an acked write in a deleted bucket.
        outcomes = {"deleted": 0, "kept": 0}
        deadline = time.monotonic() + 60
        for round_ in range(8):
            if time.monotonic() > deadline:
                break
            bucket = f"race{round_}"
            self.s3a.create_bucket(Bucket=bucket)
            self.s3b.head_bucket(Bucket=bucket)
            acked: list[str] = []
            start = threading.Barrier(2)

            def writer() -> None:
                start.wait()
                time.sleep(0.004 * max(0, 4 - round_))  # rounds 0-3: the deletion first
                for i in range(30):
                    try:
                        self.s3a.put_object(Bucket=bucket, Key=f"k{i}", Body=b"x" * 100)
                    except ClientError as e:
                        self.assertEqual(e.response["Error"]["Code"], "NoSuchBucket")
                        return
                    acked.append(f"k{i}")

            thread = threading.Thread(target=writer)
            thread.start()
            start.wait()
            time.sleep(0.004 * max(0, round_ - 4))  # rounds 5-7: the PUTs first
            try:
                self.s3b.delete_bucket(Bucket=bucket)
                deleted = True
            except ClientError as e:
                self.assertEqual(e.response["Error"]["Code"], "BucketNotEmpty")
                deleted = False
            thread.join(60)
            self.assertFalse(thread.is_alive())
            if deleted:
                outcomes["deleted"] += 1
                self.assertEqual(acked, [], bucket)
                with self.assertRaises(ClientError):
                    self.s3b.head_bucket(Bucket=bucket)
            else:
                outcomes["kept"] += 1
                self.assertTrue(acked, bucket)
                listed = self.s3b.list_objects_v2(Bucket=bucket)
                self.assertEqual(sorted(o["Key"] for o in listed.get("Contents", [])),
                                 sorted(acked), bucket)
        print(f"deletions racing PUTs: {outcomes}", file=sys.stderr)
        self.assertEqual(sum(outcomes.values()), 8)

    def test_a_second_gateway_on_a_state_folder_in_use_is_refused(self):
        # The folder's path names its gateway (the lifecycle lease's holder): shared, two
        # gateways would take each other's lease. Refused at start, before the store is opened.
        third = Gateway(self.a.location, state=self.a.root / "state")
        try:
            third.spawn()
            self.assertEqual(third.wait_exit(30), 1, third.log_tail())
            self.assertIn("cannot own the state folder", third.log_text())
            self.assertIn("locked by another process", third.log_text())
        finally:
            third.cleanup()
        # Once the first gateway is gone, its folder is free for a new run (kill -9 included).
        self.a.proc.send_signal(signal.SIGKILL)
        self.a.wait_exit(30)
        again = Gateway(self.a.location, state=self.a.root / "state").start()
        try:
            head = again.client().head_bucket(Bucket="shared")
            self.assertEqual(head["ResponseMetadata"]["HTTPStatusCode"], 200)
        finally:
            again.cleanup()

    def test_kill_9_during_puts_loses_no_acknowledged_write(self):
        acked: dict[str, bytes] = {}
        stop = threading.Event()

        def writer(t: int) -> None:
            s3 = self.a.client()
            for i in range(400):
                if stop.is_set():
                    return
                key = f"k/{t}/{i}"
                data = body(key, 5_000_000 if i % 3 == 0 else 3000)
                try:
                    s3.put_object(Bucket="shared", Key=key, Body=data)
                except Exception:
                    return  # the gateway died under this request: not acknowledged
                acked[key] = data

        threads = [threading.Thread(target=writer, args=(t,)) for t in range(3)]
        for t in threads:
            t.start()
        time.sleep(3)
        self.a.proc.send_signal(signal.SIGKILL)
        self.a.proc.wait(timeout=10)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        self.assertGreater(len(acked), 5)
        listed = {}
        for page in self.s3b.get_paginator("list_objects_v2").paginate(Bucket="shared"):
            for o in page.get("Contents", []):
                listed[o["Key"]] = o["Size"]
        # Every acknowledged write is there; whatever is listed reads back whole (nothing torn).
        self.assertTrue(set(acked) <= set(listed), set(acked) - set(listed))
        for key, size in listed.items():
            got = self.s3b.get_object(Bucket="shared", Key=key)["Body"].read()
            self.assertEqual(got, body(key, size), key)
        # The killed gateway comes back on the same store and sees it all.
        self.a.start()
        for key in list(acked)[:20]:
            got = self.a.client().get_object(Bucket="shared", Key=key)["Body"].read()
            self.assertEqual(got, acked[key])

    def within_a_second(self, check) -> float:
        """Seconds until `check()` is true (it is polled); fails past one second."""
        start = time.monotonic()
        while True:
            try:
                if check():
                    return time.monotonic() - start
            except Exception:
                pass
            if time.monotonic() - start > 1.0:
                self.fail("not seen by the other gateway within a second")
            time.sleep(0.02)

    def test_iam_and_configuration_changes_reach_the_other_gateway(self):
        self.s3a.put_object(Bucket="shared", Key="thumbs/a.png", Body=b"png")
        admin_a = AdminClient(self.a)
        # A user made and given a policy through A signs requests on B.
        admin_a.add_user("appuser", "appuser-secret-1", ["readwrite"])
        app_b = self.b.client(access_key="appuser", secret_key="appuser-secret-1")
        self.within_a_second(
            lambda: app_b.get_object(Bucket="shared", Key="thumbs/a.png")["Body"].read() == b"png")
        # Disabled through A: refused on B.
        admin_a.set_user_status("appuser", "disabled")

        def refused() -> bool:
            try:
                app_b.head_object(Bucket="shared", Key="thumbs/a.png")
                return False
            except Exception as e:  # noqa: BLE001 - a 403 is what is wanted
                return "403" in str(e) or "InvalidAccessKeyId" in str(e)
        self.within_a_second(refused)
        # A bucket policy (mc anonymous set download) set through A opens anonymous reads on B.
        policy = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"],
            "Resource": ["arn:aws:s3:::shared/thumbs/*"]}]}
        self.s3a.put_bucket_policy(Bucket="shared", Policy=json.dumps(policy))
        import urllib.request

        def anonymous_read() -> bool:
            with urllib.request.urlopen(f"{self.b.endpoint}/shared/thumbs/a.png", timeout=5) as r:
                return r.status == 200 and r.read() == b"png"
        self.within_a_second(anonymous_read)
        # Versioning turned on through A: B's next write keeps the old body as a version.
        self.s3a.put_bucket_versioning(Bucket="shared",
                                       VersioningConfiguration={"Status": "Enabled"})
        self.within_a_second(lambda: self.s3b.get_bucket_versioning(
            Bucket="shared").get("Status") == "Enabled")
        self.s3b.put_object(Bucket="shared", Key="thumbs/a.png", Body=b"png2")
        versions = self.s3a.list_object_versions(Bucket="shared", Prefix="thumbs/")["Versions"]
        self.assertEqual(len(versions), 2)


if __name__ == "__main__":
    unittest.main()
