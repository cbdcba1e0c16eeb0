"""Bridge to parquet/frames.mjs (hyparquet-writer and hyparquet under Node.js).

Debian 12 has no Parquet library for Python, so the application asks a small Node tool to write
the Parquet file and to decode the byte ranges it fetched. Nothing here touches the bucket.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterable

from .capture import Frame

TOOL = Path(__file__).resolve().parents[1] / "parquet" / "frames.mjs"
NODE = os.environ.get("NODE", shutil.which("node") or "node")
TIMEOUT = 900  # seconds; a 1 GiB capture takes well under this


class ParquetError(RuntimeError):
    pass


def _run(args: list[str], stdin=None, input: bytes | None = None, timeout: float = TIMEOUT):
    p = subprocess.run(
        [NODE, str(TOOL), *args], stdin=stdin, input=input, capture_output=True, timeout=timeout
    )
    if p.returncode != 0:
        raise ParquetError(p.stderr.decode("utf-8", "replace").strip())
    return p


def write_frames(frames: Iterable[Frame], out_path: str, row_group_rows: int = 1000) -> dict:
    """Writes the frames as Parquet to out_path; returns the summary (counts, timestamps, size).

    Frames are streamed to the writer as JSON lines, so a long capture is never held whole in
    memory on either side.
    """
    proc = subprocess.Popen(
        [NODE, str(TOOL), "write", out_path, "--row-group-rows", str(row_group_rows)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        batch = []
        for f in frames:
            batch.append(json.dumps(f.to_json()))
            if len(batch) >= 1000:
                proc.stdin.write(("\n".join(batch) + "\n").encode())
                batch = []
        if batch:
            proc.stdin.write(("\n".join(batch) + "\n").encode())
        out, err = proc.communicate(timeout=TIMEOUT)  # closes stdin: end of the capture
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if proc.returncode != 0:
        raise ParquetError(err.decode("utf-8", "replace").strip())
    return json.loads(out)


def parse_footer(footer: bytes) -> dict:
    """footer = the file's last bytes: metadata, its 4-byte length, "PAR1".

    Returns {"numRows", "columns", "rowGroups": [{"numRows", "start", "end"}...], ...}.
    """
    return json.loads(_run(["footer"], input=footer).stdout)


def decode_row_group(byte_length: int, row_group: int, pieces: list[tuple[int, bytes]]) -> list[dict]:
    """Decodes one row group from the fetched pieces [(offset, bytes)...] (footer included)."""
    header = {
        "byteLength": byte_length,
        "rowGroup": row_group,
        "pieces": [[off, len(b)] for off, b in pieces],
    }
    data = json.dumps(header).encode() + b"\n" + b"".join(b for _, b in pieces)
    out = _run(["decode"], input=data).stdout
    return [json.loads(line) for line in out.splitlines() if line]


def read_row_group_from_url(url: str, byte_length: int, row_group: int) -> tuple[list[dict], list[dict]]:
    """Reads one row group from a URL with range requests, as hyparquet does in a browser.

    Returns (rows, ranges) where ranges lists every HTTP request made (all 206 responses).
    """
    p = _run(["read-url", url, "--byte-length", str(byte_length), "--row-group", str(row_group)])
    rows = [json.loads(line) for line in p.stdout.splitlines() if line]
    ranges = json.loads(p.stderr.decode().strip().splitlines()[-1])["ranges"]
    return rows, ranges
