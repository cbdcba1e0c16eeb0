"""The front door under hostile or heavy clients: header and idle deadlines, a stalled body,
the connection cap, SIGTERM with an upload in flight, and the thread count with many idle
connections. Raw sockets on 127.0.0.1; every loop is bounded in count and time."""

import os
import resource
import select
import signal
import socket
import time
import xml.etree.ElementTree as ET

from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness import CairnTestCase, _RawSigner, md5_hex, unique_bucket
from procstat import status_kib


def readable(s: socket.socket, timeout: float) -> bool:
    """poll(), not select(): the many-connections test uses descriptors past 1024."""
    p = select.poll()
    p.register(s, select.POLLIN)
    return bool(p.poll(max(0, int(timeout * 1000))))


def connect(port: int, timeout: float = 10.0) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def signed_head(server, method: str, path: str, length: int) -> bytes:
    """A SigV4-signed request head (UNSIGNED-PAYLOAD) for a body of `length` bytes."""
    host = f"127.0.0.1:{server.port}"
    headers = {"Host": host, "Content-Length": str(length)}
    req = AWSRequest(method=method, url=f"http://{host}{path}", data=b"", headers=headers)
    _RawSigner(
        Credentials(server.access_key, server.secret_key), payload_hash="UNSIGNED-PAYLOAD"
    ).add_auth(req)
    lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in req.headers.items()]
    if "Content-Length" not in req.headers:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_response(s: socket.socket, limit: float = 10.0) -> bytes:
    """Bytes until the peer closes, a full response with Content-Length arrives, or `limit`."""
    data = b""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not readable(s, deadline - time.monotonic()):
            break
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep:
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length" and len(body) >= int(value):
                    return data
    return data


