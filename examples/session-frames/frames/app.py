"""The session-frames application: ingestion, replay and cleanup of captured sessions.

    python3 -m frames.app ingest [--frames N | --gib X] [--seed S]   -> prints the Session row
    python3 -m frames.app list   --session-id 0x...
    python3 -m frames.app replay ID [--row-group I]                  -> frames of one row group
    python3 -m frames.app url    ID [--expires SECONDS]               -> a presigned GET URL
    python3 -m frames.app delete ID

Configuration from the environment: S3_ENDPOINT (http://127.0.0.1:9000), S3_ACCESS_KEY,
S3_SECRET_KEY (minioadmin/minioadmin), FRAMES_BUCKET (sessions), DATABASE_URL (a libpq DSN).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import struct
import sys
import tempfile
import urllib.request
import uuid
from dataclasses import dataclass, field

from boto3.s3.transfer import TransferConfig

from . import parquet
from .capture import Capture, new_capture
from .db import SessionRepository
from .storage import FrameStorage

# Captures up to this size go in one PutObject (FrameStorage.save_frames); larger ones are
# uploaded in parts straight from the file, never read into memory.
SINGLE_PUT_LIMIT = 64 << 20
MULTIPART = TransferConfig(
    multipart_threshold=SINGLE_PUT_LIMIT,
    multipart_chunksize=64 << 20,
    max_concurrency=4,
)
TAIL_BYTES = 8  # 4-byte footer length + "PAR1"


def _utc(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc)


@dataclass
class RangeLog:
    """What a replay fetched: each (start, end) inclusive range, and the bytes received."""

    ranges: list[tuple[int, int]] = field(default_factory=list)
    bytes: int = 0


class SessionFrames:
    def __init__(self, storage: FrameStorage, repo: SessionRepository):
        self.storage = storage
        self.repo = repo

    # ---- keys ---------------------------------------------------------------------------
    def object_key(self, row: dict) -> str:
        """framesObjectKey is "<bucket>/<id>/frames.parquet"; S3 wants the part after the bucket."""
        bucket, _, key = row["framesObjectKey"].partition("/")
        if bucket != self.storage.bucket:
            raise ValueError(f"{row['framesObjectKey']} is not in bucket {self.storage.bucket}")
        return key

    # ---- 1. ingestion ---------------------------------------------------------------------
    def ingest(self, capture: Capture, row_group_rows: int = 1000, workdir: str | None = None) -> dict:
        id = uuid.uuid4()
        with tempfile.TemporaryDirectory(prefix="frames-", dir=workdir) as tmp:
            path = os.path.join(tmp, "frames.parquet")
            summary = parquet.write_frames(capture.frames(), path, row_group_rows=row_group_rows)
            size = os.path.getsize(path)
            if size <= SINGLE_PUT_LIMIT:
                with open(path, "rb") as f:
                    key = self.storage.save_frames(str(id), f.read())
            else:
                key = self.upload_frames_file(str(id), path)
        return self.repo.insert(
            id=id,
            trace_id=capture.trace_id,
            session_id=capture.session_id,
            frame_count=summary["frameCount"],
            unique_commands=summary["uniqueCommands"],
            first_timestamp=_utc(summary["firstTimestamp"]),
            last_timestamp=_utc(summary["lastTimestamp"]),
            command_summary=summary["commandSummary"],
            frames_object_key=f"{self.storage.bucket}/{key}",
            frames_size_bytes=size,
        )

    def upload_frames_file(self, session_id: str, path: str) -> str:
        """Multipart upload of a large capture from disk (same key as save_frames)."""
        key = f"{session_id}/frames.parquet"
        self.storage.s3.upload_file(path, self.storage.bucket, key, Config=MULTIPART)
        return key

    # ---- 2. replay ------------------------------------------------------------------------
    def session(self, id: uuid.UUID | str) -> dict:
        row = self.repo.get(uuid.UUID(str(id)))
        if row is None:
            raise KeyError(f"no session {id}")
        return row

    def footer(self, row: dict, log: RangeLog | None = None) -> tuple[dict, bytes]:
        """Fetches and parses the Parquet footer with two range requests (tail, then metadata).

        The object's size comes from framesSizeBytes, so no HEAD or full GET is needed.
        """
        key, size = self.object_key(row), row["framesSizeBytes"]
        log = log if log is not None else RangeLog()
        tail = self._range(key, size - TAIL_BYTES, size - 1, log)
        if tail[4:] != b"PAR1":
            raise ValueError(f"{key} does not end with the Parquet magic")
        (meta_len,) = struct.unpack("<I", tail[:4])
        meta_start = size - TAIL_BYTES - meta_len
        footer = self._range(key, meta_start, size - TAIL_BYTES - 1, log) + tail
        return parquet.parse_footer(footer), footer

    def replay_row_group(self, id, row_group: int, log: RangeLog | None = None) -> list[dict]:
        """Reads one row group's frames with range requests only: footer, then that row group."""
        log = log if log is not None else RangeLog()
        row = self.session(id)
        key, size = self.object_key(row), row["framesSizeBytes"]
        meta, footer = self.footer(row, log)
        rg = meta["rowGroups"][row_group]
        body = self._range(key, rg["start"], rg["end"] - 1, log)
        pieces = [(rg["start"], body), (size - len(footer), footer)]
        return parquet.decode_row_group(size, row_group, pieces)

    def _range(self, key: str, start: int, end: int, log: RangeLog) -> bytes:
        data = self.storage.get_frames_range(key, start, end)
        if len(data) != end - start + 1:
            raise IOError(f"range {start}-{end} of {key}: got {len(data)} bytes")
        log.ranges.append((start, end))
        log.bytes += len(data)
        return data

    def presigned_url(self, id, expires: int = 900) -> str:
        row = self.session(id)
        return self.storage.s3.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.storage.bucket, "Key": self.object_key(row)},
            ExpiresIn=expires,
        )

    def stream_presigned(self, id, chunk_size: int = 1 << 20) -> tuple[int, str]:
        """Downloads the capture through a presigned URL in chunks (as a browser would stream
        it), without holding it in memory. Returns (bytes, sha256 hex)."""
        h, n = hashlib.sha256(), 0
        with urllib.request.urlopen(self.presigned_url(id), timeout=60) as resp:
            while True:
                chunk = resp.read(chunk_size)
                if not chunk:
                    break
                h.update(chunk)
                n += len(chunk)
        return n, h.hexdigest()

    # ---- 3. cleanup -----------------------------------------------------------------------
    def delete(self, id) -> None:
        """Deletes the object first, then the row: a crash in between leaves a row whose
        object is gone (detectable), never an object no row points to (a leak)."""
        row = self.session(id)
        self.storage.s3.delete_object(Bucket=self.storage.bucket, Key=self.object_key(row))
        self.repo.delete(row["id"])


