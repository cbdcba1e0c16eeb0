"""Multipart uploads (issue 3): boto3 transfers across the multipart threshold, the low-level
API (create/upload/list/complete/abort, part copies, partNumber reads, GetObjectAttributes),
S3's errors, uploads surviving a restart, aws-chunked bodies on UploadPart, and the AWS CLI.

test_streaming.py covers aws-chunked PutObject (small bodies, tampered chunk, bad final
signature, wrong trailer checksum); here the same encodings go through UploadPart, plus a
signed streaming PUT of a few MiB.

Expectations follow the AWS S3 API reference (MinIO where AWS is silent):
- multipart ETag = hex MD5 of the concatenated binary part MD5s + "-N";
- composite checksum = base64(ALG(concatenated raw part checksums)) + "-N".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import zlib

import boto3.s3.transfer
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness import (
    AWS_CLI,
    REGION,
    CairnTestCase,
    _RawSigner,
    base_env,
    encode_query,
    md5_hex,
    unique_bucket,
)

KiB = 1024
MiB = 1024 * 1024
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
SIG_PREFIX = ";chunk-signature="


# --------------------------------------------------------------------------------------------
# Expected values, computed independently of the server
# --------------------------------------------------------------------------------------------


def multipart_etag(parts: list[bytes]) -> str:
    """S3's multipart ETag (without quotes): MD5 of the binary part MD5s, then -N."""
    joined = b"".join(hashlib.md5(p).digest() for p in parts)
    return f"{hashlib.md5(joined).hexdigest()}-{len(parts)}"


def quoted(etag: str) -> str:
    return f'"{etag}"'


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def crc32_raw(data: bytes) -> bytes:
    return zlib.crc32(data).to_bytes(4, "big")


def crc32_b64(data: bytes) -> str:
    return b64(crc32_raw(data))


def sha256_b64(data: bytes) -> str:
    return b64(hashlib.sha256(data).digest())


def composite_crc32(parts: list[bytes]) -> str:
    return f"{b64(crc32_raw(b''.join(crc32_raw(p) for p in parts)))}-{len(parts)}"


def composite_sha256(parts: list[bytes]) -> str:
    joined = b"".join(hashlib.sha256(p).digest() for p in parts)
    return f"{b64(hashlib.sha256(joined).digest())}-{len(parts)}"


PART_CHECKSUM = {"CRC32": crc32_b64, "SHA256": sha256_b64}
COMPOSITE = {"CRC32": composite_crc32, "SHA256": composite_sha256}


def transfer_config(**kw):
    cfg = dict(
        multipart_threshold=5 * MiB,
        multipart_chunksize=5 * MiB,
        max_concurrency=4,
        use_threads=True,
    )
    cfg.update(kw)
    return boto3.s3.transfer.TransferConfig(**cfg)


# --------------------------------------------------------------------------------------------
# aws-chunked request builders (any method, path and query: UploadPart as well as PutObject)
# --------------------------------------------------------------------------------------------


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(secret: str, date: str) -> bytes:
    k = _hmac(("AWS4" + secret).encode(), date)
    k = _hmac(k, REGION)
    k = _hmac(k, "s3")
    return _hmac(k, "aws4_request")


def send(port, method, target, headers, body, timeout=120):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    finally:
        conn.close()


