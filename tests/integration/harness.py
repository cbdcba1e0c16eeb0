"""Shared harness for Cairn's integration tests.

Starts the real `cairn` binary on loopback ports, waits for it to be ready, and gives tests
boto3 clients, a raw SigV4-signed request helper (exact headers and bodies), an anonymous
request helper and an AWS CLI runner.

The binary is `$CAIRN_BIN` or `<repo>/build/cairn`.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import boto3
import botocore
from botocore.auth import SIGV4_TIMESTAMP, S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import get_current_datetime
from botocore.config import Config
from botocore.credentials import Credentials

REPO = Path(__file__).resolve().parents[2]
ROOT_USER = "cairnadmin"
ROOT_PASSWORD = "cairnsecret123"
REGION = "us-east-1"
READY_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0
REQUEST_TIMEOUT = 60.0
AWS_CLI = os.environ.get("AWS_CLI", shutil.which("aws") or "/root/.pyenv/shims/aws")

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def missing_prerequisite(reason: str) -> Exception:
    """What a test raises when something it needs is absent: a skip on a developer's machine, a
    failure under CI (CI=true), where a skip would turn a broken install into a green run."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return AssertionError(f"missing under CI: {reason}")
    return unittest.SkipTest(reason)


def cairn_bin() -> str:
    return os.environ.get("CAIRN_BIN") or str(REPO / "build" / "cairn")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def md5_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def unique_bucket(prefix: str = "it") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def base_env() -> dict:
    """The process environment without any credential/config variable that could leak in."""
    env = {}
    for k, v in os.environ.items():
        if k.startswith(("MINIO_", "CAIRN_", "AWS_")):
            continue
        env[k] = v
    return env


# --------------------------------------------------------------------------------------------
# Server process
# --------------------------------------------------------------------------------------------


