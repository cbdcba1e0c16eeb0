"""DeleteObject and DeleteObjects (multi-object delete)."""

import base64
import unittest
import zlib

from harness import CairnTestCase, S3_NS, md5_b64


def delete_xml(keys, quiet=False) -> bytes:
    parts = ['<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">']
    if quiet:
        parts.append("<Quiet>true</Quiet>")
    for k in keys:
        k = k.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        parts.append(f"<Object><Key>{k}</Key></Object>")
    parts.append("</Delete>")
    return "".join(parts).encode()


class DeleteTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "deletes"
        cls.s3.create_bucket(Bucket=cls.bucket)

    def keys_present(self, prefix):
        resp = self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix)
        return [o["Key"] for o in resp.get("Contents", [])]

    def test_delete_object_twice_is_204(self):
        self.s3.put_object(Bucket=self.bucket, Key="d/one", Body=b"x")
        resp = self.s3.delete_object(Bucket=self.bucket, Key="d/one")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="d/one")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        resp = self.s3.delete_object(Bucket=self.bucket, Key="d/one")
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)

    def test_delete_object_missing_bucket(self):
        err = self.client_error(self.s3.delete_object, Bucket="no-such-bucket-del", Key="k")
        self.assertS3Error(err, "NoSuchBucket", 404)

    def test_delete_objects_reports_missing_as_deleted(self):
        for k in ("m/a", "m/b"):
            self.s3.put_object(Bucket=self.bucket, Key=k, Body=b"x")
        resp = self.s3.delete_objects(
            Bucket=self.bucket,
            Delete={"Objects": [{"Key": "m/a"}, {"Key": "m/b"}, {"Key": "m/never-existed"}]},
        )
        deleted = sorted(d["Key"] for d in resp.get("Deleted", []))
        self.assertEqual(deleted, ["m/a", "m/b", "m/never-existed"])
        self.assertEqual(resp.get("Errors", []), [])
        self.assertEqual(self.keys_present("m/"), [])

    def test_delete_objects_quiet(self):
        for k in ("q/a", "q/b", "q/c"):
            self.s3.put_object(Bucket=self.bucket, Key=k, Body=b"x")
        resp = self.s3.delete_objects(
            Bucket=self.bucket,
            Delete={"Objects": [{"Key": "q/a"}, {"Key": "q/b"}, {"Key": "q/c"}], "Quiet": True},
        )
        self.assertEqual(resp.get("Deleted", []), [])
        self.assertEqual(resp.get("Errors", []), [])
        self.assertEqual(self.keys_present("q/"), [])

    def test_delete_objects_too_many_keys(self):
        keys = [f"many/{i}" for i in range(1001)]
        body = delete_xml(keys)
        r = self.server.request(
            "POST",
            f"/{self.bucket}",
            query={"delete": None},
            body=body,
            headers={"Content-MD5": md5_b64(body)},
        )
        self.assertRawError(r, 400, "MalformedXML")

    def test_delete_objects_1000_keys_ok(self):
        keys = [f"thousand/{i:04d}" for i in range(1000)]
        for k in keys[:5]:
            self.s3_when_required.put_object(Bucket=self.bucket, Key=k, Body=b"x")
        resp = self.s3.delete_objects(
            Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys]}
        )
        self.assertEqual(len(resp.get("Deleted", [])), 1000)
        self.assertEqual(self.keys_present("thousand/"), [])

    def test_delete_objects_with_content_md5(self):
        self.s3.put_object(Bucket=self.bucket, Key="md5/a", Body=b"x")
        body = delete_xml(["md5/a"])
        r = self.server.request(
            "POST",
            f"/{self.bucket}",
            query={"delete": None},
            body=body,
            headers={"Content-MD5": md5_b64(body), "Content-Type": "application/xml"},
        )
        self.assertEqual(r.status, 200, repr(r))
        root = r.xml()
        self.assertEqual(root.tag, S3_NS + "DeleteResult")
        self.assertEqual([e.text for e in root.iter(S3_NS + "Key")], ["md5/a"])
        self.assertEqual(self.keys_present("md5/"), [])

    def test_delete_objects_with_only_crc32_header(self):
        # boto3 >= 1.36 sends x-amz-checksum-crc32 and no Content-MD5
        self.s3.put_object(Bucket=self.bucket, Key="crc/a", Body=b"x")
        body = delete_xml(["crc/a"])
        crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
        r = self.server.request(
            "POST",
            f"/{self.bucket}",
            query={"delete": None},
            body=body,
            headers={"x-amz-checksum-crc32": crc, "x-amz-sdk-checksum-algorithm": "CRC32"},
        )
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(self.keys_present("crc/"), [])

    def test_delete_objects_wrong_content_md5(self):
        self.s3.put_object(Bucket=self.bucket, Key="badmd5/a", Body=b"x")
        body = delete_xml(["badmd5/a"])
        r = self.server.request(
            "POST",
            f"/{self.bucket}",
            query={"delete": None},
            body=body,
            headers={"Content-MD5": md5_b64(b"other")},
        )
        self.assertRawError(r, 400, "BadDigest")
        self.assertEqual(self.keys_present("badmd5/"), ["badmd5/a"])

    def test_delete_objects_boto3_both_checksum_modes(self):
        for label, client in (("default", self.s3), ("when_required", self.s3_when_required)):
            with self.subTest(client=label):
                keys = [f"b3{label}/{i}" for i in range(3)]
                for k in keys:
                    client.put_object(Bucket=self.bucket, Key=k, Body=b"x")
                resp = client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys]}
                )
                self.assertEqual(sorted(d["Key"] for d in resp["Deleted"]), keys)
                self.assertEqual(self.keys_present(f"b3{label}/"), [])

    def test_delete_objects_malformed_xml(self):
        body = b"<Delete><Object><Key>x</Key></Obj"
        r = self.server.request(
            "POST",
            f"/{self.bucket}",
            query={"delete": None},
            body=body,
            headers={"Content-MD5": md5_b64(body)},
        )
        self.assertRawError(r, 400, "MalformedXML")

    def test_delete_objects_special_keys(self):
        keys = ["sp/a&b", "sp/<tag>", "sp/emoji-😀", "sp/with space"]
        for k in keys:
            self.s3.put_object(Bucket=self.bucket, Key=k, Body=b"x")
        resp = self.s3.delete_objects(
            Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys]}
        )
        self.assertEqual(sorted(d["Key"] for d in resp["Deleted"]), sorted(keys))
        self.assertEqual(self.keys_present("sp/"), [])


if __name__ == "__main__":
    unittest.main()
