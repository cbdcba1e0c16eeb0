"""HTTPS: the real binary serving a certs folder made here with the openssl CLI.

A test CA signs a default certificate (RSA, for localhost and 127.0.0.1) and one for
`other.test` in its SNI folder (ECDSA). Clients: boto3 (verify=CA), the AWS CLI (--ca-bundle),
the `cairn` client (CAIRN_CA_FILE, --insecure, refused with neither), python's ssl module for
SNI, protocol versions, reload and a silent client.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest
import urllib.request
import warnings
from pathlib import Path

from harness import (
    CairnServer,
    base_env,
    cairn_bin,
    missing_prerequisite,
    run_aws_cli,
    unique_bucket,
)

OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"


def openssl(*args: str, cwd: Path) -> None:
    if not os.path.exists(OPENSSL):
        raise missing_prerequisite("the openssl command is needed to make test certificates")
    p = subprocess.run([OPENSSL, *args], cwd=cwd, capture_output=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {p.stderr.decode()[-2000:]}")


class TestCa:
    """A throwaway CA and the server certificates it signs."""

    def __init__(self, root: Path):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
                "-out", "ca.crt", "-days", "2", "-subj", "/CN=Cairn Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=root)
        self.ca_file = str(root / "ca.crt")
        self.serial = 0

    def issue(self, folder: Path, common_name: str, names: list[str], key: str = "rsa") -> None:
        """Writes folder/public.crt + folder/private.key, swapped in by rename (atomically)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.serial += 1
        work = self.root / f"issue-{self.serial}"
        work.mkdir()
        if key == "rsa":
            keygen = ["-newkey", "rsa:2048"]
        else:
            keygen = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        openssl("req", *keygen, "-nodes", "-keyout", "private.key", "-out", "req.csr",
                "-subj", f"/CN={common_name}", cwd=work)
        sans = ",".join(("IP:" if n[0].isdigit() else "DNS:") + n for n in names)
        (work / "ext.cnf").write_text(
            f"subjectAltName={sans}\nbasicConstraints=CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
            "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n")
        openssl("x509", "-req", "-in", "req.csr", "-CA", self.ca_file, "-CAkey",
                str(self.root / "ca.key"), "-set_serial", str(1000 + self.serial), "-days", "2",
                "-out", "public.crt", "-extfile", "ext.cnf", cwd=work)
        for name in ("private.key", "public.crt"):
            os.replace(work / name, folder / name)


class TlsServer(CairnServer):
    """A CairnServer whose ports speak HTTPS, checked against the test CA."""

    def __init__(self, certs_dir: Path, ca_file: str, extra_args=(), **kwargs):
        super().__init__(extra_args=["--certs-dir", str(certs_dir), *extra_args], **kwargs)
        self.ca_file = ca_file

    @property
    def endpoint(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    def wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        last = None
        for _ in range(int(timeout / 0.05) + 10):
            if time.monotonic() > deadline:
                break
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"cairn exited with {self.proc.returncode}\n{self.log_tail()}")
            try:
                conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=2,
                                                   context=self.ssl_context())
                conn.request("GET", "/minio/health/ready")
                resp = conn.getresponse()
                resp.read()
                conn.close()
                if resp.status == 200:
                    return
                last = f"status {resp.status}"
            except (OSError, ssl.SSLError) as e:
                last = repr(e)
            time.sleep(0.05)
        raise RuntimeError(f"cairn not ready over https ({last})\n{self.log_tail()}")


