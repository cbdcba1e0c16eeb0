"""Presigned URLs (issue 4, "Presigned URLs and browser uploads"), against the real binary.

URLs made by boto3 (SigV4 and legacy SigV2 query signing), the AWS CLI (`aws s3 presign`), the
`minio` npm client and by hand are fetched with curl: GET, PUT, HEAD and DELETE work; X-Amz-Expires
up to 7 days is accepted and 604801 refused; an expired URL is AccessDenied "Request has expired";
every tampered parameter is SignatureDoesNotMatch (AuthorizationQueryParametersError where AWS
parses the parameter before checking the signature) and no refusal carries object data.
"""

import datetime
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import uuid
from pathlib import Path

from admin_client import AdminClient
from harness import CairnTestCase, missing_prerequisite
from signing import (curl, get_param, presign_v2, presign_v4, replace_param, send, utcnow)

JS_DIR = Path(__file__).resolve().parent / "js"
SECRET = b"PRESIGNED-SECRET-" + uuid.uuid4().hex.encode()
WEEK = 7 * 24 * 3600


class PresignedTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "presign-" + uuid.uuid4().hex[:10]
        cls.other = "presign-other-" + uuid.uuid4().hex[:8]
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.s3.create_bucket(Bucket=cls.other)
        cls.data = b"object body " + SECRET
        for bucket in (cls.bucket, cls.other):
            for key in ("secret.txt", "other.txt"):
                cls.s3.put_object(Bucket=bucket, Key=key, Body=cls.data)
        AdminClient(cls.server).add_user("presign-reader", "presign-reader-secret", ["readonly"])

    # -- helpers ----------------------------------------------------------------------------

    def url(self, target):
        return self.server.endpoint + target

    def target(self, url):
        self.assertTrue(url.startswith(self.server.endpoint), url)
        return url[len(self.server.endpoint):]

    def body_of(self, key, bucket=None):
        return self.s3.get_object(Bucket=bucket or self.bucket, Key=key)["Body"].read()

    def assertAbsent(self, key, bucket=None):
        with self.assertRaises(Exception) as ctx:
            self.s3.head_object(Bucket=bucket or self.bucket, Key=key)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "404")

    def exercise(self, urls, key, who):
        """PUT, GET, HEAD, DELETE through `urls` (method -> URL) with curl."""
        data = f"uploaded through a {who} presigned URL ".encode() + os.urandom(512)
        status, _, body = curl("PUT", urls["PUT"], data)
        self.assertEqual(status, 200, f"{who} PUT: {body[:300]!r}")
        self.assertEqual(self.body_of(key), data)
        status, headers, body = curl("GET", urls["GET"])
        self.assertEqual(status, 200, f"{who} GET: {body[:300]!r}")
        self.assertEqual(body, data)
        status, headers, body = curl("HEAD", urls["HEAD"])
        self.assertEqual(status, 200, f"{who} HEAD")
        self.assertEqual(int(headers["content-length"]), len(data))
        status, _, body = curl("DELETE", urls["DELETE"])
        self.assertEqual(status, 204, f"{who} DELETE: {body[:300]!r}")
        self.assertAbsent(key)

    def assertRefused(self, resp, status, code, label, message=None):
        self.assertEqual((resp.status, resp.error_code()), (status, code), f"{label}: {resp!r}")
        self.assertNotIn(SECRET, resp.body, label)
        self.assertNotIn(SECRET.decode(), str(resp.headers), label)
        if message:
            self.assertIn(message, resp.body.decode(), f"{label}: {resp!r}")

    # -- clients ----------------------------------------------------------------------------

    def test_boto3_sigv4(self):
        key = "boto3/" + uuid.uuid4().hex
        urls = {
            method: self.s3.generate_presigned_url(op, Params={"Bucket": self.bucket, "Key": key},
                                                   ExpiresIn=900)
            for method, op in (("GET", "get_object"), ("PUT", "put_object"),
                               ("HEAD", "head_object"), ("DELETE", "delete_object"))
        }
        for url in urls.values():
            self.assertIn("X-Amz-Signature=", url)
        self.exercise(urls, key, "boto3 SigV4")

    def test_boto3_sigv2(self):
        key = "boto3v2/" + uuid.uuid4().hex
        v2 = self.server.client(signature_version="s3")
        urls = {
            method: v2.generate_presigned_url(op, Params={"Bucket": self.bucket, "Key": key},
                                              ExpiresIn=900)
            for method, op in (("GET", "get_object"), ("PUT", "put_object"),
                               ("HEAD", "head_object"), ("DELETE", "delete_object"))
        }
        for url in urls.values():
            self.assertIn("AWSAccessKeyId=", url)
            self.assertIn("Signature=", url)
            self.assertNotIn("X-Amz-", url)
        self.exercise(urls, key, "boto3 SigV2")

    def test_hand_made_sigv2(self):
        key = "handv2/" + uuid.uuid4().hex
        expires_at = int(time.time()) + 600
        urls = {m: self.url(presign_v2(m, f"/{self.bucket}/{key}", self.server.access_key,
                                       self.server.secret_key, expires_at=expires_at))
                for m in ("GET", "PUT", "HEAD", "DELETE")}
        self.exercise(urls, key, "hand-made SigV2")

    def test_aws_cli_presign(self):
        # `aws s3 presign` makes GET URLs only; with a custom endpoint it signs SigV2 unless the
        # profile asks for s3v4, so both are fetched.
        key = "cli/" + uuid.uuid4().hex
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"for the cli " + SECRET)
        with tempfile.TemporaryDirectory() as d:
            v4_config = Path(d) / "config"
            v4_config.write_text("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path"
                                 "\n    signature_version = s3v4\n")
            for env, marker in ((None, "Signature="), ({"AWS_CONFIG_FILE": str(v4_config)},
                                                       "X-Amz-Signature=")):
                for expires in ("60", str(WEEK)):
                    rc, out, err = self.server.aws("s3", "presign", f"s3://{self.bucket}/{key}",
                                                   "--expires-in", expires, env=env)
                    self.assertEqual(rc, 0, err)
                    url = out.strip()
                    self.assertIn(marker, url)
                    if marker.startswith("X-Amz"):
                        self.assertIn(f"X-Amz-Expires={expires}", url)
                    status, _, body = curl("GET", url)
                    self.assertEqual(status, 200, f"{url}: {body[:300]!r}")
                    self.assertEqual(body, b"for the cli " + SECRET)
                # The CLI's URL tampered: another key.
                status, _, body = curl("GET", url.replace(key, "secret.txt"))
                self.assertEqual(status, 403, body)
                self.assertIn(b"SignatureDoesNotMatch", body)
                self.assertNotIn(SECRET, body)

    def test_minio_npm_client(self):
        if shutil.which("node") is None:
            raise missing_prerequisite("node is not installed")
        if not (JS_DIR / "node_modules" / "minio").is_dir():
            raise missing_prerequisite("tests/integration/js/node_modules missing (run tests/integration/js/run.sh"
                          " or npm ci there)")
        key = "minio-js/" + uuid.uuid4().hex
        p = subprocess.run(
            ["node", "presign_minio.mjs", str(self.server.port), self.server.access_key,
             self.server.secret_key, self.bucket, key, "900"],
            cwd=JS_DIR, capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        urls = json.loads(p.stdout)
        self.exercise(urls, key, "minio-js")

    # -- expiry -----------------------------------------------------------------------------

    def test_expires_up_to_seven_days(self):
        for expires in (1, 3600, WEEK):
            url = self.s3.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": "secret.txt"},
                ExpiresIn=expires)
            status, _, body = curl("GET", url)
            self.assertEqual((status, body), (200, self.data), f"expires {expires}")
        # A URL signed six days ago for seven days is still good.
        old = presign_v4(self.server.port, "GET", f"/{self.bucket}/secret.txt",
                         self.server.access_key, self.server.secret_key, expires=WEEK,
                         when=utcnow() - datetime.timedelta(days=6))
        resp = send(self.server.port, "GET", old)
        self.assertEqual((resp.status, resp.body), (200, self.data), repr(resp))

    def test_expires_over_seven_days_refused(self):
        url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "secret.txt"}, ExpiresIn=WEEK + 1)
        resp = send(self.server.port, "GET", self.target(url))
        self.assertRefused(resp, 400, "AuthorizationQueryParametersError", "604801",
                           "X-Amz-Expires must be less than a week")
        put = self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": "too-long-lived"},
            ExpiresIn=WEEK + 1)
        status, _, body = curl("PUT", put, b"never stored")
        self.assertEqual(status, 400, body)
        self.assertIn(b"AuthorizationQueryParametersError", body)
        self.assertAbsent("too-long-lived")

    def test_expired_url(self):
        url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "secret.txt"}, ExpiresIn=1)
        time.sleep(2.2)
        resp = send(self.server.port, "GET", self.target(url))
        self.assertRefused(resp, 403, "AccessDenied", "expired boto3 URL", "Request has expired")
        status, _, body = curl("GET", url)
        self.assertEqual(status, 403)
        self.assertIn(b"Request has expired", body)
        self.assertNotIn(SECRET, body)
        # Signed 8 days ago for 7 days; signed an hour ago for 30 minutes.
        for when, expires in ((utcnow() - datetime.timedelta(days=8), WEEK),
                              (utcnow() - datetime.timedelta(hours=1), 1800)):
            for method in ("GET", "HEAD", "PUT", "DELETE"):
                target = presign_v4(self.server.port, method, f"/{self.bucket}/secret.txt",
                                    self.server.access_key, self.server.secret_key,
                                    expires=expires, when=when)
                resp = send(self.server.port, method, target,
                            body=b"overwrite" if method == "PUT" else b"")
                if method == "HEAD":
                    self.assertEqual(resp.status, 403, repr(resp))
                    self.assertEqual(resp.body, b"")
                else:
                    self.assertRefused(resp, 403, "AccessDenied", f"expired {method}",
                                       "Request has expired")
        self.assertEqual(self.body_of("secret.txt"), self.data)
        # SigV2: Expires in the past.
        target = presign_v2("GET", f"/{self.bucket}/secret.txt", self.server.access_key,
                            self.server.secret_key, expires_at=int(time.time()) - 5)
        resp = send(self.server.port, "GET", target)
        self.assertRefused(resp, 403, "AccessDenied", "expired SigV2", "Request has expired")

    # -- tampering --------------------------------------------------------------------------

    def test_every_tampered_parameter_is_refused(self):
        port = self.server.port
        path = f"/{self.bucket}/secret.txt"
        good = self.target(self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "secret.txt"}, ExpiresIn=3600))
        self.assertEqual(send(port, "GET", good).body, self.data)
        _, _, query = good.partition("?")
        date = get_param(good, "X-Amz-Date")
        credential = get_param(good, "X-Amz-Credential")
        signature = get_param(good, "X-Amz-Signature")
        flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
        reader_cred = credential.replace(self.server.access_key + "/", "presign-reader/", 1)
        later = date[:-3] + ("%02dZ" % ((int(date[-3:-1]) + 1) % 60))
        sdnm = "SignatureDoesNotMatch"
        aqpe = "AuthorizationQueryParametersError"
        cases = [
            ("key", f"/{self.bucket}/other.txt?{query}", "GET", {}, 403, sdnm),
            ("bucket", f"/{self.other}/secret.txt?{query}", "GET", {}, 403, sdnm),
            ("key case", f"/{self.bucket}/Secret.txt?{query}", "GET", {}, 403, sdnm),
            ("X-Amz-Expires", replace_param(good, "X-Amz-Expires", "3601"), "GET", {}, 403, sdnm),
            ("X-Amz-Expires longer", replace_param(good, "X-Amz-Expires", str(WEEK)), "GET", {},
             403, sdnm),
            ("X-Amz-Date", replace_param(good, "X-Amz-Date", later), "GET", {}, 403, sdnm),
            ("X-Amz-Credential access key", replace_param(good, "X-Amz-Credential", reader_cred),
             "GET", {}, 403, sdnm),
            ("X-Amz-Credential unknown key", replace_param(
                good, "X-Amz-Credential", credential.replace(self.server.access_key, "NOSUCHKEY",
                                                             1)), "GET", {}, 403,
             "InvalidAccessKeyId"),
            ("X-Amz-Credential region", replace_param(
                good, "X-Amz-Credential", credential.replace("/us-east-1/", "/eu-west-1/")),
             "GET", {}, 400, aqpe),
            ("X-Amz-SignedHeaders", replace_param(good, "X-Amz-SignedHeaders", "host;range"),
             "GET", {"Range": "bytes=0-3"}, 403, sdnm),
            ("X-Amz-Signature", replace_param(good, "X-Amz-Signature", flipped), "GET", {}, 403,
             sdnm),
            ("X-Amz-Signature upper case of another", replace_param(
                good, "X-Amz-Signature", flipped.upper()), "GET", {}, 403, sdnm),
            ("added response-content-type", good + "&response-content-type=text%2Fhtml", "GET",
             {}, 403, sdnm),
            ("added response-content-disposition",
             good + "&response-content-disposition=attachment", "GET", {}, 403, sdnm),
            ("added versionId", good + "&versionId=null", "GET", {}, 403, sdnm),
            ("added x-id", good + "&x-id=GetObject", "GET", {}, 403, sdnm),
            ("added X-Amz-Security-Token", good + "&X-Amz-Security-Token=abc", "GET", {}, 403,
             sdnm),
            ("method GET->DELETE", good, "DELETE", {}, 403, sdnm),
            ("method GET->PUT", good, "PUT", {}, 403, sdnm),
            ("Host header", good, "GET", {"Host": "evil.example"}, 403, sdnm),
            ("X-Amz-Algorithm", replace_param(good, "X-Amz-Algorithm", "AWS4-HMAC-SHA1"), "GET",
             {}, 400, aqpe),
            ("no X-Amz-Signature", replace_param(good, "X-Amz-Signature", None), "GET", {}, 400,
             aqpe),
            ("no X-Amz-Date", replace_param(good, "X-Amz-Date", None), "GET", {}, 400, aqpe),
            ("X-Amz-Expires not a number", replace_param(good, "X-Amz-Expires", "soon"), "GET",
             {}, 400, aqpe),
        ]
        for label, target, method, headers, status, code in cases:
            with self.subTest(label):
                body = b"tampered write" if method == "PUT" else b""
                resp = send(port, method, target, headers=headers, body=body)
                self.assertRefused(resp, status, code, label)
        # Nothing was written or deleted by the tampered URLs.
        self.assertEqual(self.body_of("secret.txt"), self.data)
        self.assertEqual(self.body_of("secret.txt", self.other), self.data)
        print(f"\n{len(cases)} tampered SigV4 URLs refused")

    def test_tampered_put_writes_nothing(self):
        key = "put-tamper/" + uuid.uuid4().hex
        good = self.target(self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=600))
        _, _, query = good.partition("?")
        for label, target in (("key", f"/{self.bucket}/{key}-evil?{query}"),
                              ("bucket", f"/{self.other}/{key}?{query}"),
                              ("expires", replace_param(good, "X-Amz-Expires", "601"))):
            resp = send(self.server.port, "PUT", target, body=b"evil " + SECRET)
            self.assertRefused(resp, 403, "SignatureDoesNotMatch", label)
        self.assertAbsent(key)
        self.assertAbsent(key + "-evil")
        self.assertAbsent(key, self.other)
        status, _, _ = curl("PUT", self.url(good), b"the real upload")
        self.assertEqual(status, 200)
        self.assertEqual(self.body_of(key), b"the real upload")

    def test_tampered_sigv2(self):
        port = self.server.port
        expires_at = int(time.time()) + 600
        good = presign_v2("GET", f"/{self.bucket}/secret.txt", self.server.access_key,
                          self.server.secret_key, expires_at=expires_at)
        self.assertEqual(send(port, "GET", good).body, self.data)
        _, _, query = good.partition("?")
        sig = get_param(good, "Signature")
        flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
        cases = [
            ("key", f"/{self.bucket}/other.txt?{query}", "GET", 403, "SignatureDoesNotMatch"),
            ("bucket", f"/{self.other}/secret.txt?{query}", "GET", 403, "SignatureDoesNotMatch"),
            ("Expires", replace_param(good, "Expires", str(expires_at + 1)), "GET", 403,
             "SignatureDoesNotMatch"),
            ("Signature", replace_param(good, "Signature", flipped), "GET", 403,
             "SignatureDoesNotMatch"),
            ("AWSAccessKeyId other user", replace_param(good, "AWSAccessKeyId", "presign-reader"),
             "GET", 403, "SignatureDoesNotMatch"),
            ("AWSAccessKeyId unknown", replace_param(good, "AWSAccessKeyId", "NOSUCHKEY"), "GET",
             403, "InvalidAccessKeyId"),
            ("added response-content-type", good + "&response-content-type=text%2Fhtml", "GET",
             403, "SignatureDoesNotMatch"),
            ("method", good, "DELETE", 403, "SignatureDoesNotMatch"),
        ]
        for label, target, method, status, code in cases:
            with self.subTest(label):
                self.assertRefused(send(port, method, target), status, code, f"SigV2 {label}")
        self.assertEqual(self.body_of("secret.txt"), self.data)

    def test_presigned_by_a_user_is_bounded_by_their_policy(self):
        # A valid URL signed by a readonly user reads but cannot write.
        get = presign_v4(self.server.port, "GET", f"/{self.bucket}/secret.txt", "presign-reader",
                         "presign-reader-secret")
        self.assertEqual(send(self.server.port, "GET", get).body, self.data)
        put = presign_v4(self.server.port, "PUT", f"/{self.bucket}/by-reader", "presign-reader",
                         "presign-reader-secret")
        self.assertRefused(send(self.server.port, "PUT", put, body=b"x"), 403, "AccessDenied",
                           "readonly presigned PUT")
        self.assertAbsent("by-reader")


if __name__ == "__main__":
    unittest.main()
