"""Bucket policies and anonymous access (issue 4): Put/Get/Delete/Status and evaluation of the
seed application's public-thumbnails policy, checked with anonymous HTTP requests."""

import json
import unittest
import urllib.request

from harness import CairnTestCase

THUMBNAILS_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": ["*"]},
            "Action": ["s3:GetObject"],
            "Resource": ["arn:aws:s3:::ensure-study-documents/classrooms/*/thumbnails/*"],
        }
    ],
}


class BucketPolicyTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="ensure-study-documents")
        for key in ("classrooms/c1/thumbnails/d1_thumb.png", "classrooms/c1/materials/d1.pdf"):
            cls.s3.put_object(Bucket="ensure-study-documents", Key=key, Body=b"bytes of " + key.encode())

    def anonymous_get(self, key):
        return self.server.anonymous("GET", f"/ensure-study-documents/{key}")

    def test_thumbnails_public_materials_private(self):
        self.s3.put_bucket_policy(Bucket="ensure-study-documents", Policy=json.dumps(THUMBNAILS_POLICY))
        try:
            ok = self.anonymous_get("classrooms/c1/thumbnails/d1_thumb.png")
            self.assertEqual(ok.status, 200, repr(ok))
            self.assertEqual(ok.body, b"bytes of classrooms/c1/thumbnails/d1_thumb.png")
            denied = self.anonymous_get("classrooms/c1/materials/d1.pdf")
            self.assertRawError(denied, 403, "AccessDenied")
            self.assertNotIn(b"bytes of", denied.body)
            # The policy grants GetObject only: no listing, no writes, no deletes.
            self.assertRawError(self.server.anonymous("GET", "/ensure-study-documents?list-type=2"),
                                403, "AccessDenied")
            self.assertRawError(
                self.server.anonymous("PUT", "/ensure-study-documents/classrooms/c1/thumbnails/new.png",
                                      body=b"x"), 403, "AccessDenied")
            self.assertRawError(
                self.server.anonymous("DELETE", "/ensure-study-documents/classrooms/c1/thumbnails/d1_thumb.png"),
                403, "AccessDenied")
            # Path tricks do not escape the prefix: the key is taken verbatim, does not exist, and
            # a caller who may not list the bucket is not told so (AccessDenied, as S3 answers).
            self.assertRawError(
                self.anonymous_get("classrooms/c1/thumbnails/../materials/d1.pdf"), 403,
                "AccessDenied")
            self.assertRawError(self.anonymous_get("classrooms/c1/thumbnails/missing.png"), 403,
                                "AccessDenied")
            # plain urllib, as curl would
            with urllib.request.urlopen(
                f"{self.server.endpoint}/ensure-study-documents/classrooms/c1/thumbnails/d1_thumb.png",
                timeout=10,
            ) as r:
                self.assertEqual(r.status, 200)
        finally:
            self.s3.delete_bucket_policy(Bucket="ensure-study-documents")
        self.assertRawError(self.anonymous_get("classrooms/c1/thumbnails/d1_thumb.png"), 403,
                            "AccessDenied")

    def test_get_policy_round_trip_and_status(self):
        bucket = self.make_bucket("pol")
        err = self.client_error(self.s3.get_bucket_policy, Bucket=bucket)
        self.assertS3Error(err, "NoSuchBucketPolicy", 404)
        doc = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": f"arn:aws:s3:::{bucket}/*"}],
        }
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(doc))
        self.assertEqual(json.loads(self.s3.get_bucket_policy(Bucket=bucket)["Policy"]), doc)
        self.assertTrue(self.s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"])
        # The policy survives a restart.
        self.server.restart()
        s3 = self.server.client()
        self.assertEqual(json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]), doc)
        s3.delete_bucket_policy(Bucket=bucket)
        self.assertS3Error(self.client_error(s3.get_bucket_policy, Bucket=bucket),
                           "NoSuchBucketPolicy", 404)
        type(self).s3 = s3

    def test_malformed_policies_are_refused_with_where(self):
        bucket = self.make_bucket("pol")
        cases = [
            "not json",
            json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Principal": "*",
                        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}),
            json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}),
            json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::other-bucket/*"}]}),
        ]
        for doc in cases:
            with self.subTest(doc=doc[:60]):
                err = self.client_error(self.s3.put_bucket_policy, Bucket=bucket, Policy=doc)
                self.assertS3Error(err, "MalformedPolicy", 400)
                self.assertTrue(err.response["Error"].get("Message"))
        self.assertS3Error(self.client_error(self.s3.get_bucket_policy, Bucket=bucket),
                           "NoSuchBucketPolicy", 404)

    def test_deleted_bucket_takes_its_policy(self):
        bucket = self.make_bucket("pol")
        doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
               "Action": "s3:*", "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(doc))
        self.assertEqual(self.server.anonymous("PUT", f"/{bucket}/k", body=b"v").status, 200)
        self.s3.delete_object(Bucket=bucket, Key="k")
        self.s3.delete_bucket(Bucket=bucket)
        self.s3.create_bucket(Bucket=bucket)
        self.assertRawError(self.server.anonymous("PUT", f"/{bucket}/k", body=b"v"), 403, "AccessDenied")


if __name__ == "__main__":
    unittest.main()
