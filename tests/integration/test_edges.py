"""The edges of the core S3 API (issue 12, "The edges of the core API"), against the real binary.

ListBuckets pagination; idempotent CompleteMultipartUpload; multipart ChecksumType and the
whole-object checksum on Complete; partNumber limits; conditional PUT / DeleteObject /
DeleteObjects; non-ASCII metadata as RFC 2047 encoded-words and Content-Encoding kept as sent;
HTTP chunked uploads without Content-Length; SigV2 without a date; anonymous requests to a bucket
that does not exist; encoding-type=url in every listing. boto3 and the AWS CLI where they can
say it, raw requests (signing.py, harness.raw_request) where the SDKs hide the wire.
"""

import base64
import datetime
import email.utils
import http.client
import json
import os
import subprocess
import unittest
import urllib.parse
import uuid
import zlib

from harness import S3_NS, CairnTestCase, md5_hex, unique_bucket
from signing import presign_v4, replace_param, send, sign_v2_headers, sign_v4_headers

MiB = 1024 * 1024


def http_date(dt: datetime.datetime) -> str:
    return email.utils.format_datetime(dt.astimezone(datetime.timezone.utc), usegmt=True)


def find(root, path):
    """Text of `path` (tags without namespace, joined by /) under `root`, or None."""
    el = root.find("/".join(S3_NS + p for p in path.split("/")))
    return None if el is None else (el.text or "")


class ListBucketsPaginationTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prefix = "lbp-" + uuid.uuid4().hex[:6]
        cls.names = sorted(f"{cls.prefix}-{i:02d}" for i in range(5))
        for name in cls.names:
            cls.s3.create_bucket(Bucket=name)

    def test_max_buckets_pages_with_continuation_token(self):
        seen, token, pages = [], None, 0
        while True:
            kwargs = {"MaxBuckets": 2, "Prefix": self.prefix}
            if token:
                kwargs["ContinuationToken"] = token
            resp = self.s3.list_buckets(**kwargs)
            pages += 1
            self.assertLessEqual(len(resp["Buckets"]), 2)
            self.assertEqual(resp.get("Prefix"), self.prefix)
            for b in resp["Buckets"]:
                self.assertEqual(b.get("BucketRegion"), "us-east-1", b)
            seen += [b["Name"] for b in resp["Buckets"]]
            token = resp.get("ContinuationToken")
            if not token:
                break
        self.assertEqual(seen, self.names)
        self.assertEqual(pages, 3)

    def test_paginator_and_filters(self):
        pages = self.s3.get_paginator("list_buckets").paginate(
            Prefix=self.prefix, PaginationConfig={"PageSize": 3})
        self.assertEqual([b["Name"] for p in pages for b in p["Buckets"]], self.names)
        self.assertEqual(self.s3.list_buckets(Prefix=self.prefix, BucketRegion="eu-west-3")
                         ["Buckets"], [])
        resp = self.s3.list_buckets(Prefix=self.prefix, BucketRegion="us-east-1")
        self.assertEqual([b["Name"] for b in resp["Buckets"]], self.names)
        # Without max-buckets: everything, no token.
        resp = self.s3.list_buckets()
        self.assertNotIn("ContinuationToken", resp)
        self.assertTrue(set(self.names) <= {b["Name"] for b in resp["Buckets"]})

    def test_max_buckets_out_of_range(self):
        for bad in ("0", "10001", "-1", "x", ""):
            with self.subTest(bad=bad):
                r = self.server.request("GET", "/", query={"max-buckets": bad})
                self.assertRawError(r, 400, "InvalidArgument")
        r = self.server.request("GET", "/", query={"continuation-token": "!!!"})
        self.assertRawError(r, 400, "InvalidArgument")

    def test_aws_cli(self):
        rc, out, err = self.server.aws("s3api", "list-buckets", "--max-buckets", "2", "--prefix",
                                       self.prefix, "--no-paginate")
        self.assertEqual(rc, 0, err)
        doc = json.loads(out)
        self.assertEqual([b["Name"] for b in doc["Buckets"]], self.names[:2])
        self.assertTrue(doc.get("ContinuationToken"), doc)
        rc, out, err = self.server.aws("s3api", "list-buckets", "--prefix", self.prefix)
        self.assertEqual(rc, 0, err)
        self.assertEqual([b["Name"] for b in json.loads(out)["Buckets"]], self.names)


class CompleteRetryTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = unique_bucket("mpretry")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def upload(self, key, pieces, **create):
        upload_id = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key,
                                                    **create)["UploadId"]
        parts = []
        for n, data in enumerate(pieces, 1):
            r = self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                    PartNumber=n, Body=data)
            parts.append({"PartNumber": n, "ETag": r["ETag"]})
        return upload_id, parts

    def complete(self, key, upload_id, parts, **kwargs):
        return self.s3.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                 MultipartUpload={"Parts": parts}, **kwargs)

    def test_same_parts_again_answers_the_same_etag_even_after_restart(self):
        key = "retry/obj"
        pieces = [os.urandom(5 * MiB), b"tail"]
        upload_id, parts = self.upload(key, pieces)
        first = self.complete(key, upload_id, parts)
        second = self.complete(key, upload_id, parts, IfNoneMatch="*")
        for field in ("ETag", "Bucket", "Key", "Location"):
            self.assertEqual(second[field], first[field], field)
        # A different part list after completion is not a retry: NoSuchUpload, as before.
        err = self.client_error(self.complete, key, upload_id, parts[:1])
        self.assertS3Error(err, "NoSuchUpload", 404)
        self.server.restart()
        third = self.complete(key, upload_id, parts)
        self.assertEqual(third["ETag"], first["ETag"])
        body = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        self.assertTrue(body == pieces[0] + pieces[1])
        # Once the key holds another object the upload id means nothing any more.
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"replaced")
        err = self.client_error(self.complete, key, upload_id, parts)
        self.assertS3Error(err, "NoSuchUpload", 404)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(),
                         b"replaced")

    def test_aws_cli_complete_twice(self):
        key = "retry/cli"
        upload_id, parts = self.upload(key, [b"only part"])
        with open(self.server.root / f"parts-{uuid.uuid4().hex}.json", "w") as f:
            json.dump({"Parts": parts}, f)
            path = f.name
        try:
            outs = []
            for _ in range(2):
                rc, out, err = self.server.aws(
                    "s3api", "complete-multipart-upload", "--bucket", self.bucket, "--key", key,
                    "--upload-id", upload_id, "--multipart-upload", f"file://{path}")
                self.assertEqual(rc, 0, err)
                outs.append(json.loads(out))
            self.assertEqual(outs[0]["ETag"], outs[1]["ETag"])
            self.assertEqual(outs[0]["ETag"], '"%s-1"' % md5_hex(bytes.fromhex(
                md5_hex(b"only part"))))
        finally:
            os.unlink(path)

    def test_full_object_checksum_verified_on_complete(self):
        key = "retry/crc"
        pieces = [os.urandom(5 * MiB), os.urandom(1000)]
        upload_id = self.s3.create_multipart_upload(
            Bucket=self.bucket, Key=key, ChecksumAlgorithm="CRC32",
            ChecksumType="FULL_OBJECT")["UploadId"]
        parts = []
        for n, data in enumerate(pieces, 1):
            r = self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                    PartNumber=n, Body=data, ChecksumAlgorithm="CRC32")
            parts.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": r["ChecksumCRC32"]})
        whole = base64.b64encode(zlib.crc32(pieces[0] + pieces[1]).to_bytes(4, "big")).decode()
        wrong = base64.b64encode((zlib.crc32(b"x")).to_bytes(4, "big")).decode()
        err = self.client_error(self.complete, key, upload_id, parts, ChecksumCRC32=wrong,
                                ChecksumType="FULL_OBJECT")
        self.assertS3Error(err, "BadDigest", 400)
        err = self.client_error(self.complete, key, upload_id, parts, ChecksumSHA256=whole)
        self.assertS3Error(err, "InvalidRequest", 400)
        err = self.client_error(self.complete, key, upload_id, parts, MpuObjectSize=1)
        self.assertS3Error(err, "InvalidRequest", 400)
        done = self.complete(key, upload_id, parts, ChecksumCRC32=whole,
                             ChecksumType="FULL_OBJECT", MpuObjectSize=5 * MiB + 1000)
        self.assertEqual(done["ChecksumCRC32"], whole)
        self.assertEqual(done["ChecksumType"], "FULL_OBJECT")
        head = self.s3.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        self.assertEqual((head["ChecksumCRC32"], head["ChecksumType"]), (whole, "FULL_OBJECT"))


class PartNumberTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = unique_bucket("pn")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def test_single_part_object(self):
        self.s3.put_object(Bucket=self.bucket, Key="one", Body=b"single")
        got = self.s3.get_object(Bucket=self.bucket, Key="one", PartNumber=1)
        self.assertEqual(got["Body"].read(), b"single")
        self.assertEqual(got.get("PartsCount"), 1)
        for n in (2, 3):
            err = self.client_error(self.s3.get_object, Bucket=self.bucket, Key="one", PartNumber=n)
            self.assertS3Error(err, "InvalidPartNumber", 416)
            r = self.server.request("HEAD", f"/{self.bucket}/one", query={"partNumber": str(n)})
            self.assertEqual(r.status, 416, repr(r))
        rc, _, err = self.server.aws("s3api", "head-object", "--bucket", self.bucket, "--key",
                                     "one", "--part-number", "2")
        self.assertNotEqual(rc, 0)
        self.assertIn("416", err)


class ConditionalWriteTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = unique_bucket("cond")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def test_put_if_match_missing_key_is_no_such_key(self):
        for value in ('"00000000000000000000000000000000"', "*"):
            with self.subTest(value=value):
                err = self.client_error(self.s3.put_object, Bucket=self.bucket, Key="absent",
                                        Body=b"x", IfMatch=value)
                self.assertS3Error(err, "NoSuchKey", 404)
        put = self.s3.put_object(Bucket=self.bucket, Key="present", Body=b"v1")
        self.s3.put_object(Bucket=self.bucket, Key="present", Body=b"v2", IfMatch="*")
        err = self.client_error(self.s3.put_object, Bucket=self.bucket, Key="present",
                                Body=b"v3", IfMatch=put["ETag"])
        self.assertS3Error(err, "PreconditionFailed", 412)
        body = self.s3.get_object(Bucket=self.bucket, Key="present")["Body"].read()
        self.assertEqual(body, b"v2")

    def test_conditional_delete_object(self):
        put = self.s3.put_object(Bucket=self.bucket, Key="del", Body=b"12345")
        head = self.s3.head_object(Bucket=self.bucket, Key="del")
        wrong = '"0123456789abcdef0123456789abcdef"'
        err = self.client_error(self.s3.delete_object, Bucket=self.bucket, Key="del", IfMatch=wrong)
        self.assertS3Error(err, "PreconditionFailed", 412)
        err = self.client_error(self.s3.delete_object, Bucket=self.bucket, Key="del",
                                IfMatchSize=4)
        self.assertS3Error(err, "PreconditionFailed", 412)
        err = self.client_error(self.s3.delete_object, Bucket=self.bucket, Key="del",
                                IfMatchLastModifiedTime=head["LastModified"]
                                - datetime.timedelta(seconds=5))
        self.assertS3Error(err, "PreconditionFailed", 412)
        self.assertEqual(self.s3.head_object(Bucket=self.bucket, Key="del")["ETag"], put["ETag"])
        err = self.client_error(self.s3.delete_object, Bucket=self.bucket, Key="missing",
                                IfMatch=wrong)
        self.assertS3Error(err, "NoSuchKey", 404)
        self.s3.delete_object(Bucket=self.bucket, Key="del", IfMatch=put["ETag"], IfMatchSize=5,
                              IfMatchLastModifiedTime=head["LastModified"])
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="del")
        self.assertEqual(err.response["Error"]["Code"], "404")
        # Without conditions a missing key still deletes "successfully", as S3.
        self.s3.delete_object(Bucket=self.bucket, Key="missing")

    def test_conditional_delete_with_aws_cli(self):
        put = self.s3.put_object(Bucket=self.bucket, Key="cli-del", Body=b"x")
        rc, _, err = self.server.aws("s3api", "delete-object", "--bucket", self.bucket, "--key",
                                     "cli-del", "--if-match", '"ffffffffffffffffffffffffffffffff"')
        self.assertNotEqual(rc, 0)
        self.assertIn("PreconditionFailed", err)
        rc, _, err = self.server.aws("s3api", "delete-object", "--bucket", self.bucket, "--key",
                                     "cli-del", "--if-match", put["ETag"])
        self.assertEqual(rc, 0, err)
        self.assertFalse(self.s3.list_objects_v2(Bucket=self.bucket, Prefix="cli-del")
                         .get("Contents"))

    def test_delete_objects_entry_conditions(self):
        a = self.s3.put_object(Bucket=self.bucket, Key="batch/a", Body=b"aa")
        self.s3.put_object(Bucket=self.bucket, Key="batch/b", Body=b"bb")
        self.s3.put_object(Bucket=self.bucket, Key="batch/c", Body=b"cc")
        resp = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [
            {"Key": "batch/a", "ETag": a["ETag"]},
            {"Key": "batch/b", "ETag": '"0123456789abcdef0123456789abcdef"'},
            {"Key": "batch/c", "Size": 3},
        ]})
        self.assertEqual([d["Key"] for d in resp.get("Deleted", [])], ["batch/a"])
        self.assertEqual(sorted((e["Key"], e["Code"]) for e in resp.get("Errors", [])),
                         [("batch/b", "PreconditionFailed"), ("batch/c", "PreconditionFailed")])
        left = [o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket, Prefix="batch/")
                .get("Contents", [])]
        self.assertEqual(left, ["batch/b", "batch/c"])


class HeaderEncodingTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = unique_bucket("hdr")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def test_non_ascii_metadata_is_rfc2047_encoded(self):
        text = "Zürich – 東京"
        # The UTF-8 bytes on the wire, unsigned (a presigned URL signs only the host); an SDK
        # cannot send them, as it writes header values as Latin-1.
        target = presign_v4(self.server.port, "PUT", f"/{self.bucket}/meta",
                            self.server.access_key, self.server.secret_key)
        r = send(self.server.port, "PUT", target,
                 {"x-amz-meta-city": text.encode().decode("latin-1"),
                  "x-amz-meta-plain": "just ascii", "Content-Length": "1"}, b"m")
        self.assertEqual(r.status, 200, repr(r))
        head = self.server.request("HEAD", f"/{self.bucket}/meta")
        encoded = "=?UTF-8?B?" + base64.b64encode(text.encode()).decode() + "?="
        self.assertEqual(head.header("x-amz-meta-city"), encoded)
        self.assertEqual(head.header("x-amz-meta-plain"), "just ascii")
        meta = self.s3.head_object(Bucket=self.bucket, Key="meta")["Metadata"]
        self.assertEqual(meta["city"], encoded)
        self.assertEqual(meta["plain"], "just ascii")
        rc, out, err = self.server.aws("s3api", "head-object", "--bucket", self.bucket, "--key",
                                       "meta")
        self.assertEqual(rc, 0, err)
        self.assertEqual(json.loads(out)["Metadata"]["city"], encoded)

    def test_content_encoding_kept_as_sent(self):
        for sent, kept in (("deflate, gzip", "deflate, gzip"), ("gzip,br", "gzip,br")):
            with self.subTest(sent=sent):
                key = "ce/" + uuid.uuid4().hex
                self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"z", ContentEncoding=sent)
                got = self.s3.head_object(Bucket=self.bucket, Key=key)
                self.assertEqual(got["ContentEncoding"], kept)
        # A raw signed PUT (no aws-chunked) keeps the value byte for byte too.
        key = "ce/raw"
        r = self.server.request("PUT", f"/{self.bucket}/{key}", body=b"z",
                                headers={"Content-Encoding": "deflate, gzip"})
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(self.s3.head_object(Bucket=self.bucket, Key=key)["ContentEncoding"],
                         "deflate, gzip")


