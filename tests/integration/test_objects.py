"""Object PUT/GET/HEAD: bodies, ETags, Content-MD5, stored headers, keys, ranges, conditionals."""

import datetime
import email.utils
import os
import unittest
import urllib.parse

from harness import (
    CairnTestCase,
    S3_NS,
    md5_b64,
    md5_hex,
    quote_key,
    unique_bucket,
)

SIZES = [0, 1, 100 * 1024, 5 * 1024 * 1024]

SPECIAL_KEYS = [
    "a/../b",
    "//x",
    "dir/",
    "with space",
    "100%",
    "a+b",
    "emoji-😀",
    "ü/ñ",
    "q?x=1&y#frag",
    "tab\tand~tilde",
    "../../escape-kq7",
]
# Path components that are distinctive enough that finding them in the data dir means the
# server named files after user keys.
DISTINCTIVE_COMPONENTS = {"with space", "100%", "a+b", "emoji-😀", "ü", "ñ", "escape-kq7"}


def http_date(dt: datetime.datetime) -> str:
    return email.utils.format_datetime(dt.astimezone(datetime.timezone.utc), usegmt=True)


def parse_http_date(text: str) -> datetime.datetime:
    return email.utils.parsedate_to_datetime(text)


class PutGetTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "objects"
        cls.s3.create_bucket(Bucket=cls.bucket)

    def test_round_trip_sizes_default_client(self):
        # boto3's default: aws-chunked body with a trailing x-amz-checksum-crc32
        for size in SIZES:
            with self.subTest(size=size):
                data = os.urandom(size)
                key = f"rt/default/{size}"
                put = self.s3.put_object(Bucket=self.bucket, Key=key, Body=data)
                self.assertEqual(put["ETag"], f'"{md5_hex(data)}"')
                got = self.s3.get_object(Bucket=self.bucket, Key=key)
                self.assertEqual(got["ContentLength"], size)
                self.assertEqual(got["ETag"], f'"{md5_hex(data)}"')
                self.assertEqual(got["Body"].read(), data)

    def test_round_trip_sizes_when_required_client(self):
        for size in SIZES:
            with self.subTest(size=size):
                data = os.urandom(size)
                key = f"rt/when-required/{size}"
                put = self.s3_when_required.put_object(Bucket=self.bucket, Key=key, Body=data)
                self.assertEqual(put["ETag"], f'"{md5_hex(data)}"')
                got = self.s3_when_required.get_object(Bucket=self.bucket, Key=key)
                self.assertEqual(got["Body"].read(), data)
                head = self.s3.head_object(Bucket=self.bucket, Key=key)
                self.assertEqual(head["ContentLength"], size)
                self.assertEqual(head["ETag"], f'"{md5_hex(data)}"')

    def test_round_trip_raw_signed(self):
        for size in (0, 1, 100 * 1024):
            with self.subTest(size=size):
                data = os.urandom(size)
                r = self.server.request("PUT", f"/{self.bucket}/rt/raw/{size}", body=data)
                self.assertEqual(r.status, 200, repr(r))
                self.assertEqual(r.header("ETag"), f'"{md5_hex(data)}"')
                g = self.server.request("GET", f"/{self.bucket}/rt/raw/{size}")
                self.assertEqual(g.status, 200)
                self.assertEqual(g.body, data)
                self.assertEqual(g.header("Content-Length"), str(size))

    def test_put_with_crc32_checksum_returns_it(self):
        put = self.s3.put_object(
            Bucket=self.bucket, Key="crc", Body=b"123456789", ChecksumAlgorithm="CRC32"
        )
        # CRC32("123456789") = cbf43926
        self.assertEqual(put.get("ChecksumCRC32"), "y/Q5Jg==")

    def test_overwrite_replaces_body(self):
        self.s3.put_object(Bucket=self.bucket, Key="ow", Body=b"first version, longer")
        self.s3.put_object(Bucket=self.bucket, Key="ow", Body=b"second")
        got = self.s3.get_object(Bucket=self.bucket, Key="ow")
        self.assertEqual(got["Body"].read(), b"second")
        self.assertEqual(got["ETag"], f'"{md5_hex(b"second")}"')

    def test_content_md5_correct(self):
        data = b"content md5 body"
        r = self.server.request(
            "PUT", f"/{self.bucket}/md5/ok", body=data, headers={"Content-MD5": md5_b64(data)}
        )
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(r.header("ETag"), f'"{md5_hex(data)}"')
        # the boto3 way too
        self.s3.put_object(Bucket=self.bucket, Key="md5/ok2", Body=data, ContentMD5=md5_b64(data))

    def test_content_md5_wrong_is_bad_digest(self):
        data = b"content md5 body"
        r = self.server.request(
            "PUT",
            f"/{self.bucket}/md5/bad",
            body=data,
            headers={"Content-MD5": md5_b64(b"something else")},
        )
        self.assertRawError(r, 400, "BadDigest")
        self.assertEqual(self.server.request("HEAD", f"/{self.bucket}/md5/bad").status, 404)

    def test_content_md5_not_base64_is_invalid_digest(self):
        for value in ("not-base64!!", "YWJj"):  # garbage; valid base64 but not 16 bytes
            with self.subTest(value=value):
                r = self.server.request(
                    "PUT",
                    f"/{self.bucket}/md5/invalid",
                    body=b"data",
                    headers={"Content-MD5": value},
                )
                self.assertRawError(r, 400, "InvalidDigest")
        self.assertEqual(self.server.request("HEAD", f"/{self.bucket}/md5/invalid").status, 404)

    def test_stored_headers_returned_exactly_raw(self):
        headers = {
            "Content-Type": "application/x-cairn; charset=utf-8",
            "Content-Encoding": "gzip",
            "Content-Disposition": 'attachment; filename="report 2024.txt"',
            "Content-Language": "de-CH",
            "Cache-Control": "max-age=3600, must-revalidate",
            "Expires": "Wed, 01 Dec 2094 16:00:00 GMT",
            "x-amz-meta-MixedCase": "value with spaces",
            "X-Amz-Meta-Upper-Dash": "A-B",
            "x-amz-meta-lower": "plain",
        }
        r = self.server.request("PUT", f"/{self.bucket}/hdrs/raw", body=b"gz?", headers=headers)
        self.assertEqual(r.status, 200, repr(r))
        for method in ("GET", "HEAD"):
            with self.subTest(method=method):
                g = self.server.request(method, f"/{self.bucket}/hdrs/raw")
                self.assertEqual(g.status, 200)
                for name, value in headers.items():
                    self.assertEqual(g.header(name), value, f"{method} {name}: {dict(g.headers)}")
                self.assertEqual(g.header("Content-Length"), "3")
                if method == "GET":
                    self.assertEqual(g.body, b"gz?")
                else:
                    self.assertEqual(g.body, b"")

    def test_stored_headers_returned_boto3(self):
        expires = datetime.datetime(2094, 12, 1, 16, 0, 0, tzinfo=datetime.timezone.utc)
        for label, client in (("default", self.s3), ("when_required", self.s3_when_required)):
            with self.subTest(client=label):
                key = f"hdrs/boto3/{label}"
                client.put_object(
                    Bucket=self.bucket,
                    Key=key,
                    Body=b"\x1f\x8bnot really gzip",
                    ContentType="text/csv",
                    ContentEncoding="gzip",
                    ContentDisposition="inline",
                    ContentLanguage="fr",
                    CacheControl="no-cache",
                    Expires=expires,
                    Metadata={"MixedCase": "value with spaces", "k2": "v2"},
                )
                for resp in (
                    client.head_object(Bucket=self.bucket, Key=key),
                    client.get_object(Bucket=self.bucket, Key=key),
                ):
                    self.assertEqual(resp["ContentType"], "text/csv")
                    self.assertEqual(resp["ContentEncoding"], "gzip")
                    self.assertEqual(resp["ContentDisposition"], "inline")
                    self.assertEqual(resp["ContentLanguage"], "fr")
                    self.assertEqual(resp["CacheControl"], "no-cache")
                    self.assertEqual(resp.get("ExpiresString"), "Wed, 01 Dec 2094 16:00:00 GMT")
                    self.assertEqual(
                        {k.lower(): v for k, v in resp["Metadata"].items()},
                        {"mixedcase": "value with spaces", "k2": "v2"},
                    )
                    if "Body" in resp:
                        self.assertEqual(resp["Body"].read(), b"\x1f\x8bnot really gzip")

    def test_default_content_type(self):
        r = self.server.request("PUT", f"/{self.bucket}/ctype/none", body=b"x")
        self.assertEqual(r.status, 200)
        g = self.server.request("HEAD", f"/{self.bucket}/ctype/none")
        self.assertTrue(g.header("Content-Type"))

    def test_head_missing_key_is_404_without_body(self):
        r = self.server.request("HEAD", f"/{self.bucket}/does/not/exist")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.body, b"")
        self.assertTrue(r.header("x-amz-request-id"))

    def test_get_missing_key_is_no_such_key(self):
        r = self.server.request("GET", f"/{self.bucket}/does/not/exist")
        self.assertRawError(r, 404, "NoSuchKey")
        self.assertIn("xml", r.header("Content-Type") or "")
        root = r.xml()
        self.assertEqual(root.tag, "Error")
        self.assertEqual(root.findtext("Key"), "does/not/exist")
        self.assertEqual(root.findtext("Resource"), f"/{self.bucket}/does/not/exist")
        self.assertEqual(root.findtext("RequestId"), r.header("x-amz-request-id"))
        self.assertTrue(root.findtext("Message"))
        err = self.client_error(self.s3.get_object, Bucket=self.bucket, Key="does/not/exist")
        self.assertS3Error(err, "NoSuchKey", 404)

    def test_get_in_missing_bucket_is_no_such_bucket(self):
        name = unique_bucket("missing")
        err = self.client_error(self.s3.get_object, Bucket=name, Key="k")
        self.assertS3Error(err, "NoSuchBucket", 404)
        err = self.client_error(self.s3.put_object, Bucket=name, Key="k", Body=b"x")
        self.assertS3Error(err, "NoSuchBucket", 404)
        r = self.server.request("HEAD", f"/{name}/k")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.body, b"")


class KeyNamesTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "keys"
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.long_key = "long/" + "k" * (1024 - len("long/"))
        cls.keys = SPECIAL_KEYS + [cls.long_key]
        for i, key in enumerate(cls.keys):
            cls.s3.put_object(Bucket=cls.bucket, Key=key, Body=f"body-{i}".encode())

    def test_keys_round_trip_verbatim(self):
        for i, key in enumerate(self.keys):
            with self.subTest(key=key[:40]):
                got = self.s3.get_object(Bucket=self.bucket, Key=key)
                self.assertEqual(got["Body"].read(), f"body-{i}".encode())

    def test_keys_round_trip_raw(self):
        for i, key in enumerate(self.keys):
            with self.subTest(key=key[:40]):
                r = self.server.request("GET", f"/{self.bucket}/{quote_key(key)}")
                self.assertEqual(r.status, 200, repr(r))
                self.assertEqual(r.body, f"body-{i}".encode())

    def test_keys_listed_verbatim(self):
        resp = self.s3.list_objects_v2(Bucket=self.bucket)
        listed = [o["Key"] for o in resp["Contents"]]
        self.assertEqual(sorted(listed, key=lambda k: k.encode()), listed)
        self.assertEqual(set(listed), set(self.keys))

    def test_keys_listed_verbatim_raw_no_encoding(self):
        r = self.server.request("GET", f"/{self.bucket}", query={"list-type": "2"})
        self.assertEqual(r.status, 200, repr(r))
        listed = [e.text for e in r.xml().iter(S3_NS + "Key")]
        self.assertEqual(set(listed), set(self.keys))

    def test_1024_byte_key_ok_1025_too_long(self):
        self.assertEqual(len(self.long_key.encode()), 1024)
        too_long = "long/" + "k" * (1025 - len("long/"))
        r = self.server.request("PUT", f"/{self.bucket}/{quote_key(too_long)}", body=b"x")
        self.assertRawError(r, 400, "KeyTooLongError")
        # multi-byte: 342 * 3 bytes = 1026 bytes but only 342 characters
        r = self.server.request("PUT", f"/{self.bucket}/{quote_key('€' * 342)}", body=b"x")
        self.assertRawError(r, 400, "KeyTooLongError")
        ok = "€" * 341 + "x"  # 1024 bytes
        r = self.server.request("PUT", f"/{self.bucket}/{quote_key(ok)}", body=b"x")
        self.assertEqual(r.status, 200, repr(r))
        self.s3.delete_object(Bucket=self.bucket, Key=ok)

    def test_keys_do_not_become_file_paths(self):
        root = self.server.root
        found = []
        count = 0
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                count += 1
                if name in DISTINCTIVE_COMPONENTS or name.startswith("kkkkkkkkkkkkkkkk"):
                    found.append(os.path.join(dirpath, name))
            if count > 200000:
                break
        self.assertEqual(found, [], "user keys appear as file system paths")
        # and nothing escaped the data dir
        for d in (root, root.parent):
            self.assertFalse((d / "escape-kq7").exists(), d)


class KeyShapesTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "shapes"
        cls.s3.create_bucket(Bucket=cls.bucket)

    def test_file_and_directory_shaped_keys_coexist(self):
        # a store that maps keys to paths cannot hold "x", "x/" and "x/y" at once
        keys = {"x": b"file x", "x/": b"dir marker with data", "x/y": b"child", "x//": b"double"}
        for k, v in keys.items():
            self.s3.put_object(Bucket=self.bucket, Key=k, Body=v)
        for k, v in keys.items():
            self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=k)["Body"].read(), v)
        listed = [o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket, Prefix="x")["Contents"]]
        self.assertEqual(listed, ["x", "x/", "x//", "x/y"])
        self.s3.delete_object(Bucket=self.bucket, Key="x/")
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="x/y")["Body"].read(), b"child")
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="x")["Body"].read(), b"file x")

    def test_unicode_normalisation_is_not_applied(self):
        nfc, nfd = "caf\u00e9", "cafe\u0301"
        self.s3.put_object(Bucket=self.bucket, Key=nfc, Body=b"nfc")
        self.s3.put_object(Bucket=self.bucket, Key=nfd, Body=b"nfd")
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=nfc)["Body"].read(), b"nfc")
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=nfd)["Body"].read(), b"nfd")
        listed = [o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket, Prefix="caf")["Contents"]]
        self.assertEqual(listed, sorted([nfc, nfd], key=lambda k: k.encode()))

    def test_user_metadata_over_2kb_rejected(self):
        r = self.server.request(
            "PUT",
            f"/{self.bucket}/meta-too-large",
            body=b"x",
            headers={"x-amz-meta-big": "v" * 2100},
        )
        self.assertRawError(r, 400, "MetadataTooLarge")
        self.assertEqual(self.server.request("HEAD", f"/{self.bucket}/meta-too-large").status, 404)

    def test_bucket_recreated_is_empty(self):
        name = self.make_bucket("recreate")
        self.s3.put_object(Bucket=name, Key="old", Body=b"old")
        self.s3.delete_object(Bucket=name, Key="old")
        self.s3.delete_bucket(Bucket=name)
        err = self.client_error(self.s3.get_object, Bucket=name, Key="old")
        self.assertS3Error(err, "NoSuchBucket", 404)
        self.s3.create_bucket(Bucket=name)
        self.assertEqual(self.s3.list_objects_v2(Bucket=name)["KeyCount"], 0)
        err = self.client_error(self.s3.get_object, Bucket=name, Key="old")
        self.assertS3Error(err, "NoSuchKey", 404)


class RangeTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "ranges"
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.data = bytes(range(100))
        cls.s3.put_object(Bucket=cls.bucket, Key="obj", Body=cls.data)

    def get_range(self, rng, method="GET"):
        return self.server.request(method, f"/{self.bucket}/obj", headers={"Range": rng})

    def check_206(self, rng, start, end):
        r = self.get_range(rng)
        self.assertEqual(r.status, 206, repr(r))
        self.assertEqual(r.body, self.data[start : end + 1])
        self.assertEqual(r.header("Content-Range"), f"bytes {start}-{end}/100")
        self.assertEqual(r.header("Content-Length"), str(end - start + 1))
        self.assertEqual(r.header("Accept-Ranges"), "bytes")
        self.assertEqual(r.header("ETag"), f'"{md5_hex(self.data)}"')

    def test_first_bytes(self):
        self.check_206("bytes=0-9", 0, 9)

    def test_open_ended(self):
        self.check_206("bytes=10-", 10, 99)

    def test_suffix(self):
        self.check_206("bytes=-5", 95, 99)

    def test_suffix_larger_than_object(self):
        self.check_206("bytes=-500", 0, 99)

    def test_past_end_is_clipped(self):
        self.check_206("bytes=90-200", 90, 99)

    def test_single_last_byte(self):
        self.check_206("bytes=99-99", 99, 99)

    def test_unsatisfiable(self):
        for rng in ("bytes=500-", "bytes=100-", "bytes=100-200"):
            with self.subTest(rng=rng):
                r = self.get_range(rng)
                self.assertRawError(r, 416, "InvalidRange")
                self.assertEqual(r.header("Content-Range"), "bytes */100")

    def test_boto3_range(self):
        got = self.s3.get_object(Bucket=self.bucket, Key="obj", Range="bytes=3-7")
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(got["ContentRange"], "bytes 3-7/100")
        self.assertEqual(got["Body"].read(), self.data[3:8])

    def test_head_with_range(self):
        r = self.get_range("bytes=0-9", method="HEAD")
        self.assertEqual(r.status, 206, repr(r))
        self.assertEqual(r.header("Content-Range"), "bytes 0-9/100")
        self.assertEqual(r.header("Content-Length"), "10")
        self.assertEqual(r.body, b"")

    def test_malformed_range_is_ignored(self):
        for rng in ("bytes=abc", "items=0-5"):
            with self.subTest(rng=rng):
                r = self.get_range(rng)
                self.assertEqual(r.status, 200, repr(r))
                self.assertEqual(r.body, self.data)

    def test_full_get_headers(self):
        r = self.server.request("GET", f"/{self.bucket}/obj")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Accept-Ranges"), "bytes")
        self.assertEqual(r.header("Content-Length"), "100")
        self.assertIsNone(r.header("Content-Range"))
        lm = parse_http_date(r.header("Last-Modified"))
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - lm).total_seconds()), 600)
        head = self.s3.head_object(Bucket=self.bucket, Key="obj")
        self.assertEqual(head["AcceptRanges"], "bytes")
        self.assertEqual(head["LastModified"], lm)


class ConditionalGetTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "conditionals"
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.data = b"conditional body"
        cls.etag = f'"{md5_hex(cls.data)}"'
        cls.s3.put_object(Bucket=cls.bucket, Key="obj", Body=cls.data)
        head = cls.s3.head_object(Bucket=cls.bucket, Key="obj")
        cls.last_modified = head["LastModified"]
        cls.past = http_date(cls.last_modified - datetime.timedelta(days=1))
        cls.future = http_date(cls.last_modified + datetime.timedelta(days=1))

    def req(self, method, **headers):
        hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
        return self.server.request(method, f"/{self.bucket}/obj", headers=hdrs)

    def test_if_match(self):
        for method in ("GET", "HEAD"):
            with self.subTest(method=method):
                self.assertEqual(self.req(method, If_Match=self.etag).status, 200)
                self.assertEqual(self.req(method, If_Match="*").status, 200)
                r = self.req(method, If_Match='"00000000000000000000000000000000"')
                self.assertEqual(r.status, 412, repr(r))
                if method == "GET":
                    self.assertEqual(r.error_code(), "PreconditionFailed")
                else:
                    self.assertEqual(r.body, b"")

    def test_if_match_unquoted_etag(self):
        r = self.req("GET", If_Match=md5_hex(self.data))
        self.assertEqual(r.status, 200, repr(r))

    def test_if_none_match(self):
        for method in ("GET", "HEAD"):
            with self.subTest(method=method):
                r = self.req(method, If_None_Match=self.etag)
                self.assertEqual(r.status, 304, repr(r))
                self.assertEqual(r.body, b"")
                self.assertEqual(r.header("ETag"), self.etag)
                r = self.req(method, If_None_Match='"00000000000000000000000000000000"')
                self.assertEqual(r.status, 200)

    def test_if_modified_since(self):
        for method in ("GET", "HEAD"):
            with self.subTest(method=method):
                r = self.req(method, If_Modified_Since=self.future)
                self.assertEqual(r.status, 304, repr(r))
                self.assertEqual(r.body, b"")
                r = self.req(method, If_Modified_Since=self.past)
                self.assertEqual(r.status, 200, repr(r))

    def test_if_modified_since_exact_last_modified(self):
        r = self.req("GET", If_Modified_Since=http_date(self.last_modified))
        self.assertEqual(r.status, 304, repr(r))

    def test_if_unmodified_since(self):
        for method in ("GET", "HEAD"):
            with self.subTest(method=method):
                r = self.req(method, If_Unmodified_Since=self.past)
                self.assertEqual(r.status, 412, repr(r))
                if method == "GET":
                    self.assertEqual(r.error_code(), "PreconditionFailed")
                r = self.req(method, If_Unmodified_Since=self.future)
                self.assertEqual(r.status, 200, repr(r))
                self.assertEqual(r.body if method == "GET" else self.data, self.data)

    def test_if_match_true_wins_over_unmodified_since_false(self):
        # AWS: If-Match true and If-Unmodified-Since false -> 200
        r = self.req("GET", If_Match=self.etag, If_Unmodified_Since=self.past)
        self.assertEqual(r.status, 200, repr(r))

    def test_if_none_match_false_with_modified_since_true(self):
        # AWS: If-None-Match false and If-Modified-Since true -> 304
        r = self.req("GET", If_None_Match=self.etag, If_Modified_Since=self.past)
        self.assertEqual(r.status, 304, repr(r))

    def test_boto3_conditionals(self):
        err = self.client_error(
            self.s3.get_object, Bucket=self.bucket, Key="obj", IfMatch='"deadbeef"'
        )
        self.assertS3Error(err, "PreconditionFailed", 412)
        err = self.client_error(
            self.s3.head_object, Bucket=self.bucket, Key="obj", IfNoneMatch=self.etag
        )
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 304)

    def test_response_overrides(self):
        got = self.s3.get_object(
            Bucket=self.bucket,
            Key="obj",
            ResponseContentType="text/x-override",
            ResponseContentDisposition='attachment; filename="x y.txt"',
            ResponseCacheControl="no-store",
            ResponseContentLanguage="nl",
            ResponseContentEncoding="identity",
            ResponseExpires=datetime.datetime(2090, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        )
        self.assertEqual(got["ContentType"], "text/x-override")
        self.assertEqual(got["ContentDisposition"], 'attachment; filename="x y.txt"')
        self.assertEqual(got["CacheControl"], "no-store")
        self.assertEqual(got["ContentLanguage"], "nl")
        self.assertEqual(got["ContentEncoding"], "identity")
        self.assertEqual(got.get("ExpiresString"), "Mon, 02 Jan 2090 03:04:05 GMT")
        self.assertEqual(got["Body"].read(), self.data)
        # the stored object is unchanged
        head = self.s3.head_object(Bucket=self.bucket, Key="obj")
        self.assertNotEqual(head["ContentType"], "text/x-override")

    def test_response_overrides_raw(self):
        r = self.server.request(
            "GET",
            f"/{self.bucket}/obj",
            query={"response-content-type": "image/png", "response-cache-control": "max-age=1"},
        )
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(r.header("Content-Type"), "image/png")
        self.assertEqual(r.header("Cache-Control"), "max-age=1")


class ConditionalPutTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "condput"
        cls.s3.create_bucket(Bucket=cls.bucket)

    def test_if_none_match_star(self):
        r = self.server.request(
            "PUT", f"/{self.bucket}/inm-new", body=b"one", headers={"If-None-Match": "*"}
        )
        self.assertEqual(r.status, 200, repr(r))
        r = self.server.request(
            "PUT", f"/{self.bucket}/inm-new", body=b"two", headers={"If-None-Match": "*"}
        )
        self.assertRawError(r, 412, "PreconditionFailed")
        got = self.s3.get_object(Bucket=self.bucket, Key="inm-new")["Body"].read()
        self.assertEqual(got, b"one")

    def test_if_none_match_star_boto3(self):
        self.s3.put_object(Bucket=self.bucket, Key="inm-boto", Body=b"1", IfNoneMatch="*")
        err = self.client_error(
            self.s3.put_object, Bucket=self.bucket, Key="inm-boto", Body=b"2", IfNoneMatch="*"
        )
        self.assertS3Error(err, "PreconditionFailed", 412)

    def test_if_match(self):
        put = self.s3.put_object(Bucket=self.bucket, Key="im", Body=b"v1")
        r = self.server.request(
            "PUT",
            f"/{self.bucket}/im",
            body=b"v2",
            headers={"If-Match": '"00000000000000000000000000000000"'},
        )
        self.assertRawError(r, 412, "PreconditionFailed")
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="im")["Body"].read(), b"v1")
        r = self.server.request(
            "PUT", f"/{self.bucket}/im", body=b"v2", headers={"If-Match": put["ETag"]}
        )
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="im")["Body"].read(), b"v2")

    def test_if_match_missing_key(self):
        r = self.server.request(
            "PUT",
            f"/{self.bucket}/im-missing",
            body=b"v",
            headers={"If-Match": '"00000000000000000000000000000000"'},
        )
        # AWS answers 404 NoSuchKey (no object to compare with); MinIO 412 PreconditionFailed.
        self.assertEqual((r.status, r.error_code()), (404, "NoSuchKey"), repr(r))
        self.assertEqual(self.server.request("HEAD", f"/{self.bucket}/im-missing").status, 404)


if __name__ == "__main__":
    unittest.main()