def signed_chunked_request(server, method, path, data, query=None, chunk_size=64 * KiB,
                           tamper_chunk=None):
    """STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk signed in a chain from the seed
    signature. `tamper_chunk` flips the first byte of that chunk's data after signing."""
    qs = encode_query(query)
    target = path + ("?" + qs if qs else "")
    chunks = [data[i : i + chunk_size] for i in range(0, len(data), chunk_size)]
    encoded_len = sum(len(f"{len(c):x}") + len(SIG_PREFIX) + 64 + 2 + len(c) + 2 for c in chunks)
    encoded_len += 1 + len(SIG_PREFIX) + 64 + 4
    host = f"127.0.0.1:{server.port}"
    headers = {
        "Host": host,
        "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": str(len(data)),
        "Content-Length": str(encoded_len),
    }
    req = AWSRequest(method=method, url=f"http://{host}{target}", headers=headers)
    signer = _RawSigner(
        Credentials(server.access_key, server.secret_key),
        payload_hash="STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    )
    signer.add_auth(req)
    timestamp = req.context["timestamp"]
    scope = f"{timestamp[:8]}/{REGION}/s3/aws4_request"
    prev = req.headers["Authorization"].rsplit("Signature=", 1)[1]
    key = signing_key(server.secret_key, timestamp[:8])
    body = bytearray()
    for i, chunk in enumerate(chunks + [b""]):
        sts = "\n".join(
            ["AWS4-HMAC-SHA256-PAYLOAD", timestamp, scope, prev, EMPTY_SHA256,
             hashlib.sha256(chunk).hexdigest()]
        )
        sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        prev = sig
        if tamper_chunk is not None and i == tamper_chunk and chunk:
            chunk = bytes([chunk[0] ^ 0x01]) + chunk[1:]
        body += f"{len(chunk):x}{SIG_PREFIX}{sig}\r\n".encode() + chunk + b"\r\n"
    assert len(body) == encoded_len
    return send(server.port, method, target, dict(req.headers.items()), bytes(body))


def unsigned_trailer_request(server, method, path, data, query=None, checksum=None,
                             chunk_size=64 * KiB):
    """STREAMING-UNSIGNED-PAYLOAD-TRAILER with an x-amz-checksum-crc32 trailer."""
    checksum = crc32_b64(data) if checksum is None else checksum
    body = bytearray()
    for i in range(0, len(data), chunk_size):
        c = data[i : i + chunk_size]
        body += f"{len(c):x}\r\n".encode() + c + b"\r\n"
    body += b"0\r\n" + f"x-amz-checksum-crc32:{checksum}\r\n".encode() + b"\r\n"
    return server.request(
        method,
        path,
        query=query,
        headers={
            "Content-Encoding": "aws-chunked",
            "x-amz-decoded-content-length": str(len(data)),
            "x-amz-trailer": "x-amz-checksum-crc32",
            "x-amz-sdk-checksum-algorithm": "CRC32",
        },
        body=bytes(body),
        payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    )


# --------------------------------------------------------------------------------------------
# AWS CLI with pipes (harness.run_aws_cli closes stdin and captures stdout)
# --------------------------------------------------------------------------------------------


class IsolatedCli:
    """An `aws` command line isolated from user config, for Popen/run with pipes."""

    def __init__(self, server):
        self.cfg_dir = tempfile.mkdtemp(prefix="cairn-awscfg-")
        config = os.path.join(self.cfg_dir, "config")
        with open(config, "w") as f:
            f.write("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n")
        creds = os.path.join(self.cfg_dir, "credentials")
        open(creds, "w").close()
        self.env = base_env()
        self.env.update(
            AWS_ACCESS_KEY_ID=server.access_key,
            AWS_SECRET_ACCESS_KEY=server.secret_key,
            AWS_DEFAULT_REGION=REGION,
            AWS_CONFIG_FILE=config,
            AWS_SHARED_CREDENTIALS_FILE=creds,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_PAGER="",
            AWS_MAX_ATTEMPTS="1",
        )
        self.endpoint = server.endpoint

    def argv(self, *args):
        return [AWS_CLI, "--endpoint-url", self.endpoint, *args]

    def close(self):
        shutil.rmtree(self.cfg_dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --------------------------------------------------------------------------------------------
# Base class with upload helpers
# --------------------------------------------------------------------------------------------


class MultipartCase(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = unique_bucket("mp")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def create(self, key, client=None, **kw):
        client = client or self.s3
        resp = client.create_multipart_upload(Bucket=self.bucket, Key=key, **kw)
        self.assertEqual(resp["Bucket"], self.bucket)
        self.assertEqual(resp["Key"], key)
        self.assertTrue(resp["UploadId"])
        return resp["UploadId"]

    def put_part(self, key, upload_id, number, data, client=None, **kw):
        client = client or self.s3
        resp = client.upload_part(
            Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data, **kw
        )
        self.assertEqual(resp["ETag"], quoted(md5_hex(data)), f"part {number}")
        return resp

    def complete(self, key, upload_id, parts, client=None, **kw):
        """parts: list of (number, etag) or dicts for the XML."""
        client = client or self.s3
        xml_parts = [
            p if isinstance(p, dict) else {"PartNumber": p[0], "ETag": p[1]} for p in parts
        ]
        return client.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=upload_id,
            MultipartUpload={"Parts": xml_parts}, **kw,
        )

    def upload_parts(self, key, parts, **create_kw):
        """Create an upload and upload `parts` as 1..N; returns (upload_id, [(n, etag)])."""
        upload_id = self.create(key, **create_kw)
        listed = []
        for n, data in enumerate(parts, 1):
            resp = self.put_part(key, upload_id, n, data)
            listed.append((n, resp["ETag"]))
        return upload_id, listed

    def read(self, key, **kw):
        return self.s3.get_object(Bucket=self.bucket, Key=key, **kw)["Body"].read()

    def assertNoObject(self, key):
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key=key)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404, err.response)

    def assertNoSuchUpload(self, fn, *args, **kwargs):
        err = self.client_error(fn, *args, **kwargs)
        self.assertS3Error(err, "NoSuchUpload", 404)

    def uploads_of(self, key):
        resp = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix=key)
        return [u["UploadId"] for u in resp.get("Uploads", []) if u["Key"] == key]


# --------------------------------------------------------------------------------------------
# boto3 managed transfers
# --------------------------------------------------------------------------------------------


class TransferTest(MultipartCase):
    """upload_file/download_file across a 5 MiB threshold, default checksums and when_required."""

    def round_trip(self, client, size, expect_parts):
        key = f"transfer/{size}-{expect_parts}-{id(client)}"
        work = tempfile.mkdtemp(prefix="cairn-mp-")
        try:
            data = os.urandom(size)
            src = os.path.join(work, "src.bin")
            dst = os.path.join(work, "dst.bin")
            with open(src, "wb") as f:
                f.write(data)
            cfg = transfer_config()
            client.upload_file(src, self.bucket, key, Config=cfg)
            head = self.s3.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
            self.assertEqual(head["ContentLength"], size)
            if expect_parts:
                parts = [data[i : i + 5 * MiB] for i in range(0, size, 5 * MiB)]
                self.assertEqual(len(parts), expect_parts)
                self.assertEqual(head["ETag"], quoted(multipart_etag(parts)))
                self.assertEqual(head.get("PartsCount", expect_parts), expect_parts)
            else:
                parts = [data]
                self.assertEqual(head["ETag"], quoted(md5_hex(data)))
            client.download_file(self.bucket, key, dst, Config=cfg)
            with open(dst, "rb") as f:
                got = f.read()
            self.assertEqual(len(got), size)
            self.assertTrue(got == data, "downloaded bytes differ")
            return head, parts
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def test_default_checksums_multipart(self):
        head, parts = self.round_trip(self.s3, 23 * MiB + 12345, 5)
        # s3transfer creates the upload with ChecksumAlgorithm=CRC32 (composite by default)
        crc = head.get("ChecksumCRC32")
        self.assertIsNotNone(crc, f"no CRC32 on a CRC32 multipart object: {head}")
        self.assertEqual(crc, composite_crc32(parts))
        self.assertEqual(head.get("ChecksumType"), "COMPOSITE")

    def test_default_checksums_under_threshold(self):
        head, parts = self.round_trip(self.s3, 5 * MiB - 1, 0)
        self.assertEqual(head.get("ChecksumCRC32"), crc32_b64(parts[0]))

    def test_when_required_multipart(self):
        self.round_trip(self.s3_when_required, 23 * MiB + 12345, 5)

    def test_when_required_under_threshold(self):
        self.round_trip(self.s3_when_required, 5 * MiB - 1, 0)

    def test_exactly_threshold_is_multipart(self):
        # s3transfer uses multipart when size >= threshold: one 5 MiB part
        self.round_trip(self.s3_when_required, 5 * MiB, 1)


# --------------------------------------------------------------------------------------------
# The low-level API
# --------------------------------------------------------------------------------------------


