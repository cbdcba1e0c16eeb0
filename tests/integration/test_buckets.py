"""Bucket operations: create/head/list/location/delete, name rules, virtual-host addressing."""

import datetime
import unittest

from harness import CairnTestCase, S3_NS, unique_bucket

INVALID_NAMES = [
    "ab",  # too short
    "UPPER",  # upper case
    "a_b",  # underscore
    "-ab",  # leading hyphen
    "ab-",  # trailing hyphen
    "a..b",  # adjacent periods
    "192.168.1.1",  # IP address
    "a" * 64,  # too long
    "xn--abc",  # reserved prefix
    "abc-s3alias",  # reserved suffix
]


class BucketTest(CairnTestCase):
    def test_create_plain_and_head(self):
        name = unique_bucket()
        resp = self.s3.create_bucket(Bucket=name)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(resp.get("Location"), f"/{name}")
        head = self.s3.head_bucket(Bucket=name)
        self.assertEqual(head["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_create_with_location_constraint(self):
        name = unique_bucket()
        self.s3.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "us-east-1"}
        )
        self.s3.head_bucket(Bucket=name)
        loc = self.s3.get_bucket_location(Bucket=name)
        # us-east-1 is reported as an empty LocationConstraint (AWS and MinIO).
        self.assertIn(loc.get("LocationConstraint"), (None, ""))

    def test_create_with_location_constraint_raw_body(self):
        name = unique_bucket()
        body = (
            b'<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            b"<LocationConstraint>us-east-1</LocationConstraint></CreateBucketConfiguration>"
        )
        r = self.server.request("PUT", f"/{name}", body=body)
        self.assertEqual(r.status, 200, repr(r))
        self.s3.head_bucket(Bucket=name)

    def test_create_with_malformed_configuration(self):
        name = unique_bucket()
        r = self.server.request("PUT", f"/{name}", body=b"<CreateBucketConfiguration><Loca")
        self.assertRawError(r, 400, "MalformedXML")

    def test_create_twice_is_already_owned_by_you(self):
        name = self.make_bucket()
        err = self.client_error(self.s3.create_bucket, Bucket=name)
        self.assertS3Error(err, "BucketAlreadyOwnedByYou", 409)

    def test_invalid_bucket_names(self):
        for name in INVALID_NAMES:
            with self.subTest(name=name):
                r = self.server.request("PUT", f"/{name}")
                self.assertRawError(r, 400, "InvalidBucketName")
        listed = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        for name in INVALID_NAMES:
            self.assertNotIn(name, listed)

    def test_valid_edge_bucket_names(self):
        for name in ["abc", "a" * 63, "a.b-c.d", "0ab", "ab0", "x-y-z"]:
            with self.subTest(name=name):
                r = self.server.request("PUT", f"/{name}")
                self.assertEqual(r.status, 200, repr(r))
                self.s3.delete_bucket(Bucket=name)

    def test_head_missing_bucket_is_404(self):
        err = self.client_error(self.s3.head_bucket, Bucket=unique_bucket("missing"))
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        r = self.server.request("HEAD", f"/{unique_bucket('missing')}")
        self.assertEqual(r.status, 404)
        self.assertEqual(r.body, b"")

    def test_list_buckets_sorted_with_creation_date(self):
        names = [f"lb-{c}-{unique_bucket('x')}" for c in ("zz", "aa", "mm")]
        before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
        for n in names:
            self.s3.create_bucket(Bucket=n)
        after = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)
        resp = self.s3.list_buckets()
        listed = [b["Name"] for b in resp["Buckets"]]
        self.assertEqual(listed, sorted(listed))
        for n in names:
            self.assertIn(n, listed)
        for b in resp["Buckets"]:
            if b["Name"] in names:
                self.assertIsInstance(b["CreationDate"], datetime.datetime)
                self.assertTrue(before <= b["CreationDate"] <= after, b["CreationDate"])
        self.assertIn("Owner", resp)
        self.assertTrue(resp["Owner"].get("ID"))

    def test_list_buckets_raw_xml_shape(self):
        name = self.make_bucket()
        r = self.server.request("GET", "/")
        self.assertEqual(r.status, 200)
        self.assertIn("xml", r.header("Content-Type") or "")
        root = r.xml()
        self.assertEqual(root.tag, S3_NS + "ListAllMyBucketsResult")
        names = [e.text for e in root.iter(S3_NS + "Name")]
        self.assertIn(name, names)

    def test_get_bucket_location(self):
        name = self.make_bucket()
        loc = self.s3.get_bucket_location(Bucket=name)
        self.assertIn(loc.get("LocationConstraint"), (None, ""))
        err = self.client_error(self.s3.get_bucket_location, Bucket=unique_bucket("missing"))
        self.assertS3Error(err, "NoSuchBucket", 404)

    def test_delete_non_empty_bucket(self):
        name = self.make_bucket()
        self.s3.put_object(Bucket=name, Key="k", Body=b"v")
        err = self.client_error(self.s3.delete_bucket, Bucket=name)
        self.assertS3Error(err, "BucketNotEmpty", 409)
        self.s3.head_bucket(Bucket=name)
        self.s3.delete_object(Bucket=name, Key="k")
        resp = self.s3.delete_bucket(Bucket=name)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)

    def test_delete_bucket(self):
        name = self.make_bucket()
        resp = self.s3.delete_bucket(Bucket=name)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        err = self.client_error(self.s3.head_bucket, Bucket=name)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        self.assertNotIn(name, [b["Name"] for b in self.s3.list_buckets()["Buckets"]])
        # the name can be reused
        self.s3.create_bucket(Bucket=name)
        self.s3.head_bucket(Bucket=name)

    def test_delete_missing_bucket(self):
        err = self.client_error(self.s3.delete_bucket, Bucket=unique_bucket("missing"))
        self.assertS3Error(err, "NoSuchBucket", 404)

    def test_no_such_bucket_error_xml(self):
        name = unique_bucket("missing")
        r = self.server.request("GET", f"/{name}", query={"list-type": "2"})
        self.assertRawError(r, 404, "NoSuchBucket")
        root = r.xml()
        self.assertEqual(root.findtext("BucketName"), name)
        self.assertTrue(root.findtext("Message"))
        self.assertTrue(root.findtext("RequestId"))


