"""The session-frames flow against a real `cairn server` and a real PostgreSQL server:
ingestion, replay (byte ranges; presigned URL), cleanup. One capture of 5000 frames goes
through the steps in order; each step is its own test.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import unittest
import urllib.error
import urllib.parse
import urllib.request

from botocore.exceptions import ClientError

from . import HERE  # noqa: F401  (sets sys.path)
from frames import parquet
from frames.app import RangeLog, SessionFrames
from frames.capture import new_capture
from frames.db import COLUMNS, SessionRepository
from frames.storage import FrameStorage
from testsupport.cairn import CairnServer
from testsupport.postgres import PostgresServer

FRAMES = 5000
ROW_GROUP_ROWS = 1000


def frame_fields(frame) -> dict:
    """A generated frame as the reader returns it (payload checked separately)."""
    return {
        "frame_no": frame.frameNo,
        "timestamp": frame.timestamp,
        "command": frame.command,
        "is_response": frame.isResponse,
        "message_id": frame.messageId,
        "status": frame.status,
        "tree_id": frame.treeId,
        "file_path": frame.filePath,
        "size": frame.size,
        "payloadSize": frame.payloadSize,
        "payloadOk": True,
    }


class SessionFramesFlowTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cairn = CairnServer().start()
        cls.addClassCleanup(cls.cairn.cleanup)
        cls.pg = PostgresServer().start()
        cls.addClassCleanup(cls.pg.cleanup)
        cls.storage = FrameStorage(cls.cairn.endpoint, cls.cairn.access_key, cls.cairn.secret_key)
        cls.repo = SessionRepository(cls.pg.dsn())
        cls.addClassCleanup(cls.repo.close)
        cls.repo.create_schema()
        cls.app = SessionFrames(cls.storage, cls.repo)
        cls.capture = new_capture(seed=7, max_frames=FRAMES)
        cls.expected = list(cls.capture.frames())
        cls.row = None

    def need_row(self):
        if type(self).row is None:
            self.fail("ingestion did not run or failed (see test_1)")
        return type(self).row

    def test_0_ensure_bucket_creates_a_missing_bucket_once(self):
        s3 = self.storage.s3
        self.assertEqual(s3.head_bucket(Bucket="sessions")["ResponseMetadata"]["HTTPStatusCode"], 200)
        other = FrameStorage(self.cairn.endpoint, self.cairn.access_key, self.cairn.secret_key,
                             bucket="sessions-archive")
        s3.head_bucket(Bucket="sessions-archive")
        FrameStorage(self.cairn.endpoint, self.cairn.access_key, self.cairn.secret_key,
                     bucket="sessions-archive")  # exists: head_bucket succeeds, no create
        s3.delete_bucket(Bucket=other.bucket)

    def test_1_ingestion_writes_parquet_object_and_row(self):
        row = self.app.ingest(self.capture, row_group_rows=ROW_GROUP_ROWS)
        type(self).row = row
        id = row["id"]
        counts = collections.Counter(f.command for f in self.expected)
        self.assertEqual(set(row), set(COLUMNS))
        self.assertEqual(row["traceId"], self.capture.trace_id)
        self.assertEqual(row["sessionId"], self.capture.session_id)
        self.assertEqual(len(row["sessionId"]), 18)
        self.assertEqual(row["frameCount"], FRAMES)
        self.assertEqual(row["uniqueCommands"], len(counts))
        self.assertEqual(row["commandSummary"], dict(counts))
        for name in ("READ", "WRITE", "CREATE", "CLOSE"):
            self.assertGreater(row["commandSummary"][name], 100, name)
        utc = dt.timezone.utc
        self.assertEqual(row["firstTimestamp"], dt.datetime.fromtimestamp(self.expected[0].timestamp / 1000, utc))
        self.assertEqual(row["lastTimestamp"], dt.datetime.fromtimestamp(self.expected[-1].timestamp / 1000, utc))
        self.assertEqual(row["framesObjectKey"], f"sessions/{id}/frames.parquet")
        self.assertIsNotNone(row["createdAt"])
        self.assertIsNotNone(row["updatedAt"])

        head = self.storage.s3.head_object(Bucket="sessions", Key=f"{id}/frames.parquet")
        self.assertEqual(head["ContentLength"], row["framesSizeBytes"])
        self.assertNotIn("-", head["ETag"], "a capture this small is one PutObject")
        self.assertEqual(self.storage.get_frames_range(f"{id}/frames.parquet", 0, 3), b"PAR1")

    def test_2_replay_reads_footer_and_one_row_group_by_ranges(self):
        row = self.need_row()
        found = self.repo.find_by_session_id(self.capture.session_id)
        self.assertEqual([r["id"] for r in found], [row["id"]])
        size = found[0]["framesSizeBytes"]

        log = RangeLog()
        meta, _ = self.app.footer(found[0], log)
        self.assertEqual(meta["numRows"], FRAMES)
        self.assertEqual([g["numRows"] for g in meta["rowGroups"]], [ROW_GROUP_ROWS] * (FRAMES // ROW_GROUP_ROWS))
        self.assertEqual(meta["columns"][:3], ["frame_no", "timestamp", "command"])
        self.assertEqual(len(log.ranges), 2)  # the 8-byte tail, then the metadata

        log = RangeLog()
        frames = self.app.replay_row_group(found[0]["id"], 2, log)
        want = [frame_fields(f) for f in self.expected[2 * ROW_GROUP_ROWS : 3 * ROW_GROUP_ROWS]]
        self.assertEqual(len(frames), ROW_GROUP_ROWS)
        self.assertEqual(frames, want)
        # Three range requests (tail, metadata, row group) and far less than the whole file.
        self.assertEqual(len(log.ranges), 3)
        rg = meta["rowGroups"][2]
        self.assertEqual(log.ranges[2], (rg["start"], rg["end"] - 1))
        self.assertLess(log.bytes, size * 0.4)
        for start, end in log.ranges:
            self.assertLess(end - start + 1, size)

    def test_2b_replay_refuses_ranges_it_did_not_fetch(self):
        row = self.need_row()
        meta, footer = self.app.footer(row)
        size = row["framesSizeBytes"]
        with self.assertRaises(parquet.ParquetError) as ctx:
            parquet.decode_row_group(size, 1, [(size - len(footer), footer)])
        self.assertIn("was not fetched", str(ctx.exception))

    def test_3_replay_streams_through_a_presigned_url(self):
        row = self.need_row()
        key = f"{row['id']}/frames.parquet"
        whole = self.storage.get_frames(key)
        self.assertEqual(len(whole), row["framesSizeBytes"])
        self.assertEqual(whole[:4] + whole[-4:], b"PAR1PAR1")

        n, digest = self.app.stream_presigned(row["id"], chunk_size=256 << 10)
        self.assertEqual((n, digest), (len(whole), hashlib.sha256(whole).hexdigest()))

        # As a browser reads Parquet (hyparquet + fetch): range requests on the presigned URL.
        url = self.app.presigned_url(row["id"])
        frames, ranges = parquet.read_row_group_from_url(url, row["framesSizeBytes"], 4)
        self.assertEqual(frames, [frame_fields(f) for f in self.expected[4000:5000]])
        self.assertTrue(ranges and all(r["status"] == 206 for r in ranges), ranges)
        self.assertLess(sum(r["length"] for r in ranges), row["framesSizeBytes"])

        # The URL is bound to its signature (SigV2 from Debian's boto3, SigV4 from newer ones):
        # a lengthened expiry is refused.
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qsl(parts.query)
        tampered = [(k, str(int(v) + 60) if k in ("Expires", "X-Amz-Expires") else v) for k, v in query]
        self.assertNotEqual(query, tampered)
        bad = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(tampered)))
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(bad, timeout=30)
        self.assertEqual(ctx.exception.code, 403)

    def test_4_cleanup_leaves_nothing_in_either_store(self):
        row = self.need_row()
        key = f"{row['id']}/frames.parquet"
        self.app.delete(row["id"])
        self.assertIsNone(self.repo.get(row["id"]))
        self.assertEqual(self.repo.count(), 0)
        self.assertEqual(self.storage.s3.list_objects_v2(Bucket="sessions")["KeyCount"], 0)
        with self.assertRaises(ClientError) as ctx:
            self.storage.get_frames(key)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "NoSuchKey")
        with self.assertRaises(KeyError):
            self.app.delete(row["id"])
        type(self).row = None


if __name__ == "__main__":
    unittest.main()
