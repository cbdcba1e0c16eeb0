"""Reading a process's memory and threads from /proc, for tests and benchmarks that bound them."""

from __future__ import annotations

import threading
import time


def status_kib(pid: int, field: str) -> int | None:
    """A field of /proc/PID/status as a number (VmRSS, VmHWM in KiB; Threads); None once the
    process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class ProcSampler(threading.Thread):
    """Samples VmRSS and Threads of `pid` every `period` seconds until stopped (or the process
    ends): `samples` holds (seconds since start, VmRSS KiB); `peak_kib` and `peak_threads` the
    highest seen."""

    def __init__(self, pid: int, period: float = 0.1):
        super().__init__(daemon=True)
        self.pid, self.period = pid, period
        self.samples: list[tuple[float, int]] = []
        self.peak_kib = 0
        self.peak_threads = 0
        self._halt = threading.Event()

    def run(self):
        t0 = time.monotonic()
        while not self._halt.wait(self.period):
            rss = status_kib(self.pid, "VmRSS")
            if rss is None:
                return
            self.samples.append((time.monotonic() - t0, rss))
            self.peak_kib = max(self.peak_kib, rss)
            self.peak_threads = max(self.peak_threads, status_kib(self.pid, "Threads") or 0)

    def stop(self):
        self._halt.set()
        self.join(timeout=5)
