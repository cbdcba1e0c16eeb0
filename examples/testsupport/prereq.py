"""What a test raises when something it needs is absent (PostgreSQL, the binary): a skip on a
developer's machine, a failure under CI (CI=true), where a skip would hide a broken install."""

import os
import unittest


def missing_prerequisite(reason: str) -> Exception:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        return AssertionError(f"missing under CI: {reason}")
    return unittest.SkipTest(reason)