def seconds_until_closed(s: socket.socket, limit: float) -> float | None:
    """Seconds until the peer closes the connection, or None if it stays open for `limit`."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        if readable(s, 0.05):
            try:
                if not s.recv(4096):
                    return time.monotonic() - start
            except ConnectionResetError:
                return time.monotonic() - start
    return None


class HeaderTimeoutTest(CairnTestCase):
    SERVER_ARGS = ["--read-header-timeout", "2s"]

    def test_trickling_head_is_closed_at_the_deadline_while_others_are_served(self):
        head = b"GET /minio/health/live HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 60 + b"\r\n\r\n"
        slow = connect(self.server.port)
        start = time.monotonic()
        closed_after = None
        served_meanwhile = 0
        try:
            for i in range(len(head)):  # one byte every 0.1 s: ~10 s for the whole head
                try:
                    slow.send(head[i : i + 1])
                except (BrokenPipeError, ConnectionResetError):
                    closed_after = time.monotonic() - start
                    break
                if readable(slow, 0.1):
                    try:
                        data = slow.recv(4096)
                    except ConnectionResetError:
                        data = b""
                    self.assertNotIn(b"200 OK", data)
                    if not data:
                        closed_after = time.monotonic() - start
                        break
                if i % 5 == 0 and time.monotonic() - start < 1.5:
                    r = self.server.anonymous("GET", "/minio/health/live", timeout=5)
                    self.assertEqual(r.status, 200)
                    served_meanwhile += 1
                if time.monotonic() - start > 8:
                    break
        finally:
            slow.close()
        self.assertIsNotNone(closed_after, "a trickled head kept its connection for 8 s")
        self.assertGreater(closed_after, 1.5)
        self.assertLess(closed_after, 4.0)
        self.assertGreater(served_meanwhile, 0)

    def test_a_head_sent_at_once_is_served(self):
        s = connect(self.server.port)
        try:
            s.sendall(b"GET /minio/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertIn(b"200 OK", read_response(s, 5))
        finally:
            s.close()


class IdleTimeoutTest(CairnTestCase):
    SERVER_ARGS = ["--idle-timeout", "2s"]

    def make_bucket(self, prefix: str = "it") -> str:
        # Each boto3 call here uses a new client: a pooled connection idle for about the 2 s
        # idle timeout can be closed by the server just as botocore reuses it (no retries).
        name = unique_bucket(prefix)
        self.server.client().create_bucket(Bucket=name)
        return name

    def test_idle_keep_alive_connection_is_closed_after_the_timeout(self):
        s = connect(self.server.port)
        try:
            s.sendall(b"GET /minio/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertIn(b"200 OK", read_response(s, 5))
            took = seconds_until_closed(s, 8)
        finally:
            s.close()
        self.assertIsNotNone(took, "an idle connection stayed open for 8 s")
        self.assertGreater(took, 1.5)
        self.assertLess(took, 4.0)

    def test_stalled_put_body_ends_the_request_and_stores_nothing(self):
        bucket = self.make_bucket("stall")
        s = connect(self.server.port)
        start = time.monotonic()
        try:
            s.sendall(signed_head(self.server, "PUT", f"/{bucket}/stalled", 100_000))
            s.sendall(b"x" * 50_000)  # half, then nothing
            answer = read_response(s, 10)
            took = time.monotonic() - start
            self.assertIsNotNone(seconds_until_closed(s, 5), "the connection stayed open")
        finally:
            s.close()
        self.assertGreater(took, 1.5, answer)
        self.assertLess(took, 6.0, answer)
        self.assertNotIn(b"200 OK", answer)
        r = self.server.request("HEAD", f"/{bucket}/stalled")
        self.assertEqual(r.status, 404, repr(r))
        # A new client: the shared one's pooled connection has been idle about as long as the
        # 2 s idle timeout, so the server may close it just as botocore reuses it.
        listed = self.server.client().list_objects_v2(Bucket=bucket)
        self.assertEqual(listed.get("KeyCount"), 0)

    def test_a_slow_but_moving_body_is_stored(self):
        bucket = self.make_bucket("moving")
        body = os.urandom(30_000)
        s = connect(self.server.port)
        try:
            s.sendall(signed_head(self.server, "PUT", f"/{bucket}/moving", len(body)))
            for i in range(0, len(body), 10_000):  # a pause shorter than the idle timeout
                s.sendall(body[i : i + 10_000])
                time.sleep(1.0)
            answer = read_response(s, 10)
        finally:
            s.close()
        self.assertIn(b"200 OK", answer)
        got = self.server.client().get_object(Bucket=bucket, Key="moving")["Body"].read()
        self.assertEqual(md5_hex(got), md5_hex(body))


class ConnectionCapTest(CairnTestCase):
    CAP = 6
    SERVER_ARGS = ["--max-connections", str(CAP)]

    def test_connection_over_the_cap_gets_503_slowdown(self):
        held = []
        try:
            for _ in range(self.CAP):
                s = connect(self.server.port)
                held.append(s)
            # Each held connection is served, so each is counted by the server.
            for s in held:
                s.sendall(b"GET /minio/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertIn(b"200 OK", read_response(s, 5))
            extra = connect(self.server.port)
            try:
                extra.sendall(b"GET /minio/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
                answer = read_response(extra, 5)
            finally:
                extra.close()
            head, _, body = answer.partition(b"\r\n\r\n")
            self.assertTrue(head.startswith(b"HTTP/1.1 503"), answer)
            self.assertIn(b"connection: close", head.lower())
            error = ET.fromstring(body)
            self.assertEqual(error.findtext("Code"), "SlowDown")
            self.assertEqual(error.findtext("Message"), "Please reduce your request rate.")
            # A freed slot is usable again.
            held.pop().close()
            deadline = time.monotonic() + 5
            ok = False
            while time.monotonic() < deadline and not ok:
                s = connect(self.server.port)
                try:
                    s.sendall(b"GET /minio/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
                    ok = b"200 OK" in read_response(s, 5)
                finally:
                    s.close()
                if not ok:
                    time.sleep(0.1)
            self.assertTrue(ok, "a freed connection slot never became usable")
        finally:
            for s in held:
                s.close()


class ShutdownTest(CairnTestCase):
    SERVER_ARGS = ["--shutdown-timeout", "15s"]

    def test_sigterm_lets_a_slow_upload_finish(self):
        bucket = self.make_bucket("term")
        body = os.urandom(200_000)
        s = connect(self.server.port)
        try:
            s.sendall(signed_head(self.server, "PUT", f"/{bucket}/slow-upload", len(body)))
            s.sendall(body[:20_000])
            time.sleep(0.3)
            proc = self.server.proc
            start = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            for i in range(20_000, len(body), 20_000):  # ~2.5 s more of upload
                time.sleep(0.25)
                s.sendall(body[i : i + 20_000])
            answer = read_response(s, 10)
            self.assertIn(b"200 OK", answer)
            self.assertIn(b"connection: close", answer.lower())
            rc = proc.wait(timeout=15)
            took = time.monotonic() - start
        finally:
            s.close()
        self.assertEqual(rc, 0, self.server.log_tail())
        self.assertLess(took, 15.0)
        self.server.restart()
        self.__class__.s3 = self.server.client()
        got = self.server.client().get_object(Bucket=bucket, Key="slow-upload")["Body"].read()
        self.assertEqual(md5_hex(got), md5_hex(body))


class ManyIdleConnectionsTest(CairnTestCase):
    IDLE = 2000

    def test_thread_count_stays_bounded_with_many_idle_connections(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = self.IDLE + 256
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        count = min(self.IDLE, soft - 256)
        self.assertGreaterEqual(count, 1000, "cannot open enough sockets for the test")
        pid = self.server.proc.pid
        bucket = self.make_bucket("idle")
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"hello")
        idle = []
        start = time.monotonic()
        try:
            for i in range(count):
                idle.append(connect(self.server.port))
                if i % 100 == 0:
                    # Some have made a request first: keep-alive, not just accepted.
                    s = idle[-1]
                    s.sendall(b"GET /minio/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
                    self.assertIn(b"200 OK", read_response(s, 5))
                self.assertLess(time.monotonic() - start, 60)
            # Traffic flows while they are all open.
            for _ in range(20):
                got = self.s3.get_object(Bucket=bucket, Key="k")["Body"].read()
                self.assertEqual(got, b"hello")
            threads = status_kib(pid, "Threads")
            rss_mib = status_kib(pid, "VmHWM") / 1024
            self.assertLessEqual(threads, 64, f"{threads} threads")
            self.assertLess(rss_mib, 200, f"peak RSS {rss_mib:.0f} MiB")
        finally:
            for s in idle:
                s.close()
