"""aws-chunked uploads: STREAMING-AWS4-HMAC-SHA256-PAYLOAD (per-chunk signatures, older SDKs)
and STREAMING-UNSIGNED-PAYLOAD-TRAILER (new SDKs' default, trailing x-amz-checksum-*)."""

import base64
import hashlib
import hmac
import http.client
import os
import unittest
import zlib

from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness import REGION, CairnTestCase, _RawSigner, md5_hex

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
SIG_PREFIX = ";chunk-signature="


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signing_key(secret: str, date: str) -> bytes:
    k = _hmac(("AWS4" + secret).encode(), date)
    k = _hmac(k, REGION)
    k = _hmac(k, "s3")
    return _hmac(k, "aws4_request")


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def send(port, method, path, headers, body):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, dict(resp.headers), resp.read()
    finally:
        conn.close()


class StreamingTest(CairnTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = "streaming"
        cls.s3.create_bucket(Bucket=cls.bucket)

    # -- STREAMING-AWS4-HMAC-SHA256-PAYLOAD ----------------------------------------------------

    def signed_chunked_put(self, key, data, chunk_size=64 * 1024, tamper_chunk=None,
                           tamper_final=False):
        chunks = [data[i : i + chunk_size] for i in range(0, len(data), chunk_size)]
        encoded_len = sum(len(f"{len(c):x}") + len(SIG_PREFIX) + 64 + 2 + len(c) + 2 for c in chunks)
        encoded_len += 1 + len(SIG_PREFIX) + 64 + 4
        port = self.server.port
        host = f"127.0.0.1:{port}"
        path = f"/{self.bucket}/{key}"
        headers = {
            "Host": host,
            "Content-Encoding": "aws-chunked",
            "x-amz-decoded-content-length": str(len(data)),
            "Content-Length": str(encoded_len),
        }
        req = AWSRequest(method="PUT", url=f"http://{host}{path}", headers=headers)
        signer = _RawSigner(
            Credentials(self.server.access_key, self.server.secret_key),
            payload_hash="STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        )
        signer.add_auth(req)
        timestamp = req.context["timestamp"]
        scope = f"{timestamp[:8]}/{REGION}/s3/aws4_request"
        seed = req.headers["Authorization"].rsplit("Signature=", 1)[1]
        key_bytes = signing_key(self.server.secret_key, timestamp[:8])
        prev = seed
        body = bytearray()
        for i, chunk in enumerate(chunks + [b""]):
            sts = "\n".join(
                [
                    "AWS4-HMAC-SHA256-PAYLOAD",
                    timestamp,
                    scope,
                    prev,
                    EMPTY_SHA256,
                    hashlib.sha256(chunk).hexdigest(),
                ]
            )
            sig = hmac.new(key_bytes, sts.encode(), hashlib.sha256).hexdigest()
            prev = sig
            if tamper_chunk is not None and i == tamper_chunk and chunk:
                chunk = bytes([chunk[0] ^ 0xFF]) + chunk[1:]
            if tamper_final and not chunk:
                sig = "0" * 64
            body += f"{len(chunk):x}{SIG_PREFIX}{sig}\r\n".encode() + chunk + b"\r\n"
        self.assertEqual(len(body), encoded_len)
        return send(port, "PUT", path, dict(req.headers.items()), bytes(body))

    def test_signed_chunks_round_trip(self):
        for size in (0, 1, 64 * 1024, 200 * 1024 + 7):
            with self.subTest(size=size):
                data = os.urandom(size)
                status, headers, body = self.signed_chunked_put(f"signed/{size}", data)
                self.assertEqual(status, 200, body)
                self.assertEqual(headers.get("ETag"), f'"{md5_hex(data)}"')
                got = self.s3.get_object(Bucket=self.bucket, Key=f"signed/{size}")
                self.assertEqual(got["Body"].read(), data)
                self.assertEqual(got["ContentLength"], size)
                # aws-chunked is a transfer detail: it must not be stored as Content-Encoding
                self.assertNotIn("aws-chunked", got.get("ContentEncoding", ""))

    def test_signed_chunks_tampered_data_rejected(self):
        data = os.urandom(150 * 1024)
        status, headers, body = self.signed_chunked_put("signed/tampered", data, tamper_chunk=1)
        self.assertEqual(status, 403, body)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="signed/tampered")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_signed_chunks_bad_final_signature_rejected(self):
        data = os.urandom(10 * 1024)
        status, headers, body = self.signed_chunked_put(
            "signed/badfinal", data, tamper_final=True
        )
        self.assertEqual(status, 403, body)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="signed/badfinal")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    # -- STREAMING-UNSIGNED-PAYLOAD-TRAILER ----------------------------------------------------

    def unsigned_trailer_put(self, key, data, checksum=None, chunk_size=16 * 1024,
                             content_encoding="aws-chunked"):
        checksum = crc32_b64(data) if checksum is None else checksum
        body = bytearray()
        for i in range(0, len(data), chunk_size):
            c = data[i : i + chunk_size]
            body += f"{len(c):x}\r\n".encode() + c + b"\r\n"
        body += b"0\r\n" + f"x-amz-checksum-crc32:{checksum}\r\n".encode() + b"\r\n"
        headers = {
            "Content-Encoding": content_encoding,
            "x-amz-decoded-content-length": str(len(data)),
            "x-amz-trailer": "x-amz-checksum-crc32",
            "x-amz-sdk-checksum-algorithm": "CRC32",
        }
        return self.server.request(
            "PUT",
            f"/{self.bucket}/{key}",
            headers=headers,
            body=bytes(body),
            payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        )

    def test_unsigned_trailer_round_trip(self):
        for size in (0, 5, 100 * 1024):
            with self.subTest(size=size):
                data = os.urandom(size)
                r = self.unsigned_trailer_put(f"trailer/{size}", data)
                self.assertEqual(r.status, 200, repr(r))
                self.assertEqual(r.header("ETag"), f'"{md5_hex(data)}"')
                self.assertEqual(r.header("x-amz-checksum-crc32"), crc32_b64(data))
                got = self.s3.get_object(Bucket=self.bucket, Key=f"trailer/{size}")
                self.assertEqual(got["Body"].read(), data)

    def test_unsigned_trailer_keeps_real_content_encoding(self):
        data = b"pretend gzip"
        r = self.unsigned_trailer_put("trailer/gz", data, content_encoding="gzip,aws-chunked")
        self.assertEqual(r.status, 200, repr(r))
        head = self.s3.head_object(Bucket=self.bucket, Key="trailer/gz")
        self.assertEqual(head.get("ContentEncoding"), "gzip")

    def test_unsigned_trailer_wrong_checksum_rejected(self):
        data = os.urandom(40 * 1024)
        r = self.unsigned_trailer_put("trailer/bad", data, checksum=crc32_b64(b"other"))
        self.assertEqual(r.status, 400, repr(r))
        # AWS answers BadDigest; MinIO XAmzContentChecksumMismatch
        self.assertIn(r.error_code(), ("BadDigest", "XAmzContentChecksumMismatch"))
        err = self.client_error(self.s3.head_object, Bucket=self.bucket, Key="trailer/bad")
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    def test_checksum_header_wrong_rejected(self):
        data = b"plain body with a checksum header"
        r = self.server.request(
            "PUT",
            f"/{self.bucket}/header-crc/bad",
            body=data,
            headers={"x-amz-checksum-crc32": crc32_b64(b"other")},
        )
        self.assertEqual(r.status, 400, repr(r))
        self.assertIn(r.error_code(), ("BadDigest", "XAmzContentChecksumMismatch"))
        r = self.server.request(
            "PUT",
            f"/{self.bucket}/header-crc/good",
            body=data,
            headers={"x-amz-checksum-crc32": crc32_b64(data)},
        )
        self.assertEqual(r.status, 200, repr(r))


if __name__ == "__main__":
    unittest.main()
