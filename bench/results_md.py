"""What the benchmark drivers share for reporting: medians with their spread, and writing a
driver's report to its own RESULTS.md and as a marked section of bench/RESULTS.md."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def med(cells: list[dict], field: str) -> tuple[float, float, float]:
    """The median, min and max of `field` over the rounds' cells."""
    values = [c[field] for c in cells]
    return statistics.median(values), min(values), max(values)


def spread(triple: tuple[float, float, float], digits: int = 1) -> str:
    """A med() triple as a report cell: "median (min-max)" with `digits` decimals."""
    m, lo, hi = triple
    return f"{m:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"


def write_section(own: Path, marker: str, text: str) -> None:
    """`text` becomes `own` (the driver's RESULTS.md) and replaces the section between
    `<!-- marker:begin -->` and `<!-- marker:end -->` in bench/RESULTS.md (appended if absent)."""
    own.write_text(text)
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    path = REPO / "bench" / "RESULTS.md"
    body = path.read_text() if path.exists() else ""
    section = f"{begin}\n{text}{end}\n"
    if begin in body:
        body = re.sub(re.escape(begin) + ".*?" + re.escape(end) + "\n", lambda _: section, body,
                      flags=re.S)
    else:
        body = body.rstrip("\n") + "\n\n" + section
    path.write_text(body)