class VirtualHostTestMixin:
    DOMAIN = "localhost"

    def vhost(self, bucket):
        return f"{bucket}.{self.DOMAIN}:{self.server.port}"

    def test_virtual_host_object_round_trip(self):
        bucket = self.make_bucket("vh")
        r = self.server.request("PUT", "/dir/key.txt", host=self.vhost(bucket), body=b"vhost body")
        self.assertEqual(r.status, 200, repr(r))
        # visible path-style
        got = self.s3.get_object(Bucket=bucket, Key="dir/key.txt")["Body"].read()
        self.assertEqual(got, b"vhost body")
        # and virtual-host style
        r = self.server.request("GET", "/dir/key.txt", host=self.vhost(bucket))
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(r.body, b"vhost body")
        r = self.server.request("HEAD", "/dir/key.txt", host=self.vhost(bucket))
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Length"), str(len(b"vhost body")))

    def test_virtual_host_listing(self):
        bucket = self.make_bucket("vh")
        self.s3.put_object(Bucket=bucket, Key="one", Body=b"1")
        r = self.server.request("GET", "/", query={"list-type": "2"}, host=self.vhost(bucket))
        self.assertEqual(r.status, 200, repr(r))
        root = r.xml()
        self.assertEqual(root.findtext(S3_NS + "Name"), bucket)
        self.assertEqual([e.text for e in root.iter(S3_NS + "Key")], ["one"])

    def test_virtual_host_create_and_delete_bucket(self):
        bucket = unique_bucket("vh")
        r = self.server.request("PUT", "/", host=self.vhost(bucket))
        self.assertEqual(r.status, 200, repr(r))
        self.s3.head_bucket(Bucket=bucket)
        r = self.server.request("DELETE", "/", host=self.vhost(bucket))
        self.assertEqual(r.status, 204, repr(r))

    def test_virtual_host_missing_bucket(self):
        r = self.server.request("GET", "/k", host=self.vhost(unique_bucket("nobucket")))
        self.assertRawError(r, 404, "NoSuchBucket")

    def test_path_style_still_works_on_domain(self):
        bucket = self.make_bucket("vh")
        self.s3.put_object(Bucket=bucket, Key="p", Body=b"path")
        r = self.server.request(
            "GET", f"/{bucket}/p", host=f"{self.DOMAIN}:{self.server.port}"
        )
        self.assertEqual(r.status, 200, repr(r))
        self.assertEqual(r.body, b"path")
        # ListBuckets on the bare domain
        r = self.server.request("GET", "/", host=f"{self.DOMAIN}:{self.server.port}")
        self.assertEqual(r.status, 200, repr(r))
        self.assertIn(bucket.encode(), r.body)


class VirtualHostFlagTest(VirtualHostTestMixin, CairnTestCase):
    SERVER_ARGS = ["--domain", "localhost"]


class VirtualHostEnvTest(VirtualHostTestMixin, CairnTestCase):
    DOMAIN = "s3.example.test"
    SERVER_ENV = {"MINIO_DOMAIN": "s3.example.test"}


if __name__ == "__main__":
    unittest.main()
