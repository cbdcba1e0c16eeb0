"""Signing helpers for the presigned-URL and denial-matrix tests: SigV4 presigned URLs and
headers with a chosen clock, region and service (botocore's signers underneath), SigV2 query and
header signatures built by hand, query tampering, curl, and the distinctive-marker leak check."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

from botocore.auth import SIGV4_TIMESTAMP, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.compat import get_current_datetime
from botocore.credentials import Credentials

from harness import REGION, RawResponse, _RawSigner, raw_request


def utcnow() -> datetime.datetime:
    """Naive UTC, as botocore's signers expect."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class _QuerySigner(S3SigV4QueryAuth):
    """S3SigV4QueryAuth with a chosen clock."""

    def __init__(self, credentials, region, service, expires, when):
        super().__init__(credentials, service, region, expires=expires)
        self._when = when

    def add_auth(self, request):
        when = self._when or get_current_datetime()
        request.context["timestamp"] = when.strftime(SIGV4_TIMESTAMP)
        self._modify_request_before_signing(request)
        canonical_request = self.canonical_request(request)
        string_to_sign = self.string_to_sign(request, canonical_request)
        signature = self.signature(string_to_sign, request)
        self._inject_signature_to_request(request, signature)


def presign_v4(port: int, method: str, path: str, access_key: str, secret_key: str, *,
               expires: int = 3600, when: datetime.datetime | None = None, region: str = REGION,
               service: str = "s3", query: str = "") -> str:
    """A SigV4 presigned request target (`path?query`) for 127.0.0.1:port; `path` is encoded."""
    host = f"127.0.0.1:{port}"
    url = f"http://{host}{path}" + (f"?{query}" if query else "")
    req = AWSRequest(method=method, url=url, headers={"Host": host})
    _QuerySigner(Credentials(access_key, secret_key), region, service, expires, when).add_auth(req)
    parts = urllib.parse.urlsplit(req.url)
    return parts.path + "?" + parts.query


def sign_v4_headers(port: int, method: str, target: str, access_key: str, secret_key: str, *,
                    body: bytes = b"", headers: dict | None = None,
                    when: datetime.datetime | None = None, region: str = REGION,
                    service: str = "s3", payload_hash: str | None = None) -> dict:
    """Headers (Host, X-Amz-Date, X-Amz-Content-Sha256, Authorization) signing `target`."""
    host = f"127.0.0.1:{port}"
    hdrs = {"Host": host}
    hdrs.update(headers or {})
    req = AWSRequest(method=method, url=f"http://{host}{target}", data=body, headers=hdrs)
    signer = _RawSigner(Credentials(access_key, secret_key), when=when, payload_hash=payload_hash)
    signer._region_name = region
    signer._service_name = service
    signer.add_auth(req)
    return dict(req.headers.items())


def v2_signature(secret_key: str, string_to_sign: str) -> str:
    digest = hmac.new(secret_key.encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def presign_v2(method: str, path: str, access_key: str, secret_key: str, *,
               expires_at: int) -> str:
    """A SigV2 query-signed target (AWSAccessKeyId, Expires, Signature) for an object path."""
    sts = f"{method}\n\n\n{expires_at}\n{urllib.parse.unquote(path)}"
    q = urllib.parse.urlencode({"AWSAccessKeyId": access_key, "Expires": str(expires_at),
                                "Signature": v2_signature(secret_key, sts)})
    return f"{path}?{q}"


def sign_v2_headers(method: str, path: str, access_key: str, secret_key: str, *,
                    date: datetime.datetime | None = None, content_type: str = "") -> dict:
    """Date and `Authorization: AWS AK:sig` for an object or bucket path without sub-resources."""
    when = date or datetime.datetime.now(datetime.timezone.utc)
    http_date = when.strftime("%a, %d %b %Y %H:%M:%S GMT")
    sts = f"{method}\n\n{content_type}\n{http_date}\n{urllib.parse.unquote(path)}"
    hdrs = {"Date": http_date, "Authorization": f"AWS {access_key}:{v2_signature(secret_key, sts)}"}
    if content_type:
        hdrs["Content-Type"] = content_type
    return hdrs


def replace_param(target: str, name: str, value: str | None, *, raw: bool = False) -> str:
    """`target` with query parameter `name` set to `value` (percent-encoded unless `raw`), kept
    in place; None removes it; a parameter not present is appended."""
    path, _, query = target.partition("?")
    enc = value if raw or value is None else urllib.parse.quote(value, safe="-_.~")
    out, found = [], False
    for part in query.split("&") if query else []:
        if part.split("=", 1)[0] == name:
            found = True
            if value is not None:
                out.append(f"{name}={enc}")
        else:
            out.append(part)
    if not found and value is not None:
        out.append(f"{name}={enc}")
    return path + ("?" + "&".join(out) if out else "")


def get_param(target: str, name: str) -> str:
    query = urllib.parse.urlsplit(target).query
    return dict(urllib.parse.parse_qsl(query, keep_blank_values=True))[name]


def send(port: int, method: str, target: str, headers: dict | None = None,
         body: bytes = b"") -> RawResponse:
    """Sends `target` exactly as written (no normalisation), unsigned beyond `headers`."""
    return raw_request(port, method, target, sign=False, headers=headers, body=body)


def curl(method: str, url: str, data: bytes | None = None, headers=()):
    """(status, lower-cased headers, body) of `url` fetched by the curl command line tool."""
    with tempfile.TemporaryDirectory() as d:
        body_path, head_path = Path(d) / "body", Path(d) / "head"
        cmd = ["curl", "-sS", "-g", "--path-as-is", "--max-time", "60", "-D", str(head_path),
               "-o", str(body_path), "-w", "%{http_code}"]
        cmd += ["-I"] if method == "HEAD" else ["-X", method]
        for h in headers:
            cmd += ["-H", h]
        if data is not None:
            src = Path(d) / "upload"
            src.write_bytes(data)
            cmd += ["--data-binary", f"@{src}", "-H", "Content-Type:"]
        cmd.append(url)
        p = subprocess.run(cmd, capture_output=True, timeout=90, stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            raise AssertionError(f"curl failed ({p.returncode}): {p.stderr.decode()}")
        status = int(p.stdout.decode().strip())
        hdrs = {}
        for line in head_path.read_text("latin-1").splitlines()[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                hdrs[k.strip().lower()] = v.strip()
        body = body_path.read_bytes() if body_path.exists() else b""
        return status, hdrs, body
