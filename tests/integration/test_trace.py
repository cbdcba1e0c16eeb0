"""Live trace (docs/admin-api.md "trace", docs/cli.md "admin trace"): `cairn admin trace` sees the
requests made while it runs, as text lines and as --json TraceInfo objects; GET
/minio/admin/v3/trace refuses a user without admin:ServerTrace with MinIO's JSON error; SIGTERM of
the server with a tracer attached still exits within the shutdown timeout."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
import unittest

from admin_client import AdminClient
from harness import CairnServer, cairn_bin, unique_bucket


class TraceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = CairnServer(extra_args=["--shutdown-timeout", "3s"])
        cls.server.start()
        cls.config_dir = tempfile.mkdtemp(prefix="cairn-trace-cfg-")
        cls.env = dict(os.environ, CAIRN_CONFIG_DIR=cls.config_dir)
        subprocess.run([cairn_bin(), "alias", "set", "local", cls.server.endpoint,
                        cls.server.access_key, cls.server.secret_key],
                       env=cls.env, check=True, capture_output=True, timeout=30)

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def trace(self, *flags: str, requests) -> list[str]:
        """Runs `cairn [flags] admin trace local` while `requests()` runs; its stdout lines."""
        global_flags = [f for f in flags if f == "--json"]
        local_flags = [f for f in flags if f != "--json"]
        tracer = Tracer(self.server, self.env, global_flags, local_flags)
        try:
            requests()
            time.sleep(0.5)
        finally:
            lines, err = tracer.finish()
        self.assertEqual(err, b"", err)
        return [line for line in lines if "/trace-probe-" not in line]

    def test_text_lines(self):
        s3 = self.server.client()
        bucket = unique_bucket("trace")

        def work():
            s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="obj.txt", Body=b"12345")
            s3.get_object(Bucket=bucket, Key="obj.txt")["Body"].read()

        lines = self.trace(requests=work)
        put = [line for line in lines if "s3.PutObject" in line]
        self.assertTrue(put, lines)
        self.assertIn("[200 OK]", put[0])
        self.assertIn(f"/{bucket}/obj.txt", put[0])
        self.assertIn("↑ 5 B", put[0])
        self.assertTrue(any("s3.GetObject" in line and "↓ 5 B" in line for line in lines), lines)
        self.assertTrue(any("s3.PutBucket" in line for line in lines), lines)

    def test_json_and_verbose_and_errors(self):
        s3 = self.server.client()
        bucket = unique_bucket("tracej")
        s3.create_bucket(Bucket=bucket)

        def work():
            s3.put_object(Bucket=bucket, Key="j", Body=b"ab")
            self.server.request("GET", f"/{bucket}/missing")

        infos = [json.loads(line) for line in self.trace("--json", requests=work)]
        funcs = {i["funcname"] for i in infos}
        self.assertIn("s3.PutObject", funcs)
        put = next(i for i in infos if i["funcname"] == "s3.PutObject")
        self.assertEqual(put["type"], 4)
        self.assertEqual(put["http"]["response"]["statuscode"], 200)
        self.assertEqual(put["http"]["request"]["method"], "PUT")
        self.assertEqual(put["http"]["stats"]["inputbytes"], 2)
        self.assertIn("Signature=*REDACTED*", put["http"]["request"]["headers"]["Authorization"][0])

        lines = self.trace("-v", "--errors", requests=work)
        self.assertFalse(any("s3.PutObject" in line for line in lines), lines)
        self.assertTrue(any("s3.GetObject" in line and "[404 Not Found]" in line
                            for line in lines), lines)
        self.assertTrue(any(line.startswith("  > Authorization:") for line in lines), lines)
        self.assertTrue(any(line.startswith("  < X-Amz-Request-Id:") for line in lines), lines)

    def test_user_without_server_trace_refused(self):
        admin = AdminClient(self.server)
        admin.add_user("tracer-user", "tracer-secret-1", policies=["readwrite"])
        resp = self.server.request("GET", "/minio/admin/v3/trace", query={"s3": "true"},
                                   access_key="tracer-user", secret_key="tracer-secret-1")
        self.assertEqual(resp.status, 403)
        self.assertEqual(json.loads(resp.body)["Code"], "AccessDenied")
        p = subprocess.run([cairn_bin(), "alias", "set", "weak", self.server.endpoint,
                            "tracer-user", "tracer-secret-1"], env=self.env, capture_output=True,
                           timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = subprocess.run([cairn_bin(), "admin", "trace", "weak"], env=self.env,
                           capture_output=True, timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(b"Access Denied", p.stderr)


class TraceShutdownTest(unittest.TestCase):
    def test_sigterm_with_tracer_attached_exits_in_time(self):
        server = CairnServer(extra_args=["--shutdown-timeout", "2s"])
        server.start()
        try:
            cfg = tempfile.mkdtemp(prefix="cairn-trace-cfg-")
            env = dict(os.environ, CAIRN_CONFIG_DIR=cfg)
            subprocess.run([cairn_bin(), "alias", "set", "local", server.endpoint,
                            server.access_key, server.secret_key], env=env, check=True,
                           capture_output=True, timeout=30)
            tracer = Tracer(server, env, [], [])
            start = time.monotonic()
            server.proc.send_signal(15)
            rc = server.wait_exit(timeout=10)
            elapsed = time.monotonic() - start
            self.assertEqual(rc, 0, server.log_tail())
            self.assertLess(elapsed, 3.0)
            # The tracer saw its stream end and exits by itself.
            self.assertEqual(tracer.proc.wait(timeout=10), 0)
            tracer.finish()
        finally:
            server.cleanup()


class Tracer:
    """`cairn admin trace` in the background, its stdout collected by a thread. Returns once it
    is subscribed: probe requests (HEAD /trace-probe-N) are sent until one shows up (bounded)."""

    def __init__(self, server: CairnServer, env: dict, global_flags, local_flags):
        self.proc = subprocess.Popen(
            [cairn_bin(), *global_flags, "admin", "trace", *local_flags, "local"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: list[str] = []
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        for n in range(100):
            # An error answer (no such bucket), so an --errors tracer sees it too.
            server.anonymous("HEAD", f"/trace-probe-{n}")
            time.sleep(0.05)
            with self.lock:
                if any("trace-probe-" in line for line in self.lines):
                    return
            if self.proc.poll() is not None:
                break
        raise AssertionError(f"the tracer never saw a probe: {self.lines}")

    def _read(self):
        for raw in self.proc.stdout:
            with self.lock:
                self.lines.append(raw.decode().rstrip("\n"))

    def finish(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=10)
        self.reader.join(10)
        err = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        with self.lock:
            return list(self.lines), err


if __name__ == "__main__":
    unittest.main()