def _from_env() -> SessionFrames:
    storage = FrameStorage(
        os.environ.get("S3_ENDPOINT", "http://127.0.0.1:9000"),
        os.environ.get("S3_ACCESS_KEY", "minioadmin"),
        os.environ.get("S3_SECRET_KEY", "minioadmin"),
        bucket=os.environ.get("FRAMES_BUCKET", "sessions"),
    )
    repo = SessionRepository(os.environ.get("DATABASE_URL", "dbname=frames"))
    repo.create_schema()
    return SessionFrames(storage, repo)


def _print(obj) -> None:
    print(json.dumps(obj, default=str, indent=2))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m frames.app", description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ingest", help="capture a synthetic session and store it")
    p.add_argument("--frames", type=int, default=5000)
    p.add_argument("--gib", type=float, help="capture this many GiB of payload instead")
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("list", help="sessions with this SMB session id")
    p.add_argument("--session-id", required=True)
    p = sub.add_parser("replay", help="print one row group's frames, read by ranges")
    p.add_argument("id")
    p.add_argument("--row-group", type=int, default=0)
    p = sub.add_parser("url", help="a presigned GET URL for the Parquet file")
    p.add_argument("id")
    p.add_argument("--expires", type=int, default=900)
    p = sub.add_parser("delete", help="delete a session's object and row")
    p.add_argument("id")
    args = ap.parse_args(argv)

    app = _from_env()
    try:
        if args.cmd == "ingest":
            if args.gib:
                cap = new_capture(args.seed, max_frames=None, io_size=64 << 10,
                                  target_payload_bytes=int(args.gib * (1 << 30)))
            else:
                cap = new_capture(args.seed, max_frames=args.frames)
            _print(app.ingest(cap))
        elif args.cmd == "list":
            _print(app.repo.find_by_session_id(args.session_id))
        elif args.cmd == "replay":
            log = RangeLog()
            for frame in app.replay_row_group(args.id, args.row_group, log):
                print(json.dumps(frame))
            print(f"# {len(log.ranges)} range requests, {log.bytes} bytes", file=sys.stderr)
        elif args.cmd == "url":
            print(app.presigned_url(args.id, args.expires))
        elif args.cmd == "delete":
            app.delete(args.id)
    finally:
        app.repo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
