"""Checks an example's docker-compose.yml without a Docker engine: the `cairn` service must be
the seed's `minio` service with Cairn in it, and its command line, environment and healthcheck
must work when run here against the local binary."""

from __future__ import annotations

import http.client
import os
import re
import shlex
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

import yaml

from .cairn import cairn_bin, clean_env, free_port

EXAMPLES = Path(__file__).resolve().parents[1]


def cli_available() -> bool:
    try:
        p = subprocess.run([cairn_bin(), "ready", "--help"], capture_output=True, timeout=20,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return p.returncode == 0 and b"ready" in (p.stdout + p.stderr)


class ComposeCheck:
    """Mixin: set COMPOSE to the file's path."""

    COMPOSE: Path

    def setUp(self):
        self.doc = yaml.safe_load(self.COMPOSE.read_text())
        self.svc = self.doc["services"]["cairn"]

    def command(self) -> list[str]:
        cmd = self.svc["command"]
        return shlex.split(cmd) if isinstance(cmd, str) else list(cmd)

    def test_cairn_service_is_the_seeds_minio_service(self):
        svc = self.svc
        self.assertEqual(sorted(svc["ports"]), ["9000:9000", "9001:9001"])
        self.assertEqual(self.command(), ["server", "/data", "--console-address", ":9001"])
        env = svc["environment"]
        self.assertTrue(env["MINIO_ROOT_USER"] and env["MINIO_ROOT_PASSWORD"])
        volume, _, target = svc["volumes"][0].partition(":")
        self.assertEqual(target, "/data")
        self.assertIn(volume, self.doc["volumes"])
        self.assertEqual(svc["healthcheck"]["test"], ["CMD", "cairn", "ready", "local"])
        # The image it builds from.
        context = (self.COMPOSE.parent / svc["build"]["context"]).resolve()
        dockerfile = context / svc["build"]["dockerfile"]
        self.assertTrue((context / "CMakeLists.txt").is_file(), context)
        text = dockerfile.read_text()
        self.assertRegex(text, r'ENTRYPOINT \["cairn"\]')
        self.assertRegex(text, r"EXPOSE 9000 9001")
        self.assertRegex(text, r'HEALTHCHECK .*CMD \["cairn", "ready", "local"\]')
        # No `target:`: the last stage, which compiles Cairn from the sources it copies. (The
        # `prebuilt` stage's `COPY ${CAIRN_BINARY}` is build/cairn, made by scripts/build.sh.)
        self.assertNotIn("target", svc["build"])
        self.assertRegex(text.rstrip().splitlines()[-1], r"^COPY --from=build ")
        for copied in re.findall(r"^COPY (?!--from)(?!\$\{)(\S+)", text, re.M):
            self.assertTrue((context / copied).exists(), f"Dockerfile copies missing {copied}")

    def test_command_environment_and_healthcheck_run_here(self):
        """Runs the service's command line with its environment (only /data and the ports
        moved to a temporary folder and free loopback ports), then its healthcheck."""
        port, console = free_port(), free_port()
        root = Path(tempfile.mkdtemp(prefix="cairn-compose-"))
        data = root / "data"
        data.mkdir()
        args = [str(data) if a == "/data" else a for a in self.command()]
        args = [f"127.0.0.1:{console}" if a == ":9001" else a for a in args]
        env = clean_env()
        env.update({k: str(v) for k, v in self.svc["environment"].items()})
        env["MINIO_ADDRESS"] = f"127.0.0.1:{port}"  # the container's :9000
        for k, v in list(env.items()):
            if k.startswith(("CAIRN_HOST_", "MC_HOST_")):
                env[k] = v.replace("localhost:9000", f"127.0.0.1:{port}")
        log = open(root / "server.log", "wb")
        proc = subprocess.Popen([cairn_bin(), *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        try:
            deadline, ready = time.monotonic() + 20, False
            while time.monotonic() < deadline and proc.poll() is None and not ready:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                    c.request("GET", "/minio/health/ready")
                    ready = c.getresponse().status == 200
                    c.close()
                except OSError:
                    time.sleep(0.1)
            self.assertTrue(ready, (root / "server.log").read_text(errors="replace"))
            self.check_credentials(port, env["MINIO_ROOT_USER"], env["MINIO_ROOT_PASSWORD"])
            self.assertTrue(cli_available(), "the healthcheck needs `cairn ready` in the binary")
            test = self.svc["healthcheck"]["test"]
            p = subprocess.run(test[1:], env={**env, "PATH": f"{os.path.dirname(cairn_bin())}:{env.get('PATH', '')}"},
                               capture_output=True, timeout=30, stdin=subprocess.DEVNULL,
                               cwd=str(root))
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=25)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
            log.close()
            import shutil

            shutil.rmtree(root, ignore_errors=True)

    def check_credentials(self, port: int, user: str, password: str) -> None:
        import boto3

        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                          aws_access_key_id=user, aws_secret_access_key=password)
        s3.create_bucket(Bucket="compose-check")
        self.assertIn("compose-check", [b["Name"] for b in s3.list_buckets()["Buckets"]])


__all__ = ["ComposeCheck", "EXAMPLES", "unittest"]