class CairnServer:
    """One `cairn server` process on free loopback ports with its own temporary data dir."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        extra_args: Iterable[str] = (),
        pass_dir_arg: bool = True,
        default_credentials: bool = True,
        pass_address: bool = True,
    ):
        self.root = Path(tempfile.mkdtemp(prefix="cairn-itest-"))
        self.data_dir = self.root / "data"
        self.data_dir.mkdir()
        self.log_path = self.root / "server.log"
        self.env_overrides = dict(env or {})
        self.extra_args = list(extra_args)
        self.pass_dir_arg = pass_dir_arg
        self.pass_address = pass_address
        self.default_credentials = default_credentials
        self.port = free_port()
        self.console_port = free_port()
        self.proc: subprocess.Popen | None = None
        self._log_file = None
        self.access_key = self.env_overrides.get(
            "MINIO_ROOT_USER", ROOT_USER if default_credentials else None
        )
        self.secret_key = self.env_overrides.get(
            "MINIO_ROOT_PASSWORD", ROOT_PASSWORD if default_credentials else None
        )

    # -- process control --------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        cmd = [cairn_bin(), "server"]
        if self.pass_address:
            cmd += [
                "--address",
                f"127.0.0.1:{self.port}",
                "--console-address",
                f"127.0.0.1:{self.console_port}",
            ]
        cmd += self.extra_args
        if self.pass_dir_arg:
            cmd += self.store_args()
        return cmd

    def store_args(self) -> list[str]:
        """The store the server opens: its data folder, or (CAIRN_TEST_STORE=rados) a RADOS
        namespace of its own in the pool CAIRN_TEST_RADOS_POOL on CAIRN_TEST_CEPH_CONF's cluster,
        the same on every start of this server."""
        if os.environ.get("CAIRN_TEST_STORE", "") != "rados":
            return [str(self.data_dir)]
        conf = os.environ.get("CAIRN_TEST_CEPH_CONF", "")
        if not conf:
            raise missing_prerequisite("CAIRN_TEST_STORE=rados needs CAIRN_TEST_CEPH_CONF")
        pool = os.environ.get("CAIRN_TEST_RADOS_POOL", "cairn-it")
        return ["--ceph-conf", conf, f"rados://{pool}/{self.root.name}"]

    def environment(self) -> dict:
        env = base_env()
        # The server's default certificates folder is ${HOME}/.minio/certs: a machine with one
        # would turn every suite to HTTPS. HOME is the server's own temp folder unless a test
        # sets it (test_tls.py passes --certs-dir).
        env["HOME"] = str(self.root)
        if os.environ.get("CAIRN_TEST_STORE", "") == "rados":
            env["CAIRN_STATE_DIR"] = str(self.root / "state")
        if self.default_credentials:
            env["MINIO_ROOT_USER"] = ROOT_USER
            env["MINIO_ROOT_PASSWORD"] = ROOT_PASSWORD
        env.update(self.env_overrides)
        return env

    def spawn(self) -> subprocess.Popen:
        """Start the process without waiting for readiness."""
        binary = cairn_bin()
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            raise missing_prerequisite(f"cairn binary not found at {binary} (set CAIRN_BIN)")
        self._log_file = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            self.command(),
            env=self.environment(),
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=str(self.root),
        )
        return self.proc

    def start(self, timeout: float = READY_TIMEOUT) -> "CairnServer":
        # free_port() only finds ports free at that moment: on a shared machine another process
        # may bind one before cairn does. When we chose the ports, choose again (bounded).
        for attempt in range(3):
            log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
            self.spawn()
            try:
                self.wait_ready(timeout)
                return self
            except Exception:
                self.stop()
                with open(self.log_path, "rb") as f:
                    f.seek(log_start)
                    taken = b"Address already in use" in f.read()
                if not (taken and self.pass_address and attempt < 2):
                    raise
                self.port, self.console_port = free_port(), free_port()
        raise AssertionError("unreachable")

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        last_err = None
        for _ in range(int(timeout / 0.05) + 10):
            if time.monotonic() > deadline:
                break
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(
                    f"cairn exited with {self.proc.returncode} before becoming ready\n"
                    f"{self.log_tail()}"
                )
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/minio/health/ready")
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status == 200:
                    return
                last_err = f"status {resp.status}"
            except OSError as e:
                last_err = repr(e)
            time.sleep(0.05)
        raise RuntimeError(
            f"cairn not ready after {timeout}s on port {self.port} ({last_err})\n{self.log_tail()}"
        )

    def wait_exit(self, timeout: float) -> int | None:
        if self.proc is None:
            return None
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after STOP_TIMEOUT. Returns the exit code."""
        rc = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    rc = self.proc.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    rc = self.proc.wait(timeout=STOP_TIMEOUT)
                    rc = ("killed", rc)  # type: ignore[assignment]
            else:
                rc = self.proc.returncode
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        return rc

    def restart(self, timeout: float = READY_TIMEOUT) -> None:
        """Stop and start again on the same data dir and ports."""
        self.stop()
        self.proc = None
        self.start(timeout)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log_text(self) -> str:
        try:
            return self.log_path.read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_text().splitlines()[-lines:]
        return "---- cairn log tail ----\n" + "\n".join(text) + "\n------------------------"

    # -- clients ----------------------------------------------------------------------------

    def client(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        checksum_when_required: bool = False,
        addressing_style: str = "path",
        endpoint: str | None = None,
        **config_kwargs,
    ):
        cfg = dict(
            s3={"addressing_style": addressing_style},
            retries={"max_attempts": 0},
            connect_timeout=10,
            read_timeout=REQUEST_TIMEOUT,
            signature_version="s3v4",
        )
        if checksum_when_required:
            cfg["request_checksum_calculation"] = "when_required"
            cfg["response_checksum_validation"] = "when_required"
        cfg.update(config_kwargs)
        return boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint or self.endpoint,
            region_name=REGION,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(**cfg),
        )

    def request(self, method: str, path: str, **kwargs) -> "RawResponse":
        return raw_request(
            self.port,
            method,
            path,
            access_key=kwargs.pop("access_key", self.access_key),
            secret_key=kwargs.pop("secret_key", self.secret_key),
            **kwargs,
        )

    def anonymous(self, method: str, path: str, **kwargs) -> "RawResponse":
        return raw_request(self.port, method, path, sign=False, **kwargs)

    def aws(self, *args: str, timeout: float = 60, cwd: str | None = None, env=None):
        return run_aws_cli(
            self.endpoint,
            self.access_key,
            self.secret_key,
            list(args),
            timeout=timeout,
            cwd=cwd,
            extra_env=env,
        )


