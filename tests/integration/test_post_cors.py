"""Browser-form uploads (POST Object) and CORS (issue 4), against the real binary.

POST forms are made by boto3's generate_presigned_post (SigV4) and by hand (SigV2, anonymous);
every policy condition kind is exercised, and each violation must store nothing. CORS: the
bucket configuration API, preflights allowed and refused, Access-Control-* headers on actual
answers (errors included), and the allow-all default of a bucket without rules.
"""

import base64
import datetime
import hashlib
import hmac
import json
import unittest
import urllib.parse
import uuid

from harness import CairnTestCase, md5_hex, raw_request

DOMAIN = "cairn.test"


def multipart(fields, data, filename="photo.jpg", file_type="image/jpeg", after=()):
    """A multipart/form-data body: `fields` (name, value) pairs, the file, then `after` fields."""
    boundary = "----cairn" + uuid.uuid4().hex
    out = b""
    for name, value in fields:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                .encode() + value.encode() + b"\r\n")
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"{filename}\"\r\nContent-Type: {file_type}\r\n\r\n").encode()
    out += data + b"\r\n"
    for name, value in after:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                .encode() + value.encode() + b"\r\n")
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def v2_fields(access_key, secret_key, policy):
    encoded = base64.b64encode(json.dumps(policy).encode()).decode()
    signature = base64.b64encode(
        hmac.new(secret_key.encode(), encoded.encode(), hashlib.sha1).digest()).decode()
    return [("AWSAccessKeyId", access_key), ("policy", encoded), ("signature", signature)]


def expiration(seconds):
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)
    return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")