class LowLevelTest(MultipartCase):
    def test_checksum_algorithms_round_trip(self):
        p1, p2 = os.urandom(5 * MiB), os.urandom(MiB + 3)
        for alg in (None, "CRC32", "SHA256"):
            with self.subTest(alg=alg):
                key = f"alg/{alg}"
                kw = {"ChecksumAlgorithm": alg} if alg else {}
                client = self.s3 if alg else self.s3_when_required
                resp = client.create_multipart_upload(Bucket=self.bucket, Key=key, **kw)
                upload_id = resp["UploadId"]
                if alg:
                    self.assertEqual(resp.get("ChecksumAlgorithm"), alg, resp)
                xml_parts = []
                for n, data in ((1, p1), (2, p2)):
                    r = self.put_part(key, upload_id, n, data, client=client, **kw)
                    part = {"PartNumber": n, "ETag": r["ETag"]}
                    if alg:
                        member = f"Checksum{alg}"
                        self.assertEqual(r.get(member), PART_CHECKSUM[alg](data), r)
                        part[member] = r[member]
                    xml_parts.append(part)
                listed = client.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id)
                self.assertEqual([p["PartNumber"] for p in listed["Parts"]], [1, 2])
                self.assertEqual([p["Size"] for p in listed["Parts"]], [len(p1), len(p2)])
                self.assertEqual([p["ETag"] for p in listed["Parts"]],
                                 [quoted(md5_hex(p1)), quoted(md5_hex(p2))])
                if alg:
                    self.assertEqual(listed.get("ChecksumAlgorithm"), alg)
                    self.assertEqual([p.get(f"Checksum{alg}") for p in listed["Parts"]],
                                     [PART_CHECKSUM[alg](p1), PART_CHECKSUM[alg](p2)])
                done = self.complete(key, upload_id, xml_parts, client=client)
                self.assertEqual(done["ETag"], quoted(multipart_etag([p1, p2])))
                if alg:
                    self.assertEqual(done.get(f"Checksum{alg}"), COMPOSITE[alg]([p1, p2]), done)
                    self.assertEqual(done.get("ChecksumType"), "COMPOSITE", done)
                head = self.s3.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
                self.assertEqual(head["ContentLength"], len(p1) + len(p2))
                self.assertEqual(head["ETag"], quoted(multipart_etag([p1, p2])))
                if alg:
                    self.assertEqual(head.get(f"Checksum{alg}"), COMPOSITE[alg]([p1, p2]), head)
                self.assertTrue(self.read(key) == p1 + p2)
                self.assertEqual(self.uploads_of(key), [])

    def test_complete_without_part_checksums(self):
        # An upload created without an algorithm completes from ETags alone.
        p1, p2 = os.urandom(5 * MiB), os.urandom(10)
        upload_id, parts = self.upload_parts("nochk/plain", [p1, p2], client=None)
        done = self.complete("nochk/plain", upload_id, parts, client=self.s3_when_required)
        self.assertEqual(done["ETag"], quoted(multipart_etag([p1, p2])))
        self.assertTrue(self.read("nochk/plain") == p1 + p2)

    def test_complete_crc32_upload_part_checksums(self):
        """A CRC32 upload: a wrong per-part checksum in the XML is refused; leaving the
        checksums out is refused by AWS (InvalidRequest "must include the checksum for each
        part"); if the server accepts it, the stored checksum must still be right."""
        key = "chk/crc32"
        p1, p2 = os.urandom(5 * MiB), os.urandom(1000)
        upload_id, parts = self.upload_parts(key, [p1, p2], ChecksumAlgorithm="CRC32")
        wrong = [
            {"PartNumber": 1, "ETag": parts[0][1], "ChecksumCRC32": crc32_b64(b"nope")},
            {"PartNumber": 2, "ETag": parts[1][1], "ChecksumCRC32": crc32_b64(p2)},
        ]
        err = self.client_error(self.complete, key, upload_id, wrong)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 400, err.response)
        self.assertIn(err.response["Error"]["Code"], ("InvalidPart", "BadDigest"), err.response)
        self.assertNoObject(key)
        try:
            done = self.complete(key, upload_id, parts, client=self.s3_when_required)
        except Exception as e:  # noqa: BLE001 - AWS refuses; then complete properly
            self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 400, e.response)
            self.assertIn(e.response["Error"]["Code"], ("InvalidRequest", "InvalidPart"))
            self.assertNoObject(key)
            done = self.complete(key, upload_id, [
                {"PartNumber": n, "ETag": etag, "ChecksumCRC32": crc32_b64(d)}
                for (n, etag), d in zip(parts, (p1, p2))
            ])
        self.assertEqual(done["ETag"], quoted(multipart_etag([p1, p2])))
        head = self.s3.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        self.assertEqual(head.get("ChecksumCRC32"), composite_crc32([p1, p2]), head)

    def test_list_parts_paging(self):
        key = "paging/parts"
        datas = [os.urandom(100 + n) for n in range(7)]
        upload_id = self.create(key)
        for n in (1, 2, 3, 5, 6, 7, 9):  # gaps are fine while the upload is open
            self.put_part(key, upload_id, n, datas[[1, 2, 3, 5, 6, 7, 9].index(n)])
        seen, marker, pages = [], 0, 0
        for _ in range(10):
            resp = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                      MaxParts=3, PartNumberMarker=marker)
            pages += 1
            self.assertEqual(resp["MaxParts"], 3)
            self.assertEqual(resp.get("PartNumberMarker", 0), marker)
            self.assertLessEqual(len(resp.get("Parts", [])), 3)
            seen += [(p["PartNumber"], p["Size"]) for p in resp.get("Parts", [])]
            if not resp["IsTruncated"]:
                break
            marker = resp["NextPartNumberMarker"]
            self.assertEqual(marker, seen[-1][0])
        self.assertEqual(pages, 3)
        self.assertEqual([n for n, _ in seen], [1, 2, 3, 5, 6, 7, 9])
        self.assertEqual([s for _, s in seen], [len(d) for d in datas])
        # A marker past the end: an empty, untruncated page
        resp = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                  PartNumberMarker=9)
        self.assertEqual(resp.get("Parts", []), [])
        self.assertFalse(resp["IsTruncated"])
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)

    def test_list_multipart_uploads(self):
        bucket = self.make_bucket("mpl")
        ids = {}
        order = []
        for key in ("a/1", "a/1", "a/2", "b/x/1", "c", "d"):
            upload_id = self.s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
            ids.setdefault(key, []).append(upload_id)
            order.append((key, upload_id))
        resp = self.s3.list_multipart_uploads(Bucket=bucket)
        expected = [(u["Key"], u["UploadId"]) for u in resp["Uploads"]]
        # by key; two uploads of one key may share an initiation instant, so their relative
        # order is the server's (AWS: by initiation time)
        self.assertEqual([k for k, _ in expected], sorted(k for k, _ in order))
        self.assertEqual(sorted(expected), sorted(order))
        self.assertFalse(resp["IsTruncated"])
        for u in resp["Uploads"]:
            self.assertIn("Initiated", u)

        resp = self.s3.list_multipart_uploads(Bucket=bucket, Prefix="a/")
        self.assertEqual([(u["Key"], u["UploadId"]) for u in resp["Uploads"]],
                         [kv for kv in expected if kv[0].startswith("a/")])
        self.assertEqual(resp.get("Prefix"), "a/")

        resp = self.s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
        self.assertEqual([u["Key"] for u in resp.get("Uploads", [])], ["c", "d"])
        self.assertEqual([p["Prefix"] for p in resp.get("CommonPrefixes", [])], ["a/", "b/"])

        resp = self.s3.list_multipart_uploads(Bucket=bucket, Prefix="b/", Delimiter="/")
        self.assertEqual(resp.get("Uploads", []), [])
        self.assertEqual([p["Prefix"] for p in resp.get("CommonPrefixes", [])], ["b/x/"])

        # Paging two at a time with KeyMarker + UploadIdMarker walks every upload once.
        got, km, um = [], None, None
        for _ in range(10):
            kw = {"MaxUploads": 2}
            if km is not None:
                kw.update(KeyMarker=km, UploadIdMarker=um)
            resp = self.s3.list_multipart_uploads(Bucket=bucket, **kw)
            self.assertLessEqual(len(resp.get("Uploads", [])), 2)
            got += [(u["Key"], u["UploadId"]) for u in resp.get("Uploads", [])]
            if not resp["IsTruncated"]:
                break
            km, um = resp["NextKeyMarker"], resp["NextUploadIdMarker"]
            self.assertEqual((km, um), got[-1])
        self.assertEqual(got, expected)

        # KeyMarker alone: uploads for keys strictly after it.
        resp = self.s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a/1")
        self.assertEqual([(u["Key"], u["UploadId"]) for u in resp["Uploads"]],
                         [kv for kv in expected if kv[0] > "a/1"])
        # KeyMarker + the first listed a/1 upload id: the other a/1 upload comes next.
        first_a1 = expected[0][1]
        resp = self.s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a/1",
                                              UploadIdMarker=first_a1)
        self.assertEqual([(u["Key"], u["UploadId"]) for u in resp["Uploads"]], expected[1:])
        for key, upload_id in order:
            self.s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        self.assertEqual(self.s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []), [])

    def test_part_number_reads(self):
        key = "partread/obj"
        parts = [os.urandom(5 * MiB), os.urandom(5 * MiB + 17), os.urandom(2 * MiB)]
        upload_id, listed = self.upload_parts(key, parts)
        self.complete(key, upload_id, listed)
        etag = quoted(multipart_etag(parts))
        total = sum(map(len, parts))
        offset = 0
        for n, data in enumerate(parts, 1):
            head = self.s3.head_object(Bucket=self.bucket, Key=key, PartNumber=n)
            self.assertEqual(head["ContentLength"], len(data), f"part {n}")
            self.assertEqual(head.get("PartsCount"), 3, head)
            self.assertEqual(head["ETag"], etag)
            got = self.s3.get_object(Bucket=self.bucket, Key=key, PartNumber=n)
            self.assertEqual(got["ContentLength"], len(data))
            self.assertEqual(got.get("PartsCount"), 3)
            self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
            self.assertEqual(got.get("ContentRange"),
                             f"bytes {offset}-{offset + len(data) - 1}/{total}")
            self.assertTrue(got["Body"].read() == data, f"part {n} bytes differ")
            offset += len(data)
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key=key, PartNumber=4)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 416, err.response)
        err = self.client_error(self.s3.get_object, Bucket=self.bucket, Key=key, PartNumber=4)
        self.assertS3Error(err, "InvalidPartNumber", 416)

    def test_get_object_attributes(self):
        key = "attrs/obj"
        parts = [os.urandom(5 * MiB), os.urandom(5 * MiB), os.urandom(123)]
        upload_id = self.create(key, ChecksumAlgorithm="CRC32")
        xml_parts = []
        for n, d in enumerate(parts, 1):
            r = self.put_part(key, upload_id, n, d, ChecksumAlgorithm="CRC32")
            xml_parts.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
        self.complete(key, upload_id, xml_parts)
        attrs = self.s3.get_object_attributes(
            Bucket=self.bucket, Key=key,
            ObjectAttributes=["ETag", "Checksum", "ObjectParts", "ObjectSize", "StorageClass"],
        )
        self.assertEqual(attrs["ETag"], multipart_etag(parts))  # unquoted here, as in S3
        self.assertEqual(attrs["ObjectSize"], sum(map(len, parts)))
        self.assertEqual(attrs.get("StorageClass"), "STANDARD")
        self.assertEqual(attrs["Checksum"].get("ChecksumCRC32"), composite_crc32(parts))
        self.assertEqual(attrs["Checksum"].get("ChecksumType"), "COMPOSITE")
        op = attrs["ObjectParts"]
        # boto3's TotalPartsCount is the <PartsCount> element on the wire
        self.assertEqual(op.get("TotalPartsCount"), 3, f"ObjectParts as parsed: {op}")
        self.assertEqual([p["PartNumber"] for p in op["Parts"]], [1, 2, 3])
        self.assertEqual([p["Size"] for p in op["Parts"]], [len(p) for p in parts])
        self.assertEqual([p.get("ChecksumCRC32") for p in op["Parts"]],
                         [crc32_b64(p) for p in parts])
        # Paging the parts
        page = self.s3.get_object_attributes(Bucket=self.bucket, Key=key, MaxParts=2,
                                             ObjectAttributes=["ObjectParts"])["ObjectParts"]
        self.assertEqual([p["PartNumber"] for p in page["Parts"]], [1, 2])
        self.assertTrue(page["IsTruncated"])
        self.assertEqual(page["NextPartNumberMarker"], 2)
        page = self.s3.get_object_attributes(Bucket=self.bucket, Key=key, MaxParts=2,
                                             PartNumberMarker=2,
                                             ObjectAttributes=["ObjectParts"])["ObjectParts"]
        self.assertEqual([p["PartNumber"] for p in page["Parts"]], [3])
        self.assertFalse(page["IsTruncated"])

    def test_abort(self):
        key = "abort/obj"
        upload_id, parts = self.upload_parts(key, [os.urandom(5 * MiB), os.urandom(10)])
        resp = self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertNoSuchUpload(self.s3.list_parts, Bucket=self.bucket, Key=key,
                                UploadId=upload_id)
        self.assertNoSuchUpload(self.s3.upload_part, Bucket=self.bucket, Key=key,
                                UploadId=upload_id, PartNumber=3, Body=b"late")
        self.assertNoSuchUpload(self.complete, key, upload_id, parts)
        self.assertEqual(self.uploads_of(key), [])
        self.assertNoObject(key)

    def test_uploads_in_progress_do_not_keep_a_bucket(self):
        # `aws s3 rb --force` deletes what it lists, then the bucket: uploads in progress are
        # aborted with it (MinIO too), their parts' data collected, on every back end.
        bucket = unique_bucket("uploads")
        self.s3.create_bucket(Bucket=bucket)
        for key in ("a/one", "b/two"):
            upload_id = self.s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
            self.s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1,
                                Body=os.urandom(6 * MiB if key == "a/one" else 100))
        resp = self.s3.delete_bucket(Bucket=bucket)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertNotIn(bucket, [b["Name"] for b in self.s3.list_buckets()["Buckets"]])
        self.s3.create_bucket(Bucket=bucket)  # made again: nothing of the old uploads
        self.assertEqual(self.s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []), [])

    def test_upload_part_copy_with_range(self):
        src_key = "copy/src"
        src = os.urandom(12 * MiB + 999)
        self.s3.put_object(Bucket=self.bucket, Key=src_key, Body=src)
        key = "copy/dst"
        upload_id = self.create(key)
        ranges = [(1, 7 * MiB + 5), (3, 5 * MiB + 10)]  # (first, length); both >= 5 MiB
        etags = []
        for n, (first, length) in enumerate(ranges, 1):
            r = self.s3.upload_part_copy(
                Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=n,
                CopySource={"Bucket": self.bucket, "Key": src_key},
                CopySourceRange=f"bytes={first}-{first + length - 1}",
            )
            piece = src[first : first + length]
            self.assertEqual(r["CopyPartResult"]["ETag"], quoted(md5_hex(piece)))
            etags.append((n, r["CopyPartResult"]["ETag"]))
        # a whole-object copy as a third part
        r = self.s3.upload_part_copy(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                     PartNumber=3, CopySource=f"{self.bucket}/{src_key}")
        self.assertEqual(r["CopyPartResult"]["ETag"], quoted(md5_hex(src)))
        etags.append((3, r["CopyPartResult"]["ETag"]))
        pieces = [src[f : f + l] for f, l in ranges] + [src]
        done = self.complete(key, upload_id, etags)
        self.assertEqual(done["ETag"], quoted(multipart_etag(pieces)))
        self.assertTrue(self.read(key) == b"".join(pieces), "copied parts differ")
        # a range outside the source
        upload_id = self.create("copy/bad")
        err = self.client_error(
            self.s3.upload_part_copy, Bucket=self.bucket, Key="copy/bad", UploadId=upload_id,
            PartNumber=1, CopySource={"Bucket": self.bucket, "Key": src_key},
            CopySourceRange=f"bytes=0-{len(src)}",
        )
        self.assertS3Error(err, "InvalidRange", 416)
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key="copy/bad", UploadId=upload_id)

    def test_same_part_number_twice_last_wins(self):
        key = "twice/obj"
        first, second, tail = os.urandom(5 * MiB), os.urandom(5 * MiB + 1), os.urandom(50)
        upload_id = self.create(key)
        r1 = self.put_part(key, upload_id, 1, first)
        r2 = self.put_part(key, upload_id, 1, second)
        r3 = self.put_part(key, upload_id, 2, tail)
        listed = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id)["Parts"]
        self.assertEqual([(p["PartNumber"], p["ETag"], p["Size"]) for p in listed],
                         [(1, r2["ETag"], len(second)), (2, r3["ETag"], len(tail))])
        # the replaced part's ETag is no longer valid
        err = self.client_error(self.complete, key, upload_id, [(1, r1["ETag"]), (2, r3["ETag"])])
        self.assertS3Error(err, "InvalidPart", 400)
        self.assertNoObject(key)
        self.complete(key, upload_id, [(1, r2["ETag"]), (2, r3["ETag"])])
        self.assertTrue(self.read(key) == second + tail)

    def test_complete_with_subset_of_parts(self):
        key = "subset/obj"
        parts = [os.urandom(5 * MiB), os.urandom(5 * MiB), os.urandom(5 * MiB), os.urandom(99)]
        upload_id, listed = self.upload_parts(key, parts)
        chosen = [listed[0], listed[2], listed[3]]  # part 2 left out
        done = self.complete(key, upload_id, chosen)
        kept = [parts[0], parts[2], parts[3]]
        self.assertEqual(done["ETag"], quoted(multipart_etag(kept)))
        head = self.s3.head_object(Bucket=self.bucket, Key=key, PartNumber=2)
        self.assertEqual(head.get("PartsCount"), 3)
        self.assertEqual(head["ContentLength"], len(parts[2]))
        self.assertTrue(self.read(key) == b"".join(kept))
        self.assertNoSuchUpload(self.s3.list_parts, Bucket=self.bucket, Key=key,
                                UploadId=upload_id)

    def test_conditional_complete_if_none_match(self):
        key = "cond/existing"
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"already here")
        p1, p2 = os.urandom(5 * MiB), os.urandom(7)
        upload_id, parts = self.upload_parts(key, [p1, p2])
        err = self.client_error(self.complete, key, upload_id, parts, IfNoneMatch="*")
        self.assertS3Error(err, "PreconditionFailed", 412)
        self.assertEqual(self.read(key), b"already here")
        self.assertEqual(self.uploads_of(key), [upload_id])  # still in progress
        self.complete(key, upload_id, parts)
        self.assertTrue(self.read(key) == p1 + p2)
        # on a new key, If-None-Match: * succeeds
        upload_id, parts = self.upload_parts("cond/new", [p2])
        done = self.complete("cond/new", upload_id, parts, IfNoneMatch="*")
        self.assertEqual(done["ETag"], quoted(multipart_etag([p2])))

    def test_create_keeps_metadata(self):
        key = "meta/obj"
        upload_id = self.create(key, ContentType="video/mp4", Metadata={"camera": "north"},
                                CacheControl="max-age=60")
        r = self.put_part(key, upload_id, 1, b"tiny")
        self.complete(key, upload_id, [(1, r["ETag"])])
        head = self.s3.head_object(Bucket=self.bucket, Key=key)
        self.assertEqual(head["ContentType"], "video/mp4")
        self.assertEqual(head["Metadata"], {"camera": "north"})
        self.assertEqual(head.get("CacheControl"), "max-age=60")