def peer_common_name(port: int, server_hostname: str | None, ca_file: str,
                     timeout: float = 5) -> str:
    ctx = ssl.create_default_context(cafile=ca_file)
    ctx.check_hostname = False  # the name checked is the CN returned, below
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw:
        with ctx.wrap_socket(raw, server_hostname=server_hostname) as tls:
            subject = dict(x[0] for x in tls.getpeercert()["subject"])
            return subject["commonName"]


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="cairn-tls-"))
        cls.ca = TestCa(cls.tmp / "ca")
        cls.certs = cls.tmp / "certs"
        cls.ca.issue(cls.certs, "localhost", ["localhost", "127.0.0.1"], key="rsa")
        cls.ca.issue(cls.certs / "other.test", "other.test", ["other.test"], key="ec")
        (cls.certs / "CAs").mkdir()
        shutil.copy(cls.ca.ca_file, cls.certs / "CAs" / "ca.crt")
        cls.server = TlsServer(cls.certs, cls.ca.ca_file,
                               extra_args=["--read-header-timeout", "2s"])
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    # -- clients ------------------------------------------------------------------------------

    def boto3(self):
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3", endpoint_url=self.server.endpoint, region_name="us-east-1",
            aws_access_key_id=self.server.access_key,
            aws_secret_access_key=self.server.secret_key, verify=self.ca.ca_file,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 0},
                          signature_version="s3v4"))

    def test_banner_prints_https_urls(self):
        log = self.server.log_text()
        self.assertIn(f"https://127.0.0.1:{self.server.port}", log)
        self.assertIn(f"https://127.0.0.1:{self.server.console_port}", log)

    def test_boto3_put_get_list(self):
        s3 = self.boto3()
        bucket = unique_bucket("tls")
        s3.create_bucket(Bucket=bucket)
        body = os.urandom(300 * 1024)  # streamed, past one TLS record
        s3.put_object(Bucket=bucket, Key="a/b.bin", Body=body)
        s3.put_object(Bucket=bucket, Key="small.txt", Body=b"hello over tls")
        self.assertEqual(s3.get_object(Bucket=bucket, Key="a/b.bin")["Body"].read(), body)
        self.assertEqual(s3.get_object(Bucket=bucket, Key="small.txt")["Body"].read(),
                         b"hello over tls")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
        self.assertEqual(keys, ["a/b.bin", "small.txt"])
        ranged = s3.get_object(Bucket=bucket, Key="a/b.bin", Range="bytes=100-199")
        self.assertEqual(ranged["Body"].read(), body[100:200])

    def test_boto3_refuses_an_unknown_ca(self):
        import boto3
        from botocore.config import Config
        from botocore.exceptions import SSLError

        s3 = boto3.session.Session().client(
            "s3", endpoint_url=self.server.endpoint, region_name="us-east-1",
            aws_access_key_id=self.server.access_key,
            aws_secret_access_key=self.server.secret_key, verify=True,
            config=Config(retries={"max_attempts": 0}))
        with self.assertRaises(SSLError):
            s3.list_buckets()

    def test_aws_cli_with_ca_bundle(self):
        def aws(*args, extra_env=None):
            return run_aws_cli(self.server.endpoint, self.server.access_key,
                               self.server.secret_key, list(args), extra_env=extra_env)

        bucket = unique_bucket("tlscli")
        src = self.tmp / "cli-upload.txt"
        src.write_bytes(b"aws cli over https\n")
        for args in (["s3", "mb", f"s3://{bucket}"],
                     ["s3", "cp", str(src), f"s3://{bucket}/up.txt"]):
            rc, out, err = aws("--ca-bundle", self.ca.ca_file, *args)
            self.assertEqual(rc, 0, err)
        rc, out, err = aws("--ca-bundle", self.ca.ca_file, "s3", "ls", f"s3://{bucket}/")
        self.assertEqual(rc, 0, err)
        self.assertIn("up.txt", out)
        # AWS_CA_BUNDLE works the same way.
        rc, out, err = aws("s3api", "head-object", "--bucket", bucket, "--key", "up.txt",
                           extra_env={"AWS_CA_BUNDLE": self.ca.ca_file})
        self.assertEqual(rc, 0, err)
        self.assertIn('"ContentLength": 19', out)
        # Without the CA the CLI refuses the certificate.
        # (The harness drops AWS_CA_BUNDLE; an empty one would turn verification off.)
        rc, out, err = aws("s3", "ls")
        self.assertNotEqual(rc, 0)
        self.assertIn("SSL", err + out)

    def test_cairn_client(self):
        config = self.tmp / "cairn-config"
        env = base_env()
        env.pop("SSL_CERT_FILE", None)
        env.pop("CURL_CA_BUNDLE", None)
        env["CAIRN_CONFIG_DIR"] = str(config)

        def cairn(*args, extra=None):
            run_env = dict(env)
            run_env.update(extra or {})
            return subprocess.run([cairn_bin(), *args], env=run_env, capture_output=True,
                                  timeout=60)

        p = cairn("alias", "set", "tls", self.server.endpoint, self.server.access_key,
                  self.server.secret_key, extra={"CAIRN_CA_FILE": self.ca.ca_file})
        self.assertEqual(p.returncode, 0, p.stderr)
        with_ca = {"CAIRN_CA_FILE": self.ca.ca_file}
        p = cairn("ready", "tls", extra=with_ca)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        bucket = unique_bucket("tlsc")
        self.assertEqual(cairn("mb", f"tls/{bucket}", extra=with_ca).returncode, 0)
        src = self.tmp / "cairn-upload.txt"
        src.write_bytes(b"cairn client over https\n")
        p = cairn("cp", str(src), f"tls/{bucket}/x.txt", extra=with_ca)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = cairn("cat", f"tls/{bucket}/x.txt", extra=with_ca)
        self.assertEqual(p.stdout, b"cairn client over https\n", p.stderr)
        # SSL_CERT_FILE works as well.
        p = cairn("ls", f"tls/{bucket}", extra={"SSL_CERT_FILE": self.ca.ca_file})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"x.txt", p.stdout)
        # Neither: the certificate is refused.
        p = cairn("ls", f"tls/{bucket}")
        self.assertNotEqual(p.returncode, 0, p.stdout)
        self.assertIn(b"cannot reach", p.stderr + p.stdout)
        # --insecure (or CAIRN_INSECURE / MC_INSECURE) skips the check.
        p = cairn("--insecure", "ls", f"tls/{bucket}")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(b"x.txt", p.stdout)
        p = cairn("ls", "--insecure", f"tls/{bucket}")  # after the command too, as mc
        self.assertEqual(p.returncode, 0, p.stderr)
        for var in ("CAIRN_INSECURE", "MC_INSECURE"):
            p = cairn("ls", f"tls/{bucket}", extra={var: "on"})
            self.assertEqual(p.returncode, 0, (var, p.stderr))

    def test_sni_picks_the_certificate_by_folder_name(self):
        port = self.server.port
        self.assertEqual(peer_common_name(port, "other.test", self.ca.ca_file), "other.test")
        self.assertEqual(peer_common_name(port, "OTHER.test", self.ca.ca_file), "other.test")
        self.assertEqual(peer_common_name(port, "localhost", self.ca.ca_file), "localhost")
        self.assertEqual(peer_common_name(port, "unknown.test", self.ca.ca_file), "localhost")
        self.assertEqual(peer_common_name(port, None, self.ca.ca_file), "localhost")
        # The other.test certificate (an ECDSA key) verifies by name, with hostname checks on.
        ctx = ssl.create_default_context(cafile=self.ca.ca_file)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="other.test") as tls:
                der = tls.getpeercert(binary_form=True)
        text = subprocess.run([OPENSSL, "x509", "-inform", "DER", "-noout", "-text"], input=der,
                              capture_output=True, timeout=30).stdout
        self.assertIn(b"id-ecPublicKey", text)

    def _handshake(self, version: ssl.TLSVersion) -> str:
        ctx = ssl.create_default_context(cafile=self.ca.ca_file)
        if version < ssl.TLSVersion.TLSv1_2:
            ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # let the client offer it at all
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # old versions on purpose
            ctx.minimum_version = version
            ctx.maximum_version = version
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                return tls.version()

    def test_tls_versions(self):
        self.assertEqual(self._handshake(ssl.TLSVersion.TLSv1_2), "TLSv1.2")
        self.assertEqual(self._handshake(ssl.TLSVersion.TLSv1_3), "TLSv1.3")
        for old in (ssl.TLSVersion.TLSv1_1, ssl.TLSVersion.TLSv1):
            with self.assertRaises((ssl.SSLError, ConnectionError)):
                self._handshake(old)
        # The server still serves after refusing them.
        self.assertEqual(self._handshake(ssl.TLSVersion.TLSv1_3), "TLSv1.3")

    def test_alpn_http11(self):
        ctx = ssl.create_default_context(cafile=self.ca.ca_file)
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                self.assertEqual(tls.selected_alpn_protocol(), "http/1.1")

    def test_plain_http_on_the_https_port_gets_400(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(b"GET /minio/health/live HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            for _ in range(100):
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        self.assertTrue(data.startswith(b"HTTP/1.0 400") or data.startswith(b"HTTP/1.1 400"),
                        data[:200])
        self.assertIn(b"Client sent an HTTP request to an HTTPS server.", data)

    def test_health_and_console_over_https(self):
        ctx = self.server.ssl_context()
        with urllib.request.urlopen(f"{self.server.endpoint}/minio/health/live", context=ctx,
                                    timeout=10) as resp:
            self.assertEqual(resp.status, 200)
        url = f"https://127.0.0.1:{self.server.console_port}/"
        with urllib.request.urlopen(url, context=ctx, timeout=10) as resp:
            self.assertEqual(resp.status, 200)
            self.assertIn(b"<html", resp.read().lower())

    def test_secure_transport_condition(self):
        s3 = self.boto3()
        bucket = unique_bucket("tlspol")
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"public over https only")
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(secure_only_policy(bucket)))
        ctx = self.server.ssl_context()
        with urllib.request.urlopen(f"{self.server.endpoint}/{bucket}/doc.txt", context=ctx,
                                    timeout=10) as resp:
            self.assertEqual(resp.read(), b"public over https only")

    def test_silent_tls_client_is_cut_and_blocks_nobody(self):
        silent = [socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
                  for _ in range(40)]  # more than the server's worker threads
        try:
            started = time.monotonic()
            ctx = self.server.ssl_context()
            for _ in range(3):
                with urllib.request.urlopen(f"{self.server.endpoint}/minio/health/live",
                                            context=ctx, timeout=5) as resp:
                    self.assertEqual(resp.status, 200)
            self.assertLess(time.monotonic() - started, 3)
            # Cut at the 2 s header deadline: the socket reads EOF (or a reset).
            silent[0].settimeout(10)
            try:
                self.assertEqual(silent[0].recv(1), b"")
            except ConnectionResetError:
                pass
            self.assertLess(time.monotonic() - started, 8)
        finally:
            for s in silent:
                s.close()


