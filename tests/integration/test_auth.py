"""Authentication: SigV4 header signing, clock skew, payload hashes, anonymous access."""

import datetime
import http.client
import unittest

from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness import CairnTestCase, _RawSigner, sha256_hex


class AuthTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "auth-bucket"
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.s3.put_object(Bucket=cls.bucket, Key="obj", Body=b"secret data")

    def test_wrong_secret_is_signature_does_not_match(self):
        bad = self.server.client(secret_key="not-the-secret-123")
        err = self.client_error(bad.list_buckets)
        self.assertS3Error(err, "SignatureDoesNotMatch", 403)
        err = self.client_error(bad.get_object, Bucket=self.bucket, Key="obj")
        self.assertS3Error(err, "SignatureDoesNotMatch", 403)

    def test_wrong_secret_large_put_gets_the_error(self):
        # botocore sends Expect: 100-continue; the client must see the S3 error, not a reset
        bad = self.server.client(secret_key="not-the-secret-123")
        for client_cfg in (bad, self.server.client(secret_key="not-the-secret-123",
                                                   checksum_when_required=True)):
            err = self.client_error(
                client_cfg.put_object, Bucket=self.bucket, Key="big-denied", Body=b"q" * (5 << 20)
            )
            self.assertS3Error(err, "SignatureDoesNotMatch", 403)
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="big-denied")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_wrong_secret_raw(self):
        r = self.server.request("GET", f"/{self.bucket}/obj", secret_key="not-the-secret-123")
        self.assertRawError(r, 403, "SignatureDoesNotMatch")
        self.assertNotIn(b"secret data", r.body)

    def test_unknown_access_key(self):
        bad = self.server.client(access_key="NOSUCHKEY123", secret_key="whatever-secret")
        err = self.client_error(bad.list_buckets)
        self.assertS3Error(err, "InvalidAccessKeyId", 403)

    def test_clock_skew_20_minutes(self):
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        for delta in (datetime.timedelta(minutes=20), datetime.timedelta(minutes=-20)):
            with self.subTest(delta=str(delta)):
                r = self.server.request("GET", "/", when=now + delta)
                self.assertRawError(r, 403, "RequestTimeTooSkewed")

    def test_clock_skew_within_window_is_accepted(self):
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        r = self.server.request("GET", "/", when=now - datetime.timedelta(minutes=3))
        self.assertEqual(r.status, 200, repr(r))

    def test_anonymous_list_buckets_denied(self):
        r = self.server.anonymous("GET", "/")
        self.assertRawError(r, 403, "AccessDenied")

    def test_anonymous_get_object_denied(self):
        r = self.server.anonymous("GET", f"/{self.bucket}/obj")
        self.assertRawError(r, 403, "AccessDenied")
        self.assertNotIn(b"secret data", r.body)

    def test_anonymous_put_object_denied(self):
        r = self.server.anonymous("PUT", f"/{self.bucket}/anon-put", body=b"nope")
        self.assertRawError(r, 403, "AccessDenied")
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="anon-put")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_content_sha256_mismatch_rejected_and_not_stored(self):
        signed = b"the body that was signed"
        sent = b"a different body that was sent!"
        r = self.server.request(
            "PUT",
            f"/{self.bucket}/sha-mismatch",
            body=signed,
            send_body=sent,
            payload_hash=sha256_hex(signed),
        )
        self.assertRawError(r, 400, "XAmzContentSHA256Mismatch")
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="sha-mismatch")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_content_sha256_mismatch_same_length_body(self):
        signed = b"A" * 1000
        sent = b"B" * 1000
        r = self.server.request(
            "PUT",
            f"/{self.bucket}/sha-mismatch-2",
            body=signed,
            send_body=sent,
        )
        self.assertRawError(r, 400, "XAmzContentSHA256Mismatch")
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="sha-mismatch-2")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_overwrite_with_mismatched_payload_keeps_previous(self):
        self.s3.put_object(Bucket=self.bucket, Key="keep", Body=b"version one")
        r = self.server.request(
            "PUT", f"/{self.bucket}/keep", body=b"version two", send_body=b"version 2!!"
        )
        self.assertRawError(r, 400, "XAmzContentSHA256Mismatch")
        body = self.s3.get_object(Bucket=self.bucket, Key="keep")["Body"].read()
        self.assertEqual(body, b"version one")

    def test_signed_payload_put_works(self):
        r = self.server.request("PUT", f"/{self.bucket}/signed", body=b"signed payload")
        self.assertEqual(r.status, 200, repr(r))
        body = self.s3.get_object(Bucket=self.bucket, Key="signed")["Body"].read()
        self.assertEqual(body, b"signed payload")

    def test_unsigned_payload_put_works(self):
        data = b"unsigned payload body"
        r = self.server.request(
            "PUT", f"/{self.bucket}/unsigned", body=data, payload_hash="UNSIGNED-PAYLOAD"
        )
        self.assertEqual(r.status, 200, repr(r))
        got = self.server.request("GET", f"/{self.bucket}/unsigned")
        self.assertEqual(got.status, 200)
        self.assertEqual(got.body, data)

    def test_tampered_signed_header_rejected(self):
        # Sign with one Content-Type, then send another: the signature must not match.
        port = self.server.port
        host = f"127.0.0.1:{port}"
        req = AWSRequest(
            method="PUT",
            url=f"http://{host}/{self.bucket}/tampered",
            data=b"x",
            headers={"Host": host, "Content-Type": "text/plain"},
        )
        _RawSigner(Credentials(self.server.access_key, self.server.secret_key)).add_auth(req)
        headers = dict(req.headers.items())
        headers["Content-Type"] = "application/evil"
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.putrequest("PUT", f"/{self.bucket}/tampered", skip_host=True)
            for k, v in headers.items():
                conn.putheader(k, v)
            conn.putheader("Content-Length", "1")
            conn.endheaders(b"x")
            resp = conn.getresponse()
            body = resp.read()
        finally:
            conn.close()
        self.assertEqual(resp.status, 403, body)
        self.assertIn(b"SignatureDoesNotMatch", body)


if __name__ == "__main__":
    unittest.main()
