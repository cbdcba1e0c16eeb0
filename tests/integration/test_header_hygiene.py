"""Header hygiene (issue 10): no byte below 0x20 (but TAB) nor 0x7f reaches a response head.

Response splitting through response-* overrides (anonymous and signed), stored metadata, POST
form fields and redirects, CORS-reflected request headers; then a byte sweep that sends every
byte 0x00-0xff in each value the server reflects over a raw socket and reads the raw response
head; then bucket names from virtual hosts and paths, which never address another bucket.
"""

import datetime
import hashlib
import hmac
import json
import re
import socket
import time
import urllib.parse
import uuid

from harness import REGION, CairnTestCase, quote_key, raw_request
from test_post_cors import multipart

INJECT = b"Injected: yes"
UNRESERVED = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
HEAD_LINE = re.compile(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]+: [\t\x20-\x7e\x80-\xff]*$")
OVERRIDES = ("response-content-type", "response-content-language", "response-expires",
             "response-cache-control", "response-content-disposition",
             "response-content-encoding")


def pct(data: bytes) -> str:
    """RFC 3986 encoding of raw bytes (upper-case hex), as SigV4 canonicalizes a query value."""
    return "".join(chr(c) if c in UNRESERVED else f"%{c:02X}" for c in data)


def exchange(port: int, request: bytes, timeout: float = 10.0):
    """Sends raw bytes, returns (status, head lines as bytes, body). Reads the exact head."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip() or b"0")
        is_head = request.startswith(b"HEAD ")
        while not is_head and len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    status = int(lines[0].split(b" ")[1]) if lines and lines[0].startswith(b"HTTP/1.1 ") else 0
    return status, lines, body


def build(method: str, target: str, host: bytes, headers=(), body: bytes = b"") -> bytes:
    out = f"{method} {target} HTTP/1.1\r\n".encode() + b"Host: " + host + b"\r\n"
    for name, value in headers:
        out += name.encode() + b": " + value + b"\r\n"
    if body or method in ("PUT", "POST"):
        out += f"Content-Length: {len(body)}\r\n".encode()
    return out + b"Connection: close\r\n\r\n" + body


def presign_v4(port, access_key, secret_key, method, path, params, host=None):
    """A SigV4 presigned target for `params` [(name, already-encoded value)], by hand, so a
    value may hold any percent-encoded byte (botocore re-encodes values as UTF-8 text)."""
    host = host or f"127.0.0.1:{port}"
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    scope = f"{day}/{REGION}/s3/aws4_request"
    query = list(params) + [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
                            ("X-Amz-Credential", pct(f"{access_key}/{scope}".encode())),
                            ("X-Amz-Date", amz_date), ("X-Amz-Expires", "600"),
                            ("X-Amz-SignedHeaders", "host")]
    canonical_query = "&".join(f"{k}={v}" for k, v in sorted(query))
    canonical = "\n".join([method, path, canonical_query, f"host:{host}", "", "host",
                           "UNSIGNED-PAYLOAD"])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret_key).encode()
    for part in (day, REGION, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return path + "?" + canonical_query + "&X-Amz-Signature=" + signature


def form_bytes(fields, data: bytes):
    """multipart/form-data from raw (name, value) bytes, then the file part."""
    boundary = b"----cairnsweep" + uuid.uuid4().hex.encode()
    out = b""
    for name, value in fields:
        out += (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + name +
                b'"\r\n\r\n' + value + b"\r\n")
    out += (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; '
            b'filename="f"\r\nContent-Type: application/octet-stream\r\n\r\n' + data +
            b"\r\n--" + boundary + b"--\r\n")
    return out, b"multipart/form-data; boundary=" + boundary


def public_policy(bucket, put_prefix=None):
    statements = [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::{bucket}/*"}]
    if put_prefix is not None:
        statements.append({"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
                           "Resource": f"arn:aws:s3:::{bucket}/{put_prefix}*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


class HygieneBase(CairnTestCase):
    def assertCleanHead(self, status, lines, body, label, method="GET"):
        self.assertTrue(lines[0].startswith(b"HTTP/1.1 "), f"{label}: {lines[0]!r}")
        for line in lines[1:]:
            self.assertRegex(line, HEAD_LINE, f"{label}: head line {line!r}")
            name = line.split(b":", 1)[0].lower()
            self.assertNotIn(name, (b"injected", b"set-cookie"), f"{label}: {line!r}")
        if status >= 400:
            # A proper S3 error, or the HTTP parser's bare 400 for a head it cannot read.
            if method != "HEAD":
                self.assertTrue(b"<Code>" in body or (status == 400 and not body),
                                f"{label}: {status} {body[:200]!r}")
        else:
            self.assertIn(status, (200, 201, 204, 206, 303, 304), f"{label}: {status}")


    def assertHeadRefused(self, resp):
        """A request head carrying a control byte: the HTTP parser refuses it (a bare 400), or,
        past a more lenient parser, the S3 layer does (400 InvalidArgument); never stored."""
        self.assertEqual(resp.status, 400, repr(resp))
        if resp.body:
            self.assertEqual(resp.error_code(), "InvalidArgument", repr(resp))


class HeaderHygieneTest(HygieneBase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "pub-" + uuid.uuid4().hex[:10]
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.s3.put_bucket_policy(Bucket=cls.bucket, Policy=public_policy(cls.bucket, "drop/"))
        cls.s3.put_object(Bucket=cls.bucket, Key="x.txt", Body=b"public text")
        cls.host = f"127.0.0.1:{cls.server.port}".encode()

    def get(self, target, headers=(), method="GET"):
        return exchange(self.server.port, build(method, target, self.host, headers))

    def presigned(self, params, key="x.txt", method="GET"):
        return presign_v4(self.server.port, self.server.access_key, self.server.secret_key, method,
                          f"/{self.bucket}/{key}", params)

    def header(self, lines, name):
        for line in lines[1:]:
            n, _, v = line.partition(b":")
            if n.lower() == name:
                return v.strip()
        return None

    # -- response-* overrides -----------------------------------------------------------------

    def test_anonymous_overrides_are_refused(self):
        status, lines, body = self.get(f"/{self.bucket}/x.txt")
        self.assertEqual(status, 200)
        self.assertEqual(body, b"public text")
        for query in ("response-content-type=text/plain%0d%0aSet-Cookie:%20evil=1",
                      "response-content-type=text/plain",
                      "response-content-disposition=attachment",
                      "response-cache-control=no-cache"):
            for method in ("GET", "HEAD"):
                status, lines, body = self.get(f"/{self.bucket}/x.txt?{query}", method=method)
                self.assertEqual(status, 400, f"{method} {query}")
                self.assertCleanHead(status, lines, body, query, method)
                if method == "GET":
                    self.assertIn(b"<Code>InvalidRequest</Code>", body)
                    self.assertIn(b"Request specific response headers cannot be used for "
                                  b"anonymous GET requests.", body)
                    self.assertNotIn(b"public text", body)

    def test_signed_overrides_with_control_bytes_are_refused(self):
        for name in OVERRIDES:
            for bad in ("%0D%0ASet-Cookie%3A%20evil%3D1", "%00", "%01", "%7F", "%0A", "%0D"):
                with self.subTest(param=name, value=bad):
                    status, lines, body = self.get(self.presigned([(name, "v" + bad)]))
                    self.assertEqual(status, 400, body)
                    self.assertIn(b"<Code>InvalidArgument</Code>", body)
                    self.assertCleanHead(status, lines, body, name)
                    # Header-signed (not presigned) requests are refused the same way.
                    r = self.server.request("GET", f"/{self.bucket}/x.txt",
                                            query={name: "v" + urllib.parse.unquote(bad)})
                    self.assertRawError(r, 400, "InvalidArgument")
        # boto3's own presigned URL carrying the injection.
        url = self.s3.generate_presigned_url("get_object", Params={
            "Bucket": self.bucket, "Key": "x.txt",
            "ResponseContentType": "text/plain\r\nSet-Cookie: evil=1"})
        target = url.split(f"127.0.0.1:{self.server.port}", 1)[1]
        status, lines, body = self.get(target)
        self.assertEqual(status, 400)
        self.assertCleanHead(status, lines, body, "boto3 presigned")
        # Clean overrides still work for signed callers.
        status, lines, body = self.get(self.presigned([
            ("response-content-type", "text%2Fcsv"),
            ("response-content-disposition", "attachment%3B%20filename%3D%22a.csv%22")]))
        self.assertEqual(status, 200)
        self.assertEqual(self.header(lines, b"content-type"), b"text/csv")
        self.assertEqual(self.header(lines, b"content-disposition"), b'attachment; filename="a.csv"')

    # -- stored metadata ----------------------------------------------------------------------

    def test_metadata_with_control_bytes_is_refused_and_not_stored(self):
        key = "meta/" + uuid.uuid4().hex
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"original")
        for header in ("x-amz-meta-note", "Content-Type", "Cache-Control", "Content-Disposition",
                       "Content-Language", "Expires", "Content-Encoding"):
            for bad in ("a\x01b", "a\x7fb", "a\x1bb"):
                with self.subTest(header=header, value=bad):
                    r = self.server.request("PUT", f"/{self.bucket}/{key}",
                                            headers={header: bad}, body=b"replaced")
                    self.assertHeadRefused(r)
                    fresh = "meta/" + uuid.uuid4().hex
                    r = self.server.request("POST", f"/{self.bucket}/{fresh}",
                                            headers={header: bad}, query={"uploads": None})
                    self.assertHeadRefused(r)
                    r = self.server.request("PUT", f"/{self.bucket}/{fresh}", headers={
                        header: bad, "x-amz-copy-source": f"/{self.bucket}/{key}",
                        "x-amz-metadata-directive": "REPLACE"})
                    self.assertHeadRefused(r)
                    err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key=fresh)
                    self.assertEqual(err.response["Error"]["Code"], "404")
        # NUL and CR/LF cannot be sent through http.client: a raw head.
        for bad in (b"a\x00b", b"a\rb", b"a\nSet-Cookie: evil=1"):
            status, lines, body = exchange(self.server.port, build(
                "PUT", f"/{self.bucket}/{key}", self.host, [("x-amz-meta-note", bad)], b"x"))
            self.assertEqual(status, 400)
            self.assertCleanHead(status, lines, body, repr(bad))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(),
                         b"original")
        self.assertEqual(self.s3.list_multipart_uploads(Bucket=self.bucket).get("Uploads", []), [])

    def test_post_fields_with_crlf_are_refused_and_nothing_is_stored(self):
        evil = "v\r\nSet-Cookie: evil=1"
        fields = [("Content-Type", evil), ("Cache-Control", evil), ("Content-Disposition", evil),
                  ("x-amz-meta-note", evil), ("x-amz-meta-note", "v\x01"),
                  ("success_action_redirect", "http://app.example/\r\nSet-Cookie: evil=1"),
                  ("redirect", "http://app.example/\r\nSet-Cookie: evil=1"),
                  ("x-amz-meta-a\x01b", "v")]
        for name, value in fields:
            with self.subTest(field=name, value=value):
                key = "drop/post-" + uuid.uuid4().hex
                body, ctype = multipart([("key", key), (name, value)], b"form data")
                r = raw_request(self.server.port, "POST", f"/{self.bucket}", sign=False,
                                body=body, headers={"Content-Type": ctype})
                self.assertRawError(r, 400, "InvalidArgument")
                self.assertIsNone(r.header("Set-Cookie"))
                self.assertIsNone(r.header("Location"))
                err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key=key)
                self.assertEqual(err.response["Error"]["Code"], "404")

    # -- CORS ---------------------------------------------------------------------------------

    def test_cors_reflected_values_with_control_bytes_are_refused(self):
        for byte in (b"\x00", b"\x01", b"\x1f", b"\x7f"):
            status, lines, body = self.get(f"/{self.bucket}/x.txt",
                                           [("Origin", b"http://app.example" + byte + b"x")])
            self.assertEqual(status, 400, byte)
            self.assertCleanHead(status, lines, body, repr(byte))
            self.assertIsNone(self.header(lines, b"access-control-allow-origin"))
            status, lines, body = self.get(f"/{self.bucket}/x.txt", [
                ("Origin", b"http://app.example"), ("Access-Control-Request-Method", b"GET"),
                ("Access-Control-Request-Headers", b"x-amz-date" + byte + b"x")], "OPTIONS")
            self.assertEqual(status, 400, byte)
            self.assertCleanHead(status, lines, body, repr(byte), "OPTIONS")
            self.assertIsNone(self.header(lines, b"access-control-allow-headers"))
        status, lines, _ = self.get(f"/{self.bucket}/x.txt", [("Origin", b"http://app.example")])
        self.assertEqual(status, 200)
        self.assertEqual(self.header(lines, b"access-control-allow-origin"), b"http://app.example")

    # -- the byte sweep -----------------------------------------------------------------------

    def test_byte_sweep_never_splits_a_head(self):
        started = time.monotonic()
        sent = 0
        statuses = {}

        def check(request, label, method="GET"):
            nonlocal sent
            status, lines, body = exchange(self.server.port, request)
            sent += 1
            statuses[status] = statuses.get(status, 0) + 1
            self.assertCleanHead(status, lines, body, label, method)
            return status

        for b in range(256):
            byte = bytes([b])
            value = b"v" + byte + INJECT
            # Query values the server reflects: the response-* overrides (signed: anonymous
            # callers may not use them at all).
            for name in ("response-content-type", OVERRIDES[1 + b % 5]):
                check(build("GET", self.presigned([(name, pct(value))]), self.host),
                      f"{name} byte {b:#04x}")
            # Request header values the server reflects: Origin, the preflight's headers.
            check(build("GET", f"/{self.bucket}/x.txt", self.host, [("Origin", b"http://o" + value)]),
                  f"Origin byte {b:#04x}")
            check(build("OPTIONS", f"/{self.bucket}/x.txt", self.host, [
                ("Origin", b"http://o"), ("Access-Control-Request-Method", b"GET"),
                ("Access-Control-Request-Headers", b"x-a" + value)]), f"ACRH byte {b:#04x}",
                "OPTIONS")
            # Metadata given on PUT, read back on GET.
            key = f"drop/meta-{b:02x}"
            if check(build("PUT", f"/{self.bucket}/{key}", self.host, [
                    ("x-amz-meta-v", value), ("Content-Type", b"t/" + value),
                    ("Cache-Control", value)], b"m"), f"PUT metadata byte {b:#04x}") == 200:
                check(build("GET", f"/{self.bucket}/{key}", self.host), f"GET metadata {b:#04x}")
            # Keys (percent-encoded in the path).
            target = f"/{self.bucket}/" + quote_key("drop/") + pct(b"k" + value)
            check(build("PUT", target, self.host, body=b"k"), f"PUT key byte {b:#04x}")
            check(build("GET", target, self.host), f"GET key byte {b:#04x}")
            # POST form fields, the redirect, and the Host the Location is built from.
            for label, fields, host in (
                    ("fields", [(b"key", b"drop/post-%02x" % b), (b"Content-Type", b"t/" + value),
                                (b"x-amz-meta-v", value), (b"success_action_status", b"201")],
                     self.host),
                    ("redirect", [(b"key", b"drop/redirect-%02x" % b),
                                  (b"success_action_redirect", b"http://app.example/r" + value)],
                     self.host),
                    ("Host", [(b"key", b"drop/host-%02x" % b), (b"success_action_status", b"201")],
                     self.host + byte + INJECT)):
                form, ctype = form_bytes(fields, b"p")
                check(build("POST", f"/{self.bucket}", host, [("Content-Type", ctype)], form),
                      f"POST {label} byte {b:#04x}")
        elapsed = time.monotonic() - started
        print(f"\nbyte sweep: {sent} requests in {elapsed:.1f}s, statuses {sorted(statuses.items())}")
        self.assertLess(elapsed, 60)
        self.assertGreater(statuses.get(200, 0), 0)


class BucketNameTest(HygieneBase):
    """Virtual-host and path-style bucket names: refused with InvalidBucketName, never mapped
    onto another bucket. Bucket `aaa` holds `b/secret` (public), which `Host: aaa/b.<domain>`
    once reached as bucket `aaa/b` key `secret`."""

    DOMAIN = "example.test"
    SERVER_ARGS = ["--domain", DOMAIN]
    SECRET = b"the secret under aaa/b/secret"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="aaa")
        cls.s3.put_bucket_policy(Bucket="aaa", Policy=public_policy("aaa"))
        cls.s3.put_object(Bucket="aaa", Key="b/secret", Body=cls.SECRET)
        cls.s3.put_object(Bucket="aaa", Key="secret", Body=cls.SECRET)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()

    def send(self, method, target, host):
        return exchange(self.server.port, build(method, target, host.encode()))

    def test_the_right_addresses_serve_the_object(self):
        port = self.server.port
        for host, target in ((f"aaa.{self.DOMAIN}:{port}", "/b/secret"),
                             (f"AAA.{self.DOMAIN}", "/b/secret"),
                             (f"127.0.0.1:{port}", "/aaa/b/secret"),
                             (f"{self.DOMAIN}:{port}", "/aaa/b/secret")):
            status, _, body = self.send("GET", target, host)
            self.assertEqual((status, body), (200, self.SECRET), host)

    def test_malformed_virtual_hosts_are_invalid_bucket_names(self):
        port = self.server.port
        hosts = ["aaa/b", "A_B", ".", "x..y", "a" * 64, "192.168.1.1", "aaa%2Fb", "aaa\\b",
                 "aaa b", "", "-aaa", "aaa-", "xn--aaa", "aaa..b"]
        for label in hosts:
            for suffix in ("", f":{port}"):
                host = f"{label}.{self.DOMAIN}{suffix}"
                for method, target in (("GET", "/secret"), ("GET", "/b/secret"), ("GET", "/"),
                                       ("HEAD", "/secret"), ("PUT", "/planted"),
                                       ("DELETE", "/secret"), ("OPTIONS", "/secret")):
                    with self.subTest(host=host, method=method, target=target):
                        status, lines, body = self.send(method, target, host)
                        if label == "aaa b":  # a space in Host: the parser may refuse first
                            self.assertEqual(status, 400)
                        else:
                            self.assertEqual(status, 400, body)
                            if method != "HEAD":
                                self.assertIn(b"<Code>InvalidBucketName</Code>", body)
                        self.assertNotIn(self.SECRET, body)
                        self.assertCleanHead(status, lines, body, host, method)
        self.assertEqual(self.s3.get_object(Bucket="aaa", Key="b/secret")["Body"].read(),
                         self.SECRET)
        self.assertEqual(self.s3.get_object(Bucket="aaa", Key="secret")["Body"].read(),
                         self.SECRET)
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="aaa", Prefix="planted"))

    def test_malformed_path_style_names_are_invalid_bucket_names(self):
        port = self.server.port
        for bucket in ("a..b", "A_B", "xn--", "xn--abc", "AAA", "aa", "a" * 64, "192.168.1.1",
                       "-aaa", "aaa-", "aaa.-b", ".aaa", "aaa%5Cb", "aaa%20b", "aaa%00b"):
            for method in ("GET", "HEAD", "PUT", "DELETE", "POST"):
                target = f"/{bucket}/b/secret" if method != "POST" else f"/{bucket}?delete"
                with self.subTest(bucket=bucket, method=method):
                    status, lines, body = self.send(method, target, f"127.0.0.1:{port}")
                    self.assertEqual(status, 400, body)
                    if method != "HEAD":
                        self.assertIn(b"<Code>InvalidBucketName</Code>", body)
                    self.assertNotIn(self.SECRET, body)
            # Signed requests too: a valid signature does not make the name valid.
            for method, path in (("GET", f"/{bucket}/b/secret"), ("PUT", f"/{bucket}")):
                r = self.server.request(method, path)
                self.assertEqual(r.status, 400, repr(r))
                self.assertIn(b"<Code>InvalidBucketName</Code>", r.body)
        self.assertEqual(sorted(b["Name"] for b in self.s3.list_buckets()["Buckets"]), ["aaa"])
