"""A private PostgreSQL server for a test run: initdb in a temporary folder, a loopback port,
password authentication, removed afterwards.

PostgreSQL refuses to run as root, so under root the server runs as the `postgres` user that
Debian's package creates (through runuser). The binaries are $PG_BINDIR or the newest
/usr/lib/postgresql/*/bin.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .cairn import free_port
from .prereq import missing_prerequisite


def pg_bindir() -> str | None:
    if os.environ.get("PG_BINDIR"):
        return os.environ["PG_BINDIR"]
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return os.path.dirname(found[-1]) if found else None


class PostgresServer:
    def __init__(self, database: str = "frames", user: str = "frames"):
        self.database, self.user = database, user
        self.password = secrets.token_hex(12)
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="frames-pg-"))
        self.data = self.root / "data"
        self.started = False

    def _as_owner(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *cmd: str, timeout: float = 120) -> None:
        p = subprocess.run([*self._as_owner(), *cmd], capture_output=True, timeout=timeout,
                           stdin=subprocess.DEVNULL, cwd=str(self.root))
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {p.stderr.decode(errors='replace')}")

    def start(self) -> "PostgresServer":
        bindir = pg_bindir()
        if bindir is None:
            shutil.rmtree(self.root, ignore_errors=True)
            raise missing_prerequisite("PostgreSQL not installed (apt-get install postgresql)")
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
        self._run(f"{bindir}/initdb", "-D", str(self.data), "-U", self.user, "-E", "UTF8",
                  "--auth=scram-sha-256", f"--pwfile={pwfile}", "--no-sync")
        pwfile.unlink()
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c max_connections=20 -c shared_buffers=32MB")
        self._run(f"{bindir}/pg_ctl", "-D", str(self.data), "-l", str(self.root / "postgres.log"),
                  "-o", opts, "-w", "-t", "60", "start")
        self.started = True
        self._createdb()
        return self

    def _createdb(self) -> None:
        import psycopg2  # the example's driver; imported here so the fixture loads without it

        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg2.connect(self.dsn("postgres"))
                break
            except psycopg2.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{self.database}"')
        conn.close()

    def dsn(self, database: str | None = None) -> str:
        return (f"host=127.0.0.1 port={self.port} dbname={database or self.database} "
                f"user={self.user} password={self.password} connect_timeout=10")

    def cleanup(self) -> None:
        if self.started:
            bindir = pg_bindir()
            try:
                self._run(f"{bindir}/pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")
            except Exception:
                pass
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)