class PostObjectTest(CairnTestCase):
    SERVER_ENV = {"MINIO_DOMAIN": DOMAIN}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "post-" + uuid.uuid4().hex[:10]
        cls.s3.create_bucket(Bucket=cls.bucket)

    def post(self, fields, data, bucket=None, host=None, **kwargs):
        body, content_type = multipart(list(fields), data, **kwargs)
        path = "/" if host else f"/{bucket or self.bucket}"
        return raw_request(self.server.port, "POST", path, sign=False, body=body,
                           headers={"Content-Type": content_type}, host=host)

    def presigned(self, key, fields=None, conditions=None, expires=300, bucket=None):
        return self.s3.generate_presigned_post(
            Bucket=bucket or self.bucket, Key=key, Fields=fields or {},
            Conditions=conditions or [], ExpiresIn=expires)["fields"]

    def assertAbsent(self, key, bucket=None):
        with self.assertRaises(Exception) as ctx:
            self.s3.head_object(Bucket=bucket or self.bucket, Key=key)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "404")

    def test_sigv4_form_with_metadata_and_201(self):
        key = "forms/" + uuid.uuid4().hex
        data = b"\x89PNG not really\r\n--boundary-like\r\n" * 1000
        fields = {"Content-Type": "image/png", "x-amz-meta-color": "blue",
                  "Cache-Control": "max-age=60", "success_action_status": "201"}
        conditions = [{"Content-Type": "image/png"}, {"x-amz-meta-color": "blue"},
                      ["starts-with", "$Cache-Control", "max-age"],
                      {"success_action_status": "201"}, ["content-length-range", 1, 1 << 20]]
        resp = self.post(self.presigned(key, fields, conditions).items(), data)
        self.assertEqual(resp.status, 201, repr(resp))
        root = resp.xml()
        ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
        self.assertEqual(root.tag, ns + "PostResponse")
        self.assertEqual(root.find(ns + "Bucket").text, self.bucket)
        self.assertEqual(root.find(ns + "Key").text, key)
        self.assertEqual(root.find(ns + "ETag").text, f'"{md5_hex(data)}"')
        self.assertTrue(root.find(ns + "Location").text.endswith(f"/{self.bucket}/{key}"))
        self.assertEqual(resp.header("ETag"), f'"{md5_hex(data)}"')
        got = self.s3.get_object(Bucket=self.bucket, Key=key)
        self.assertEqual(got["Body"].read(), data)
        self.assertEqual(got["ContentType"], "image/png")
        self.assertEqual(got["Metadata"], {"color": "blue"})
        self.assertEqual(got["CacheControl"], "max-age=60")

    def test_tagging_field(self):
        key = "tagged/" + uuid.uuid4().hex
        tagging = ("<Tagging><TagSet><Tag><Key>team</Key><Value>x</Value></Tag>"
                   "<Tag><Key>class</Key><Value>a &amp; b</Value></Tag></TagSet></Tagging>")
        fields = self.presigned(key, {"tagging": tagging}, [{"tagging": tagging}])
        resp = self.post(fields.items(), b"tagged body")
        self.assertEqual(resp.status, 204, repr(resp))
        tags = self.s3.get_object_tagging(Bucket=self.bucket, Key=key)["TagSet"]
        self.assertEqual(tags, [{"Key": "team", "Value": "x"}, {"Key": "class", "Value": "a & b"}])
        self.assertEqual(self.s3.head_object(Bucket=self.bucket, Key=key)["TagCount"], 2)

        def refused(value, code, status=400):
            bad_key = "tagged/bad-" + uuid.uuid4().hex
            f = self.presigned(bad_key, {"tagging": value}, [{"tagging": value}])
            resp = self.post(f.items(), b"x")
            self.assertRawError(resp, status, code)
            self.assertAbsent(bad_key)

        refused("team=x", "MalformedXML")  # PUT's header form is not the field's
        refused("<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>", "MalformedXML")
        refused("<Tagging><TagSet><Tag><Key>aws:k</Key><Value>v</Value></Tag></TagSet>"
                "</Tagging>", "InvalidTag")
        refused("<Tagging><TagSet>" + "".join(
            f"<Tag><Key>k{i}</Key><Value>v</Value></Tag>" for i in range(11)) +
            "</TagSet></Tagging>", "BadRequest")
        # x-amz-tagging is a header's name; a form using it would lose its tags silently.
        bad_key = "tagged/hdr-" + uuid.uuid4().hex
        f = self.presigned(bad_key, {"x-amz-tagging": "a=b"}, [{"x-amz-tagging": "a=b"}])
        self.assertRawError(self.post(f.items(), b"x"), 501, "NotImplemented")
        self.assertAbsent(bad_key)

    def test_filename_substitution_and_default_204(self):
        prefix = "uploads/" + uuid.uuid4().hex + "/"
        fields = self.presigned(prefix + "${filename}")
        resp = self.post(fields.items(), b"hello", filename="my photo.jpg")
        self.assertEqual(resp.status, 204, repr(resp))
        self.assertEqual(resp.body, b"")
        obj = self.s3.get_object(Bucket=self.bucket, Key=prefix + "my photo.jpg")
        self.assertEqual(obj["Body"].read(), b"hello")

    def test_success_action_status_200_and_redirect(self):
        key = "status/" + uuid.uuid4().hex
        fields = self.presigned(key, {"success_action_status": "200"},
                                [{"success_action_status": "200"}])
        resp = self.post(fields.items(), b"two hundred")
        self.assertEqual(resp.status, 200, repr(resp))
        self.assertEqual(resp.body, b"")

        for name in ("success_action_redirect", "redirect"):
            key = "redirect/" + uuid.uuid4().hex
            target = "http://app.example/done?x=1"
            fields = self.presigned(key, {name: target}, [{name: target}])
            resp = self.post(fields.items(), b"redirected")
            self.assertEqual(resp.status, 303, repr(resp))
            location = urllib.parse.urlsplit(resp.header("Location"))
            self.assertEqual(location.netloc, "app.example")
            query = urllib.parse.parse_qs(location.query)
            self.assertEqual(query["x"], ["1"])
            self.assertEqual(query["bucket"], [self.bucket])
            self.assertEqual(query["key"], [key])
            self.assertEqual(query["etag"], [f'"{md5_hex(b"redirected")}"'])
            self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(),
                             b"redirected")

    def test_sigv2_form(self):
        key = "v2/" + uuid.uuid4().hex
        policy = {"expiration": expiration(300),
                  "conditions": [{"bucket": self.bucket}, ["starts-with", "$key", "v2/"],
                                 ["eq", "$Content-Type", "text/plain"],
                                 ["content-length-range", 0, 100]]}
        fields = [("key", key), ("Content-Type", "text/plain")]
        fields += v2_fields(self.server.access_key, self.server.secret_key, policy)
        resp = self.post(fields, b"signed with v2")
        self.assertEqual(resp.status, 204, repr(resp))
        got = self.s3.get_object(Bucket=self.bucket, Key=key)
        self.assertEqual(got["Body"].read(), b"signed with v2")
        self.assertEqual(got["ContentType"], "text/plain")
        # A wrong V2 signature or an unknown key stores nothing.
        bad = [(n, "AAAA" + v[4:]) if n == "signature" else (n, v) for n, v in fields]
        self.assertRawError(self.post(bad, b"x"), 403, "SignatureDoesNotMatch")
        other = [(n, "NOSUCHKEY") if n == "AWSAccessKeyId" else (n, v) for n, v in fields]
        self.assertRawError(self.post(other, b"x"), 403, "InvalidAccessKeyId")

    def test_virtual_host_style(self):
        key = "vhost/" + uuid.uuid4().hex
        fields = self.presigned(key)
        resp = self.post(fields.items(), b"virtual", host=f"{self.bucket}.{DOMAIN}:{self.server.port}")
        self.assertEqual(resp.status, 204, repr(resp))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(), b"virtual")

    def test_fields_after_the_file_are_ignored(self):
        key = "after/" + uuid.uuid4().hex
        fields = self.presigned(key)
        body, content_type = multipart(list(fields.items()), b"data",
                                       after=[("x-amz-meta-late", "1"), ("key", "other")])
        resp = raw_request(self.server.port, "POST", f"/{self.bucket}", sign=False, body=body,
                           headers={"Content-Type": content_type})
        self.assertEqual(resp.status, 204, repr(resp))
        self.assertEqual(self.s3.head_object(Bucket=self.bucket, Key=key)["Metadata"], {})

    def test_large_file_streams(self):
        key = "large/" + uuid.uuid4().hex
        data = (bytes(range(256)) * 4096 * 3)[: 3 * 1024 * 1024 + 7]
        fields = self.presigned(key, conditions=[["content-length-range", len(data), len(data)]])
        resp = self.post(fields.items(), data)
        self.assertEqual(resp.status, 204, repr(resp))
        head = self.s3.head_object(Bucket=self.bucket, Key=key)
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ETag"], f'"{md5_hex(data)}"')

    def test_every_violation_stores_nothing(self):
        count = 0

        def refused(fields, data, status, code, message=None, key=None, **kwargs):
            nonlocal count
            resp = self.post(fields, data, **kwargs)
            self.assertRawError(resp, status, code)
            if message:
                self.assertIn(message, resp.body.decode(), repr(resp))
            if key:
                self.assertAbsent(key)
            count += 1

        def form(key, fields=None, conditions=None, expires=300):
            return list(self.presigned(key, fields, conditions, expires).items())

        key = "bad/" + uuid.uuid4().hex
        # eq: a field that differs from the policy's value
        f = form(key, {"Content-Type": "image/png"}, [{"Content-Type": "image/png"}])
        f = [(n, "text/html") if n == "Content-Type" else (n, v) for n, v in f]
        refused(f, b"x", 403, "AccessDenied", "Policy Condition failed", key)
        # starts-with: the key outside the allowed prefix (a tampered key field)
        f = form("safe/${filename}")
        f = [(n, "unsafe/x") if n == "key" else (n, v) for n, v in f]
        refused(f, b"x", 403, "AccessDenied", "Policy Condition failed", "unsafe/x")
        # starts-with on a metadata field
        f = form(key, {"x-amz-meta-tag": "ok-1"}, [["starts-with", "$x-amz-meta-tag", "ok-"]])
        f = [(n, "bad") if n == "x-amz-meta-tag" else (n, v) for n, v in f]
        refused(f, b"x", 403, "AccessDenied", None, key)
        # content-length-range, both ends
        f = form(key, conditions=[["content-length-range", 10, 20]])
        refused(f, b"x" * 21, 400, "EntityTooLarge", None, key)
        refused(f, b"x" * 9, 400, "EntityTooSmall", None, key)
        big = form(key, conditions=[["content-length-range", 0, 100000]])
        refused(big, b"y" * 300000, 400, "EntityTooLarge", None, key)
        # a field the policy does not name
        f = form(key) + [("x-amz-meta-extra", "1")]
        refused(f, b"x", 403, "AccessDenied", "Extra input fields", key)
        # the form posted to another bucket than its policy names
        other = "post-other-" + uuid.uuid4().hex[:8]
        self.s3.create_bucket(Bucket=other)
        refused(form(key), b"x", 403, "AccessDenied", None, None, bucket=other)
        self.assertAbsent(key, bucket=other)
        # a tampered policy document, a wrong signature, an unknown access key
        f = form(key)
        policy = json.loads(base64.b64decode(dict(f)["policy"]))
        policy["conditions"].append(["starts-with", "$x-amz-meta-any", ""])
        tampered = base64.b64encode(json.dumps(policy).encode()).decode()
        refused([(n, tampered) if n == "policy" else (n, v) for n, v in f], b"x", 403,
                "SignatureDoesNotMatch", None, key)
        refused([(n, "0" * 64) if n == "x-amz-signature" else (n, v) for n, v in f], b"x", 403,
                "SignatureDoesNotMatch", None, key)
        wrong = self.server.client(secret_key="not-the-secret").generate_presigned_post(
            Bucket=self.bucket, Key=key)["fields"]
        refused(wrong.items(), b"x", 403, "SignatureDoesNotMatch", None, key)
        unknown = self.server.client(access_key="NOSUCHUSER").generate_presigned_post(
            Bucket=self.bucket, Key=key)["fields"]
        refused(unknown.items(), b"x", 403, "InvalidAccessKeyId", None, key)
        # an expired policy (replayed past its expiration)
        refused(form(key, expires=-5), b"x", 403, "AccessDenied",
                "Invalid according to Policy: Policy expired.", key)
        # a policy without a signature, no key field, no file, not a form at all
        f = [(n, v) for n, v in form(key) if n != "x-amz-signature"]
        refused(f, b"x", 400, "InvalidArgument", None, key)
        f = [(n, v) for n, v in form(key) if n != "key"]
        refused(f, b"x", 400, "InvalidArgument", None, key)
        body = b"--b\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\n" + key.encode() + b"\r\n--b--\r\n"
        resp = raw_request(self.server.port, "POST", f"/{self.bucket}", sign=False, body=body,
                           headers={"Content-Type": "multipart/form-data; boundary=b"})
        self.assertRawError(resp, 400, "InvalidArgument")
        resp = raw_request(self.server.port, "POST", f"/{self.bucket}", sign=False, body=b"k=v",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertRawError(resp, 400, "MalformedPOSTRequest")
        # anonymous: no policy and no bucket policy allowing it
        refused([("key", key)], b"x", 403, "AccessDenied", None, key)
        print(f"\n{count} refused POST forms stored nothing")

    def test_anonymous_post_under_bucket_policy(self):
        bucket = "post-anon-" + uuid.uuid4().hex[:8]
        self.s3.create_bucket(Bucket=bucket)
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                           "Resource": f"arn:aws:s3:::{bucket}/public/*"}]}))
        resp = self.post([("key", "public/${filename}")], b"anon", bucket=bucket, filename="a.txt")
        self.assertEqual(resp.status, 204, repr(resp))
        self.assertEqual(self.s3.get_object(Bucket=bucket, Key="public/a.txt")["Body"].read(),
                         b"anon")
        resp = self.post([("key", "private/a.txt")], b"anon", bucket=bucket)
        self.assertRawError(resp, 403, "AccessDenied")
        self.assertAbsent("private/a.txt", bucket=bucket)


