"""ListObjectsV2 and ListObjects (V1): prefix, delimiter, pagination, encoding, order."""

import concurrent.futures
import unittest
import urllib.parse

from harness import CairnTestCase, S3_NS


def utf8_sorted(keys):
    return sorted(keys, key=lambda k: k.encode("utf-8"))


class ListingTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "listing"
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.tree = [
            "photos/2023/jan/a.jpg",
            "photos/2023/feb/b.jpg",
            "photos/2024/c.jpg",
            "photos/top.jpg",
            "docs/readme.md",
            "docs/guide/intro.md",
            "root.txt",
            "zeta",
        ]
        for k in cls.tree:
            cls.s3_when_required.put_object(Bucket=cls.bucket, Key=k, Body=k.encode())

    def test_list_all(self):
        resp = self.s3.list_objects_v2(Bucket=self.bucket)
        keys = [o["Key"] for o in resp["Contents"]]
        self.assertEqual(keys, utf8_sorted(self.tree))
        self.assertEqual(resp["KeyCount"], len(self.tree))
        self.assertFalse(resp["IsTruncated"])
        self.assertEqual(resp["Name"], self.bucket)
        for o in resp["Contents"]:
            self.assertEqual(o["Size"], len(o["Key"]))
            self.assertTrue(o["ETag"].startswith('"'))
            self.assertIn("LastModified", o)
            self.assertEqual(o.get("StorageClass"), "STANDARD")
            self.assertNotIn("Owner", o)

    def test_prefix(self):
        resp = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="photos/2023/")
        self.assertEqual(
            [o["Key"] for o in resp["Contents"]],
            ["photos/2023/feb/b.jpg", "photos/2023/jan/a.jpg"],
        )
        self.assertEqual(resp["Prefix"], "photos/2023/")
        resp = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="nothing-here/")
        self.assertNotIn("Contents", resp)
        self.assertEqual(resp["KeyCount"], 0)

    def test_delimiter(self):
        resp = self.s3.list_objects_v2(Bucket=self.bucket, Delimiter="/")
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["root.txt", "zeta"])
        self.assertEqual([p["Prefix"] for p in resp["CommonPrefixes"]], ["docs/", "photos/"])
        self.assertEqual(resp["KeyCount"], 4)
        self.assertEqual(resp["Delimiter"], "/")

    def test_prefix_and_delimiter(self):
        resp = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="photos/", Delimiter="/")
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["photos/top.jpg"])
        self.assertEqual(
            [p["Prefix"] for p in resp["CommonPrefixes"]], ["photos/2023/", "photos/2024/"]
        )

    def test_delimiter_pagination_counts_prefixes(self):
        # max-keys counts keys and common prefixes together
        seen_keys, seen_prefixes, pages = [], [], 0
        token = None
        for _ in range(20):
            kwargs = dict(Bucket=self.bucket, Delimiter="/", MaxKeys=1)
            if token:
                kwargs["ContinuationToken"] = token
            resp = self.s3.list_objects_v2(**kwargs)
            pages += 1
            self.assertLessEqual(resp["KeyCount"], 1)
            seen_keys += [o["Key"] for o in resp.get("Contents", [])]
            seen_prefixes += [p["Prefix"] for p in resp.get("CommonPrefixes", [])]
            if not resp["IsTruncated"]:
                break
            token = resp["NextContinuationToken"]
        self.assertEqual(seen_keys, ["root.txt", "zeta"])
        self.assertEqual(seen_prefixes, ["docs/", "photos/"])
        self.assertEqual(pages, 4)

    def test_start_after(self):
        resp = self.s3.list_objects_v2(Bucket=self.bucket, StartAfter="photos/2024/c.jpg")
        self.assertEqual(
            [o["Key"] for o in resp["Contents"]], ["photos/top.jpg", "root.txt", "zeta"]
        )
        self.assertEqual(resp["StartAfter"], "photos/2024/c.jpg")
        resp = self.s3.list_objects_v2(Bucket=self.bucket, StartAfter="zzz")
        self.assertNotIn("Contents", resp)

    def test_fetch_owner(self):
        resp = self.s3.list_objects_v2(Bucket=self.bucket, FetchOwner=True, MaxKeys=2)
        for o in resp["Contents"]:
            self.assertIn("Owner", o)
            self.assertTrue(o["Owner"].get("ID"))
        resp = self.s3.list_objects_v2(Bucket=self.bucket, MaxKeys=2)
        for o in resp["Contents"]:
            self.assertNotIn("Owner", o)

    def test_max_keys_zero(self):
        resp = self.s3.list_objects_v2(Bucket=self.bucket, MaxKeys=0)
        self.assertEqual(resp["KeyCount"], 0)
        self.assertNotIn("Contents", resp)

    def test_v1_basic_and_marker(self):
        resp = self.s3.list_objects(Bucket=self.bucket)
        self.assertEqual([o["Key"] for o in resp["Contents"]], utf8_sorted(self.tree))
        self.assertFalse(resp["IsTruncated"])
        resp = self.s3.list_objects(Bucket=self.bucket, Marker="photos/top.jpg")
        self.assertEqual([o["Key"] for o in resp["Contents"]], ["root.txt", "zeta"])
        self.assertEqual(resp["Marker"], "photos/top.jpg")

    def test_v1_owner_present(self):
        resp = self.s3.list_objects(Bucket=self.bucket, MaxKeys=1)
        self.assertTrue(resp["Contents"][0]["Owner"]["ID"])

    def test_v1_next_marker_with_delimiter(self):
        collected_keys, collected_prefixes = [], []
        marker = ""
        for _ in range(20):
            resp = self.s3.list_objects(
                Bucket=self.bucket, Delimiter="/", MaxKeys=1, Marker=marker
            )
            collected_keys += [o["Key"] for o in resp.get("Contents", [])]
            collected_prefixes += [p["Prefix"] for p in resp.get("CommonPrefixes", [])]
            if not resp["IsTruncated"]:
                break
            # NextMarker is returned when a delimiter is given
            self.assertIn("NextMarker", resp)
            marker = resp["NextMarker"]
        self.assertEqual(collected_keys, ["root.txt", "zeta"])
        self.assertEqual(collected_prefixes, ["docs/", "photos/"])

    def test_v1_truncated_without_delimiter(self):
        resp = self.s3.list_objects(Bucket=self.bucket, MaxKeys=3)
        self.assertTrue(resp["IsTruncated"])
        self.assertEqual(len(resp["Contents"]), 3)
        # Without a delimiter the client uses the last key as the next marker
        last = resp["Contents"][-1]["Key"]
        resp2 = self.s3.list_objects(Bucket=self.bucket, Marker=last)
        keys = [o["Key"] for o in resp["Contents"] + resp2["Contents"]]
        self.assertEqual(keys, utf8_sorted(self.tree))

    def test_list_missing_bucket(self):
        err = self.client_error(self.s3.list_objects_v2, Bucket="no-such-listing-bucket")
        self.assertS3Error(err, "NoSuchBucket", 404)

    def test_invalid_max_keys(self):
        r = self.server.request(
            "GET", f"/{self.bucket}", query={"list-type": "2", "max-keys": "-1"}
        )
        self.assertRawError(r, 400, "InvalidArgument")

    def test_invalid_continuation_token(self):
        r = self.server.request(
            "GET",
            f"/{self.bucket}",
            query={"list-type": "2", "continuation-token": "!!not-a-token!!"},
        )
        self.assertRawError(r, 400, "InvalidArgument")


class EncodingAndOrderTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "encoding"
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.keys = ["a", "b", "é", "z", "Z", "😀", "with space", "x+y", "p%q", "ctl\x01char"]
        for k in cls.keys:
            cls.s3_when_required.put_object(Bucket=cls.bucket, Key=k, Body=b"x")

    def test_utf8_binary_order(self):
        resp = self.s3.list_objects_v2(Bucket=self.bucket)
        keys = [o["Key"] for o in resp["Contents"]]
        self.assertEqual(keys, utf8_sorted(self.keys))
        # explicitly: "Z" < "a" < "z" < "é" < "😀" in UTF-8 byte order
        order = [k for k in keys if k in ("a", "b", "é", "z", "Z", "😀")]
        self.assertEqual(order, ["Z", "a", "b", "z", "é", "😀"])
        resp = self.s3.list_objects(Bucket=self.bucket)
        self.assertEqual([o["Key"] for o in resp["Contents"]], utf8_sorted(self.keys))

    def test_encoding_type_url_raw(self):
        r = self.server.request(
            "GET", f"/{self.bucket}", query={"list-type": "2", "encoding-type": "url"}
        )
        self.assertEqual(r.status, 200, repr(r))
        root = r.xml()
        self.assertEqual(root.findtext(S3_NS + "EncodingType"), "url")
        raw_keys = [e.text for e in root.iter(S3_NS + "Key")]
        # clients decode with unquote_plus (botocore), so "+" must arrive as %2B
        self.assertEqual([urllib.parse.unquote_plus(k) for k in raw_keys], utf8_sorted(self.keys))
        by_key = dict(zip(utf8_sorted(self.keys), raw_keys))
        self.assertEqual(by_key["é"], "%C3%A9")
        self.assertEqual(by_key["😀"], "%F0%9F%98%80")
        self.assertIn(by_key["with space"], ("with%20space", "with+space"))
        self.assertEqual(by_key["p%q"], "p%25q")
        self.assertEqual(by_key["x+y"], "x%2By")
        self.assertEqual(by_key["ctl\x01char"], "ctl%01char")
        self.assertEqual(by_key["a"], "a")

    def test_encoding_type_url_prefix_and_delimiter(self):
        r = self.server.request(
            "GET",
            f"/{self.bucket}",
            query={"list-type": "2", "encoding-type": "url", "prefix": "é", "delimiter": "/"},
        )
        self.assertEqual(r.status, 200, repr(r))
        root = r.xml()
        self.assertEqual(root.findtext(S3_NS + "Prefix"), "%C3%A9")

    def test_encoding_type_url_v1(self):
        r = self.server.request("GET", f"/{self.bucket}", query={"encoding-type": "url"})
        self.assertEqual(r.status, 200, repr(r))
        raw_keys = [e.text for e in r.xml().iter(S3_NS + "Key")]
        self.assertIn("%F0%9F%98%80", raw_keys)

    def test_boto3_decodes_keys(self):
        # boto3 asks for encoding-type=url and decodes the result itself
        resp = self.s3.list_objects_v2(Bucket=self.bucket)
        self.assertIn("😀", [o["Key"] for o in resp["Contents"]])
        self.assertIn("ctl\x01char", [o["Key"] for o in resp["Contents"]])
        self.assertIn("x+y", [o["Key"] for o in resp["Contents"]])
        self.assertIn("with space", [o["Key"] for o in resp["Contents"]])

    def test_invalid_encoding_type(self):
        r = self.server.request(
            "GET", f"/{self.bucket}", query={"list-type": "2", "encoding-type": "base64"}
        )
        self.assertRawError(r, 400, "InvalidArgument")


