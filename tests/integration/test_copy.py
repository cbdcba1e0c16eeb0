"""CopyObject: same/cross bucket, metadata directives, self-copy, copy-source conditionals."""

import datetime
import unittest
import urllib.parse

from harness import CairnTestCase, S3_NS, md5_hex, quote_key


class CopyTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.src_bucket = "copy-src"
        cls.dst_bucket = "copy-dst"
        cls.s3.create_bucket(Bucket=cls.src_bucket)
        cls.s3.create_bucket(Bucket=cls.dst_bucket)
        cls.data = b"copy me please " * 100
        cls.s3.put_object(
            Bucket=cls.src_bucket,
            Key="src",
            Body=cls.data,
            ContentType="text/x-source",
            CacheControl="max-age=5",
            Metadata={"origin": "source object"},
        )
        head = cls.s3.head_object(Bucket=cls.src_bucket, Key="src")
        cls.etag = head["ETag"]
        cls.last_modified = head["LastModified"]

    def test_copy_same_bucket(self):
        resp = self.s3.copy_object(
            Bucket=self.src_bucket, Key="copy-same", CopySource=f"{self.src_bucket}/src"
        )
        result = resp["CopyObjectResult"]
        self.assertEqual(result["ETag"], f'"{md5_hex(self.data)}"')
        self.assertIsInstance(result["LastModified"], datetime.datetime)
        got = self.s3.get_object(Bucket=self.src_bucket, Key="copy-same")
        self.assertEqual(got["Body"].read(), self.data)

    def test_copy_across_buckets(self):
        self.s3.copy_object(
            Bucket=self.dst_bucket,
            Key="nested/copy",
            CopySource={"Bucket": self.src_bucket, "Key": "src"},
        )
        got = self.s3.get_object(Bucket=self.dst_bucket, Key="nested/copy")
        self.assertEqual(got["Body"].read(), self.data)
        self.assertEqual(got["ETag"], self.etag)

    def test_copy_result_xml(self):
        r = self.server.request(
            "PUT",
            f"/{self.dst_bucket}/rawcopy",
            headers={"x-amz-copy-source": f"/{self.src_bucket}/src"},
        )
        self.assertEqual(r.status, 200, repr(r))
        root = r.xml()
        self.assertEqual(root.tag, S3_NS + "CopyObjectResult")
        self.assertEqual(root.findtext(S3_NS + "ETag"), f'"{md5_hex(self.data)}"')
        lm = root.findtext(S3_NS + "LastModified")
        self.assertTrue(lm)
        # ISO 8601 with Z, e.g. 2024-01-01T00:00:00.000Z
        parsed = datetime.datetime.fromisoformat(lm.replace("Z", "+00:00"))
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - parsed).total_seconds()), 600)

    def test_metadata_directive_copy_keeps_metadata(self):
        self.s3.copy_object(
            Bucket=self.dst_bucket,
            Key="meta-copy",
            CopySource={"Bucket": self.src_bucket, "Key": "src"},
            MetadataDirective="COPY",
            # ignored with COPY
            Metadata={"ignored": "yes"},
        )
        head = self.s3.head_object(Bucket=self.dst_bucket, Key="meta-copy")
        self.assertEqual(head["Metadata"], {"origin": "source object"})
        self.assertEqual(head["ContentType"], "text/x-source")
        self.assertEqual(head["CacheControl"], "max-age=5")

    def test_metadata_directive_replace(self):
        self.s3.copy_object(
            Bucket=self.dst_bucket,
            Key="meta-replace",
            CopySource={"Bucket": self.src_bucket, "Key": "src"},
            MetadataDirective="REPLACE",
            ContentType="application/x-new",
            Metadata={"fresh": "new value"},
        )
        head = self.s3.head_object(Bucket=self.dst_bucket, Key="meta-replace")
        self.assertEqual(head["Metadata"], {"fresh": "new value"})
        self.assertEqual(head["ContentType"], "application/x-new")
        self.assertNotIn("CacheControl", head)
        body = self.s3.get_object(Bucket=self.dst_bucket, Key="meta-replace")["Body"].read()
        self.assertEqual(body, self.data)

    def test_invalid_metadata_directive(self):
        r = self.server.request(
            "PUT",
            f"/{self.dst_bucket}/bad-directive",
            headers={
                "x-amz-copy-source": f"/{self.src_bucket}/src",
                "x-amz-metadata-directive": "MERGE",
            },
        )
        self.assertRawError(r, 400, "InvalidArgument")

    def test_copy_onto_itself(self):
        self.s3.put_object(
            Bucket=self.src_bucket, Key="self", Body=b"self body", Metadata={"v": "1"}
        )
        err = self.client_error(
            self.s3.copy_object,
            Bucket=self.src_bucket,
            Key="self",
            CopySource={"Bucket": self.src_bucket, "Key": "self"},
        )
        self.assertS3Error(err, "InvalidRequest", 400)
        self.s3.copy_object(
            Bucket=self.src_bucket,
            Key="self",
            CopySource={"Bucket": self.src_bucket, "Key": "self"},
            MetadataDirective="REPLACE",
            Metadata={"v": "2"},
        )
        head = self.s3.head_object(Bucket=self.src_bucket, Key="self")
        self.assertEqual(head["Metadata"], {"v": "2"})
        body = self.s3.get_object(Bucket=self.src_bucket, Key="self")["Body"].read()
        self.assertEqual(body, b"self body")

    def copy_with(self, **headers):
        hdrs = {"x-amz-copy-source": f"/{self.src_bucket}/src"}
        hdrs.update({k.replace("_", "-"): v for k, v in headers.items()})
        return self.server.request("PUT", f"/{self.dst_bucket}/cond", headers=hdrs)

    def test_copy_source_conditionals(self):
        past = (self.last_modified - datetime.timedelta(days=1)).strftime(
            "%a, %d %b %Y %H:%M:%S GMT"
        )
        future = (self.last_modified + datetime.timedelta(days=1)).strftime(
            "%a, %d %b %Y %H:%M:%S GMT"
        )
        failing = [
            {"x_amz_copy_source_if_match": '"00000000000000000000000000000000"'},
            {"x_amz_copy_source_if_none_match": self.etag},
            {"x_amz_copy_source_if_modified_since": future},
            {"x_amz_copy_source_if_unmodified_since": past},
        ]
        for hdrs in failing:
            with self.subTest(headers=hdrs):
                r = self.copy_with(**hdrs)
                self.assertRawError(r, 412, "PreconditionFailed")
        passing = [
            {"x_amz_copy_source_if_match": self.etag},
            {"x_amz_copy_source_if_none_match": '"00000000000000000000000000000000"'},
            {"x_amz_copy_source_if_modified_since": past},
            {"x_amz_copy_source_if_unmodified_since": future},
        ]
        for hdrs in passing:
            with self.subTest(headers=hdrs):
                r = self.copy_with(**hdrs)
                self.assertEqual(r.status, 200, repr(r))

    def test_copy_source_conditionals_boto3(self):
        err = self.client_error(
            self.s3.copy_object,
            Bucket=self.dst_bucket,
            Key="cond-boto",
            CopySource={"Bucket": self.src_bucket, "Key": "src"},
            CopySourceIfMatch='"00000000000000000000000000000000"',
        )
        self.assertS3Error(err, "PreconditionFailed", 412)
        err = self.client_error(self.s3.head_object, Bucket=self.dst_bucket, Key="cond-boto")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_copy_source_special_characters(self):
        for key in ("sp ace/ü+ñ%&=?.txt", "emoji-😀", "a/../b", "plus+sign"):
            with self.subTest(key=key):
                self.s3.put_object(Bucket=self.src_bucket, Key=key, Body=key.encode())
                # boto3 URL-encodes the copy source
                self.s3.copy_object(
                    Bucket=self.dst_bucket,
                    Key="special/" + key,
                    CopySource={"Bucket": self.src_bucket, "Key": key},
                )
                got = self.s3.get_object(Bucket=self.dst_bucket, Key="special/" + key)
                self.assertEqual(got["Body"].read(), key.encode())
                # raw, with an explicitly percent-encoded copy source
                src = urllib.parse.quote(f"{self.src_bucket}/{key}", safe="/")
                r = self.server.request(
                    "PUT",
                    f"/{self.dst_bucket}/{quote_key('raw/' + key)}",
                    headers={"x-amz-copy-source": src},
                )
                self.assertEqual(r.status, 200, repr(r))
                got = self.s3.get_object(Bucket=self.dst_bucket, Key="raw/" + key)
                self.assertEqual(got["Body"].read(), key.encode())

    def test_copy_missing_source(self):
        err = self.client_error(
            self.s3.copy_object,
            Bucket=self.dst_bucket,
            Key="x",
            CopySource={"Bucket": self.src_bucket, "Key": "does-not-exist"},
        )
        self.assertS3Error(err, "NoSuchKey", 404)
        err = self.client_error(
            self.s3.copy_object,
            Bucket=self.dst_bucket,
            Key="x",
            CopySource={"Bucket": "no-such-src-bucket", "Key": "k"},
        )
        self.assertS3Error(err, "NoSuchBucket", 404)


if __name__ == "__main__":
    unittest.main()
