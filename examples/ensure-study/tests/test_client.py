"""The ensure-study client against a real `cairn server` set up through S3 and the admin API
(no command-line client needed)."""

import unittest

from . import HERE  # noqa: F401  (sets sys.path)
from testsupport.cairn import CairnServer

from .platform_setup import APP_SECRET, APP_USER, setup_with_boto3
from .scenario import PlatformScenario


class ClientTest(PlatformScenario, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = CairnServer(user="minioadmin", password="minioadmin123").start()
        cls.addClassCleanup(cls.server.cleanup)
        reason = setup_with_boto3(cls.server)
        if reason is not None:
            raise AssertionError(f"could not create the ensure-study user: {reason}")
        cls.app_credentials = (APP_USER, APP_SECRET)


if __name__ == "__main__":
    unittest.main()
