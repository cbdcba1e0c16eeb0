"""Server process and health endpoints: MinIO drop-in start-up behaviour."""

import http.client

import boto3
import botocore.config
import botocore.exceptions
import requests
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
import os
import subprocess
import time
import unittest

from harness import (
    ROOT_PASSWORD,
    ROOT_USER,
    CairnServer,
    CairnTestCase,
    base_env,
    cairn_bin,
    md5_hex,
)

HEALTH_PATHS = [
    "/minio/health/live",
    "/minio/health/ready",
    "/minio/health/cluster",
    "/minio/health/cluster/read",
]


class HealthTest(CairnTestCase):
    def test_health_endpoints_get_and_head_unauthenticated(self):
        for path in HEALTH_PATHS:
            for method in ("GET", "HEAD"):
                with self.subTest(path=path, method=method):
                    r = self.server.anonymous(method, path)
                    self.assertEqual(r.status, 200, repr(r))
                    self.assertTrue(r.header("x-amz-request-id"), r.headers)
                    if method == "HEAD":
                        self.assertEqual(r.body, b"")

    def test_cluster_checks_report_the_quorums_as_minio_does(self):
        r = self.server.anonymous("GET", "/minio/health/cluster")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("x-minio-write-quorum"), "1")
        self.assertIsNone(r.header("x-minio-healing-drives"))
        r = self.server.anonymous("GET", "/minio/health/cluster/read")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("x-minio-read-quorum"), "1")
        # One node: taking it down for maintenance always loses quorum.
        r = self.server.anonymous("GET", "/minio/health/cluster", query={"maintenance": "true"})
        self.assertEqual(r.status, 412)

    def test_request_id_on_every_kind_of_response(self):
        bucket = self.make_bucket()
        self.s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        cases = [
            self.server.request("GET", "/"),  # ListBuckets 200
            self.server.request("GET", f"/{bucket}/k"),  # 200
            self.server.request("HEAD", f"/{bucket}/k"),  # 200 HEAD
            self.server.request("GET", f"/{bucket}/missing"),  # 404 XML
            self.server.request("HEAD", f"/{bucket}/missing"),  # 404 HEAD
            self.server.anonymous("GET", "/"),  # 403
            self.server.request("GET", "/no-such-bucket-zz9/k"),  # 404 NoSuchBucket
            self.server.request("PUT", "/UPPER"),  # 400
        ]
        ids = set()
        for r in cases:
            with self.subTest(resp=repr(r)):
                rid = r.header("x-amz-request-id")
                self.assertTrue(rid, f"missing x-amz-request-id: {r!r} {dict(r.headers)}")
                ids.add(rid)
        self.assertEqual(len(ids), len(cases), "request ids should be unique per request")

    def test_error_body_request_id_matches_header(self):
        bucket = self.make_bucket()
        r = self.server.request("GET", f"/{bucket}/nope")
        self.assertEqual(r.status, 404)
        root = r.xml()
        self.assertEqual(root.findtext("RequestId"), r.header("x-amz-request-id"))

    def test_cluster_health_requires_no_auth_even_with_bad_signature(self):
        r = self.server.request("GET", "/minio/health/live", secret_key="wrong-secret-xx")
        self.assertEqual(r.status, 200, repr(r))

    def test_restart_on_same_dir_keeps_data(self):
        bucket = self.make_bucket()
        self.s3.put_object(
            Bucket=bucket, Key="persist/me", Body=b"still here", ContentType="text/x-kept",
            Metadata={"keep": "me"},
        )
        self.server.restart()
        s3 = self.server.client()
        got = s3.get_object(Bucket=bucket, Key="persist/me")
        self.assertEqual(got["Body"].read(), b"still here")
        self.assertEqual(got["ContentType"], "text/x-kept")
        self.assertEqual(got["Metadata"], {"keep": "me"})
        self.assertEqual(got["ETag"], '"%s"' % md5_hex(b"still here"))
        names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
        self.assertIn(bucket, names)


