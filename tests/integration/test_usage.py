"""Usage counters against the truth: after a random mix of PUT, overwrite, DELETE, version
deletes and multipart uploads (completed, aborted, left open) in an unversioned and a versioned
bucket, with the server killed (-9) in the middle of a stream of writes and restarted, the
counters the admin API and the metrics report equal a full ListObjectVersions walk."""

from __future__ import annotations

import random
import threading
import time
import unittest

import botocore

from admin_client import AdminClient
from harness import CairnServer, unique_bucket
from test_metrics import make_token, parse_exposition, scrape, value


def walk(s3, bucket: str) -> dict:
    out = {"objects": 0, "objectBytes": 0, "versions": 0, "versionBytes": 0, "deleteMarkers": 0}
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for v in page.get("Versions", []):
            out["versions"] += 1
            out["versionBytes"] += v["Size"]
            if v["IsLatest"]:
                out["objects"] += 1
                out["objectBytes"] += v["Size"]
        for m in page.get("DeleteMarkers", []):
            out["versions"] += 1
            out["deleteMarkers"] += 1
    return out


class UsageCountersTest(unittest.TestCase):
    def setUp(self):
        self.server = CairnServer()
        self.server.start()
        self.addCleanup(self.server.cleanup)
        self.s3 = self.server.client()
        self.rng = random.Random(16)

    def counted(self) -> dict:
        info = AdminClient(self.server).ok("GET", "info")
        fields = ("objects", "objectBytes", "versions", "versionBytes", "deleteMarkers")
        return {u["name"]: {f: u[f] for f in fields} for u in info["bucketUsage"]}

    def one_op(self, s3, bucket: str, versioned: bool, uploads: list):
        key = f"k{self.rng.randrange(15)}"
        op = self.rng.randrange(10)
        if op < 5:
            size = self.rng.choice([0, 1, 5, 100, 20_000, 200_000])
            s3.put_object(Bucket=bucket, Key=key, Body=self.rng.randbytes(size))
        elif op < 7:
            s3.delete_object(Bucket=bucket, Key=key)
        elif op == 7 and versioned:
            versions = s3.list_object_versions(Bucket=bucket, Prefix=key)
            entries = versions.get("Versions", []) + versions.get("DeleteMarkers", [])
            entries = [e for e in entries if e["Key"] == key]
            if entries:
                s3.delete_object(Bucket=bucket, Key=key,
                                 VersionId=self.rng.choice(entries)["VersionId"])
        elif op == 8:
            up = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
            data = self.rng.randbytes(self.rng.choice([1, 70_000]))
            etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=up, PartNumber=1,
                                  Body=data)["ETag"]
            if self.rng.random() < 0.5:
                s3.complete_multipart_upload(
                    Bucket=bucket, Key=key, UploadId=up,
                    MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
            else:
                uploads.append((bucket, key, up))
        elif uploads:
            b, k, up = uploads.pop(self.rng.randrange(len(uploads)))
            s3.abort_multipart_upload(Bucket=b, Key=k, UploadId=up)

    def test_random_mix_and_kill_9(self):
        plain, versioned = unique_bucket("usep"), unique_bucket("usev")
        for b in (plain, versioned):
            self.s3.create_bucket(Bucket=b)
        self.s3.put_bucket_versioning(Bucket=versioned,
                                      VersioningConfiguration={"Status": "Enabled"})
        uploads: list = []
        for _ in range(250):
            b = self.rng.choice([plain, versioned])
            self.one_op(self.s3, b, b == versioned, uploads)
        counted = self.counted()
        for b in (plain, versioned):
            self.assertEqual(counted[b], walk(self.s3, b), b)

        # A stream of writes from another thread, and kill -9 in the middle of it.
        stop = threading.Event()
        errors = []

        def writer():
            s3 = self.server.client()
            rng = random.Random(99)
            while not stop.is_set():
                try:
                    b = rng.choice([plain, versioned])
                    key = f"w{rng.randrange(20)}"
                    if rng.random() < 0.7:
                        s3.put_object(Bucket=b, Key=key,
                                      Body=rng.randbytes(rng.choice([3, 40_000, 300_000])))
                    else:
                        s3.delete_object(Bucket=b, Key=key)
                except (botocore.exceptions.BotoCoreError,
                        botocore.exceptions.ClientError, OSError) as e:
                    errors.append(e)  # expected once the server is gone
                    return

        t = threading.Thread(target=writer)
        t.start()
        time.sleep(1.0)
        self.server.proc.kill()
        self.server.proc.wait(timeout=10)
        stop.set()
        t.join(timeout=60)
        self.assertTrue(errors, "the writer never saw the server die")
        self.server.stop()
        self.server.proc = None
        self.server.start()
        self.s3 = self.server.client()

        counted = self.counted()
        for b in (plain, versioned):
            truth = walk(self.s3, b)
            self.assertEqual(counted[b], truth, b)
        self.assertGreater(counted[versioned]["versions"], counted[versioned]["objects"])
        # The metrics read the same counters.
        token = make_token(self.server.access_key, self.server.secret_key, int(time.time()) + 60)
        status, _, body = scrape(self.server.port, "bucket", token)
        self.assertEqual(status, 200)
        fam = parse_exposition(body.decode())
        for b in (plain, versioned):
            self.assertEqual(value(fam, "minio_bucket_usage_object_total", bucket=b),
                             counted[b]["objects"])
            self.assertEqual(value(fam, "minio_bucket_usage_total_bytes", bucket=b),
                             counted[b]["versionBytes"])
            self.assertEqual(value(fam, "minio_bucket_usage_version_total", bucket=b),
                             counted[b]["versions"])
        # The mix goes on after the restart, and the counters keep up.
        for _ in range(60):
            b = self.rng.choice([plain, versioned])
            self.one_op(self.s3, b, b == versioned, uploads)
        counted = self.counted()
        for b in (plain, versioned):
            self.assertEqual(counted[b], walk(self.s3, b), b)


if __name__ == "__main__":
    unittest.main()