class CorsTest(CairnTestCase):
    ORIGIN = "http://app.example:8080"

    def rules(self):
        return {"CORSRules": [
            {"ID": "app", "AllowedOrigins": [self.ORIGIN], "AllowedMethods": ["GET", "PUT", "HEAD"],
             "AllowedHeaders": ["content-type", "x-amz-*", "authorization"],
             "ExposeHeaders": ["ETag", "x-amz-request-id"], "MaxAgeSeconds": 600},
            {"AllowedOrigins": ["http://*.public.example"], "AllowedMethods": ["GET"]},
        ]}

    def preflight(self, path, origin, method, headers=None):
        hdrs = {"Origin": origin, "Access-Control-Request-Method": method}
        if headers:
            hdrs["Access-Control-Request-Headers"] = headers
        return self.server.anonymous("OPTIONS", path, headers=hdrs)

    def test_put_get_delete_cors(self):
        bucket = self.make_bucket("cors")
        err = self.client_error(self.s3.get_bucket_cors, Bucket=bucket)
        self.assertS3Error(err, "NoSuchCORSConfiguration", 404)
        self.s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=self.rules())
        got = self.s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
        self.assertEqual(got, self.rules()["CORSRules"])
        self.s3.delete_bucket_cors(Bucket=bucket)
        err = self.client_error(self.s3.get_bucket_cors, Bucket=bucket)
        self.assertS3Error(err, "NoSuchCORSConfiguration", 404)
        # A deleted bucket takes its configuration with it.
        self.s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=self.rules())
        self.s3.delete_bucket(Bucket=bucket)
        self.s3.create_bucket(Bucket=bucket)
        err = self.client_error(self.s3.get_bucket_cors, Bucket=bucket)
        self.assertS3Error(err, "NoSuchCORSConfiguration", 404)
        err = self.client_error(self.s3.get_bucket_cors, Bucket="no-such-bucket-cors")
        self.assertS3Error(err, "NoSuchBucket", 404)

    def test_invalid_configurations(self):
        bucket = self.make_bucket("cors")
        for rule, code in [
            ({"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}, "InvalidRequest"),
            ({"AllowedOrigins": ["http://*.*.example"], "AllowedMethods": ["GET"]}, "InvalidRequest"),
            ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ExposeHeaders": ["*"]},
             "InvalidRequest"),
        ]:
            err = self.client_error(self.s3.put_bucket_cors, Bucket=bucket,
                                    CORSConfiguration={"CORSRules": [rule]})
            self.assertS3Error(err, code, 400)
        resp = self.server.request("PUT", f"/{bucket}", query={"cors": ""}, body=b"<nope")
        self.assertRawError(resp, 400, "MalformedXML")
        xml = b"<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>"
        resp = self.server.request("PUT", f"/{bucket}", query={"cors": ""}, body=xml,
                                   headers={"Content-MD5": base64.b64encode(b"0" * 16).decode()})
        self.assertRawError(resp, 400, "BadDigest")
        resp = self.server.request("PUT", f"/{bucket}", query={"cors": ""}, body=xml)
        self.assertEqual(resp.status, 200, repr(resp))
        # Only the owner may change it.
        self.assertRawError(self.server.anonymous("PUT", f"/{bucket}?cors", body=xml), 403,
                            "AccessDenied")
        self.assertRawError(self.server.anonymous("GET", f"/{bucket}?cors"), 403, "AccessDenied")

    def test_preflight_from_rules(self):
        bucket = self.make_bucket("cors")
        self.s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=self.rules())
        resp = self.preflight(f"/{bucket}/some/key", self.ORIGIN, "PUT",
                              "Content-Type, X-Amz-Date, Authorization")
        self.assertEqual(resp.status, 200, repr(resp))
        self.assertEqual(resp.header("Access-Control-Allow-Origin"), self.ORIGIN)
        self.assertEqual(resp.header("Access-Control-Allow-Methods"), "GET, PUT, HEAD")
        self.assertEqual(resp.header("Access-Control-Allow-Headers"),
                         "content-type, x-amz-date, authorization")
        self.assertEqual(resp.header("Access-Control-Max-Age"), "600")
        self.assertEqual(resp.header("Access-Control-Expose-Headers"), "ETag, x-amz-request-id")
        self.assertIn("Origin", resp.header("Vary"))
        wildcard = self.preflight(f"/{bucket}/k", "http://cdn.public.example", "GET")
        self.assertEqual(wildcard.status, 200, repr(wildcard))
        for origin, method, headers in [
            ("http://evil.example", "PUT", None),           # origin not listed
            (self.ORIGIN, "DELETE", None),                  # method not allowed
            (self.ORIGIN, "PUT", "x-custom-header"),        # header not allowed
            ("http://cdn.public.example", "PUT", None),     # wildcard rule is GET only
        ]:
            resp = self.preflight(f"/{bucket}/k", origin, method, headers)
            self.assertRawError(resp, 403, "AccessForbidden")
            self.assertIn("CORSResponse: This CORS request is not allowed.", resp.body.decode())
            self.assertIsNone(resp.header("Access-Control-Allow-Origin"))
        resp = self.server.anonymous("OPTIONS", f"/{bucket}/k")
        self.assertEqual(resp.status, 400, repr(resp))

    def test_headers_on_actual_responses_and_errors(self):
        bucket = self.make_bucket("cors")
        self.s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=self.rules())
        origin = {"Origin": self.ORIGIN}
        put = self.server.request("PUT", f"/{bucket}/obj", body=b"abc", headers=origin)
        self.assertEqual(put.status, 200, repr(put))
        self.assertEqual(put.header("Access-Control-Allow-Origin"), self.ORIGIN)
        self.assertEqual(put.header("Access-Control-Expose-Headers"), "ETag, x-amz-request-id")
        get = self.server.request("GET", f"/{bucket}/obj", headers=origin)
        self.assertEqual(get.body, b"abc")
        self.assertEqual(get.header("Access-Control-Allow-Origin"), self.ORIGIN)
        missing = self.server.request("GET", f"/{bucket}/missing", headers=origin)
        self.assertRawError(missing, 404, "NoSuchKey")
        self.assertEqual(missing.header("Access-Control-Allow-Origin"), self.ORIGIN)
        denied = self.server.anonymous("GET", f"/{bucket}/obj", headers=origin)
        self.assertRawError(denied, 403, "AccessDenied")
        self.assertEqual(denied.header("Access-Control-Allow-Origin"), self.ORIGIN)
        # An origin or method no rule allows gets no Access-Control-Allow-Origin.
        other = self.server.request("GET", f"/{bucket}/obj", headers={"Origin": "http://evil.example"})
        self.assertEqual(other.status, 200)
        self.assertIsNone(other.header("Access-Control-Allow-Origin"))
        delete = self.server.request("DELETE", f"/{bucket}/obj", headers=origin)
        self.assertEqual(delete.status, 204)
        self.assertIsNone(delete.header("Access-Control-Allow-Origin"))
        # Without Origin, no CORS headers at all.
        plain = self.server.request("GET", f"/{bucket}?list-type=2")
        self.assertIsNone(plain.header("Access-Control-Allow-Origin"))

    def test_default_allows_any_origin(self):
        bucket = self.make_bucket("cors")
        origin = "http://localhost:5173"
        resp = self.preflight(f"/{bucket}/k", origin, "PUT", "content-type,x-amz-date")
        self.assertEqual(resp.status, 200, repr(resp))
        self.assertEqual(resp.header("Access-Control-Allow-Origin"), origin)
        self.assertEqual(resp.header("Access-Control-Allow-Headers"), "content-type, x-amz-date")
        self.assertIn("PUT", resp.header("Access-Control-Allow-Methods"))
        service = self.preflight("/", origin, "GET")
        self.assertEqual(service.status, 200, repr(service))
        self.assertEqual(service.header("Access-Control-Allow-Origin"), origin)
        put = self.server.request("PUT", f"/{bucket}/k", body=b"x", headers={"Origin": origin})
        self.assertEqual(put.header("Access-Control-Allow-Origin"), origin)
        exposed = put.header("Access-Control-Expose-Headers")
        for name in ("ETag", "x-amz-request-id", "x-amz-version-id", "Content-Range",
                     "x-amz-checksum-crc32"):
            self.assertIn(name, exposed)
        err = self.server.request("GET", "/no-such-bucket-here/k", headers={"Origin": origin})
        self.assertRawError(err, 404, "NoSuchBucket")
        self.assertEqual(err.header("Access-Control-Allow-Origin"), origin)


if __name__ == "__main__":
    unittest.main()