# --------------------------------------------------------------------------------------------
# Raw requests
# --------------------------------------------------------------------------------------------


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes
    request_headers: dict = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def xml(self) -> ET.Element:
        return ET.fromstring(self.body)

    def error_code(self) -> str | None:
        if not self.body:
            return None
        try:
            root = ET.fromstring(self.body)
        except ET.ParseError:
            return None
        el = root.find("Code")
        if el is None:
            el = root.find(S3_NS + "Code")
        return el.text if el is not None else None

    def __repr__(self) -> str:  # helpful assertion messages
        return f"<RawResponse {self.status} {self.reason} body={self.body[:400]!r}>"


class _RawSigner(S3SigV4Auth):
    """S3SigV4Auth with a chosen clock and an optional forced x-amz-content-sha256 value."""

    def __init__(self, credentials, when=None, payload_hash=None):
        super().__init__(credentials, "s3", REGION)
        self._when = when
        self._payload_hash = payload_hash

    def payload(self, request):
        if self._payload_hash is not None:
            return self._payload_hash
        return super().payload(request)

    def add_auth(self, request):
        when = self._when or get_current_datetime()
        request.context["timestamp"] = when.strftime(SIGV4_TIMESTAMP)
        self._modify_request_before_signing(request)
        canonical_request = self.canonical_request(request)
        string_to_sign = self.string_to_sign(request, canonical_request)
        signature = self.signature(string_to_sign, request)
        self._inject_signature_to_request(request, signature)


def quote_key(key: str) -> str:
    return urllib.parse.quote(key, safe="/~")


def encode_query(query) -> str:
    """query: dict or list of pairs; value None means a bare key (`?uploads`)."""
    if not query:
        return ""
    items = query.items() if isinstance(query, Mapping) else query
    parts = []
    for k, v in sorted(items, key=lambda kv: kv[0]):
        qk = urllib.parse.quote(str(k), safe="-_.~")
        if v is None:
            parts.append(qk + "=")
        else:
            parts.append(qk + "=" + urllib.parse.quote(str(v), safe="-_.~"))
    return "&".join(parts)


def raw_request(
    port: int,
    method: str,
    path: str,
    *,
    query=None,
    headers: Mapping[str, str] | None = None,
    body: bytes = b"",
    sign: bool = True,
    access_key: str | None = None,
    secret_key: str | None = None,
    when: datetime.datetime | None = None,
    payload_hash: str | None = None,
    send_body: bytes | None = None,
    host: str | None = None,
    timeout: float = REQUEST_TIMEOUT,
) -> RawResponse:
    """Send one request with http.client (no URL normalisation: `a/../b` stays as is).

    `path` must already be percent-encoded (use quote_key). When `sign`, the request is signed
    with SigV4 for the given credentials; `payload_hash` forces x-amz-content-sha256 (e.g.
    "UNSIGNED-PAYLOAD" or a wrong hash), `when` forces the signing time, `send_body` sends a
    different body from the one that was signed, `host` overrides the Host header.
    """
    qs = encode_query(query)
    target = path + ("?" + qs if qs else "")
    host_header = host or f"127.0.0.1:{port}"
    hdrs = {"Host": host_header}
    hdrs.update(headers or {})
    if sign:
        req = AWSRequest(method=method, url=f"http://{host_header}{target}", data=body, headers=hdrs)
        signer = _RawSigner(Credentials(access_key, secret_key), when=when, payload_hash=payload_hash)
        signer.add_auth(req)
        hdrs = {k: v for k, v in req.headers.items()}
    out_body = body if send_body is None else send_body
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        lower = {k.lower() for k in hdrs}
        for k, v in hdrs.items():
            conn.putheader(k, v)
        if "content-length" not in lower and (out_body or method in ("PUT", "POST")):
            conn.putheader("Content-Length", str(len(out_body)))
        conn.endheaders(out_body if out_body else None)
        resp = conn.getresponse()
        data = resp.read()
        return RawResponse(resp.status, resp.reason, resp.headers, data, hdrs)
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------
# AWS CLI
# --------------------------------------------------------------------------------------------


