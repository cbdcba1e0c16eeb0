"""Synthetic but realistic SMB2 session captures.

A session is what a capture probe records for one client: NEGOTIATE, SESSION_SETUP, TREE_CONNECT,
then files opened (CREATE), read and written in `io_size` chunks, closed, and finally
TREE_DISCONNECT and LOGOFF. Every request has a response with the same message id, a few
milliseconds later. The same seed always yields the same frames, so a test can regenerate what
it expects to read back.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import asdict, dataclass
from typing import Iterator

HEADER_BYTES = 64  # the SMB2 header
BODY_BYTES = {  # fixed-size part of each command's body (request, response)
    "NEGOTIATE": (36, 64),
    "SESSION_SETUP": (24, 8),
    "TREE_CONNECT": (8, 16),
    "CREATE": (56, 88),
    "READ": (48, 16),
    "WRITE": (48, 16),
    "QUERY_INFO": (40, 8),
    "CLOSE": (24, 60),
    "TREE_DISCONNECT": (4, 4),
    "LOGOFF": (4, 4),
}
SHARES = ["projects", "finance", "home", "scans"]
NAMES = ["report", "budget", "notes", "invoice", "draft", "photo", "backup", "minutes"]
EXTS = [".docx", ".xlsx", ".pdf", ".txt", ".jpg", ".zip"]


@dataclass
class Frame:
    frameNo: int
    timestamp: int  # epoch milliseconds
    command: str
    isResponse: bool
    messageId: int
    status: str
    treeId: int
    filePath: str | None
    size: int  # bytes on the wire (header + body + payload)
    payloadSize: int  # data carried (WRITE requests, READ responses, security blobs)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Capture:
    """One captured session: its identifiers and a way to (re)generate its frames."""

    trace_id: str
    session_id: str  # the SMB session id as the probe prints it: 0x + 16 hex digits
    seed: int
    max_frames: int | None
    target_payload_bytes: int | None
    io_size: int
    start_ms: int

    def frames(self) -> Iterator[Frame]:
        return generate_frames(self)


def new_capture(
    seed: int,
    max_frames: int | None = 5000,
    target_payload_bytes: int | None = None,
    io_size: int = 4096,
    start_ms: int = 1_735_689_600_000,  # 2025-01-01T00:00:00Z
) -> Capture:
    rng = random.Random(seed)
    return Capture(
        trace_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        session_id="0x%016x" % rng.getrandbits(64),
        seed=seed,
        max_frames=max_frames,
        target_payload_bytes=target_payload_bytes,
        io_size=io_size,
        start_ms=start_ms,
    )


def generate_frames(cap: Capture) -> Iterator[Frame]:
    rng = random.Random(cap.seed ^ 0x5EED)
    state = {"frame": 0, "msg": 0, "ts": cap.start_ms, "payload": 0}
    tree_id = rng.randrange(1, 0xFFFF)

    def done() -> bool:
        if cap.max_frames is not None and state["frame"] + 2 > cap.max_frames - 4:
            return True
        if cap.target_payload_bytes is not None and state["payload"] >= cap.target_payload_bytes:
            return True
        return False

    def exchange(command, path=None, req_payload=0, resp_payload=0, status="STATUS_SUCCESS", tid=None):
        tid = tree_id if tid is None else tid
        out = []
        req_body, resp_body = BODY_BYTES[command]
        for is_resp, body, payload in ((False, req_body, req_payload), (True, resp_body, resp_payload)):
            if is_resp:
                state["ts"] += rng.choice((0, 1, 1, 2, 3, 8))  # server latency
            out.append(
                Frame(
                    frameNo=state["frame"],
                    timestamp=state["ts"],
                    command=command,
                    isResponse=is_resp,
                    messageId=state["msg"],
                    status=status if is_resp else "STATUS_PENDING",
                    treeId=tid,
                    filePath=path,
                    size=HEADER_BYTES + body + payload,
                    payloadSize=payload,
                )
            )
            state["frame"] += 1
            state["payload"] += payload
        state["msg"] += 1
        state["ts"] += rng.choice((0, 0, 1, 2, 5, 20))  # client think time
        return out

    yield from exchange("NEGOTIATE", resp_payload=120, tid=0)
    yield from exchange("SESSION_SETUP", req_payload=74, resp_payload=178, status="STATUS_MORE_PROCESSING_REQUIRED", tid=0)
    yield from exchange("SESSION_SETUP", req_payload=346, resp_payload=29, tid=0)
    share = rng.choice(SHARES)
    yield from exchange("TREE_CONNECT", req_payload=2 * len(share) + 20, tid=0)
    while not done():
        path = f"{share}\\{rng.choice(NAMES)}_{rng.randrange(1000)}{rng.choice(EXTS)}"
        missing = rng.random() < 0.05
        yield from exchange("CREATE", path, req_payload=2 * len(path), status="STATUS_OBJECT_NAME_NOT_FOUND" if missing else "STATUS_SUCCESS")
        if missing:
            continue
        if rng.random() < 0.3 and not done():
            yield from exchange("QUERY_INFO", path, resp_payload=rng.choice((24, 40, 104)))
        writing = rng.random() < 0.35
        for _ in range(rng.randrange(1, 12)):
            if done():
                break
            n = rng.choice((cap.io_size, cap.io_size, cap.io_size, rng.randrange(1, cap.io_size + 1)))
            if writing:
                yield from exchange("WRITE", path, req_payload=n)
            else:
                yield from exchange("READ", path, resp_payload=n)
        if cap.max_frames is None or state["frame"] + 2 <= cap.max_frames - 4:
            yield from exchange("CLOSE", path)
    yield from exchange("TREE_DISCONNECT")
    yield from exchange("LOGOFF", tid=0)
