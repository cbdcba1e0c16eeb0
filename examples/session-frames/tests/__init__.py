import sys
from pathlib import Path

# examples/ (for testsupport) and examples/session-frames/ (for the frames package).
HERE = Path(__file__).resolve().parent
for p in (HERE.parents[1], HERE.parent):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))
