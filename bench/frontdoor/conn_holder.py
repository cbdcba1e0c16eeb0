#!/usr/bin/env python3
"""Holds many TCP connections to an HTTP server, for the front-door benchmarks.

  conn_holder.py idle    --port P --count 10000 --hold 30   # keep-alive connections, one request each, then silent
  conn_holder.py trickle --port P --count 2000 --hold 40 --interval 1
                                                            # request heads sent one byte per interval

One thread, one epoll loop. Every connection is bounded by --hold seconds; at the end a JSON
line on stdout says how many were opened, failed, answered, and closed by the server (with the
seconds from open to close: for `trickle`, that is when the header deadline cut it off).
`--ready-file PATH` is written once every connection is open (the load can start then).
"""

from __future__ import annotations

import argparse
import errno
import json
import resource
import selectors
import socket
import statistics
import sys
import time


def raise_nofile(want: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(max(soft, want), hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


class Conn:
    __slots__ = ("sock", "opened", "closed", "sent", "answered", "pending")

    def __init__(self, sock: socket.socket, opened: float):
        self.sock = sock
        self.opened = opened
        self.closed: float | None = None
        self.sent = 0
        self.answered = False
        self.pending = b""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["idle", "trickle"])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--hold", type=float, default=30.0, help="seconds to hold, then close all")
    ap.add_argument("--interval", type=float, default=1.0, help="trickle: seconds between bytes")
    ap.add_argument("--open-rate", type=int, default=2000, help="new connections per second")
    ap.add_argument("--ready-file", default="")
    args = ap.parse_args()
    if not 0 < args.count <= 60000 or not 0 < args.hold <= 600:
        ap.error("--count 1..60000, --hold up to 600 s")
    raise_nofile(args.count + 64)

    head = (f"GET /minio/health/live HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
            "User-Agent: cairn-bench-conn-holder\r\n\r\n").encode()
    sel = selectors.DefaultSelector()
    conns: list[Conn] = []
    failed = 0
    start = time.monotonic()
    deadline = start + args.hold

    # Open at a bounded rate so the listen backlog is not the thing being measured.
    while len(conns) + failed < args.count and time.monotonic() < deadline:
        batch_end = time.monotonic() + 0.05
        for _ in range(max(1, args.open_rate // 20)):
            if len(conns) + failed >= args.count:
                break
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect((args.host, args.port))
            except BlockingIOError:
                pass
            except OSError:
                failed += 1
                s.close()
                continue
            c = Conn(s, time.monotonic())
            c.pending = head if args.mode == "idle" else b""
            conns.append(c)
            sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE, c)
        pump(sel, args, head, 0.0)
        left = batch_end - time.monotonic()
        if left > 0:
            pump(sel, args, head, left)
    if args.ready_file:
        with open(args.ready_file, "w") as f:
            f.write(f"{len(conns)}\n")

    next_trickle = time.monotonic()
    while time.monotonic() < deadline and any(c.closed is None for c in conns):
        now = time.monotonic()
        if args.mode == "trickle" and now >= next_trickle:
            for c in conns:
                if c.closed is None and c.sent < len(head) - 1:  # never complete the head
                    send(c, head[c.sent:c.sent + 1], sel)
            next_trickle = now + args.interval
        pump(sel, args, head, min(0.2, max(0.0, deadline - now)))

    still_open = [c for c in conns if c.closed is None]
    closed = [c.closed - c.opened for c in conns if c.closed is not None]
    for c in conns:
        try:
            c.sock.close()
        except OSError:
            pass
    report = {
        "mode": args.mode,
        "requested": args.count,
        "opened": len(conns),
        "failed_to_open": failed,
        "answered": sum(c.answered for c in conns),
        "closed_by_server": len(closed),
        "still_open_at_end": len(still_open),
        "close_after_s": ({"min": round(min(closed), 3), "median": round(statistics.median(closed), 3),
                           "max": round(max(closed), 3)} if closed else None),
        "held_s": round(time.monotonic() - start, 3),
    }
    print(json.dumps(report))
    return 0


def send(c: Conn, data: bytes, sel: selectors.BaseSelector) -> None:
    try:
        c.sock.send(data)
        c.sent += len(data)
    except (BlockingIOError, InterruptedError):
        pass
    except OSError:
        close(c, sel)


def close(c: Conn, sel: selectors.BaseSelector) -> None:
    if c.closed is None:
        c.closed = time.monotonic()
        try:
            sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass


def pump(sel: selectors.BaseSelector, args, head: bytes, timeout: float) -> None:
    for key, events in sel.select(timeout):
        c: Conn = key.data
        if c.closed is not None:
            continue
        if events & selectors.EVENT_WRITE:
            err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err not in (0, errno.EINPROGRESS):
                close(c, sel)
                continue
            if c.pending:
                try:
                    n = c.sock.send(c.pending)
                    c.sent += n
                    c.pending = c.pending[n:]
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    close(c, sel)
                    continue
            if not c.pending:
                sel.modify(c.sock, selectors.EVENT_READ, c)
        if events & selectors.EVENT_READ:
            try:
                data = c.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                close(c, sel)
                continue
            if not data:
                close(c, sel)
            else:
                c.answered = True


if __name__ == "__main__":
    sys.exit(main())
