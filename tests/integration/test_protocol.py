"""HTTP-level behaviour real clients rely on: keep-alive after errors, aborted uploads,
HEAD errors without bodies, Date headers, presigned URLs, other delimiters."""

import http.client
import socket
import time
import unittest

import requests
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness import CairnTestCase, _RawSigner, md5_hex


class ProtocolTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "protocol"
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.s3.put_object(Bucket=cls.bucket, Key="obj", Body=b"protocol body")

    def signed_headers(self, method, path, body=b"", secret=None, payload_hash=None, extra=None):
        host = f"127.0.0.1:{self.server.port}"
        hdrs = {"Host": host}
        hdrs.update(extra or {})
        req = AWSRequest(method=method, url=f"http://{host}{path}", data=body, headers=hdrs)
        _RawSigner(
            Credentials(self.server.access_key, secret or self.server.secret_key),
            payload_hash=payload_hash,
        ).add_auth(req)
        return dict(req.headers.items())

    def send_on(self, conn, method, path, body=b"", **kwargs):
        headers = self.signed_headers(method, path, body, **kwargs)
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        if method in ("PUT", "POST") or body:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        resp = conn.getresponse()
        return resp.status, resp.read()

    def test_keep_alive_after_rejected_put_with_body(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            # small enough to sit in the socket buffers: the server may answer before reading
            # the body (and a 1 MiB body can then fail with EPIPE, which is not what this tests)
            big = b"z" * (64 * 1024)
            status, _ = self.send_on(conn, "PUT", f"/{self.bucket}/rejected", big,
                                     secret="wrong-secret-123")
            self.assertEqual(status, 403)
            # The server either drained the body or closed the connection; it must not parse
            # the rejected body as the next request.
            try:
                status, body = self.send_on(conn, "GET", f"/{self.bucket}/obj")
            except (http.client.HTTPException, ConnectionError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
                status, body = self.send_on(conn, "GET", f"/{self.bucket}/obj")
            self.assertEqual(status, 200)
            self.assertEqual(body, b"protocol body")
        finally:
            conn.close()

    def test_expect_continue_on_an_empty_body_gets_the_interim_answer(self):
        """Expect: 100-continue with Content-Length: 0 is answered "100 Continue" and then the
        final answer, on a connection that stays usable (botocore needs the 100, see below)."""
        path = f"/{self.bucket}/empty-expect"
        headers = self.signed_headers("PUT", path, b"", extra={"Expect": "100-continue"})
        lines = [f"PUT {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
        raw = ("\r\n".join(lines + ["Content-Length: 0", "", ""])).encode()
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as sock:
            sock.sendall(raw)
            got = b""
            while got.count(b"\r\n\r\n") < 2:
                chunk = sock.recv(4096)
                self.assertTrue(chunk, got)
                got += chunk
            self.assertTrue(got.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"),
                            got)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="empty-expect")["Body"].read(),
                         b"")

    def test_boto3_put_after_an_empty_put_does_not_stall(self):
        # botocore keeps the status line of a final answer given without "100 Continue" for the
        # connection's next Expect request and then misreads that reply: the next PUT waited for
        # the server's idle timeout (30 s). A 5 s read timeout and no retries make a stall fail.
        client = self.server.client(read_timeout=5)  # the harness sets no retries
        for i in range(3):
            start = time.monotonic()
            client.put_object(Bucket=self.bucket, Key=f"empty-{i}", Body=b"")
            client.put_object(Bucket=self.bucket, Key=f"after-empty-{i}", Body=b"ten bytes!")
            self.assertLess(time.monotonic() - start, 4)
        self.assertEqual(client.get_object(Bucket=self.bucket, Key="after-empty-2")["Body"].read(),
                         b"ten bytes!")

    def test_many_requests_on_one_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            for i in range(50):
                status, _ = self.send_on(conn, "PUT", f"/{self.bucket}/ka/{i}", f"v{i}".encode())
                self.assertEqual(status, 200)
                status, body = self.send_on(conn, "GET", f"/{self.bucket}/ka/{i}")
                self.assertEqual((status, body), (200, f"v{i}".encode()))
                status, _ = self.send_on(conn, "GET", f"/{self.bucket}/ka/missing-{i}")
                self.assertEqual(status, 404)
        finally:
            conn.close()

    def test_aborted_upload_is_not_stored(self):
        path = f"/{self.bucket}/aborted"
        headers = self.signed_headers("PUT", path, payload_hash="UNSIGNED-PAYLOAD")
        head = f"PUT {path} HTTP/1.1\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += "Content-Length: 100000\r\n\r\n"
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(head.encode() + b"x" * 40000)
            time.sleep(0.2)
        # give the server a moment to notice the reset; the object must never appear
        for _ in range(10):
            r = self.server.request("HEAD", path)
            self.assertEqual(r.status, 404, repr(r))
            time.sleep(0.1)
        listed = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="aborted")
        self.assertEqual(listed["KeyCount"], 0)
        # and the server still works
        self.assertEqual(self.server.request("GET", f"/{self.bucket}/obj").status, 200)

    def test_head_errors_have_no_body(self):
        cases = [
            self.server.request("HEAD", f"/{self.bucket}/obj", secret_key="wrong-secret-123"),
            self.server.anonymous("HEAD", f"/{self.bucket}/obj"),
            self.server.request("HEAD", "/no-such-bucket-proto/obj"),
            self.server.request("HEAD", f"/{self.bucket}/obj",
                                headers={"If-Match": '"0000"'}),
        ]
        for r in cases:
            with self.subTest(resp=repr(r)):
                self.assertGreaterEqual(r.status, 400)
                self.assertEqual(r.body, b"")
                self.assertTrue(r.header("x-amz-request-id"))

    def test_date_header(self):
        for r in (
            self.server.request("GET", f"/{self.bucket}/obj"),
            self.server.request("GET", f"/{self.bucket}/missing"),
        ):
            self.assertTrue(r.header("Date"), dict(r.headers))

    def test_error_content_type_is_xml(self):
        r = self.server.request("GET", f"/{self.bucket}/missing")
        self.assertEqual(r.status, 404)
        self.assertTrue(r.body.startswith(b"<?xml"), r.body[:60])
        self.assertIn("application/xml", r.header("Content-Type") or "")

    def test_presigned_get_and_put(self):
        url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "obj"}, ExpiresIn=300
        )
        r = requests.get(url, timeout=30)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.content, b"protocol body")
        put_url = self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": "presigned-put"}, ExpiresIn=300
        )
        r = requests.put(put_url, data=b"via presigned url", timeout=30)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.headers.get("ETag"), f'"{md5_hex(b"via presigned url")}"')
        got = self.s3.get_object(Bucket=self.bucket, Key="presigned-put")["Body"].read()
        self.assertEqual(got, b"via presigned url")

    def test_presigned_tampered_or_expired(self):
        url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "obj"}, ExpiresIn=300
        )
        tampered = url.replace("/obj?", "/other?")
        r = requests.get(tampered, timeout=30)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertIn("<Code>SignatureDoesNotMatch</Code>", r.text)
        expired = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "obj"}, ExpiresIn=1
        )
        time.sleep(2.5)
        r = requests.get(expired, timeout=30)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertIn("<Code>AccessDenied</Code>", r.text)

    def test_other_delimiters(self):
        for k in ("d-a-1", "d-a-2", "d-b", "dx"):
            self.s3.put_object(Bucket=self.bucket, Key=k, Body=b"")
        resp = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="d", Delimiter="-")
        self.assertEqual([p["Prefix"] for p in resp.get("CommonPrefixes", [])], ["d-"])
        self.assertEqual([o["Key"] for o in resp.get("Contents", [])], ["dx"])
        resp = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="d-", Delimiter="-")
        self.assertEqual(
            [p["Prefix"] for p in resp.get("CommonPrefixes", [])], ["d-a-"]
        )
        self.assertEqual([o["Key"] for o in resp.get("Contents", [])], ["d-b"])
        # multi-character delimiter
        resp = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="d-", Delimiter="-1")
        self.assertEqual([p["Prefix"] for p in resp.get("CommonPrefixes", [])], ["d-a-1"])


if __name__ == "__main__":
    unittest.main()
