"""A 1 GiB capture through the same flow: multipart on the way in, ranges on the way out, and
the server's memory must not grow with the file (peak RSS read from /proc/<pid>/status).

The capture is generated on the fly into a temporary folder and removed with the server's data.
CAIRN_LARGE_GIB changes its size (e.g. 0.25 for a quicker run).
"""

from __future__ import annotations

import os
import threading
import time
import unittest

from . import HERE  # noqa: F401  (sets sys.path)
from frames import parquet
from frames.app import RangeLog, SessionFrames
from frames.capture import new_capture
from frames.db import SessionRepository
from frames.storage import FrameStorage
from testsupport.cairn import CairnServer
from testsupport.postgres import PostgresServer

GIB = float(os.environ.get("CAIRN_LARGE_GIB", "1"))
PEAK_RSS_LIMIT = 256 << 20
MIB = 1 << 20


class MemorySampler(threading.Thread):
    """Samples the server's VmRSS every 100 ms (bounded by `limit_s`) while the flow runs."""

    def __init__(self, server: CairnServer, limit_s: float = 1200):
        super().__init__(daemon=True)
        self.server, self.limit_s = server, limit_s
        self.max_rss = 0
        self.stop_event = threading.Event()

    def run(self):
        deadline = time.monotonic() + self.limit_s
        while not self.stop_event.wait(0.1) and time.monotonic() < deadline:
            try:
                self.max_rss = max(self.max_rss, self.server.memory()["VmRSS"])
            except (OSError, KeyError):
                return


class LargeSessionTest(unittest.TestCase):
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

    def test_one_gib_capture_multipart_in_ranges_out_bounded_server_memory(self):
        target = int(GIB * (1 << 30))
        capture = new_capture(seed=11, max_frames=None, io_size=64 << 10, target_payload_bytes=target)
        before = self.cairn.memory()
        sampler = MemorySampler(self.cairn)
        sampler.start()
        try:
            t0 = time.monotonic()
            # The Parquet file is written next to the server's data, in the test's temp folder.
            row = self.app.ingest(capture, row_group_rows=4000, workdir=str(self.cairn.root))
            t_in = time.monotonic() - t0
            size = row["framesSizeBytes"]
            self.assertGreaterEqual(size, target)
            key = f"{row['id']}/frames.parquet"
            head = self.storage.s3.head_object(Bucket="sessions", Key=key)
            self.assertEqual(head["ContentLength"], size)
            self.assertRegex(head["ETag"], r'-\d+"$', "a 1 GiB capture goes up in parts")

            # Out: footer, then a row group in the middle, by ranges only.
            t0 = time.monotonic()
            log = RangeLog()
            meta, _ = self.app.footer(row, log)
            self.assertEqual(meta["numRows"], row["frameCount"])
            # About nine row groups per GiB: a smaller run (CAIRN_LARGE_GIB) has fewer.
            self.assertGreater(len(meta["rowGroups"]), max(2, int(8 * GIB)))
            middle = len(meta["rowGroups"]) // 2
            first_row = sum(g["numRows"] for g in meta["rowGroups"][:middle])
            frames = self.app.replay_row_group(row["id"], middle, log)
            self.assertEqual(len(frames), meta["rowGroups"][middle]["numRows"])
            self.assertEqual([f["frame_no"] for f in frames],
                             list(range(first_row, first_row + len(frames))))
            self.assertTrue(all(f["payloadOk"] for f in frames))
            self.assertEqual(sum(f["payloadSize"] for f in frames) > 16 * MIB, True)
            self.assertLess(log.bytes, 100 * MIB, "only the footer and one row group are fetched")

            # The last row group through a presigned URL, as a browser would.
            url = self.app.presigned_url(row["id"])
            last = len(meta["rowGroups"]) - 1
            url_frames, ranges = parquet.read_row_group_from_url(url, size, last)
            self.assertEqual(url_frames[-1]["command"], "LOGOFF")
            self.assertTrue(all(r["status"] == 206 for r in ranges))
            t_out = time.monotonic() - t0

            self.app.delete(row["id"])
            self.assertEqual(self.repo.count(), 0)
            self.assertEqual(self.storage.s3.list_objects_v2(Bucket="sessions")["KeyCount"], 0)
            self.assertEqual(self.storage.s3.list_multipart_uploads(Bucket="sessions").get("Uploads", []), [])
        finally:
            sampler.stop_event.set()
            sampler.join(timeout=5)
        after = self.cairn.memory()
        print(
            f"\n  1 GiB flow: {size / MIB:.0f} MiB file, {len(meta['rowGroups'])} row groups, "
            f"in {t_in:.1f}s, out {t_out:.1f}s ({log.bytes / MIB:.1f} MiB by range); server RSS "
            f"before {before['VmRSS'] / MIB:.0f} MiB, max sampled {sampler.max_rss / MIB:.0f} MiB, "
            f"peak (VmHWM) {after['VmHWM'] / MIB:.0f} MiB",
            flush=True,
        )
        self.assertLess(after["VmHWM"], PEAK_RSS_LIMIT, "server memory grew with the file")


if __name__ == "__main__":
    unittest.main()
