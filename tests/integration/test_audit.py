"""Audit log (docs/audit.md): MinIO's audit webhook target received by a local sink on 127.0.0.1
(one MinIO audit entry per request, right api name / bucket / object / status / access key, the
auth token header, no signature or SSE-C key anywhere in the body); a sink outage does not slow
requests and the queued records arrive once the sink is back, also across a server restart; a
queue cap drops records and counts them in minio_audit_failed_messages; CAIRN_AUDIT_FILE gets a
line per request; `cairn server --json` writes its log lines as JSON objects."""

from __future__ import annotations

import http.server
import json
import shutil
import ssl
import tempfile
import threading
import time
import unittest
from pathlib import Path

from admin_client import AdminClient
from harness import CairnServer, free_port, unique_bucket

TOKEN = "Bearer audit-token-123"
SSE_KEY_B64 = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="  # 32 bytes, base64


class Sink:
    """A webhook receiver on 127.0.0.1:port in a thread; start() and stop() any number of times."""

    def __init__(self, port: int):
        self.port = port
        self.entries: list[dict] = []
        self.bodies: list[bytes] = []
        self.headers: list[dict] = []
        self.lock = threading.Lock()
        self.httpd = None
        self.thread = None

    def start(self, tls_context=None):
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with sink.lock:
                    sink.bodies.append(body)
                    sink.headers.append({k.lower(): v for k, v in self.headers.items()})
                    for line in body.split(b"\n"):
                        if line.strip():
                            sink.entries.append(json.loads(line))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        http.server.ThreadingHTTPServer.allow_reuse_address = True
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        if tls_context is not None:
            self.httpd.socket = tls_context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.thread.join(5)
            self.httpd = None

    def request_ids(self) -> set[str]:
        with self.lock:
            return {e.get("requestID") for e in self.entries}

    def wait_for(self, request_ids, timeout=20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if set(request_ids) <= self.request_ids():
                return True
            time.sleep(0.05)
        return False


def audit_env(port: int, **extra) -> dict:
    env = {
        "MINIO_AUDIT_WEBHOOK_ENABLE_T1": "on",
        "MINIO_AUDIT_WEBHOOK_ENDPOINT_T1": f"http://127.0.0.1:{port}/audit",
        "MINIO_AUDIT_WEBHOOK_AUTH_TOKEN_T1": TOKEN,
        "MINIO_PROMETHEUS_AUTH_TYPE": "public",
    }
    env.update(extra)
    return env


def metric(server: CairnServer, name: str, target: str) -> float | None:
    resp = server.anonymous("GET", "/minio/v2/metrics/cluster")
    for line in resp.body.decode().splitlines():
        if line.startswith(name + "{") and f'target_id="{target}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return None


class AuditWebhookTest(unittest.TestCase):
    def setUp(self):
        self.sink = Sink(free_port())
        self.servers: list[CairnServer] = []

    def tearDown(self):
        self.sink.stop()
        for s in self.servers:
            s.cleanup()

    def server(self, **extra) -> CairnServer:
        s = CairnServer(env=audit_env(self.sink.port, **extra))
        self.servers.append(s)
        return s.start()

    def test_records_fields_token_and_no_secrets(self):
        self.sink.start()
        srv = self.server()
        s3 = srv.client()
        bucket = unique_bucket("audit")
        created = s3.create_bucket(Bucket=bucket)
        put = s3.put_object(Bucket=bucket, Key="dir/a b.txt", Body=b"hello")
        got = s3.get_object(Bucket=bucket, Key="dir/a b.txt")
        self.assertEqual(got["Body"].read(), b"hello")
        missing = srv.request("GET", f"/{bucket}/nope")
        self.assertEqual(missing.status, 404)
        # An SSE-C key on plain HTTP is refused, but must not reach the audit record either.
        sse = srv.request("PUT", f"/{bucket}/ssec", body=b"x", headers={
            "x-amz-server-side-encryption-customer-algorithm": "AES256",
            "x-amz-server-side-encryption-customer-key": SSE_KEY_B64,
            "x-amz-server-side-encryption-customer-key-MD5": "ignored"})
        presigned = s3.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": "dir/a b.txt"}, ExpiresIn=300)
        import urllib.request
        with urllib.request.urlopen(presigned, timeout=10) as r:
            self.assertEqual(r.read(), b"hello")
            presigned_id = r.headers["x-amz-request-id"]
        signature = presigned.split("X-Amz-Signature=")[1].split("&")[0]

        ids = [put["ResponseMetadata"]["RequestId"], got["ResponseMetadata"]["RequestId"],
               missing.header("x-amz-request-id"), sse.header("x-amz-request-id")]
        # Every request's entry, the bucket's creation and the presigned GET included: entries
        # arrive asynchronously, so the count is checked only once all six are in.
        everything = ids + [created["ResponseMetadata"]["RequestId"], presigned_id]
        self.assertTrue(self.sink.wait_for(everything),
                        f"got {self.sink.request_ids()} want {everything}")
        self.assertGreaterEqual(len(self.sink.entries), 6)
        by_id = {e["requestID"]: e for e in self.sink.entries}
        e = by_id[ids[0]]
        self.assertEqual(e["version"], "1")
        self.assertEqual(e["trigger"], "incoming")
        self.assertRegex(e["deploymentid"], r"^[0-9a-f-]{36}$")
        self.assertEqual(e["api"]["name"], "PutObject")
        self.assertEqual(e["api"]["bucket"], bucket)
        self.assertEqual(e["api"]["object"], "dir/a b.txt")
        self.assertEqual(e["api"]["statusCode"], 200)
        self.assertEqual(e["api"]["rx"], 5)
        self.assertEqual(e["accessKey"], srv.access_key)
        self.assertEqual(e["remotehost"], "127.0.0.1")
        self.assertIn("Authorization", e["requestHeader"])
        self.assertIn("Signature=*REDACTED*", e["requestHeader"]["Authorization"])
        self.assertIn("Etag", e["responseHeader"])
        self.assertEqual(by_id[ids[1]]["api"]["name"], "GetObject")
        self.assertEqual(by_id[ids[1]]["api"]["tx"], 5)
        self.assertEqual(by_id[ids[2]]["api"]["statusCode"], 404)
        self.assertEqual(by_id[ids[2]]["api"]["status"], "Not Found")
        self.assertEqual(by_id[ids[3]]["requestHeader"].get(
            "X-Amz-Server-Side-Encryption-Customer-Key"), "*REDACTED*")
        # The deployment id is the same for every record, and stays across a restart.
        self.assertEqual({x["deploymentid"] for x in self.sink.entries}, {e["deploymentid"]})
        everything = b"".join(self.sink.bodies)
        self.assertNotIn(SSE_KEY_B64.encode(), everything)
        self.assertNotIn(signature.encode(), everything)
        self.assertNotIn(srv.secret_key.encode(), everything)
        presigned_entries = [x for x in self.sink.entries if "X-Amz-Signature" in x.get(
            "requestQuery", {})]
        self.assertTrue(presigned_entries)
        self.assertEqual(presigned_entries[0]["requestQuery"]["X-Amz-Signature"], "*REDACTED*")
        self.assertTrue(all(h.get("authorization") == TOKEN for h in self.sink.headers))
        self.assertTrue(all(h.get("content-type") == "application/json" for h in self.sink.headers))
        self.assertEqual(metric(srv, "minio_audit_failed_messages", "T1"), 0)
        self.assertGreaterEqual(metric(srv, "minio_audit_total_messages", "T1"), 6)

    def test_admin_calls_are_audited(self):
        """MinIO audits its admin API too: the v3 call by its handler name, the caller, the status,
        a refused call as well as an allowed one."""
        from signing import send, sign_v4_headers

        self.sink.start()
        srv = self.server()
        AdminClient(srv).add_user("audit-reader", "audit-reader-secret")

        def v3(who, name):
            target = "/minio/admin/v3/" + name
            headers = sign_v4_headers(srv.port, "GET", target, who[0], who[1], region="")
            return send(srv.port, "GET", target, headers)

        allowed = v3((srv.access_key, srv.secret_key), "list-users")
        refused = v3(("audit-reader", "audit-reader-secret"), "list-users")
        self.assertEqual(allowed.status, 200)
        self.assertEqual(refused.status, 403)
        ids = [allowed.header("x-amz-request-id"), refused.header("x-amz-request-id")]
        self.assertTrue(self.sink.wait_for(ids), f"got {self.sink.request_ids()} want {ids}")
        by_id = {e["requestID"]: e for e in self.sink.entries}
        self.assertEqual(by_id[ids[0]]["api"]["name"], "ListUsers")
        self.assertEqual(by_id[ids[0]]["api"]["statusCode"], 200)
        self.assertEqual(by_id[ids[0]]["accessKey"], srv.access_key)
        self.assertEqual(by_id[ids[0]]["requestPath"], "/minio/admin/v3/list-users")
        self.assertEqual(by_id[ids[1]]["api"]["statusCode"], 403)
        self.assertEqual(by_id[ids[1]]["accessKey"], "audit-reader")
        self.assertNotIn(b"audit-reader-secret", b"".join(self.sink.bodies))

    def test_outage_stays_fast_then_delivers_and_survives_restart(self):
        srv = self.server(MINIO_AUDIT_WEBHOOK_BATCH_SIZE_T1="10")  # the sink is down (refusing)
        s3 = srv.client()
        bucket = unique_bucket("outage")
        s3.create_bucket(Bucket=bucket)
        timings, ids = [], []
        for i in range(50):
            start = time.monotonic()
            r = s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"x" * 100)
            timings.append(time.monotonic() - start)
            ids.append(r["ResponseMetadata"]["RequestId"])
        timings.sort()
        self.assertLess(timings[48], 0.1, f"p99 {timings[48]:.3f}s with the sink down")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (metric(srv, "minio_audit_target_queue_length", "T1")
                                               or 0) < 50:
            time.sleep(0.05)
        self.assertGreaterEqual(metric(srv, "minio_audit_target_queue_length", "T1"), 50)
        self.sink.start()
        self.assertTrue(self.sink.wait_for(ids, timeout=30), "queued records did not arrive")
        # Batches are newline-separated entries without a JSON content type, as MinIO sends them.
        self.assertTrue(any(len(b.strip().split(b"\n")) > 1 for b in self.sink.bodies))

        # Records queued when the server stops are delivered by the next run.
        self.sink.stop()
        more = [s3.put_object(Bucket=bucket, Key=f"r{i}", Body=b"y")["ResponseMetadata"]["RequestId"]
                for i in range(10)]
        time.sleep(0.5)
        self.assertNotEqual(srv.stop(), None)
        srv.start()
        self.sink.start()
        self.assertTrue(self.sink.wait_for(more, timeout=30), "records queued before the restart")
        self.assertEqual(metric(srv, "minio_audit_failed_messages", "T1"), 0)

    def test_full_queue_drops_and_counts(self):
        srv = self.server(MINIO_AUDIT_WEBHOOK_QUEUE_SIZE_T1="5")  # sink down
        s3 = srv.client()
        bucket = unique_bucket("cap")
        s3.create_bucket(Bucket=bucket)
        for i in range(30):
            s3.head_bucket(Bucket=bucket)
        deadline = time.monotonic() + 10
        failed = 0
        while time.monotonic() < deadline:
            failed = metric(srv, "minio_audit_failed_messages", "T1") or 0
            if failed >= 20:
                break
            time.sleep(0.05)
        self.assertGreaterEqual(failed, 20)
        self.assertLessEqual(metric(srv, "minio_audit_target_queue_length", "T1"), 5)
        self.sink.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and len(self.sink.entries) < 5:
            time.sleep(0.05)
        self.assertGreaterEqual(len(self.sink.entries), 5)