class ChunkedTransferTest(CairnTestCase):
    """HTTP/1.1 chunked bodies without Content-Length, as curl -T - and some clients send."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = unique_bucket("chunked")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def chunked(self, method, target, data, payload_hash, chunk=64 * 1024, query=""):
        path = target + (f"?{query}" if query else "")
        headers = sign_v4_headers(self.server.port, method, path, self.server.access_key,
                                  self.server.secret_key, body=data, payload_hash=payload_hash)
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            for off in range(0, len(data), chunk):
                piece = data[off:off + chunk]
                conn.send(b"%x\r\n" % len(piece) + piece + b"\r\n")
            conn.send(b"0\r\n\r\n")
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def test_put_unsigned_and_signed_payload(self):
        for label, size, payload in (("unsigned", 3 * MiB + 5, "UNSIGNED-PAYLOAD"),
                                     ("signed", 200 * 1024 + 1, None),
                                     ("small", 10, "UNSIGNED-PAYLOAD"),
                                     ("empty", 0, "UNSIGNED-PAYLOAD")):
            with self.subTest(label):
                data = os.urandom(size)
                key = f"chunked/{label}"
                status, headers, body = self.chunked("PUT", f"/{self.bucket}/{key}", data, payload)
                self.assertEqual(status, 200, body[:300])
                self.assertEqual(headers.get("ETag"), f'"{md5_hex(data)}"')
                got = self.s3.get_object(Bucket=self.bucket, Key=key)
                self.assertEqual(got["ContentLength"], size)
                self.assertTrue(got["Body"].read() == data)

    def test_signed_payload_mismatch_stores_nothing(self):
        data = os.urandom(100 * 1024)
        wrong = "0" * 64
        status, _, body = self.chunked("PUT", f"/{self.bucket}/chunked/bad", data, wrong)
        self.assertEqual(status, 400, body[:300])
        self.assertIn(b"XAmzContentSHA256Mismatch", body)
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="chunked/bad")
        self.assertEqual(err.response["Error"]["Code"], "404")

    def test_upload_part_chunked(self):
        key = "chunked/mpu"
        upload_id = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        pieces = [os.urandom(5 * MiB), os.urandom(777)]
        parts = []
        for n, data in enumerate(pieces, 1):
            status, headers, body = self.chunked(
                "PUT", f"/{self.bucket}/{key}", data, "UNSIGNED-PAYLOAD",
                query=f"partNumber={n}&uploadId={upload_id}")
            self.assertEqual(status, 200, body[:300])
            self.assertEqual(headers.get("ETag"), f'"{md5_hex(data)}"')
            parts.append({"PartNumber": n, "ETag": headers["ETag"]})
        listed = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id)["Parts"]
        self.assertEqual([p["Size"] for p in listed], [len(p) for p in pieces])
        self.s3.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                          MultipartUpload={"Parts": parts})
        got = self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        self.assertTrue(got == pieces[0] + pieces[1])

    def test_curl_upload_from_stdin(self):
        target = presign_v4(self.server.port, "PUT", f"/{self.bucket}/chunked/curl",
                            self.server.access_key, self.server.secret_key)
        data = os.urandom(300 * 1024)
        p = subprocess.run(["curl", "-sS", "-g", "--max-time", "60", "-T", "-", "-o", "/dev/null",
                            "-w", "%{http_code}", self.server.endpoint + target],
                           input=data, capture_output=True, timeout=90)
        self.assertEqual(p.stdout.decode(), "200", p.stderr)
        got = self.s3.get_object(Bucket=self.bucket, Key="chunked/curl")["Body"].read()
        self.assertTrue(got == data)


class ListEncodingTest(CairnTestCase):
    """encoding-type=url: every key-like field of every listing encoded, as AWS documents."""

    KEY = "dir é/a b+c&d.txt"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = unique_bucket("listenc")
        cls.s3.create_bucket(Bucket=cls.bucket)
        for key in (cls.KEY, "dir é/z", "other"):
            cls.s3.put_object(Bucket=cls.bucket, Key=key, Body=b"x")
        cls.upload_id = cls.s3.create_multipart_upload(Bucket=cls.bucket, Key=cls.KEY)["UploadId"]

    def listing(self, query):
        r = self.server.request("GET", f"/{self.bucket}", query=query)
        self.assertEqual(r.status, 200, repr(r))
        return r.xml()

    def assertEncoded(self, root, element, want):
        raw = [el.text or "" for el in root.iter(S3_NS + element)]
        self.assertIn(want, [urllib.parse.unquote_plus(v) for v in raw], (element, raw))
        for v in raw:
            self.assertNotIn(" ", v, (element, v))
            self.assertTrue(all(ord(c) < 128 for c in v), (element, v))

    def test_v1_v2_versions_uploads(self):
        start = "dir é/a"
        v1 = self.listing({"encoding-type": "url", "prefix": "dir é/", "marker": start,
                           "max-keys": "1", "delimiter": "é"})
        self.assertEqual(find(v1, "EncodingType"), "url")
        for element, want in (("Prefix", "dir é/"), ("Marker", start), ("NextMarker", self.KEY),
                              ("Key", self.KEY), ("Delimiter", "é")):
            self.assertEncoded(v1, element, want)
        v2 = self.listing({"list-type": "2", "encoding-type": "url", "prefix": "dir é/",
                           "start-after": start, "max-keys": "1", "delimiter": "é"})
        for element, want in (("Prefix", "dir é/"), ("StartAfter", start), ("Key", self.KEY),
                              ("Delimiter", "é")):
            self.assertEncoded(v2, element, want)
        versions = self.listing({"versions": None, "encoding-type": "url", "prefix": "dir é/",
                                 "key-marker": start, "max-keys": "1"})
        for element, want in (("Prefix", "dir é/"), ("KeyMarker", start),
                              ("NextKeyMarker", self.KEY), ("Key", self.KEY)):
            self.assertEncoded(versions, element, want)
        uploads = self.listing({"uploads": None, "encoding-type": "url", "prefix": "dir é/",
                                "key-marker": start})
        for element, want in (("Prefix", "dir é/"), ("KeyMarker", start), ("Key", self.KEY)):
            self.assertEncoded(uploads, element, want)
        # boto3 asks for url encoding and decodes: it gets the key back exactly.
        got = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="dir é/", StartAfter=start)
        self.assertEqual([o["Key"] for o in got["Contents"]], [self.KEY, "dir é/z"])
        ups = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix="dir é/")
        self.assertEqual([u["Key"] for u in ups["Uploads"]], [self.KEY])
        rc, out, err = self.server.aws("s3api", "list-object-versions", "--bucket", self.bucket,
                                       "--prefix", "dir é/")
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(v["Key"] for v in json.loads(out)["Versions"]),
                         [self.KEY, "dir é/z"])

    def test_empty_continuation_token_is_invalid_argument(self):
        # AWS refuses an empty token (MinIO followed it, minio/minio#5931); it is not "no token".
        r = self.server.request("GET", f"/{self.bucket}",
                                query={"list-type": "2", "continuation-token": ""})
        self.assertRawError(r, 400, "InvalidArgument")
        err = self.client_error(self.s3.list_objects_v2, Bucket=self.bucket, ContinuationToken="")
        self.assertS3Error(err, "InvalidArgument", 400)


class AuthEdgesTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = unique_bucket("authedge")
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.s3.put_object(Bucket=cls.bucket, Key="obj", Body=b"secret")

    def v2(self, date_header):
        path = f"/{self.bucket}/obj"
        headers = sign_v2_headers("GET", path, self.server.access_key, self.server.secret_key)
        if date_header is None:
            del headers["Date"]
        else:
            headers["Date"] = date_header
        return send(self.server.port, "GET", path, headers)

    def test_sigv2_without_valid_date_is_access_denied(self):
        self.assertEqual(self.v2(http_date(datetime.datetime.now(datetime.timezone.utc)))
                         .status, 200)
        for label, date in (("missing", None), ("empty", ""), ("garbage", "not a date")):
            with self.subTest(label):
                r = self.v2(date)
                self.assertRawError(r, 403, "AccessDenied")
                self.assertNotIn(b"secret", r.body)
                self.assertIn(b"valid Date or x-amz-date", r.body)

    def test_presigned_expires_out_of_range(self):
        for expires in ("0", "-1", "604801"):
            with self.subTest(expires=expires):
                target = presign_v4(self.server.port, "GET", f"/{self.bucket}/obj",
                                    self.server.access_key, self.server.secret_key)
                target = replace_param(target, "X-Amz-Expires", expires)
                r = send(self.server.port, "GET", target)
                self.assertRawError(r, 400, "AuthorizationQueryParametersError")
                self.assertNotIn(b"secret", r.body)

    def test_anonymous_request_to_missing_bucket_is_no_such_bucket(self):
        missing = unique_bucket("nobucket")
        for method, path in (("GET", f"/{missing}"), ("GET", f"/{missing}/k"),
                             ("PUT", f"/{missing}/k"), ("DELETE", f"/{missing}/k")):
            with self.subTest(method=method, path=path):
                r = self.server.anonymous(method, path)
                self.assertRawError(r, 404, "NoSuchBucket")
        r = self.server.anonymous("HEAD", f"/{missing}")
        self.assertEqual(r.status, 404)
        # An existing bucket stays private.
        self.assertRawError(self.server.anonymous("GET", f"/{self.bucket}/obj"), 403,
                            "AccessDenied")
        self.assertRawError(self.server.anonymous("GET", f"/{self.bucket}"), 403, "AccessDenied")
        # Creating is still refused to an anonymous caller.
        self.assertRawError(self.server.anonymous("PUT", f"/{missing}"), 403, "AccessDenied")


if __name__ == "__main__":
    unittest.main()