class StartupTest(unittest.TestCase):
    """Each test starts its own process with a particular environment."""

    def setUp(self):
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.cleanup()

    def new_server(self, **kwargs) -> CairnServer:
        s = CairnServer(**kwargs)
        self.servers.append(s)
        return s

    def expect_quick_failure(self, server: CairnServer, words):
        server.spawn()
        rc = server.wait_exit(10)
        if rc is None:
            server.stop()
            self.fail(f"server did not exit within 10 s\n{server.log_tail()}")
        self.assertNotEqual(rc, 0, server.log_tail())
        text = server.log_text().lower()
        self.assertTrue(text.strip(), "no message printed on exit")
        for w in words:
            self.assertIn(w.lower(), text, server.log_tail())

    def test_short_root_user_is_rejected(self):
        s = self.new_server(env={"MINIO_ROOT_USER": "ab", "MINIO_ROOT_PASSWORD": ROOT_PASSWORD})
        self.expect_quick_failure(s, ["user"])

    def test_short_root_password_is_rejected(self):
        s = self.new_server(env={"MINIO_ROOT_USER": ROOT_USER, "MINIO_ROOT_PASSWORD": "1234567"})
        self.expect_quick_failure(s, ["password"])

    def test_cairn_root_user_password_variables(self):
        s = self.new_server(
            default_credentials=False,
            env={"CAIRN_ROOT_USER": "cairnuser", "CAIRN_ROOT_PASSWORD": "cairnpassword1"},
        )
        s.start()
        s3 = s.client(access_key="cairnuser", secret_key="cairnpassword1")
        self.assertIn("Buckets", s3.list_buckets())
        # the defaults must not be accepted when credentials are configured
        r = s.request("GET", "/", access_key="minioadmin", secret_key="minioadmin")
        self.assertEqual(r.status, 403, repr(r))

    def test_root_password_file(self):
        s = self.new_server(default_credentials=False)
        secret_file = s.root / "secret"
        secret_file.write_text("filesecret123\n")
        s.env_overrides = {"MINIO_ROOT_USER": "fileuser", "MINIO_ROOT_PASSWORD_FILE": str(secret_file)}
        s.start()
        s3 = s.client(access_key="fileuser", secret_key="filesecret123")
        self.assertIn("Buckets", s3.list_buckets())

    def test_default_credentials_with_warning(self):
        s = self.new_server(default_credentials=False)
        s.start()
        s3 = s.client(access_key="minioadmin", secret_key="minioadmin")
        self.assertIn("Buckets", s3.list_buckets())
        text = self._wait_for_output(s, lambda t: "default" in t.lower())
        self.assertIn("default", text.lower(), s.log_tail())
        self.assertIn("minioadmin", text.lower(), s.log_tail())

    def test_minio_volumes_without_dir_argument(self):
        s = self.new_server(pass_dir_arg=False)
        s.env_overrides = {"MINIO_VOLUMES": str(s.data_dir)}
        s.start()
        s3 = s.client()
        s3.create_bucket(Bucket="volumes-test")
        s3.put_object(Bucket="volumes-test", Key="k", Body=b"v")
        self.assertEqual(s3.get_object(Bucket="volumes-test", Key="k")["Body"].read(), b"v")
        # the data went into MINIO_VOLUMES
        self.assertTrue(any(s.data_dir.iterdir()), "nothing written to the MINIO_VOLUMES dir")

    def test_data_folder_ellipses_expand(self):
        # One folder through MinIO's ellipses serves; more than one erasure set's 16 drives
        # are refused, with the count.
        s = self.new_server(pass_dir_arg=False)
        s.extra_args = [str(s.data_dir) + "{1...1}"]
        s.start()
        s.client().create_bucket(Bucket="ellipses-one")
        self.assertTrue((s.root / "data1" / ".cairn").is_dir())
        s.stop()
        p = subprocess.run([cairn_bin(), "server", str(s.root / "d{1...17}")],
                           env=s.environment(), capture_output=True, text=True, timeout=30)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("17 data folders", p.stderr + p.stdout)

    def test_sigterm_exits_zero(self):
        s = self.new_server()
        s.start()
        s.client().list_buckets()
        rc = s.stop()
        self.assertEqual(rc, 0, s.log_tail())

    def test_startup_output_mentions_address_and_data_dir(self):
        s = self.new_server()
        s.start()
        text = self._wait_for_output(
            s, lambda t: str(s.port) in t and str(s.data_dir) in t
        )
        self.assertIn(str(s.port), text, s.log_tail())
        self.assertIn(str(s.data_dir), text, s.log_tail())

    def test_site_region_is_the_region_requests_must_name(self):
        s = self.new_server()
        s.env_overrides = {"MINIO_SITE_REGION": "eu-west-3"}
        s.start()
        with self.assertRaises(botocore.exceptions.ClientError) as ctx:
            s.client().list_buckets()  # signed for us-east-1
        self.assertEqual(ctx.exception.response["Error"]["Code"], "AuthorizationHeaderMalformed")
        regional = boto3.session.Session().client(
            "s3", endpoint_url=s.endpoint, region_name="eu-west-3",
            aws_access_key_id=s.access_key, aws_secret_access_key=s.secret_key,
            config=botocore.config.Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 0}))
        self.assertIn("Buckets", regional.list_buckets())
        url = f"{s.endpoint}/cairn/admin/v1/info"
        signed = AWSRequest(method="GET", url=url)
        S3SigV4Auth(Credentials(s.access_key, s.secret_key), "s3", "eu-west-3").add_auth(signed)
        info = requests.get(url, headers=dict(signed.headers.items()), timeout=30)
        self.assertEqual(info.status_code, 200, info.text)
        self.assertEqual(info.json()["region"], "eu-west-3")

    def test_console_address_from_environment_and_api_root_redirect(self):
        s = self.new_server(pass_address=False)
        s.env_overrides = {"MINIO_ADDRESS": f"127.0.0.1:{s.port}",
                           "MINIO_CONSOLE_ADDRESS": f"127.0.0.1:{s.console_port}"}
        s.start()
        page = requests.get(f"http://127.0.0.1:{s.console_port}/", timeout=10)
        self.assertEqual(page.status_code, 200)
        self.assertIn("text/html", page.headers["Content-Type"])
        self.assertIn("script-src 'self'", page.headers["Content-Security-Policy"])
        # A browser opening the API port's root is sent to the console; S3 clients are not.
        browser = requests.get(f"{s.endpoint}/", headers={"Accept": "text/html"},
                               allow_redirects=False, timeout=10)
        self.assertEqual(browser.status_code, 307, browser.text)
        self.assertIn(f":{s.console_port}", browser.headers["Location"])
        self.assertIn("Buckets", s.client().list_buckets())

    def test_browser_off_serves_no_console(self):
        for variable in ("MINIO_BROWSER", "CAIRN_BROWSER"):
            with self.subTest(variable=variable):
                s = self.new_server()
                s.env_overrides = {variable: "off"}
                s.start()
                with self.assertRaises(requests.exceptions.ConnectionError):
                    requests.get(f"http://127.0.0.1:{s.console_port}/", timeout=5)
                api_root = requests.get(f"{s.endpoint}/", headers={"Accept": "text/html"},
                                        allow_redirects=False, timeout=10)
                self.assertNotEqual(api_root.status_code, 307)
                self.assertEqual(api_root.status_code, 403)  # anonymous ListBuckets
                s.stop()

    def test_invalid_site_region_is_rejected(self):
        s = self.new_server()
        s.env_overrides = {"MINIO_SITE_REGION": "Not A Region"}
        self.expect_quick_failure(s, ["region"])

    def test_missing_data_dir_argument_fails(self):
        s = self.new_server(pass_dir_arg=False)
        self.expect_quick_failure(s, [])

    @staticmethod
    def _wait_for_output(server, pred, timeout=5.0):
        deadline = time.monotonic() + timeout
        text = server.log_text()
        for _ in range(100):
            if pred(text) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
            text = server.log_text()
        return text


if __name__ == "__main__":
    unittest.main()
