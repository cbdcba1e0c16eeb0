"""MinIO's `service` admin call (`mc admin service restart|stop`, madmin's ServiceRestart and
ServiceStop) against the real binary: refused with a clear error unless the server allows it
(CAIRN_ADMIN_SERVICE_ACTIONS=on); allowed, a restart re-executes the same process (same pid,
data kept, serving again) and a stop ends it with exit code 0. Every wait is bounded."""

from __future__ import annotations

import json
import time
import unittest

from admin_client import AdminClient
from harness import CairnServer
from signing import send, sign_v4_headers


def service(server: CairnServer, action: str, key=None, secret=None):
    target = f"/minio/admin/v3/service?action={action}"
    headers = sign_v4_headers(server.port, "POST", target, key or server.access_key,
                              secret or server.secret_key, region="")
    return send(server.port, "POST", target, headers)


class ServiceActionsTest(unittest.TestCase):
    def start(self, env=None) -> CairnServer:
        server = CairnServer(env=env)
        self.addCleanup(server.cleanup)
        server.start()
        return server

    def test_refused_by_default_with_the_setting_named(self):
        server = self.start()
        for action in ("restart", "stop"):
            resp = service(server, action)
            self.assertEqual(resp.status, 501, resp.body)
            body = json.loads(resp.body)
            self.assertEqual(body["Code"], "NotImplemented")
            self.assertIn("CAIRN_ADMIN_SERVICE_ACTIONS=on", body["Message"])
        self.assertIsNone(server.proc.poll())  # still serving
        self.assertEqual(server.client().list_buckets()["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_restart_re_executes_the_server_and_keeps_the_data(self):
        server = self.start({"CAIRN_ADMIN_SERVICE_ACTIONS": "on"})
        s3 = server.client()
        s3.create_bucket(Bucket="kept")
        s3.put_object(Bucket="kept", Key="k", Body=b"before the restart")
        pid = server.proc.pid
        resp = service(server, "restart")
        self.assertEqual(resp.status, 200, resp.body)
        self.assertEqual(json.loads(resp.body), {"action": "restart"})
        deadline = time.monotonic() + 60
        for _ in range(600):
            if server.log_text().count("listening on") >= 4 or time.monotonic() > deadline:
                break  # API and console, twice
            time.sleep(0.1)
        self.assertIn("Stopped; restarting.", server.log_text())
        server.wait_ready(timeout=30)
        self.assertIsNone(server.proc.poll())
        self.assertEqual(server.proc.pid, pid)  # the same process, its image started again
        got = server.client().get_object(Bucket="kept", Key="k")["Body"].read()
        self.assertEqual(got, b"before the restart")

    def test_stop_ends_the_process_cleanly(self):
        server = self.start({"CAIRN_ADMIN_SERVICE_ACTIONS": "on"})
        resp = service(server, "stop")
        self.assertEqual(resp.status, 200, resp.body)
        self.assertEqual(server.wait_exit(30), 0)
        self.assertIn("Service stop asked through the admin API", server.log_text())

    def test_a_non_admin_is_refused_first_and_nothing_happens(self):
        server = self.start({"CAIRN_ADMIN_SERVICE_ACTIONS": "on"})
        AdminClient(server).add_user("plain-user", "plain-user-secret", policies=["readwrite"])
        resp = service(server, "stop", "plain-user", "plain-user-secret")
        self.assertEqual(resp.status, 403, resp.body)
        self.assertEqual(json.loads(resp.body)["Code"], "AccessDenied")
        time.sleep(0.5)
        self.assertIsNone(server.proc.poll())

    def test_a_bad_setting_stops_the_start(self):
        server = CairnServer(env={"CAIRN_ADMIN_SERVICE_ACTIONS": "maybe"})
        self.addCleanup(server.cleanup)
        proc = server.spawn()
        self.assertNotEqual(proc.wait(timeout=30), 0)
        self.assertIn("CAIRN_ADMIN_SERVICE_ACTIONS must be on or off", server.log_text())


if __name__ == "__main__":
    unittest.main()