def run_aws_cli(endpoint, access_key, secret_key, args, timeout=60, cwd=None, extra_env=None):
    """Run `aws --endpoint-url ENDPOINT ARGS...` isolated from any user config."""
    cfg_dir = tempfile.mkdtemp(prefix="cairn-awscfg-")
    try:
        config = os.path.join(cfg_dir, "config")
        with open(config, "w") as f:
            f.write("[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n")
        creds = os.path.join(cfg_dir, "credentials")
        open(creds, "w").close()
        env = base_env()
        env.update(
            AWS_ACCESS_KEY_ID=access_key,
            AWS_SECRET_ACCESS_KEY=secret_key,
            AWS_DEFAULT_REGION=REGION,
            AWS_CONFIG_FILE=config,
            AWS_SHARED_CREDENTIALS_FILE=creds,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_PAGER="",
            AWS_MAX_ATTEMPTS="1",
        )
        env.update(extra_env or {})
        cmd = [AWS_CLI, "--endpoint-url", endpoint] + list(args)
        try:
            p = subprocess.run(
                cmd, env=env, cwd=cwd, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired as e:
            return (
                -1,
                (e.stdout or b"").decode("utf-8", "replace"),
                (e.stderr or b"").decode("utf-8", "replace") + f"\nTIMEOUT after {timeout}s",
            )
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    finally:
        shutil.rmtree(cfg_dir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Test base class
# --------------------------------------------------------------------------------------------


class CairnTestCase(unittest.TestCase):
    """One server per test class. Override SERVER_ENV / SERVER_ARGS to change its start-up."""

    SERVER_ENV: dict = {}
    SERVER_ARGS: list = []
    server: CairnServer

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = CairnServer(env=cls.SERVER_ENV, extra_args=cls.SERVER_ARGS)
        try:
            cls.server.start()
        except BaseException:
            cls.server.cleanup()
            raise
        cls.s3 = cls.server.client()
        cls.s3_when_required = cls.server.client(checksum_when_required=True)

    @classmethod
    def tearDownClass(cls):
        srv = getattr(cls, "server", None)
        if srv is not None:
            srv.cleanup()
        super().tearDownClass()

    def run(self, result=None):
        # Print the server log tail next to a failing test.
        before = (len(result.failures), len(result.errors)) if result is not None else None
        out = super().run(result)
        if result is not None and before is not None:
            if (len(result.failures), len(result.errors)) != before:
                srv = getattr(type(self), "server", None)
                if srv is not None:
                    print(f"\n[{self.id()}] {srv.log_tail(20)}")
        return out

    # -- helpers ----------------------------------------------------------------------------

    def make_bucket(self, prefix: str = "it") -> str:
        name = unique_bucket(prefix)
        self.s3.create_bucket(Bucket=name)
        return name

    def assertS3Error(self, ctx_or_exc, code: str, status: int | None = None):
        exc = getattr(ctx_or_exc, "exception", ctx_or_exc)
        err = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        self.assertEqual(err.get("Code"), code, f"response: {exc.response}")
        if status is not None:
            self.assertEqual(meta.get("HTTPStatusCode"), status, f"response: {exc.response}")

    def assertRawError(self, resp: RawResponse, status: int, code: str | None = None):
        self.assertEqual(resp.status, status, repr(resp))
        if code is not None:
            self.assertEqual(resp.error_code(), code, repr(resp))
        self.assertTrue(resp.header("x-amz-request-id"), f"no x-amz-request-id: {resp.headers}")

    def client_error(self, fn, *args, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            fn(*args, **kwargs)
        return ctx.exception