class AuditHttpsWebhookTest(unittest.TestCase):
    """An https webhook is trusted through the certs folder's CAs/ (as MinIO), without which the
    same endpoint's certificate is refused and the records wait in the queue."""

    def test_cas_folder_trusts_an_https_sink(self):
        from test_tls import TestCa  # the throwaway CA made with the openssl CLI

        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            ca = TestCa(root / "ca")
            ca.issue(root / "sink", "sink", ["127.0.0.1"])
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(root / "sink" / "public.crt", root / "sink" / "private.key")
            sink = Sink(free_port())
            sink.start(context)
            self.addCleanup(sink.stop)
            env = audit_env(sink.port)
            env["MINIO_AUDIT_WEBHOOK_ENDPOINT_T1"] = f"https://127.0.0.1:{sink.port}/audit"

            # No CAs/ folder: the sink's certificate is unknown, nothing arrives, drops or not.
            untrusting = CairnServer(env=env)
            self.addCleanup(untrusting.cleanup)
            untrusting.start()
            untrusting.client().list_buckets()
            time.sleep(1.5)
            self.assertEqual(sink.entries, [], "an unknown CA must not be trusted")
            untrusting.cleanup()

            # The CA in the certs folder's CAs/ (no server certificate: the API stays plain HTTP).
            certs = root / "certs"
            (certs / "CAs").mkdir(parents=True)
            shutil.copy(ca.ca_file, certs / "CAs" / "test-ca.crt")
            srv = CairnServer(env=env, extra_args=["--certs-dir", str(certs)])
            self.addCleanup(srv.cleanup)
            srv.start()
            resp = srv.anonymous("GET", "/minio/health/live")
            self.assertEqual(resp.status, 200)
            srv.client().list_buckets()
            ids = {e.get("requestID") for e in sink.entries}
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not any(
                    e.get("api", {}).get("name") == "ListBuckets" for e in sink.entries):
                time.sleep(0.05)
            names = [e.get("api", {}).get("name") for e in sink.entries]
            self.assertIn("ListBuckets", names, f"entries over https: {names} (ids {ids})")
            self.assertEqual(sink.headers[-1].get("authorization"), TOKEN)


