#!/usr/bin/env python3
"""Kill -9 crash test for Cairn: acknowledged writes must survive, nothing partial may appear.

Each round starts `cairn server` on the same data dir (round 1 creates a bucket), runs
concurrent writers (PUTs of 0 B, small inline bodies, large data-file bodies; overwrites;
DELETEs), SIGKILLs the server after a random delay while requests are in flight, restarts it
and checks, for every key the test ever wrote:

  * the server starts and becomes ready (in some rounds after a first restart that is itself
    killed within 80 ms, in the middle of its recovery sweep);
  * GET returns exactly the body of one version the client sent for that key, and only one the
    history allows: the last acknowledged write, or a write that was in flight (sent but not
    acknowledged) at the kill. Never an older acknowledged version, never partial or mixed
    bytes. A key whose last acknowledged op was a DELETE is absent unless an in-flight PUT
    landed. Keys written by several threads at once follow the same rule generalised: a write
    acknowledged before another acknowledged write *started* is superseded;
  * HEAD and ListObjectsV2 (paged) agree with GET: same key set, sizes, ETag = MD5 of the body;
  * the store's temporary dir (`DIR/.cairn/tmp`, see docs/storage-format.md) is empty, and the
    data-file dir holds exactly one file per object that is too big to be inline.

A second bucket has versioning Enabled; two more writers PUT versions and DELETE (delete
markers) there, and the journal records each acknowledged op with its x-amz-version-id. After
each restart, ListObjectVersions (paged with key-marker / version-id-marker) must list every
acknowledged version and marker, as what it was, each version readable by GET ?versionId= with
exactly its bytes (a marker: 405); nothing else, except whole versions / markers of ops that
were in flight (at most one entry per such op); newest first in an order the history allows
(an op sent after another was acknowledged is newer), IsLatest on the newest only, and plain
GET follows it (404 + x-amz-delete-marker under a marker). The verified state then replaces
the history, so a marker or version lost or resurrected in a later round is caught.

While the writers run, a reader checks that every GET is one whole version. Some PUTs are
dropped by the client mid-body; after the last round, with the server up, a few more are, and
neither a temp file nor a data file may be left behind. Finally SIGTERM must exit 0.

Every acknowledged op (200/204 received) is appended to a journal (JSON lines in the work dir)
with its content MD5. Content is derived from (key, version number), so a reader recomputes it.
Bounded: every request has a timeout, every loop a count and a deadline.

Usage: CAIRN_BIN=build/cairn python3 tests/crash/crash_test.py --rounds 5 [--seed N] [--keep]
Exit status 0 = all rounds passed, 1 = a violation (printed), 2 = the harness could not run.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

REPO = Path(__file__).resolve().parents[2]
ACCESS_KEY = "crashadmin"
SECRET_KEY = "crash-secret-key-123"
REGION = "us-east-1"
BUCKET = "crash-bucket"
REQUEST_TIMEOUT = 30.0  # per request (connect + send + whole response)
READY_TIMEOUT = 30.0
STOP_TIMEOUT = 25.0  # the server drains for up to 20 s on SIGTERM
INLINE_MAX = 128 << 10  # bodies up to this are stored inline (storage default)
LARGE_MIN, LARGE_MAX = 200 << 10, 3 << 20
S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


class Violation(Exception):
    """The server broke a guarantee."""


class HarnessError(Exception):
    """The test could not run (no binary, port trouble...)."""


# ------------------------------------------------------------------------------------------
# Deterministic content: (key, version) -> size and bytes
# ------------------------------------------------------------------------------------------


def _rng(key: str, ver: int) -> random.Random:
    digest = hashlib.sha256(f"{key}\0{ver}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def version_size(key: str, ver: int, kind: str) -> int:
    r = _rng(key, ver)
    if kind == "empty":
        return 0
    if kind == "small":
        return r.randint(1, INLINE_MAX)
    return r.randint(LARGE_MIN, LARGE_MAX)


def version_body(key: str, ver: int, size: int) -> bytes:
    r = _rng(key, ver)
    r.random()  # decorrelate from the size draw
    return r.randbytes(size)


# ------------------------------------------------------------------------------------------
# Signed raw requests (botocore SigV4 + http.client; no retries, explicit timeouts)
# ------------------------------------------------------------------------------------------


class _Signer(S3SigV4Auth):
    def __init__(self, payload_hash: str):
        super().__init__(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION)
        self._payload_hash = payload_hash

    def payload(self, request):
        return self._payload_hash


def quote_key(key: str) -> str:
    return urllib.parse.quote(key, safe="/~")


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


class Client:
    """One keep-alive connection. Any transport error closes it and propagates."""

    def __init__(self, port: int, timeout: float = REQUEST_TIMEOUT):
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None
        self.reused = False  # whether the last request went over an already used connection

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def abort_put(self, path: str, body: bytes, cut: int):
        """PUT announcing len(body) bytes, send only body[:cut], then drop the connection."""
        host = f"127.0.0.1:{self.port}"
        req = AWSRequest(method="PUT", url=f"http://{host}{path}", data=body, headers={"Host": host})
        _Signer("UNSIGNED-PAYLOAD").add_auth(req)
        with socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout) as sock:
            head = f"PUT {path} HTTP/1.1\r\n" + "".join(
                f"{k}: {v}\r\n" for k, v in req.headers.items()) + \
                f"Content-Length: {len(body)}\r\n\r\n"
            sock.sendall(head.encode() + body[:cut])
            time.sleep(0.02)

    def request(self, method: str, path: str, query: str = "", body: bytes = b"",
                headers: dict | None = None, payload_hash: str | None = None) -> Response:
        target = path + ("?" + query if query else "")
        host = f"127.0.0.1:{self.port}"
        hdrs = {"Host": host}
        hdrs.update(headers or {})
        if payload_hash is None:
            payload_hash = hashlib.sha256(body).hexdigest()
        req = AWSRequest(method=method, url=f"http://{host}{target}", data=body, headers=hdrs)
        _Signer(payload_hash).add_auth(req)
        self.reused = self.conn is not None
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            self.conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for k, v in req.headers.items():
                self.conn.putheader(k, v)
            if method in ("PUT", "POST") or body:
                self.conn.putheader("Content-Length", str(len(body)))
            self.conn.endheaders(body if body else None)
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.will_close:
                self.close()
            return Response(resp.status, resp.headers, data)
        except BaseException:
            self.close()
            raise


# ------------------------------------------------------------------------------------------
# Server process
# ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary: str, data_dir: Path, log_path: Path, port: int):
        self.binary = binary
        self.data_dir = data_dir
        self.log_path = log_path
        self.port = port
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self):
        t0 = time.monotonic()
        self.spawn()
        self.wait_ready()
        return time.monotonic() - t0

    def spawn(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MINIO_", "CAIRN_", "AWS_"))}
        env["MINIO_ROOT_USER"] = ACCESS_KEY
        env["MINIO_ROOT_PASSWORD"] = SECRET_KEY
        # Not the user's HOME: a ~/.minio/certs there would turn the server to HTTPS.
        env["HOME"] = str(self.data_dir.parent)
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== start #{self.starts} at {time.strftime('%H:%M:%S')} =====\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [self.binary, "server", "--address", f"127.0.0.1:{self.port}",
                 "--console-address", f"127.0.0.1:{free_port()}", str(self.data_dir)],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                cwd=str(self.data_dir.parent), start_new_session=True)

    def wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        last = "no attempt"
        for _ in range(int(READY_TIMEOUT / 0.05) + 10):
            if time.monotonic() > deadline:
                break
            if self.proc.poll() is not None:
                raise Violation(f"cairn exited with status {self.proc.returncode} before becoming "
                                f"ready (start #{self.starts})\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/minio/health/ready")
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status == 200:
                    return
                last = f"status {resp.status}"
            except OSError as e:
                last = repr(e)
            time.sleep(0.05)
        raise Violation(f"cairn not ready within {READY_TIMEOUT}s on port {self.port} ({last}) "
                        f"(start #{self.starts})\n{self.log_tail()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=10)

    def stop(self) -> int | None:
        """SIGTERM; SIGKILL after STOP_TIMEOUT. The exit status, or None if it had to be killed."""
        if self.proc is None:
            return None
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            return None

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no server log)"
        return "--- server log (tail) ---\n" + "\n".join(text[-lines:])


# ------------------------------------------------------------------------------------------
# History: every op the client sent, and what the store may hold afterwards
# ------------------------------------------------------------------------------------------


@dataclass
class Op:
    key: str
    kind: str  # "put" | "delete" | "observed" (state read back after a restart)
    ver: int  # version number for puts (0 for delete)
    size: int
    md5: str  # "" for delete / absent
    start: float  # monotonic, before the request was sent
    end: float | None = None  # monotonic, when the 2xx was received; None = not acknowledged
    status: int | None = None
    round: int = 0

    def describe(self) -> str:
        if self.kind == "delete":
            what = "DELETE"
        elif self.kind == "observed":
            what = "state observed after previous restart" + (
                f" (v{self.ver}, {self.size} B)" if self.md5 else " (absent)")
        else:
            what = f"PUT v{self.ver} ({self.size} B, md5 {self.md5[:12]})"
        ack = "acknowledged" if self.end is not None else (
            "NOT acknowledged" + (f" (HTTP {self.status})" if self.status else " (in flight)"))
        return f"{what} round {self.round} {ack}"


class History:
    def __init__(self, journal_path: Path):
        self.lock = threading.Lock()
        self.ops: dict[str, list[Op]] = {}
        self.next_ver: dict[str, int] = {}
        self.journal = open(journal_path, "a", buffering=1)
        self.acked = 0

    def new_version(self, key: str) -> int:
        with self.lock:
            v = self.next_ver.get(key, 0) + 1
            self.next_ver[key] = v
            return v

    def begin(self, op: Op):
        with self.lock:
            self.ops.setdefault(op.key, []).append(op)

    def ack(self, op: Op, status: int):
        with self.lock:
            op.end = time.monotonic()
            op.status = status
            self.acked += 1
            self.journal.write(json.dumps({
                "round": op.round, "op": op.kind, "key": op.key, "ver": op.ver, "size": op.size,
                "md5": op.md5, "status": status, "start": round(op.start, 6),
                "end": round(op.end, 6)}) + "\n")

    def candidates(self, key: str) -> tuple[list[Op], list[Op]]:
        """(allowed ops, all ops) for a key. An op X is allowed unless an acknowledged op Y
        started after X was acknowledged (then Y superseded X for sure). Unacknowledged ops are
        always allowed: they may have been applied at any time up to the kill."""
        ops = self.ops.get(key, [])
        allowed = []
        for x in ops:
            if x.end is not None and any(y.end is not None and y.start > x.end for y in ops):
                continue
            allowed.append(x)
        return allowed, ops

    def resolve(self, key: str, observed: Op):
        """After a verified restart the state is known: it replaces the history."""
        with self.lock:
            self.ops[key] = [observed]


# ------------------------------------------------------------------------------------------
# Load
# ------------------------------------------------------------------------------------------


class Worker(threading.Thread):
    def __init__(self, idx, port, keys, history, rnd, stop, round_no, deadline, errors):
        super().__init__(name=f"worker-{idx}", daemon=True)
        self.client = Client(port)
        self.keys = keys
        self.history = history
        self.rnd = rnd
        self.stop_evt = stop
        self.round_no = round_no
        self.deadline = deadline
        self.errors = errors  # list of (time, message): problems seen while the server was up
        self.count = 0
        self.aborted = 0
        self.reconnects = 0
        self.transport_error: tuple[float, str] | None = None

    def run(self):
        try:
            for _ in range(100000):
                if self.stop_evt.is_set() or time.monotonic() > self.deadline:
                    return
                if not self.one_op():
                    return
        finally:
            self.client.close()

    def one_op(self) -> bool:
        key = self.rnd.choice(self.keys)
        x = self.rnd.random()
        if x < 0.15:
            op = Op(key, "delete", 0, 0, "", 0.0, round=self.round_no)
            body = b""
        else:
            kind = "empty" if x < 0.25 else ("small" if x < 0.65 else "large")
            ver = self.history.new_version(key)
            size = version_size(key, ver, kind)
            body = version_body(key, ver, size)
            op = Op(key, "put", ver, size, hashlib.md5(body).hexdigest(), 0.0, round=self.round_no)
        path = f"/{BUCKET}/{quote_key(key)}"
        if op.kind == "put" and op.size > 0 and self.rnd.random() < 0.04:
            # A client that gives up mid-body: the object must keep its previous version. The
            # op stays unacknowledged, so only its full body would be an allowed result.
            op.start = time.monotonic()
            self.history.begin(op)
            try:
                self.client.abort_put(path, body, self.rnd.randrange(0, op.size))
            except OSError as e:
                self.transport_error = (time.monotonic(), f"aborted put {key}: {e!r}")
                return False
            self.aborted += 1
            self.count += 1
            return True
        for attempt in range(3):
            if attempt:
                # Same version, same bytes, as a new op: the failed attempt stays in the history
                # as unacknowledged (its outcome is unknown).
                op = Op(op.key, op.kind, op.ver, op.size, op.md5, 0.0, round=self.round_no)
            op.start = time.monotonic()
            self.history.begin(op)
            try:
                if op.kind == "put":
                    headers = {"Content-MD5": base64.b64encode(bytes.fromhex(op.md5)).decode()}
                    # Alternate signed and unsigned payloads: both paths must be durable.
                    ph = "UNSIGNED-PAYLOAD" if op.ver % 2 else None
                    resp = self.client.request("PUT", path, body=body, headers=headers,
                                               payload_hash=ph)
                else:
                    resp = self.client.request("DELETE", path)
                break
            except (OSError, http.client.HTTPException) as e:
                # A keep-alive connection the server closed between requests is no failure:
                # retry on a new one while the server is meant to be up.
                if (self.client.reused and not self.stop_evt.is_set() and isinstance(
                        e, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))):
                    self.reconnects += 1
                    continue
                # The kill (or a server crash): the op's outcome is unknown; this worker stops.
                self.transport_error = (time.monotonic(), f"{op.kind} {key}: {e!r}")
                return False
        else:
            self.transport_error = (time.monotonic(), f"{op.kind} {key}: 3 attempts failed")
            return False
        ok = (resp.status == 200) if op.kind == "put" else (resp.status in (200, 204))
        if ok and op.kind == "put":
            etag = (resp.headers.get("ETag") or "").strip('"')
            if etag != op.md5:
                self.errors.append((time.monotonic(),
                                    f"PUT {key} v{op.ver}: ETag {etag!r} != MD5 {op.md5}"))
        if ok:
            self.history.ack(op, resp.status)
        else:
            op.status = resp.status
            self.errors.append((time.monotonic(), f"{op.kind.upper()} {key} -> HTTP {resp.status}: "
                                                  f"{resp.body[:300]!r}"))
        self.count += 1
        return True


class Reader(threading.Thread):
    """GETs random keys while the writers run: a body must always be one whole version that was
    sent for the key (or 404), never a partial or mixed one, even before any crash."""

    def __init__(self, port, keys, history, rnd, stop, deadline, errors):
        super().__init__(name="reader", daemon=True)
        self.client = Client(port)
        self.keys, self.history, self.rnd = keys, history, rnd
        self.stop_evt, self.deadline, self.errors = stop, deadline, errors
        self.count = 0

    def run(self):
        try:
            for _ in range(100000):
                if self.stop_evt.is_set() or time.monotonic() > self.deadline:
                    return
                key = self.rnd.choice(self.keys)
                try:
                    resp = self.client.request("GET", f"/{BUCKET}/{quote_key(key)}")
                except (OSError, http.client.HTTPException):
                    if self.client.reused and not self.stop_evt.is_set():
                        continue
                    return
                self.count += 1
                if resp.status == 404:
                    continue
                if resp.status != 200:
                    self.errors.append((time.monotonic(), f"GET {key} under load -> HTTP "
                                                          f"{resp.status}: {resp.body[:300]!r}"))
                    continue
                md5 = hashlib.md5(resp.body).hexdigest()
                with self.history.lock:
                    ops = list(self.history.ops.get(key, []))
                if not any(o.md5 == md5 and o.size == len(resp.body) for o in ops):
                    self.errors.append((time.monotonic(), f"GET {key} under load returned "
                                                          f"{identify(resp.body, ops)}"))
                etag = (resp.headers.get("ETag") or "").strip('"')
                if etag != md5:
                    self.errors.append((time.monotonic(), f"GET {key} under load: ETag {etag} "
                                                          f"!= MD5 of body {md5}"))
        finally:
            self.client.close()


# ------------------------------------------------------------------------------------------
# Verification
# ------------------------------------------------------------------------------------------


def list_all(client: Client, page: int) -> list[tuple[str, int, str]]:
    out = []
    token = None
    for _ in range(10000):
        q = {"list-type": "2", "max-keys": str(page)}
        if token:
            q["continuation-token"] = token
        qs = "&".join(f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}"
                      for k, v in sorted(q.items()))
        resp = client.request("GET", f"/{BUCKET}", query=qs)
        if resp.status != 200:
            raise Violation(f"ListObjectsV2 -> HTTP {resp.status}: {resp.body[:300]!r}")
        root = ET.fromstring(resp.body)
        for c in root.findall(f"{S3_NS}Contents"):
            out.append((c.findtext(f"{S3_NS}Key"), int(c.findtext(f"{S3_NS}Size")),
                        (c.findtext(f"{S3_NS}ETag") or "").strip('"')))
        if root.findtext(f"{S3_NS}IsTruncated") != "true":
            return out
        token = root.findtext(f"{S3_NS}NextContinuationToken")
        if not token:
            raise Violation("ListObjectsV2 truncated without NextContinuationToken")
    raise Violation("ListObjectsV2 did not finish in 10000 pages")


def identify(body: bytes, ops: list[Op]) -> str:
    md5 = hashlib.md5(body).hexdigest()
    for o in ops:
        if o.md5 == md5 and o.kind != "delete":
            return o.describe()
    # Partial? Compare with the prefixes of the versions this key was sent.
    for o in ops:
        if o.kind == "put" and o.size > len(body) > 0:
            full = version_body(o.key, o.ver, o.size)
            if full[: len(body)] == body:
                return f"a {len(body)}-byte PREFIX of {o.describe()} (partial object)"
    return f"no version ever sent for this key ({len(body)} B, md5 {md5})"


def verify(server: Server, history: History, keys: list[str], round_no: int, data_dir: Path,
           versioned_large: int = 0):
    client = Client(server.port)
    problems: list[str] = []
    present: dict[str, tuple[int, str]] = {}
    observed: dict[str, Op] = {}
    now = time.monotonic()
    for key in keys:
        allowed, ops = history.candidates(key)
        path = f"/{BUCKET}/{quote_key(key)}"
        resp = client.request("GET", path)
        absent_ok = (not any(o.end is not None for o in ops)) or any(
            o.kind == "delete" or (o.kind == "observed" and not o.md5) for o in allowed)
        hist = "\n      ".join(o.describe() for o in ops[-8:])
        if resp.status == 404:
            if b"NoSuchKey" not in resp.body:
                problems.append(f"{key}: GET -> 404 without NoSuchKey: {resp.body[:300]!r}")
            if not absent_ok:
                last = max((o for o in ops if o.end is not None), key=lambda o: o.end)
                problems.append(f"{key}: absent after restart, but the last acknowledged op was "
                                f"{last.describe()}\n      history (last 8):\n      {hist}")
            observed[key] = Op(key, "observed", 0, 0, "", now, now, round=round_no)
            continue
        if resp.status != 200:
            problems.append(f"{key}: GET -> HTTP {resp.status}: {resp.body[:300]!r}")
            continue
        md5 = hashlib.md5(resp.body).hexdigest()
        match = [o for o in allowed
                 if o.kind in ("put", "observed") and o.md5 == md5 and o.size == len(resp.body)]
        if not match:
            problems.append(f"{key}: GET returned {identify(resp.body, ops)}; allowed were: "
                            f"{[o.describe() for o in allowed]}\n      history (last 8):\n      {hist}")
        clen = resp.headers.get("Content-Length")
        if clen is not None and int(clen) != len(resp.body):
            problems.append(f"{key}: Content-Length {clen} but {len(resp.body)} body bytes")
        etag = (resp.headers.get("ETag") or "").strip('"')
        if etag != md5:
            problems.append(f"{key}: GET ETag {etag} != MD5 of body {md5}")
        present[key] = (len(resp.body), md5)
        m = match[0] if match else None
        observed[key] = Op(key, "observed", m.ver if m else -1, len(resp.body), md5, now, now,
                           round=round_no)

    # HEAD agrees with GET.
    for key in keys:
        resp = client.request("HEAD", f"/{BUCKET}/{quote_key(key)}")
        if key in present:
            size, md5 = present[key]
            etag = (resp.headers.get("ETag") or "").strip('"')
            if resp.status != 200 or int(resp.headers.get("Content-Length", -1)) != size or etag != md5:
                problems.append(f"{key}: HEAD -> {resp.status} size {resp.headers.get('Content-Length')}"
                                f" etag {etag}; GET gave {size} B md5 {md5}")
        elif resp.status != 404:
            problems.append(f"{key}: GET said absent, HEAD -> HTTP {resp.status}")

    # ListObjectsV2 (small pages, to cross continuation tokens) agrees with GET.
    listed = list_all(client, page=7)
    names = [k for k, _, _ in listed]
    if names != sorted(names, key=lambda s: s.encode()):
        problems.append(f"ListObjectsV2 keys not in UTF-8 binary order: {names[:20]}")
    if len(names) != len(set(names)):
        problems.append("ListObjectsV2 lists a key twice")
    for key, size, etag in listed:
        if key not in present:
            problems.append(f"{key}: listed (size {size}) but GET says absent / never written")
        elif present[key] != (size, etag):
            problems.append(f"{key}: listed size {size} etag {etag}, GET gave {present[key]}")
    for key in present:
        if key not in set(names):
            problems.append(f"{key}: readable by GET but missing from ListObjectsV2")
    client.close()

    # The store's own leftovers (layout: docs/storage-format.md).
    problems += check_store_dir(data_dir, versioned_large +
                                sum(1 for s, _ in present.values() if s > INLINE_MAX))

    if problems:
        raise Violation(f"round {round_no}: {len(problems)} violation(s) after restart:\n  - "
                        + "\n  - ".join(problems[:40]))
    for key, op in observed.items():
        history.resolve(key, op)
    return len(present), len(keys) - len(present)


def check_store_dir(data_dir: Path, large_objects: int) -> list[str]:
    problems = []
    root = data_dir / ".cairn"
    if not root.is_dir():
        return [f"no store dir at {root} (layout changed? see docs/storage-format.md)"]
    tmp = root / "tmp"
    if not tmp.is_dir():
        problems.append(f"no temp dir at {tmp} (layout changed? see docs/storage-format.md)")
    else:
        # The sweep runs at open; allow a short settle time in case it becomes asynchronous.
        left = []
        for _ in range(50):
            left = sorted(p.name for p in tmp.iterdir())
            if not left:
                break
            time.sleep(0.1)
        if left:
            problems.append(f"{len(left)} leftover temp file(s) in {tmp} after restart: {left[:5]}")
    data = root / "data"
    if data.is_dir():
        files = []
        for _ in range(50):
            files = [p for p in data.rglob("*") if p.is_file()]
            if len(files) <= large_objects:
                break
            time.sleep(0.1)
        if len(files) != large_objects:
            problems.append(f"{data} holds {len(files)} data file(s) but {large_objects} object(s) "
                            f"are larger than the inline limit: "
                            + ("orphaned data files not swept" if len(files) > large_objects
                               else "data files missing"))
    else:
        problems.append(f"no data dir at {data} (layout changed? see docs/storage-format.md)")
    return problems


def leak_check(server: Server, history: History, keys: list[str], rnd: random.Random,
               data_dir: Path, versioned_large: int = 0):
    """With the server up and idle: PUTs dropped mid-body must leave no temp file and no data
    file behind, and change nothing (no restart sweeps for us here)."""
    client = Client(server.port)
    for i in range(6):
        key = rnd.choice(keys)
        ver = history.new_version(key)
        size = version_size(key, ver, "large")
        client.abort_put(f"/{BUCKET}/{quote_key(key)}", version_body(key, ver, size),
                         rnd.randrange(size // 4, size))
    time.sleep(0.5)
    problems = []
    present = {}
    for key in keys:
        resp = client.request("GET", f"/{BUCKET}/{quote_key(key)}")
        ops = history.ops.get(key, [])
        if resp.status == 200:
            md5 = hashlib.md5(resp.body).hexdigest()
            if not ops or ops[-1].md5 != md5:
                problems.append(f"{key}: after PUTs dropped mid-body, GET returned "
                                f"{identify(resp.body, ops)}")
            present[key] = len(resp.body)
        elif resp.status != 404 or (ops and ops[-1].md5):
            problems.append(f"{key}: after PUTs dropped mid-body, GET -> HTTP {resp.status}")
    client.close()
    problems += check_store_dir(data_dir, versioned_large +
                                sum(1 for n in present.values() if n > INLINE_MAX))
    if problems:
        raise Violation("while running, after 6 PUTs dropped mid-body:\n  - "
                        + "\n  - ".join(problems[:20]))
    print("leak check passed: 6 PUTs dropped mid-body left no temp or data file, "
          "changed no object", flush=True)


# ------------------------------------------------------------------------------------------
# The versioned bucket: every acknowledged version and delete marker must survive
# ------------------------------------------------------------------------------------------

VBUCKET = "crash-versioned"
VLARGE_MAX = 600 << 10  # versions are never freed here, so keep the large ones modest
VERSIONING_ON = (b'<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                 b'<Status>Enabled</Status></VersioningConfiguration>')


@dataclass
class VOp:
    """One op sent to the versioned bucket. A PUT makes a version, a DELETE without a version id
    a delete marker; `vid` is the x-amz-version-id the server answered (acknowledged ops), or
    the id it was found under after a restart (kind "known": verified state of earlier rounds,
    ordered before every later op)."""
    key: str
    kind: str  # "put" | "marker" | "known"
    ver: int  # body version number for puts; 0 for markers
    size: int
    md5: str  # "" for markers
    start: float
    end: float | None = None
    vid: str = ""
    round: int = 0
    marker: bool = False  # for "known": whether it is a delete marker

    def is_marker(self) -> bool:
        return self.kind == "marker" or (self.kind == "known" and self.marker)

    def describe(self) -> str:
        what = ("delete marker" if self.is_marker() else f"version v{self.ver} ({self.size} B)")
        if self.kind == "known":
            return f"{what} {self.vid} verified after round {self.round}"
        ack = f"acknowledged as {self.vid}" if self.end is not None else "NOT acknowledged"
        return f"{'DELETE ->' if self.kind == 'marker' else 'PUT'} {what} round {self.round} {ack}"


class VHistory:
    def __init__(self, journal):
        self.lock = threading.Lock()
        self.ops: dict[str, list[VOp]] = {}
        self.next_ver: dict[str, int] = {}
        self.journal = journal  # shared with History (line-buffered JSON lines)
        self.acked = 0
        self.large_versions = 0  # versions > INLINE_MAX found at the last verification

    def new_version(self, key: str) -> int:
        with self.lock:
            v = self.next_ver.get(key, 0) + 1
            self.next_ver[key] = v
            return v

    def begin(self, op: VOp):
        with self.lock:
            self.ops.setdefault(op.key, []).append(op)

    def ack(self, op: VOp, status: int, vid: str):
        with self.lock:
            op.end = time.monotonic()
            op.vid = vid
            self.acked += 1
            self.journal.write(json.dumps({
                "round": op.round, "bucket": VBUCKET, "op": op.kind, "key": op.key,
                "ver": op.ver, "size": op.size, "md5": op.md5, "status": status,
                "version_id": vid, "start": round(op.start, 6),
                "end": round(op.end, 6)}) + "\n")


class VWorker(threading.Thread):
    """PUTs and DELETEs (delete markers) on the versioned bucket, at most `max_ops` per round."""

    def __init__(self, idx, port, keys, vhistory, rnd, stop, round_no, deadline, errors, max_ops):
        super().__init__(name=f"vworker-{idx}", daemon=True)
        self.client = Client(port)
        self.keys, self.vh, self.rnd = keys, vhistory, rnd
        self.stop_evt, self.round_no, self.deadline, self.errors = stop, round_no, deadline, errors
        self.max_ops = max_ops
        self.count = 0
        self.transport_error: tuple[float, str] | None = None

    def run(self):
        try:
            for _ in range(self.max_ops):
                if self.stop_evt.is_set() or time.monotonic() > self.deadline:
                    return
                if not self.one_op():
                    return
            # Out of ops before the kill: idle so the kill still finds this thread quiet.
        finally:
            self.client.close()

    def one_op(self) -> bool:
        key = self.rnd.choice(self.keys)
        x = self.rnd.random()
        if x < 0.25:
            op = VOp(key, "marker", 0, 0, "", 0.0, round=self.round_no)
            body = b""
        else:
            kind = "empty" if x < 0.32 else ("small" if x < 0.9 else "large")
            ver = self.vh.new_version(key)
            size = min(version_size(key, ver, kind), VLARGE_MAX)
            body = version_body(key, ver, size)
            op = VOp(key, "put", ver, size, hashlib.md5(body).hexdigest(), 0.0, round=self.round_no)
        path = f"/{VBUCKET}/{quote_key(key)}"
        resp = None
        for attempt in range(3):
            if attempt:  # the failed attempt stays in the history, unacknowledged
                op = VOp(op.key, op.kind, op.ver, op.size, op.md5, 0.0, round=self.round_no)
            op.start = time.monotonic()
            self.vh.begin(op)
            try:
                if op.kind == "put":
                    headers = {"Content-MD5": base64.b64encode(bytes.fromhex(op.md5)).decode()}
                    resp = self.client.request("PUT", path, body=body, headers=headers,
                                               payload_hash="UNSIGNED-PAYLOAD" if op.ver % 2 else None)
                else:
                    resp = self.client.request("DELETE", path)
                break
            except (OSError, http.client.HTTPException) as e:
                if (self.client.reused and not self.stop_evt.is_set() and isinstance(
                        e, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))):
                    continue
                self.transport_error = (time.monotonic(), f"versioned {op.kind} {key}: {e!r}")
                return False
        if resp is None:
            self.transport_error = (time.monotonic(), f"versioned {op.kind} {key}: 3 attempts failed")
            return False
        self.count += 1
        vid = resp.headers.get("x-amz-version-id") or ""
        ok = resp.status == 200 if op.kind == "put" else resp.status in (200, 204)
        if not ok:
            self.errors.append((time.monotonic(), f"versioned {op.kind.upper()} {key} -> HTTP "
                                                  f"{resp.status}: {resp.body[:300]!r}"))
            return True
        problem = None
        if not vid or vid == "null":
            problem = f"no version id ({vid!r})"
        elif op.kind == "put" and (resp.headers.get("ETag") or "").strip('"') != op.md5:
            problem = f"ETag {resp.headers.get('ETag')!r} != MD5 {op.md5}"
        elif op.kind == "marker" and resp.headers.get("x-amz-delete-marker") != "true":
            problem = "no x-amz-delete-marker: true"
        if problem:
            self.errors.append((time.monotonic(), f"versioned {op.kind.upper()} {key}: {problem}"))
        self.vh.ack(op, resp.status, vid)
        return True


def list_versions(client: Client, page: int) -> list[dict]:
    """Every entry of ListObjectVersions in order, paged with key-marker / version-id-marker."""
    out: list[dict] = []
    km = vm = None
    for _ in range(10000):
        q = {"versions": "", "max-keys": str(page)}
        if km is not None:
            q["key-marker"] = km
            q["version-id-marker"] = vm or ""
        qs = "&".join(f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}"
                      for k, v in sorted(q.items()))
        resp = client.request("GET", f"/{VBUCKET}", query=qs)
        if resp.status != 200:
            raise Violation(f"ListObjectVersions -> HTTP {resp.status}: {resp.body[:300]!r}")
        root = ET.fromstring(resp.body)
        n = 0
        for el in root:
            tag = el.tag.removeprefix(S3_NS)
            if tag not in ("Version", "DeleteMarker"):
                continue
            n += 1
            out.append({"key": el.findtext(f"{S3_NS}Key"), "vid": el.findtext(f"{S3_NS}VersionId"),
                        "latest": el.findtext(f"{S3_NS}IsLatest") == "true",
                        "marker": tag == "DeleteMarker",
                        "size": int(el.findtext(f"{S3_NS}Size") or 0),
                        "etag": (el.findtext(f"{S3_NS}ETag") or "").strip('"')})
        if root.findtext(f"{S3_NS}IsTruncated") != "true":
            return out
        km = root.findtext(f"{S3_NS}NextKeyMarker")
        vm = root.findtext(f"{S3_NS}NextVersionIdMarker")
        if not km or n == 0:
            raise Violation(f"ListObjectVersions truncated with NextKeyMarker {km!r} after {n} "
                            f"entries")
    raise Violation("ListObjectVersions did not finish in 10000 pages")


def verify_versions(server: Server, vh: VHistory, keys: list[str], round_no: int) -> tuple[int, int]:
    """After a restart: the versions and markers listed are exactly the acknowledged ones plus
    whole versions / markers of ops that were in flight, each readable by id with its bytes, in
    an order the history allows, and the latest one is one the history allows."""
    client = Client(server.port)
    problems: list[str] = []
    listed = list_versions(client, page=7)
    pairs = [(e["key"], e["vid"]) for e in listed]
    if len(pairs) != len(set(pairs)):
        problems.append("ListObjectVersions lists a (key, version id) twice")
    keys_in_order = [e["key"] for e in listed]
    if keys_in_order != sorted(keys_in_order, key=lambda s: s.encode()):
        problems.append("ListObjectVersions keys not in UTF-8 binary order")
    by_key: dict[str, list[dict]] = {}
    for e in listed:
        by_key.setdefault(e["key"], []).append(e)
    new_state: dict[str, list[VOp]] = {}
    now = time.monotonic()
    for key in sorted(set(keys) | set(by_key)):
        ops = vh.ops.get(key, [])
        entries = by_key.get(key, [])
        hist = "\n      ".join(o.describe() for o in ops[-8:])
        if key not in keys:
            problems.append(f"{key}: listed by ListObjectVersions but never written")
            continue
        acked = {o.vid: o for o in ops if o.end is not None}
        if len(acked) != sum(1 for o in ops if o.end is not None):
            problems.append(f"{key}: two acknowledged ops were answered the same version id")
        unacked = [o for o in ops if o.end is None]
        used_unacked: set[int] = set()
        matched: list[VOp | None] = []
        for pos, e in enumerate(entries):
            op = acked.get(e["vid"])
            if op is not None and op.is_marker() != e["marker"]:
                problems.append(f"{key}: {e['vid']} listed as "
                                f"{'a delete marker' if e['marker'] else 'a version'} but was "
                                f"{op.describe()}")
            if op is None:
                # Not acknowledged: it must be a whole version / a marker of an op in flight.
                for i, u in enumerate(unacked):
                    if i in used_unacked or u.is_marker() != e["marker"]:
                        continue
                    if not e["marker"] and (u.md5 != e["etag"] or u.size != e["size"]):
                        continue
                    used_unacked.add(i)
                    op = u
                    break
                if op is None:
                    problems.append(f"{key}: {'marker' if e['marker'] else 'version'} {e['vid']} "
                                    f"({e['size']} B, etag {e['etag']}) listed but never sent "
                                    f"(or listed more often than sent)\n      history:\n      {hist}")
            elif not e["marker"] and (op.md5 != e["etag"] or op.size != e["size"]):
                problems.append(f"{key}: version {e['vid']} listed with size {e['size']} etag "
                                f"{e['etag']}, but {op.describe()} md5 {op.md5}")
            matched.append(op)
            # Read it back by id.
            resp = client.request("GET", f"/{VBUCKET}/{quote_key(key)}",
                                  query=f"versionId={urllib.parse.quote(e['vid'], safe='')}")
            if e["marker"]:
                if resp.status != 405:
                    problems.append(f"{key}: GET ?versionId= of marker {e['vid']} -> HTTP "
                                    f"{resp.status} (want 405)")
            elif resp.status != 200:
                problems.append(f"{key}: GET ?versionId={e['vid']} -> HTTP {resp.status}: "
                                f"{resp.body[:200]!r}")
            else:
                md5 = hashlib.md5(resp.body).hexdigest()
                if op is not None and (md5 != op.md5 or len(resp.body) != op.size):
                    problems.append(f"{key}: GET ?versionId={e['vid']} returned {len(resp.body)} B "
                                    f"md5 {md5}, but it is {op.describe()} md5 {op.md5}")
                if resp.headers.get("x-amz-version-id") != e["vid"]:
                    problems.append(f"{key}: GET ?versionId={e['vid']} answered version id "
                                    f"{resp.headers.get('x-amz-version-id')!r}")
        for vid, op in acked.items():
            if vid not in {e["vid"] for e in entries}:
                problems.append(f"{key}: LOST {op.describe()}: not listed by ListObjectVersions"
                                f"\n      history:\n      {hist}")
        # Newest first; IsLatest on exactly the first.
        if entries and [e["latest"] for e in entries] != [True] + [False] * (len(entries) - 1):
            problems.append(f"{key}: IsLatest flags {[e['latest'] for e in entries]} "
                            f"(want only the first)")
        for i, x in enumerate(matched):
            for j, y in enumerate(matched):
                # y started after x was acknowledged: y must be listed newer (earlier).
                if x is not None and y is not None and x.end is not None and y.start > x.end \
                        and j > i:
                    problems.append(f"{key}: {y.describe()} listed OLDER than {x.describe()}, "
                                    f"which was acknowledged before it was sent")
        if entries and matched[0] is not None:
            top = matched[0]
            if any(o.end is not None and o.start > (top.end or top.start) and o is not top
                   for o in ops) and top.end is not None:
                problems.append(f"{key}: latest is {top.describe()}, but a later op was "
                                f"acknowledged after it")
        # Plain GET / HEAD follow the latest entry.
        resp = client.request("GET", f"/{VBUCKET}/{quote_key(key)}")
        if not entries or entries[0]["marker"]:
            want_dm = bool(entries)
            if resp.status != 404 or (want_dm and resp.headers.get("x-amz-delete-marker") != "true"):
                problems.append(f"{key}: latest is {'a marker' if want_dm else 'nothing'}, GET -> "
                                f"HTTP {resp.status} delete-marker "
                                f"{resp.headers.get('x-amz-delete-marker')!r}")
        elif resp.status != 200 or hashlib.md5(resp.body).hexdigest() != entries[0]["etag"] or \
                resp.headers.get("x-amz-version-id") != entries[0]["vid"]:
            problems.append(f"{key}: GET -> HTTP {resp.status} version "
                            f"{resp.headers.get('x-amz-version-id')!r}, but the latest listed is "
                            f"{entries[0]['vid']} etag {entries[0]['etag']}")
        # The verified state replaces the history (oldest first, all before any later op).
        state = []
        for e, op in zip(reversed(entries), reversed(matched)):
            state.append(VOp(key, "known", op.ver if op else -1, e["size"], e["etag"], now, now,
                             vid=e["vid"], round=round_no, marker=e["marker"]))
        new_state[key] = state
    client.close()
    if problems:
        raise Violation(f"round {round_no}: {len(problems)} versioning violation(s) after "
                        f"restart:\n  - " + "\n  - ".join(problems[:40]))
    with vh.lock:
        vh.ops = new_state
    vh.large_versions = sum(1 for e in listed if not e["marker"] and e["size"] > INLINE_MAX)
    return sum(1 for e in listed if not e["marker"]), sum(1 for e in listed if e["marker"])


# ------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------


def make_keys(threads: int, per_thread: int, shared: int) -> tuple[list[list[str]], list[str]]:
    owned = [[f"t{t}/obj-{j:02d}" for j in range(per_thread)] for t in range(threads)]
    shared_keys = [f"shared/obj {j:02d}" if j % 3 else f"shared/é-ü/{j:02d}" for j in range(shared)]
    return owned, shared_keys


def make_vkeys(threads: int) -> tuple[list[list[str]], list[str]]:
    owned = [[f"ver/t{t}-{j}" for j in range(3)] for t in range(threads)]
    return owned, ["ver/shared é"]


def run(args) -> int:
    binary = args.bin or os.environ.get("CAIRN_BIN") or str(REPO / "build" / "cairn")
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        raise HarnessError(f"cairn binary not found at {binary} (set CAIRN_BIN)")
    seed = args.seed if args.seed is not None else random.randrange(1 << 31)
    rnd = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="cairn-crash-"))
    data_dir = work / "data"
    data_dir.mkdir()
    print(f"crash test: {args.rounds} rounds, {args.threads} writers, seed {seed}, "
          f"binary {binary}, work dir {work}", flush=True)
    server = Server(binary, data_dir, work / "server.log", free_port())
    history = History(work / "journal.jsonl")
    owned, shared = make_keys(args.threads, args.keys_per_thread, args.shared_keys)
    all_keys = sorted({k for ks in owned for k in ks} | set(shared))
    vhistory = VHistory(history.journal)
    vowned, vshared = make_vkeys(args.vthreads)
    all_vkeys = sorted({k for ks in vowned for k in ks} | set(vshared))
    t_begin = time.monotonic()
    ok = False
    try:
        server.start()
        admin = Client(server.port)
        resp = admin.request("PUT", f"/{BUCKET}")
        if resp.status != 200:
            raise HarnessError(f"CreateBucket -> HTTP {resp.status}: {resp.body[:300]!r}")
        resp = admin.request("PUT", f"/{VBUCKET}")
        if resp.status != 200:
            raise HarnessError(f"CreateBucket {VBUCKET} -> HTTP {resp.status}: {resp.body[:300]!r}")
        resp = admin.request("PUT", f"/{VBUCKET}", query="versioning", body=VERSIONING_ON)
        if resp.status != 200:
            raise Violation(f"PutBucketVersioning -> HTTP {resp.status}: {resp.body[:300]!r}")
        admin.close()
        for round_no in range(1, args.rounds + 1):
            if time.monotonic() - t_begin > args.time_limit:
                raise HarnessError(f"time limit of {args.time_limit}s reached before round {round_no}")
            stop = threading.Event()
            errors: list[tuple[float, str]] = []
            delay = rnd.uniform(args.min_delay, args.max_delay)
            workers = [Worker(i, server.port, owned[i] + shared, history,
                              random.Random(rnd.getrandbits(64)), stop, round_no,
                              time.monotonic() + delay + REQUEST_TIMEOUT + 5, errors)
                       for i in range(args.threads)]
            reader = Reader(server.port, all_keys, history, random.Random(rnd.getrandbits(64)),
                            stop, time.monotonic() + delay + REQUEST_TIMEOUT + 5, errors)
            vworkers = [VWorker(i, server.port, vowned[i] + vshared, vhistory,
                                random.Random(rnd.getrandbits(64)), stop, round_no,
                                time.monotonic() + delay + REQUEST_TIMEOUT + 5, errors,
                                args.vmax_ops)
                        for i in range(args.vthreads)]
            acked_before, vacked_before = history.acked, vhistory.acked
            workers_all = workers + vworkers
            for w in workers_all:
                w.start()
            reader.start()
            time.sleep(delay)
            crashed_early = not server.alive()
            kill_at = time.monotonic()
            # Stop first: requests in flight stay in flight, but an error caused by the kill is
            # then never mistaken for a keep-alive close worth a retry.
            stop.set()
            server.kill9()
            for w in workers_all + [reader]:
                w.join(timeout=REQUEST_TIMEOUT + 5)
            if any(w.is_alive() for w in workers_all + [reader]):
                raise HarnessError("a writer did not stop within the request timeout")
            if crashed_early:
                raise Violation(f"round {round_no}: the server died on its own under load "
                                f"(status {server.proc.returncode})\n{server.log_tail()}")
            early = [(t, w.transport_error[1]) for w in workers_all
                     if w.transport_error and (t := w.transport_error[0]) < kill_at - 0.05]
            if early:
                raise Violation(f"round {round_no}: connection errors before the kill: {early[:5]}"
                                f"\n{server.log_tail()}")
            if errors:
                raise Violation(f"round {round_no}: {len(errors)} error response(s) under load "
                                f"(before the kill):\n  " + "\n  ".join(m for _, m in errors[:10])
                                + f"\n{server.log_tail()}")
            inflight = sum(1 for w in workers_all if w.transport_error)
            recovery_kill = ""
            if rnd.random() < args.recovery_kill_rate:
                # Kill the next start-up too, somewhere in its recovery sweep or just after.
                wait = rnd.uniform(0.0, 0.08)
                server.spawn()
                time.sleep(wait)
                server.kill9()
                recovery_kill = f"start-up killed after {wait * 1000:.0f} ms, "
            ready_s = server.start()
            nversions, nmarkers = verify_versions(server, vhistory, all_vkeys, round_no)
            present, absent = verify(server, history, all_keys, round_no, data_dir,
                                     vhistory.large_versions)
            print(f"round {round_no}: killed after {delay:.2f}s, "
                  f"{history.acked - acked_before} acknowledged ops "
                  f"({sum(w.count for w in workers)} answered, {inflight} in flight at the kill, "
                  f"{sum(w.reconnects for w in workers)} keep-alive retries, "
                  f"{sum(w.aborted for w in workers)} PUTs dropped mid-body by the client, "
                  f"{reader.count} GETs under load); {recovery_kill}"
                  f"restart ready in {ready_s:.2f}s; {present} objects verified, "
                  f"{absent} keys absent as allowed; versioned bucket: "
                  f"{vhistory.acked - vacked_before} acknowledged ops "
                  f"({sum(w.count for w in vworkers)} answered), {nversions} versions and "
                  f"{nmarkers} delete markers listed and verified", flush=True)
        leak_check(server, history, all_keys, rnd, data_dir, vhistory.large_versions)
        rc = server.stop()
        if rc != 0:
            raise Violation(f"graceful stop (SIGTERM) after the last round: exit status {rc}\n"
                            f"{server.log_tail()}")
        ok = True
        print(f"crash test passed: {args.rounds} rounds in {time.monotonic() - t_begin:.1f}s")
        return 0
    finally:
        if server.alive():
            server.kill9()
        history.journal.close()
        if ok and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"work dir kept for inspection: {work} (server.log, journal.jsonl, data/)",
                  file=sys.stderr)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--keys-per-thread", type=int, default=5,
                   help="keys only one writer touches (sequential overwrites)")
    p.add_argument("--shared-keys", type=int, default=6,
                   help="keys every writer touches (concurrent overwrites)")
    p.add_argument("--vthreads", type=int, default=2,
                   help="writers on the versioned bucket (PUTs and delete markers)")
    p.add_argument("--vmax-ops", type=int, default=150,
                   help="ops per versioned writer per round (bounds the versions to verify)")
    p.add_argument("--min-delay", type=float, default=0.3)
    p.add_argument("--max-delay", type=float, default=2.0)
    p.add_argument("--recovery-kill-rate", type=float, default=0.4,
                   help="share of rounds whose first restart is itself killed within 80 ms "
                        "(recovery must be crash-safe too)")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--bin", default=None, help="cairn binary (default $CAIRN_BIN or build/cairn)")
    p.add_argument("--time-limit", type=float, default=240.0,
                   help="give up (exit 2) when a new round would start after this many seconds")
    p.add_argument("--keep", action="store_true", help="keep the work dir even on success")
    args = p.parse_args()
    try:
        return run(args)
    except Violation as e:
        print(f"CRASH TEST FAILED: {e}", file=sys.stderr)
        return 1
    except HarnessError as e:
        print(f"crash test could not run: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