# --------------------------------------------------------------------------------------------
# Errors: each leaves no visible object, and the upload remains usable
# --------------------------------------------------------------------------------------------


class NegativeTest(MultipartCase):
    def three_parts(self, key):
        parts = [os.urandom(5 * MiB), os.urandom(5 * MiB), os.urandom(100)]
        upload_id, listed = self.upload_parts(key, parts)
        return parts, upload_id, listed

    def finish_ok(self, key, upload_id, listed, parts):
        done = self.complete(key, upload_id, listed)
        self.assertEqual(done["ETag"], quoted(multipart_etag(parts)))
        self.assertTrue(self.read(key) == b"".join(parts))

    def test_wrong_part_etag(self):
        key = "neg/etag"
        parts, upload_id, listed = self.three_parts(key)
        bad = list(listed)
        bad[1] = (2, quoted(md5_hex(b"not this part")))
        err = self.client_error(self.complete, key, upload_id, bad)
        self.assertS3Error(err, "InvalidPart", 400)
        self.assertNoObject(key)
        # a part number never uploaded
        err = self.client_error(self.complete, key, upload_id, listed + [(4, listed[0][1])])
        self.assertS3Error(err, "InvalidPart", 400)
        self.assertNoObject(key)
        self.finish_ok(key, upload_id, listed, parts)

    def test_parts_out_of_order(self):
        key = "neg/order"
        parts, upload_id, listed = self.three_parts(key)
        err = self.client_error(self.complete, key, upload_id, [listed[1], listed[0], listed[2]])
        self.assertS3Error(err, "InvalidPartOrder", 400)
        self.assertNoObject(key)
        err = self.client_error(self.complete, key, upload_id, [listed[0], listed[0], listed[2]])
        self.assertS3Error(err, "InvalidPartOrder", 400)  # duplicates are not ascending
        self.assertNoObject(key)
        self.finish_ok(key, upload_id, listed, parts)

    def test_too_small_part(self):
        key = "neg/small"
        parts = [os.urandom(5 * MiB - 1), os.urandom(5 * MiB)]
        upload_id, listed = self.upload_parts(key, parts)
        err = self.client_error(self.complete, key, upload_id, listed)
        self.assertS3Error(err, "EntityTooSmall", 400)
        self.assertNoObject(key)
        # the small part is fine as the last (and only) one
        self.finish_ok(key, upload_id, [listed[0]], [parts[0]])

    def test_unknown_upload_id(self):
        key = "neg/unknown"
        bogus = "bm90LWFuLXVwbG9hZC1pZA"
        self.assertNoSuchUpload(self.s3.upload_part, Bucket=self.bucket, Key=key,
                                UploadId=bogus, PartNumber=1, Body=b"x")
        self.assertNoSuchUpload(self.complete, key, bogus, [(1, quoted(md5_hex(b"x")))])
        self.assertNoSuchUpload(self.s3.list_parts, Bucket=self.bucket, Key=key, UploadId=bogus)
        self.assertNoSuchUpload(self.s3.abort_multipart_upload, Bucket=self.bucket, Key=key,
                                UploadId=bogus)
        self.assertNoSuchUpload(
            self.s3.upload_part_copy, Bucket=self.bucket, Key=key, UploadId=bogus, PartNumber=1,
            CopySource={"Bucket": self.bucket, "Key": "anything"})
        self.assertNoObject(key)

    def test_empty_upload_id(self):
        key = "neg/empty-id"
        path = f"/{self.bucket}/{key}"
        cases = [
            ("PUT", {"partNumber": "1", "uploadId": ""}, b"x"),
            ("POST", {"uploadId": ""},
             b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>"
             b"<ETag>\"x\"</ETag></Part></CompleteMultipartUpload>"),
            ("GET", {"uploadId": ""}, b""),
            ("DELETE", {"uploadId": ""}, b""),
        ]
        for method, query, body in cases:
            with self.subTest(method=method):
                r = self.server.request(method, path, query=query, body=body)
                self.assertRawError(r, 404, "NoSuchUpload")
        self.assertNoObject(key)

    def test_upload_id_of_another_key(self):
        upload_id = self.create("neg/owner")
        self.assertNoSuchUpload(self.s3.upload_part, Bucket=self.bucket, Key="neg/other",
                                UploadId=upload_id, PartNumber=1, Body=b"x")
        self.assertNoSuchUpload(self.s3.list_parts, Bucket=self.bucket, Key="neg/other",
                                UploadId=upload_id)
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key="neg/owner", UploadId=upload_id)

    def test_bad_part_numbers(self):
        key = "neg/partno"
        upload_id = self.create(key)
        for number in ("0", "10001", "-1", "abc"):
            with self.subTest(number=number):
                r = self.server.request("PUT", f"/{self.bucket}/{key}",
                                        query={"partNumber": number, "uploadId": upload_id},
                                        body=b"x")
                self.assertRawError(r, 400, "InvalidArgument")
        self.assertEqual(
            self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id).get("Parts", []),
            [])
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)

    def test_complete_malformed_or_empty(self):
        key = "neg/malformed"
        upload_id = self.create(key)
        self.put_part(key, upload_id, 1, b"x")
        for body in (b"", b"<CompleteMultipartUpload></CompleteMultipartUpload>", b"<nope"):
            with self.subTest(body=body):
                r = self.server.request("POST", f"/{self.bucket}/{key}",
                                        query={"uploadId": upload_id}, body=body)
                self.assertRawError(r, 400, "MalformedXML")
        self.assertNoObject(key)
        self.assertEqual(self.uploads_of(key), [upload_id])
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)

    def test_wrong_content_md5_on_part(self):
        key = "neg/md5"
        upload_id = self.create(key)
        err = self.client_error(self.s3_when_required.upload_part, Bucket=self.bucket, Key=key,
                                UploadId=upload_id, PartNumber=1, Body=b"payload",
                                ContentMD5=base64.b64encode(hashlib.md5(b"other").digest()).decode())
        self.assertS3Error(err, "BadDigest", 400)
        self.assertEqual(
            self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id).get("Parts", []),
            [])
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)


