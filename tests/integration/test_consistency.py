"""Read-after-write consistency and concurrent overwrites of one key."""

import concurrent.futures
import hashlib
import os
import threading
import time
import unittest

from harness import CairnTestCase, md5_hex


class ReadAfterWriteTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "consistency"
        cls.s3.create_bucket(Bucket=cls.bucket)

    def test_put_then_list_and_get(self):
        for i in range(20):
            key = f"raw/{i:03d}"
            body = os.urandom(100 + i)
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)
            self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(), body)
            keys = [
                o["Key"]
                for o in self.s3.list_objects_v2(Bucket=self.bucket, Prefix="raw/").get(
                    "Contents", []
                )
            ]
            self.assertIn(key, keys)
            self.assertEqual(len(keys), i + 1)

    def test_overwrite_then_get_new(self):
        for i in range(20):
            body = f"generation {i}".encode()
            self.s3.put_object(Bucket=self.bucket, Key="gen", Body=body)
            got = self.s3.get_object(Bucket=self.bucket, Key="gen")
            self.assertEqual(got["Body"].read(), body)
            self.assertEqual(got["ETag"], f'"{md5_hex(body)}"')
            listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="gen")["Contents"]
            self.assertEqual(listed[0]["Size"], len(body))
            self.assertEqual(listed[0]["ETag"], f'"{md5_hex(body)}"')

    def test_delete_then_get_and_list(self):
        for i in range(20):
            key = f"del/{i:03d}"
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"x")
            self.s3.delete_object(Bucket=self.bucket, Key=key)
            err = self.client_error(self.s3.get_object, Bucket=self.bucket, Key=key)
            self.assertS3Error(err, "NoSuchKey", 404)
            resp = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="del/")
            self.assertNotIn(key, [o["Key"] for o in resp.get("Contents", [])])

    def test_new_bucket_immediately_usable(self):
        for i in range(5):
            name = f"fresh-{i}-{os.getpid()}"
            self.s3.create_bucket(Bucket=name)
            self.s3.put_object(Bucket=name, Key="k", Body=b"v")
            self.assertEqual(self.s3.get_object(Bucket=name, Key="k")["Body"].read(), b"v")
            self.s3.delete_object(Bucket=name, Key="k")
            self.s3.delete_bucket(Bucket=name)
            err = self.client_error(self.s3.head_bucket, Bucket=name)
            self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)


class ConcurrencyTest(CairnTestCase):
    THREADS = 8
    PUTS_PER_THREAD = 20

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "concurrency"
        cls.s3.create_bucket(Bucket=cls.bucket)

    def test_concurrent_puts_same_key(self):
        bodies = {}
        for t in range(self.THREADS):
            for n in range(self.PUTS_PER_THREAD):
                # different sizes so that torn writes show
                size = 1000 + (t * self.PUTS_PER_THREAD + n) * 997
                bodies[(t, n)] = hashlib.sha256(f"{t}-{n}".encode()).digest() * (size // 32)
        by_digest = {hashlib.sha256(b).hexdigest(): k for k, b in bodies.items()}
        errors = []
        lock = threading.Lock()
        deadline = time.monotonic() + 300

        def worker(t):
            client = self.server.client(checksum_when_required=(t % 2 == 0))
            for n in range(self.PUTS_PER_THREAD):
                if time.monotonic() > deadline:
                    return
                try:
                    client.put_object(Bucket=self.bucket, Key="hot", Body=bodies[(t, n)])
                    got = client.get_object(Bucket=self.bucket, Key="hot")["Body"].read()
                    if hashlib.sha256(got).hexdigest() not in by_digest:
                        with lock:
                            errors.append(f"torn read of {len(got)} bytes")
                except Exception as e:  # noqa: BLE001
                    with lock:
                        errors.append(repr(e))

        with concurrent.futures.ThreadPoolExecutor(max_workers=self.THREADS) as pool:
            futures = [pool.submit(worker, t) for t in range(self.THREADS)]
            for f in futures:
                f.result(timeout=360)
        self.assertEqual(errors, [])
        final = self.s3.get_object(Bucket=self.bucket, Key="hot")
        data = final["Body"].read()
        self.assertIn(hashlib.sha256(data).hexdigest(), by_digest, "final body is not one PUT")
        self.assertEqual(final["ETag"], f'"{md5_hex(data)}"')
        self.assertEqual(final["ContentLength"], len(data))
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="hot")["Contents"]
        self.assertEqual([o["Key"] for o in listed], ["hot"])
        self.assertEqual(listed[0]["Size"], len(data))

    def test_concurrent_puts_different_keys(self):
        local = threading.local()

        def put(i):
            body = f"body {i}".encode() * 50
            if not hasattr(local, "client"):
                local.client = self.server.client()
            local.client.put_object(Bucket=self.bucket, Key=f"many/{i:04d}", Body=body)
            return i

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(put, range(200), timeout=300))
        keys = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix="many/"
        ):
            keys += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(keys, [f"many/{i:04d}" for i in range(200)])


if __name__ == "__main__":
    unittest.main()