class PaginationTest(CairnTestCase):
    N = 2500

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "pagination"
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.expected = utf8_sorted([f"obj/{i % 7}/{i:05d}" for i in range(cls.N)])
        client = cls.s3_when_required

        def put(k):
            client.put_object(Bucket=cls.bucket, Key=k, Body=b"")

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(put, cls.expected, timeout=600))

    def test_default_page_is_1000(self):
        resp = self.s3.list_objects_v2(Bucket=self.bucket)
        self.assertEqual(resp["KeyCount"], 1000)
        self.assertEqual(len(resp["Contents"]), 1000)
        self.assertTrue(resp["IsTruncated"])
        self.assertIn("NextContinuationToken", resp)
        self.assertEqual(resp["MaxKeys"], 1000)

    def test_max_keys_above_1000_is_capped(self):
        resp = self.s3.list_objects_v2(Bucket=self.bucket, MaxKeys=5000)
        self.assertLessEqual(len(resp["Contents"]), 1000)
        self.assertTrue(resp["IsTruncated"])

    def test_continuation_token_collects_everything(self):
        for max_keys in (1000, 333):
            with self.subTest(max_keys=max_keys):
                collected, token, pages = [], None, 0
                for _ in range(50):
                    kwargs = dict(Bucket=self.bucket, MaxKeys=max_keys)
                    if token:
                        kwargs["ContinuationToken"] = token
                    resp = self.s3.list_objects_v2(**kwargs)
                    pages += 1
                    page = [o["Key"] for o in resp.get("Contents", [])]
                    self.assertLessEqual(len(page), max_keys)
                    self.assertEqual(resp["KeyCount"], len(page))
                    if token:
                        self.assertEqual(resp["ContinuationToken"], token)
                    collected += page
                    if not resp["IsTruncated"]:
                        self.assertNotIn("NextContinuationToken", resp)
                        break
                    token = resp["NextContinuationToken"]
                self.assertEqual(collected, self.expected)
                self.assertEqual(pages, -(-self.N // max_keys))

    def test_paginator_v2(self):
        paginator = self.s3.get_paginator("list_objects_v2")
        keys = []
        for page in paginator.paginate(Bucket=self.bucket, PaginationConfig={"PageSize": 700}):
            keys += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(keys, self.expected)

    def test_paginator_v2_with_delimiter(self):
        paginator = self.s3.get_paginator("list_objects_v2")
        prefixes = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix="obj/", Delimiter="/"):
            prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        self.assertEqual(prefixes, [f"obj/{i}/" for i in range(7)])

    def test_paginator_v1(self):
        paginator = self.s3.get_paginator("list_objects")
        keys = []
        for page in paginator.paginate(Bucket=self.bucket, PaginationConfig={"PageSize": 900}):
            keys += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(keys, self.expected)

    def test_v1_marker_pagination(self):
        collected, marker = [], ""
        for _ in range(20):
            resp = self.s3.list_objects(Bucket=self.bucket, Marker=marker, MaxKeys=1000)
            page = [o["Key"] for o in resp.get("Contents", [])]
            self.assertLessEqual(len(page), 1000)
            collected += page
            if not resp["IsTruncated"]:
                break
            marker = resp.get("NextMarker") or page[-1]
        self.assertEqual(collected, self.expected)

    def test_start_after_with_pagination(self):
        start = self.expected[1234]
        paginator = self.s3.get_paginator("list_objects_v2")
        keys = []
        for page in paginator.paginate(Bucket=self.bucket, StartAfter=start):
            keys += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(keys, self.expected[1235:])


if __name__ == "__main__":
    unittest.main()