# --------------------------------------------------------------------------------------------
# aws-chunked bodies on UploadPart, and a signed streaming PUT of a few MiB
# --------------------------------------------------------------------------------------------


class StreamingMultipartTest(MultipartCase):
    def test_signed_streaming_put_few_mib(self):
        data = os.urandom(3 * MiB + 4097)
        status, headers, body = signed_chunked_request(
            self.server, "PUT", f"/{self.bucket}/stream/put", data, chunk_size=128 * KiB)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("etag"), quoted(md5_hex(data)))
        got = self.s3.get_object(Bucket=self.bucket, Key="stream/put")
        self.assertEqual(got["ContentLength"], len(data))
        self.assertNotIn("aws-chunked", got.get("ContentEncoding", ""))
        self.assertTrue(got["Body"].read() == data)

    def test_signed_streaming_upload_parts(self):
        key = "stream/parts"
        parts = [os.urandom(5 * MiB + 11), os.urandom(2 * MiB)]
        upload_id = self.create(key)
        listed = []
        for n, data in enumerate(parts, 1):
            status, headers, body = signed_chunked_request(
                self.server, "PUT", f"/{self.bucket}/{key}", data,
                query={"partNumber": str(n), "uploadId": upload_id})
            self.assertEqual(status, 200, body)
            self.assertEqual(headers.get("etag"), quoted(md5_hex(data)))
            listed.append((n, headers["etag"]))
        done = self.complete(key, upload_id, listed)
        self.assertEqual(done["ETag"], quoted(multipart_etag(parts)))
        self.assertTrue(self.read(key) == b"".join(parts))

    def test_corrupted_chunk_on_upload_part(self):
        key = "stream/corrupt"
        good = os.urandom(5 * MiB)
        upload_id = self.create(key)
        r1 = self.put_part(key, upload_id, 1, good)
        data = os.urandom(MiB)
        status, _, body = signed_chunked_request(
            self.server, "PUT", f"/{self.bucket}/{key}", data, tamper_chunk=5,
            query={"partNumber": "2", "uploadId": upload_id})
        self.assertEqual(status, 403, body)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
        parts = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id)["Parts"]
        self.assertEqual([p["PartNumber"] for p in parts], [1])
        err = self.client_error(self.complete, key, upload_id,
                                [(1, r1["ETag"]), (2, quoted(md5_hex(data)))])
        self.assertS3Error(err, "InvalidPart", 400)
        self.assertNoObject(key)

    def test_corrupted_chunk_replacing_a_part_keeps_the_old_one(self):
        key = "stream/corrupt-replace"
        old = os.urandom(300 * KiB)
        upload_id = self.create(key)
        r1 = self.put_part(key, upload_id, 1, old)
        status, _, body = signed_chunked_request(
            self.server, "PUT", f"/{self.bucket}/{key}", os.urandom(300 * KiB), tamper_chunk=2,
            query={"partNumber": "1", "uploadId": upload_id})
        self.assertEqual(status, 403, body)
        parts = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id)["Parts"]
        self.assertEqual([(p["PartNumber"], p["ETag"]) for p in parts], [(1, r1["ETag"])])
        self.complete(key, upload_id, [(1, r1["ETag"])])
        self.assertTrue(self.read(key) == old)

    def test_wrong_trailer_checksum_on_upload_part(self):
        key = "stream/badtrailer"
        upload_id = self.create(key, ChecksumAlgorithm="CRC32")
        data = os.urandom(MiB + 5)
        r = unsigned_trailer_request(self.server, "PUT", f"/{self.bucket}/{key}", data,
                                     query={"partNumber": "1", "uploadId": upload_id},
                                     checksum=crc32_b64(b"something else"))
        self.assertEqual(r.status, 400, repr(r))
        self.assertIn(r.error_code(), ("BadDigest", "XAmzContentChecksumMismatch"))
        self.assertEqual(
            self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id).get("Parts", []),
            [])
        err = self.client_error(self.complete, key, upload_id,
                                [{"PartNumber": 1, "ETag": quoted(md5_hex(data)),
                                  "ChecksumCRC32": crc32_b64(data)}])
        self.assertS3Error(err, "InvalidPart", 400)
        self.assertNoObject(key)
        # the right trailer works and is echoed back
        r = unsigned_trailer_request(self.server, "PUT", f"/{self.bucket}/{key}", data,
                                     query={"partNumber": "1", "uploadId": upload_id})
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(r.header("ETag"), quoted(md5_hex(data)))
        self.assertEqual(r.header("x-amz-checksum-crc32"), crc32_b64(data))
        done = self.complete(key, upload_id, [{"PartNumber": 1, "ETag": r.header("ETag"),
                                               "ChecksumCRC32": crc32_b64(data)}])
        self.assertEqual(done.get("ChecksumCRC32"), composite_crc32([data]))
        self.assertTrue(self.read(key) == data)

    def test_wrong_checksum_header_on_upload_part(self):
        key = "stream/badheader"
        upload_id = self.create(key)
        r = self.server.request("PUT", f"/{self.bucket}/{key}",
                                query={"partNumber": "1", "uploadId": upload_id},
                                body=b"some part bytes",
                                headers={"x-amz-checksum-sha256": sha256_b64(b"other")})
        self.assertEqual(r.status, 400, repr(r))
        self.assertIn(r.error_code(), ("BadDigest", "XAmzContentChecksumMismatch"))
        self.assertEqual(
            self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id).get("Parts", []),
            [])
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)


