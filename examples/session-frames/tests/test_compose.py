"""docker-compose.yml: the cairn service checked and run without Docker."""

import unittest

from . import HERE  # noqa: F401  (sets sys.path)
from testsupport.compose import EXAMPLES, ComposeCheck


class ComposeTest(ComposeCheck, unittest.TestCase):
    COMPOSE = EXAMPLES / "session-frames" / "docker-compose.yml"


if __name__ == "__main__":
    unittest.main()