class AuditFileAndLogsTest(unittest.TestCase):
    def test_audit_file_lines_and_json_logs(self):
        srv = CairnServer(extra_args=["--json", "--log-level", "debug"])
        path = srv.root / "audit.jsonl"
        srv.env_overrides["CAIRN_AUDIT_FILE"] = str(path)
        try:
            srv.start()
            s3 = srv.client()
            bucket = unique_bucket("afile")
            s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="k", Body=b"abc")
            bad = srv.request("GET", f"/{bucket}/k", secret_key="wrong-secret-123")
            self.assertEqual(bad.status, 403)
            deadline = time.monotonic() + 10
            lines = []
            while time.monotonic() < deadline:
                lines = path.read_text().splitlines() if path.exists() else []
                if len(lines) >= 3:
                    break
                time.sleep(0.05)
            entries = [json.loads(line) for line in lines]
            names = [e["api"]["name"] for e in entries]
            self.assertEqual(names[:3], ["PutBucket", "PutObject", "GetObject"])
            self.assertEqual(entries[2]["api"]["statusCode"], 403)
            # Rotated away: the next entries go to a new file at the same path.
            path.rename(srv.root / "audit.jsonl.1")
            s3.head_bucket(Bucket=bucket)
            # The reopened file exists before its first line is written: wait for the line.
            deadline = time.monotonic() + 10
            text = ""
            while time.monotonic() < deadline and "HeadBucket" not in text:
                text = path.read_text() if path.exists() else ""
                time.sleep(0.05)
            self.assertIn("HeadBucket", text)
        finally:
            srv.stop()
        log = srv.log_text().splitlines()
        json_lines = [line for line in log if line.startswith("{")]
        self.assertTrue(json_lines, srv.log_text())
        for line in json_lines:
            rec = json.loads(line)
            self.assertEqual(set(rec), {"level", "time", "message"})
            self.assertIn(rec["level"], {"debug", "info", "warn", "error", "critical"})
        self.assertTrue(any("audit" in json.loads(x)["message"] for x in json_lines))
        # The banner stays human.
        self.assertTrue(any(line.startswith("Cairn S3 API listening on") for line in log))
        srv.cleanup()

    def test_bad_log_level_refused(self):
        srv = CairnServer(extra_args=["--log-level", "loud"])
        try:
            with self.assertRaises(RuntimeError):
                srv.start(timeout=5)
            self.assertIn("log level", srv.log_text())
        finally:
            srv.cleanup()


if __name__ == "__main__":
    unittest.main()