# --------------------------------------------------------------------------------------------
# Restart
# --------------------------------------------------------------------------------------------


class RestartTest(MultipartCase):
    def test_upload_survives_restart(self):
        key = "restart/obj"
        parts = [os.urandom(5 * MiB), os.urandom(5 * MiB), os.urandom(MiB + 1)]
        upload_id = self.create(key, ChecksumAlgorithm="CRC32", ContentType="text/csv")
        xml_parts = []
        for n in (1, 2):
            r = self.put_part(key, upload_id, n, parts[n - 1], ChecksumAlgorithm="CRC32")
            xml_parts.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
        abandoned = self.create("restart/abandoned")
        self.server.restart()
        s3 = self.server.client()
        resp = s3.list_multipart_uploads(Bucket=self.bucket, Prefix="restart/")
        self.assertEqual(sorted((u["Key"], u["UploadId"]) for u in resp.get("Uploads", [])),
                         sorted([(key, upload_id), ("restart/abandoned", abandoned)]))
        listed = s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id)
        self.assertEqual([(p["PartNumber"], p["Size"], p["ETag"]) for p in listed["Parts"]],
                         [(n, len(parts[n - 1]), quoted(md5_hex(parts[n - 1]))) for n in (1, 2)])
        r = s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=3,
                           Body=parts[2], ChecksumAlgorithm="CRC32")
        xml_parts.append({"PartNumber": 3, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
        done = s3.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                            MultipartUpload={"Parts": xml_parts})
        self.assertEqual(done["ETag"], quoted(multipart_etag(parts)))
        self.assertEqual(done.get("ChecksumCRC32"), composite_crc32(parts))
        got = s3.get_object(Bucket=self.bucket, Key=key)
        self.assertEqual(got["ContentType"], "text/csv")
        self.assertTrue(got["Body"].read() == b"".join(parts))
        # and the completed object survives a restart too
        self.server.restart()
        s3 = self.server.client()
        head = s3.head_object(Bucket=self.bucket, Key=key, PartNumber=3)
        self.assertEqual(head["ContentLength"], len(parts[2]))
        self.assertEqual(head.get("PartsCount"), 3)
        resp = s3.list_multipart_uploads(Bucket=self.bucket, Prefix="restart/")
        self.assertEqual([u["UploadId"] for u in resp.get("Uploads", [])], [abandoned])
        s3.abort_multipart_upload(Bucket=self.bucket, Key="restart/abandoned", UploadId=abandoned)


# --------------------------------------------------------------------------------------------
# AWS CLI
# --------------------------------------------------------------------------------------------


class CliMultipartTest(MultipartCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="cairn-mp-cli-")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def aws_ok(self, *args, timeout=180):
        rc, out, err = self.server.aws(*args, timeout=timeout)
        self.assertEqual(rc, 0, f"aws {' '.join(args)}\nstdout:{out}\nstderr:{err}")
        return out

    def test_cp_40mib_both_ways(self):
        data = os.urandom(40 * MiB + 333)
        src = os.path.join(self.work, "up.bin")
        dst = os.path.join(self.work, "down.bin")
        with open(src, "wb") as f:
            f.write(data)
        self.aws_ok("s3", "cp", src, f"s3://{self.bucket}/cli/40mib")
        parts = [data[i : i + 8 * MiB] for i in range(0, len(data), 8 * MiB)]
        head = self.s3.head_object(Bucket=self.bucket, Key="cli/40mib")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ETag"], quoted(multipart_etag(parts)))  # 6 parts of 8 MiB
        self.aws_ok("s3", "cp", f"s3://{self.bucket}/cli/40mib", dst)
        with open(dst, "rb") as f:
            self.assertTrue(f.read() == data, "aws s3 cp download differs")

    def test_s3api_round_trip(self):
        key = "cli/s3api"
        p1, p2 = os.urandom(5 * MiB), os.urandom(4321)
        out = self.aws_ok("s3api", "create-multipart-upload", "--bucket", self.bucket,
                          "--key", key)
        upload_id = json.loads(out)["UploadId"]
        parts = []
        for n, data in ((1, p1), (2, p2)):
            path = os.path.join(self.work, f"p{n}")
            with open(path, "wb") as f:
                f.write(data)
            out = self.aws_ok("s3api", "upload-part", "--bucket", self.bucket, "--key", key,
                              "--upload-id", upload_id, "--part-number", str(n),
                              "--body", path)
            etag = json.loads(out)["ETag"]
            self.assertEqual(etag, quoted(md5_hex(data)))
            parts.append({"PartNumber": n, "ETag": etag})
        out = self.aws_ok("s3api", "list-parts", "--bucket", self.bucket, "--key", key,
                          "--upload-id", upload_id)
        self.assertEqual([p["PartNumber"] for p in json.loads(out)["Parts"]], [1, 2])
        out = self.aws_ok("s3api", "complete-multipart-upload", "--bucket", self.bucket,
                          "--key", key, "--upload-id", upload_id,
                          "--multipart-upload", json.dumps({"Parts": parts}))
        self.assertEqual(json.loads(out)["ETag"], quoted(multipart_etag([p1, p2])))
        self.assertTrue(self.read(key) == p1 + p2)

    def test_cp_from_stdin_with_expected_size(self):
        data = os.urandom(19 * MiB + 5)
        with IsolatedCli(self.server) as cli:
            p = subprocess.run(
                cli.argv("s3", "cp", "-", f"s3://{self.bucket}/cli/stdin",
                         "--expected-size", str(len(data))),
                input=data, env=cli.env, capture_output=True, timeout=180,
            )
            self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))
            head = self.s3.head_object(Bucket=self.bucket, Key="cli/stdin")
            self.assertEqual(head["ContentLength"], len(data))
            self.assertTrue(head["ETag"].endswith('-3"'), head["ETag"])  # 8+8+3 MiB
            p = subprocess.run(cli.argv("s3", "cp", f"s3://{self.bucket}/cli/stdin", "-"),
                               env=cli.env, capture_output=True, timeout=180,
                               stdin=subprocess.DEVNULL)
            self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))
            self.assertTrue(p.stdout == data, "aws s3 cp to stdout differs")


if __name__ == "__main__":
    unittest.main()
