"""Starts the real `cairn server` on free loopback ports with its own temporary data folder.

The binary is $CAIRN_BIN or <repo>/build/cairn. Standard library only, so it runs under any
Python (the examples use Debian's /usr/bin/python3 as well as the project's).
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .prereq import missing_prerequisite

REPO = Path(__file__).resolve().parents[2]
ROOT_USER = "cairnadmin"
ROOT_PASSWORD = "cairnsecret123"


def cairn_bin() -> str:
    return os.environ.get("CAIRN_BIN") or str(REPO / "build" / "cairn")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith(("MINIO_", "CAIRN_", "AWS_"))}


class CairnServer:
    def __init__(self, user: str = ROOT_USER, password: str = ROOT_PASSWORD, prefix="cairn-example-"):
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.data_dir = self.root / "data"
        self.data_dir.mkdir()
        self.log_path = self.root / "server.log"
        self.access_key, self.secret_key = user, password
        self.port, self.console_port = free_port(), free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> "CairnServer":
        binary = cairn_bin()
        if not os.access(binary, os.X_OK):
            shutil.rmtree(self.root, ignore_errors=True)
            raise missing_prerequisite(f"cairn binary not found at {binary} (build it or set CAIRN_BIN)")
        env = clean_env()
        env.update(MINIO_ROOT_USER=self.access_key, MINIO_ROOT_PASSWORD=self.secret_key)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [binary, "server", "--address", f"127.0.0.1:{self.port}",
                 "--console-address", f"127.0.0.1:{self.console_port}", str(self.data_dir)],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"cairn exited with {self.proc.returncode}\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/minio/health/ready")
                ok = conn.getresponse().status == 200
                conn.close()
                if ok:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        self.cleanup()
        raise RuntimeError(f"cairn not ready after {timeout}s")

    def memory(self) -> dict:
        """VmRSS and VmHWM (peak resident set) of the server process, in bytes."""
        out = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                name, _, value = line.partition(":")
                if name in ("VmRSS", "VmHWM"):
                    out[name] = int(value.split()[0]) * 1024
        return out

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            text = []
        return "---- cairn log tail ----\n" + "\n".join(text)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=25)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