def secure_only_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
             "Resource": [f"arn:aws:s3:::{bucket}/*"]},
            {"Effect": "Deny", "Principal": "*", "Action": ["s3:GetObject"],
             "Resource": [f"arn:aws:s3:::{bucket}/*"],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        ],
    }


class SecureTransportOnPlainHttpTest(unittest.TestCase):
    """The same policy on a plain-HTTP server denies: the condition really sees the transport."""

    def test_plain_http_is_denied(self):
        server = CairnServer()
        server.start()
        try:
            s3 = server.client()
            bucket = unique_bucket("plainpol")
            s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"x")
            s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(secure_only_policy(bucket)))
            self.assertEqual(server.anonymous("GET", f"/{bucket}/doc.txt").status, 403)
            # Without the Deny statement the same request is allowed: the 403 is the condition.
            allow_only = secure_only_policy(bucket)
            allow_only["Statement"] = allow_only["Statement"][:1]
            s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(allow_only))
            self.assertEqual(server.anonymous("GET", f"/{bucket}/doc.txt").status, 200)
        finally:
            server.cleanup()


class TlsReloadTest(unittest.TestCase):
    """New certificates are served after SIGHUP or a file change; open connections live on."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="cairn-tlsreload-"))
        self.ca = TestCa(self.tmp / "ca")
        self.certs = self.tmp / "certs"
        self.ca.issue(self.certs, "localhost", ["localhost", "127.0.0.1"])
        self.server = TlsServer(self.certs, self.ca.ca_file)
        self.server.start()

    def tearDown(self):
        self.server.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def wait_for_name(self, name: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        seen = ""
        for _ in range(int(timeout / 0.1) + 1):
            seen = peer_common_name(self.server.port, "localhost", self.ca.ca_file)
            if seen == name or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        return seen

    def open_keepalive(self) -> http.client.HTTPSConnection:
        conn = http.client.HTTPSConnection("127.0.0.1", self.server.port, timeout=10,
                                           context=self.server.ssl_context())
        conn.request("GET", "/minio/health/live")
        resp = conn.getresponse()
        resp.read()
        self.assertEqual(resp.status, 200)
        return conn

    def still_serves(self, conn: http.client.HTTPSConnection) -> None:
        conn.request("GET", "/minio/health/live")
        resp = conn.getresponse()
        resp.read()
        self.assertEqual(resp.status, 200)
        conn.close()

    def test_sighup_reloads(self):
        self.assertEqual(self.wait_for_name("localhost", 1), "localhost")
        before = self.open_keepalive()
        self.ca.issue(self.certs, "localhost-after-sighup", ["localhost", "127.0.0.1"])
        # SIGHUP right away: it must not wait for the file poll (which needs up to ~2 s).
        self.server.proc.send_signal(signal.SIGHUP)
        self.assertEqual(self.wait_for_name("localhost-after-sighup", 1.5),
                         "localhost-after-sighup")
        self.still_serves(before)
        self.assertIsNone(self.server.proc.poll())

    def test_file_change_reloads_and_a_bad_file_keeps_the_old(self):
        before = self.open_keepalive()
        self.ca.issue(self.certs, "localhost-after-change", ["localhost", "127.0.0.1"])
        self.assertEqual(self.wait_for_name("localhost-after-change", 8), "localhost-after-change")
        self.still_serves(before)
        # A broken certificate is refused; the last good one keeps serving.
        tmp = self.certs / "public.crt.tmp"
        tmp.write_text("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
        os.replace(tmp, self.certs / "public.crt")
        self.server.proc.send_signal(signal.SIGHUP)
        time.sleep(3)
        self.assertEqual(peer_common_name(self.server.port, "localhost", self.ca.ca_file),
                         "localhost-after-change")
        self.assertIsNone(self.server.proc.poll())


if __name__ == "__main__":
    unittest.main()
