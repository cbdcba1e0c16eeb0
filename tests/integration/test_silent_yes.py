"""Silent yeses (issue 10): requests that ask for protection Cairn does not give yet are refused
with AWS's (or MinIO's) answer, never answered 200 as if honoured — and nothing happens.

Each case shows the exact code and status and then that the store is unchanged: no object
created or overwritten, the live object still there after `DELETE ?versionId=X`, a DeleteObjects
entry with a VersionId kept, lock headers on a bucket without Object Lock. The table
of answers is docs/unsupported.md. Client defaults (boto3, rclone-style headers) keep working.
"""

import base64
import datetime
import hashlib
import json
import uuid

from harness import CairnTestCase, quote_key, raw_request
from test_post_cors import multipart

VERSION = "0f6f7b8e-2a3c-4f0e-9d1b-2c3d4e5f6a7b"  # well formed, and no version exists
KMS = "Server side encryption specified but KMS is not configured"
LOCK = "Bucket is missing Object Lock Configuration"


class SilentYesTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "silent-" + uuid.uuid4().hex[:10]
        cls.s3.create_bucket(Bucket=cls.bucket)

    # -- helpers ----------------------------------------------------------------------------

    def put_live(self, body=b"live body"):
        key = "live/" + uuid.uuid4().hex
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)
        return key

    def assertBody(self, key, body):
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(), body)

    def assertAbsent(self, key):
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key=key)
        self.assertEqual(err.response["Error"]["Code"], "404")

    def raw(self, method, key, headers=None, query=None, body=b""):
        path = f"/{self.bucket}" + (f"/{quote_key(key)}" if key else "")
        return self.server.request(method, path, headers=headers or {}, query=query, body=body)

    def assertMessage(self, resp, text):
        self.assertIn(text.encode(), resp.body, repr(resp))

    def no_uploads(self):
        return self.s3.list_multipart_uploads(Bucket=self.bucket).get("Uploads", [])

    # -- encryption ---------------------------------------------------------------------------

    def test_sse_s3_and_kms_on_put_are_not_implemented(self):
        key = self.put_live(b"before")
        for kwargs in ({"ServerSideEncryption": "AES256"},
                       {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "my-key"},
                       {"ServerSideEncryption": "aws:kms", "BucketKeyEnabled": True}):
            with self.subTest(kwargs=kwargs):
                err = self.client_error(self.s3.put_object, Bucket=self.bucket, Key=key,
                                        Body=b"overwritten?", **kwargs)
                self.assertS3Error(err, "NotImplemented", 501)
                self.assertEqual(err.response["Error"]["Message"], KMS)
                fresh = "fresh/" + uuid.uuid4().hex
                err = self.client_error(self.s3.put_object, Bucket=self.bucket, Key=fresh,
                                        Body=b"x", **kwargs)
                self.assertS3Error(err, "NotImplemented", 501)
                self.assertAbsent(fresh)
        self.assertBody(key, b"before")
        # The KMS companions without x-amz-server-side-encryption: aws:kms are InvalidArgument,
        # as AWS answers them.
        for name, value in (("x-amz-server-side-encryption-aws-kms-key-id", "k"),
                            ("x-amz-server-side-encryption-context", "e30="),
                            ("x-amz-server-side-encryption-bucket-key-enabled", "true")):
            with self.subTest(header=name):
                r = self.raw("PUT", key, {name: value}, body=b"overwritten?")
                self.assertRawError(r, 400, "InvalidArgument")
        # A method AWS does not define is InvalidArgument, as AWS answers it.
        r = self.raw("PUT", key, {"x-amz-server-side-encryption": "DES"}, body=b"overwritten?")
        self.assertRawError(r, 400, "InvalidArgument")
        self.assertMessage(r, "The encryption method specified is not supported")
        self.assertBody(key, b"before")

    def test_sse_on_copy_and_multipart(self):
        src = self.put_live(b"source")
        dst = self.put_live(b"destination")
        err = self.client_error(self.s3.copy_object, Bucket=self.bucket, Key=dst,
                                CopySource={"Bucket": self.bucket, "Key": src},
                                ServerSideEncryption="AES256")
        self.assertS3Error(err, "NotImplemented", 501)
        self.assertBody(dst, b"destination")
        before = len(self.no_uploads())
        err = self.client_error(self.s3.create_multipart_upload, Bucket=self.bucket,
                                Key="mpu/" + uuid.uuid4().hex, ServerSideEncryption="aws:kms")
        self.assertS3Error(err, "NotImplemented", 501)
        self.assertEqual(len(self.no_uploads()), before)

    # SSE-C over plain HTTP from a loopback peer (these tests, a TLS proxy on the same host) is
    # served now (test_encryption.py); from any other peer it is refused before anything else
    # (SseCTransportAllowed, tests/unit/s3/sse_test.cc). What stays refused here: dual-layer
    # SSE (aws:kms:dsse).
    def test_dsse_is_not_implemented(self):
        key = self.put_live(b"before")
        r = self.raw("PUT", key, {"x-amz-server-side-encryption": "aws:kms:dsse"},
                     body=b"overwritten?")
        self.assertRawError(r, 501, "NotImplemented")
        self.assertBody(key, b"before")

    # -- object lock --------------------------------------------------------------------------

    def test_object_lock_headers_on_writes(self):
        key = self.put_live(b"unlocked")
        until = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1))
        err = self.client_error(self.s3.put_object, Bucket=self.bucket, Key=key, Body=b"new",
                                ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)
        self.assertS3Error(err, "InvalidRequest", 400)
        self.assertEqual(err.response["Error"]["Message"], LOCK)
        err = self.client_error(self.s3.put_object, Bucket=self.bucket, Key=key, Body=b"new",
                                ObjectLockLegalHoldStatus="ON")
        self.assertS3Error(err, "InvalidRequest", 400)
        date = until.strftime("%Y-%m-%dT%H:%M:%SZ")
        pair = {"x-amz-object-lock-mode": "COMPLIANCE",
                "x-amz-object-lock-retain-until-date": date}
        before = len(self.no_uploads())
        # A valid mode + date pair, or a legal hold, on a bucket without lock: InvalidRequest.
        # Half a pair is malformed wherever it is sent (InvalidArgument, as AWS).
        cases = [(pair, "InvalidRequest"),
                 ({"x-amz-object-lock-legal-hold": "ON"}, "InvalidRequest"),
                 ({"x-amz-object-lock-mode": "COMPLIANCE"}, "InvalidArgument"),
                 ({"x-amz-object-lock-retain-until-date": date}, "InvalidArgument")]
        for headers, code in cases:
            with self.subTest(headers=headers):
                r = self.raw("POST", "mpu/" + uuid.uuid4().hex, headers, {"uploads": None})
                self.assertRawError(r, 400, code)
                copy = "copy/" + uuid.uuid4().hex
                r = self.raw("PUT", copy, {**headers,
                                           "x-amz-copy-source": f"/{self.bucket}/{key}"})
                self.assertRawError(r, 400, code)
                if code == "InvalidRequest":
                    self.assertMessage(r, LOCK)
                self.assertAbsent(copy)
        self.assertEqual(len(self.no_uploads()), before)
        self.assertBody(key, b"unlocked")

    def test_create_bucket_lock_header_must_be_a_boolean(self):
        # `true` makes a locked bucket (test_object_lock.py); anything but true/false is refused
        # and creates nothing.
        name = "lock-" + uuid.uuid4().hex[:10]
        r = self.server.request("PUT", f"/{name}",
                                headers={"x-amz-bucket-object-lock-enabled": "yes"})
        self.assertRawError(r, 400, "InvalidArgument")
        err = self.client_error(self.s3.head_bucket, Bucket=name)
        self.assertEqual(err.response["Error"]["Code"], "404")
        self.s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=False)
        err = self.client_error(self.s3.get_object_lock_configuration, Bucket=name)
        self.assertS3Error(err, "ObjectLockConfigurationNotFoundError", 404)
        self.s3.delete_bucket(Bucket=name)

    # -- versions -----------------------------------------------------------------------------

    def test_version_ids_on_get_head_delete(self):
        key = self.put_live(b"current")
        err = self.client_error(self.s3.get_object, Bucket=self.bucket, Key=key, VersionId=VERSION)
        self.assertS3Error(err, "NoSuchVersion", 404)
        err = self.client_error(self.s3.get_object, Bucket=self.bucket, Key=key,
                                VersionId="3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY")
        self.assertS3Error(err, "InvalidArgument", 400)
        self.assertEqual(err.response["Error"]["Message"], "Invalid version id specified")
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key=key, VersionId=VERSION)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        err = self.client_error(self.s3.get_object_attributes, Bucket=self.bucket, Key=key,
                                VersionId=VERSION, ObjectAttributes=["ETag"])
        self.assertS3Error(err, "NoSuchVersion", 404)
        # The bug this guards against: DELETE ?versionId=X deleted the live object. A malformed
        # id is refused; a well-formed one that names no version deletes nothing and succeeds,
        # echoing the id, as S3 answers.
        for version in ("not-a-version", ""):
            with self.subTest(version=version):
                r = self.raw("DELETE", key, query={"versionId": version})
                self.assertRawError(r, 400, "InvalidArgument")
                self.assertBody(key, b"current")
        resp = self.s3.delete_object(Bucket=self.bucket, Key=key, VersionId=VERSION)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(resp.get("VersionId"), VERSION)
        self.assertBody(key, b"current")
        # Without versioning the object is the null version: that id keeps working.
        got = self.s3.get_object(Bucket=self.bucket, Key=key, VersionId="null")
        self.assertEqual(got["Body"].read(), b"current")
        self.s3.head_object(Bucket=self.bucket, Key=key, VersionId="null")
        self.s3.delete_object(Bucket=self.bucket, Key=key, VersionId="null")
        self.assertAbsent(key)

    def test_tagging_with_version_and_acl(self):
        key = self.put_live(b"tagged?")
        # Tagging and ACLs take a version id (a missing version is NoSuchVersion); S3 has no
        # DeleteObjectAcl, so DELETE ?acl is refused, never a delete.
        r = self.raw("GET", key, query={"tagging": None, "versionId": VERSION})
        self.assertRawError(r, 404, "NoSuchVersion")
        r = self.raw("DELETE", key, query={"tagging": None, "versionId": VERSION})
        self.assertRawError(r, 404, "NoSuchVersion")
        r = self.raw("GET", key, query={"acl": None, "versionId": VERSION})
        self.assertRawError(r, 404, "NoSuchVersion")
        r = self.raw("DELETE", key, query={"acl": None, "versionId": VERSION})
        self.assertRawError(r, 501, "NotImplemented")
        self.assertBody(key, b"tagged?")

    def test_newer_sub_resources_are_not_plain_requests(self):
        # Mistaken for DeleteBucket / PutObject, these deleted the bucket or emptied the key.
        empty = "silent-empty-" + uuid.uuid4().hex[:8]
        self.s3.create_bucket(Bucket=empty)
        for sub in ("metadataTable", "metadataConfiguration"):
            r = self.server.request("DELETE", f"/{empty}", query={sub: None})
            self.assertRawError(r, 501, "NotImplemented")
        self.s3.head_bucket(Bucket=empty)
        self.s3.delete_bucket(Bucket=empty)
        key = self.put_live(b"not renamed")
        r = self.raw("PUT", key, {"x-amz-rename-source": f"/{self.bucket}/other"},
                     {"renameObject": None})
        self.assertRawError(r, 501, "NotImplemented")
        self.assertBody(key, b"not renamed")

    def test_copy_source_version(self):
        src = self.put_live(b"copy source")
        dst = "copy/" + uuid.uuid4().hex
        err = self.client_error(self.s3.copy_object, Bucket=self.bucket, Key=dst,
                                CopySource={"Bucket": self.bucket, "Key": src, "VersionId": VERSION})
        self.assertS3Error(err, "NoSuchVersion", 404)
        err = self.client_error(self.s3.copy_object, Bucket=self.bucket, Key=dst,
                                CopySource={"Bucket": self.bucket, "Key": src, "VersionId": "v1"})
        self.assertS3Error(err, "InvalidArgument", 400)
        self.assertAbsent(dst)
        upload = self.s3.create_multipart_upload(Bucket=self.bucket, Key=dst)["UploadId"]
        try:
            err = self.client_error(
                self.s3.upload_part_copy, Bucket=self.bucket, Key=dst, UploadId=upload,
                PartNumber=1, CopySource={"Bucket": self.bucket, "Key": src, "VersionId": VERSION})
            self.assertS3Error(err, "NoSuchVersion", 404)
        finally:
            self.s3.abort_multipart_upload(Bucket=self.bucket, Key=dst, UploadId=upload)
        self.s3.copy_object(Bucket=self.bucket, Key=dst,
                            CopySource={"Bucket": self.bucket, "Key": src, "VersionId": "null"})
        self.assertBody(dst, b"copy source")

    def test_delete_objects_keeps_entries_with_a_version(self):
        kept, malformed, gone, null = (self.put_live(b"k") for _ in range(4))
        resp = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [
            {"Key": kept, "VersionId": VERSION}, {"Key": malformed, "VersionId": "v-1"},
            {"Key": gone}, {"Key": null, "VersionId": "null"}]})
        errors = {e["Key"]: e["Code"] for e in resp.get("Errors", [])}
        self.assertEqual(errors, {malformed: "InvalidArgument"})
        # A version that does not exist is reported deleted (as S3 does) and nothing goes.
        self.assertEqual(sorted(d["Key"] for d in resp.get("Deleted", [])),
                         sorted([kept, gone, null]))
        self.assertBody(kept, b"k")
        self.assertBody(malformed, b"k")
        self.assertAbsent(gone)
        self.assertAbsent(null)

    # -- other requests that would be ignored -------------------------------------------------

    def test_storage_classes(self):
        key = self.put_live(b"standard")
        for storage_class in ("GLACIER", "DEEP_ARCHIVE", "STANDARD_IA", "INTELLIGENT_TIERING"):
            with self.subTest(storage_class=storage_class):
                err = self.client_error(self.s3.put_object, Bucket=self.bucket, Key=key,
                                        Body=b"tiered?", StorageClass=storage_class)
                self.assertS3Error(err, "InvalidStorageClass", 400)
        err = self.client_error(self.s3.create_multipart_upload, Bucket=self.bucket, Key=key,
                                StorageClass="GLACIER")
        self.assertS3Error(err, "InvalidStorageClass", 400)
        self.assertBody(key, b"standard")
        for storage_class in ("STANDARD", "REDUCED_REDUNDANCY"):
            self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"ok", StorageClass=storage_class)
        self.assertBody(key, b"ok")

    def test_tags_redirects_appends_and_mfa(self):
        key = self.put_live(b"plain")
        err = self.client_error(self.s3.put_object, Bucket=self.bucket, Key=key,
                                Body=b"changed?", WebsiteRedirectLocation="/elsewhere")
        self.assertS3Error(err, "NotImplemented", 501)
        # (Uploads keep x-amz-tagging now: test_versioning.TaggingTest.)
        r = self.raw("PUT", key, {"x-amz-write-offset-bytes": "5"}, body=b"appended?")
        self.assertRawError(r, 501, "NotImplemented")
        err = self.client_error(self.s3.delete_object, Bucket=self.bucket, Key=key,
                                MFA="arn:aws:iam::123456789012:mfa/user 123456")
        self.assertS3Error(err, "NotImplemented", 501)
        # Conditional deletes work now (test_edges.ConditionalDeleteTest): a wrong ETag is 412
        # and leaves the object, rather than being ignored.
        r = self.raw("DELETE", key, {"If-Match": '"0123456789abcdef0123456789abcdef"'})
        self.assertRawError(r, 412, "PreconditionFailed")
        resp = self.s3.delete_objects(Bucket=self.bucket, Delete={"Objects": [
            {"Key": key, "ETag": '"0123456789abcdef0123456789abcdef"'}]})
        self.assertEqual([e["Code"] for e in resp.get("Errors", [])], ["PreconditionFailed"])
        self.assertBody(key, b"plain")

    def test_unknown_checksum_algorithm(self):
        before = len(self.no_uploads())
        r = self.raw("POST", "mpu/" + uuid.uuid4().hex, {"x-amz-checksum-algorithm": "MD5"},
                     {"uploads": None})
        self.assertRawError(r, 400, "InvalidRequest")
        self.assertEqual(len(self.no_uploads()), before)
        src = self.put_live(b"src")
        dst = "copy/" + uuid.uuid4().hex
        r = self.raw("PUT", dst, {"x-amz-checksum-algorithm": "XXH3",
                                  "x-amz-copy-source": f"/{self.bucket}/{src}"})
        self.assertRawError(r, 400, "InvalidRequest")
        self.assertAbsent(dst)

    def test_content_md5_is_checked_on_every_document_put(self):
        """A Content-MD5 that does not match the XML document sent is 400 BadDigest, and a
        malformed one 400 InvalidDigest, on every sub-resource PUT; nothing is stored."""
        key = self.put_live()
        docs = {
            "tagging": (key, b"<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet>"
                             b"</Tagging>"),
            "versioning": (None, b"<VersioningConfiguration><Status>Enabled</Status>"
                                 b"</VersioningConfiguration>"),
            "lifecycle": (None, b"<LifecycleConfiguration><Rule><ID>r</ID><Filter><Prefix>x/"
                                b"</Prefix></Filter><Status>Enabled</Status><Expiration><Days>1"
                                b"</Days></Expiration></Rule></LifecycleConfiguration>"),
            "policy": (None, json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{self.bucket}/x/*"}]}).encode()),
        }
        wrong = base64.b64encode(hashlib.md5(b"another body").digest()).decode()
        for sub, (target, body) in docs.items():
            with self.subTest(sub=sub):
                r = self.raw("PUT", target, {"Content-MD5": wrong}, {sub: None}, body)
                self.assertRawError(r, 400, "BadDigest")
                r = self.raw("PUT", target, {"Content-MD5": "not-base64!"}, {sub: None}, body)
                self.assertRawError(r, 400, "InvalidDigest")
        self.assertEqual(self.s3.get_object_tagging(Bucket=self.bucket, Key=key)["TagSet"], [])
        self.assertNotIn("Status", self.s3.get_bucket_versioning(Bucket=self.bucket))
        for fn in (self.s3.get_bucket_lifecycle_configuration, self.s3.get_bucket_policy):
            self.assertIn(self.client_error(fn, Bucket=self.bucket).response["Error"]["Code"],
                          ("NoSuchLifecycleConfiguration", "NoSuchBucketPolicy"))
        # The right digest is accepted.
        body = docs["tagging"][1]
        right = base64.b64encode(hashlib.md5(body).digest()).decode()
        r = self.raw("PUT", key, {"Content-MD5": right}, {"tagging": None}, body)
        self.assertEqual(r.status, 200, r.body)

    def test_expected_bucket_owner_mismatch_is_access_denied(self):
        key = self.put_live(b"owned")
        err = self.client_error(self.s3.get_object, Bucket=self.bucket, Key=key,
                                ExpectedBucketOwner="123456789012")
        self.assertS3Error(err, "AccessDenied", 403)
        err = self.client_error(self.s3.put_object, Bucket=self.bucket, Key=key, Body=b"x",
                                ExpectedBucketOwner="123456789012")
        self.assertS3Error(err, "AccessDenied", 403)
        self.assertBody(key, b"owned")

    def test_post_form_fields_are_refused_like_headers(self):
        bucket = "silent-post-" + uuid.uuid4().hex[:8]
        self.s3.create_bucket(Bucket=bucket)
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                           "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
        cases = [({"x-amz-server-side-encryption": "AES256"}, 501, "NotImplemented"),
                 ({"x-amz-server-side-encryption": "rot13"}, 400, "InvalidArgument"),
                 # An SSE-C algorithm without its key (loopback: SSE-C is allowed).
                 ({"x-amz-server-side-encryption-customer-algorithm": "AES256"}, 400,
                  "InvalidArgument"),
                 ({"x-amz-object-lock-mode": "GOVERNANCE"}, 400, "InvalidArgument"),
                 ({"x-amz-object-lock-mode": "GOVERNANCE",
                   "x-amz-object-lock-retain-until-date": "2099-01-01T00:00:00Z"}, 400,
                  "InvalidRequest"),
                 ({"x-amz-object-lock-legal-hold": "ON"}, 400, "InvalidRequest"),
                 ({"x-amz-storage-class": "GLACIER"}, 400, "InvalidStorageClass"),
                 # A form's tags are its `tagging` field, an XML document; an x-amz-tagging
                 # field would be dropped, and a `tagging` field in PUT's k=v form is malformed.
                 ({"x-amz-tagging": "a=b"}, 501, "NotImplemented"),
                 ({"tagging": "a=b"}, 400, "MalformedXML")]
        for fields, status, code in cases:
            with self.subTest(fields=fields):
                key = "form/" + uuid.uuid4().hex
                body, ctype = multipart([("key", key)] + list(fields.items()), b"form data")
                r = raw_request(self.server.port, "POST", f"/{bucket}", sign=False, body=body,
                                headers={"Content-Type": ctype})
                self.assertRawError(r, status, code)
                err = self.client_error(self.s3.head_object, Bucket=bucket, Key=key)
                self.assertEqual(err.response["Error"]["Code"], "404")
        # The x-amz-tagging header on a form's request, too: a form's tags are its field.
        key = "form/" + uuid.uuid4().hex
        body, ctype = multipart([("key", key)], b"form data")
        r = raw_request(self.server.port, "POST", f"/{bucket}", sign=False, body=body,
                        headers={"Content-Type": ctype, "x-amz-tagging": "team=blue"})
        self.assertRawError(r, 501, "NotImplemented")
        err = self.client_error(self.s3.head_object, Bucket=bucket, Key=key)
        self.assertEqual(err.response["Error"]["Code"], "404")

    def test_client_defaults_keep_working(self):
        key = "defaults/" + uuid.uuid4().hex
        # boto3's default (CRC32 trailer over aws-chunked), then rclone- and s3cmd-style headers.
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"boto3")
        self.assertBody(key, b"boto3")
        r = self.raw("PUT", key, {"x-amz-meta-mtime": "1700000000.123456789",
                                  "x-amz-acl": "private", "x-amz-storage-class": "STANDARD",
                                  "x-amz-request-payer": "requester",
                                  "Content-Type": "text/plain"}, body=b"rclone")
        self.assertEqual(r.status, 200, repr(r))
        got = self.s3.get_object(Bucket=self.bucket, Key=key)
        self.assertEqual(got["Metadata"], {"mtime": "1700000000.123456789"})
        upload = self.s3.create_multipart_upload(Bucket=self.bucket, Key=key,
                                                 ChecksumAlgorithm="CRC32", StorageClass="STANDARD")
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload["UploadId"])
        self.s3.create_bucket(Bucket=self.bucket + "-x", ObjectLockEnabledForBucket=False)
        self.s3.delete_bucket(Bucket=self.bucket + "-x")
